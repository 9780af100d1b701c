/**
 * Benchmark of the savings rules on billed spend: for 1,000, 5,000 and 50,000 billed resources (30 days each,
 * most of them recommending) it generates FOCUS rows, imports them into a fresh history, then times the prepare
 * stage (input.report.usage from the history) and the evaluation of the real compiled bundle through opa-wasm,
 * and prints both beside the figures measured before the savings rules were made near-linear.
 *   node --import tsx bench/savings.ts            SIZES=1000,5000 node --import tsx bench/savings.ts
 * DUMP=dir writes each size's policy input as JSON, for `opa eval --profile` on the same input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CostHistory } from '../src/billing/history.js';
import { importSources, parseSourceSpec } from '../src/billing/sources.js';
import { readBundleFile } from '../src/engine/bundle.js';
import { PolicyEngine } from '../src/engine/policy-engine.js';
import { builtinBundlePath } from '../src/package-paths.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';
import { readReportUsage } from '../src/prepare/report-usage.js';
import { readReportFacts } from '../src/report/report-facts.js';

const SIZES = (process.env.SIZES ?? '1000,5000,50000').split(',').map(Number);
/** Prepare + evaluation before (seconds, per size); 1,000 was not measured then. */
const PREVIOUS: Readonly<Record<number, string>> = { 1000: 'not measured', 5000: '10 s', 50000: '179 s' };
const NOW = '2026-04-01T00:00:00.000Z';
const DAYS = 30;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-savings-'));

/**
 * Resource i is billed every day of March 2026. Of every 10: 4 steady serving on demand (TG-SAV-COMMIT),
 * 3 training or batch on demand (TG-SAV-SPOT), 1 serving on a commitment, 1 on spot, 1 storage on demand
 * below any threshold; one commitment per 100 resources, a fifth of it unused.
 */
async function generate(resources: number): Promise<string> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const file = join(dir, `usage-${resources}.parquet`);
  await c.run(`COPY (
    WITH rows AS (
      SELECT r, d, r % 10 AS kind, ['Amazon Web Services', 'Google Cloud', 'Microsoft'][1 + r % 3] AS provider
      FROM range(${resources}) a(r), range(${DAYS}) b(d)
    )
    SELECT
      strftime(TIMESTAMP '2026-03-01' + to_days(CAST(d AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodStart,
      strftime(TIMESTAMP '2026-03-02' + to_days(CAST(d AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodEnd,
      CASE WHEN kind = 9 THEN 0.5 ELSE 100 + (r % 17) + (d % 3) * 5 END AS BilledCost, 'USD' AS BillingCurrency,
      provider AS ServiceProviderName, 'Compute Engine' AS ServiceName, 'Compute' AS ServiceCategory, 'us-east-1' AS RegionId,
      'res-' || r AS ResourceId, 'Virtual Machine' AS ResourceType, 'g5.12xlarge' AS SkuId,
      CASE WHEN kind = 7 THEN 'Committed' WHEN kind = 8 THEN 'Dynamic' ELSE 'Standard' END AS PricingCategory,
      'acct-' || (r % 20) AS SubAccountId,
      '{"team":"team-' || (r % 40) || '","workload":"' || CASE WHEN kind IN (4, 5) THEN 'training' WHEN kind = 6 THEN 'batch' ELSE 'serving' END || '"}' AS Tags,
      CASE WHEN kind = 7 THEN 'commitment-' || (r // 100) END AS CommitmentDiscountId,
      CASE WHEN kind = 7 THEN 'Savings Plan' END AS CommitmentDiscountType,
      CASE WHEN kind = 7 THEN 'Used' END AS CommitmentDiscountStatus
    FROM rows
    UNION ALL
    SELECT strftime(TIMESTAMP '2026-03-01' + to_days(CAST(d AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ'),
      strftime(TIMESTAMP '2026-03-02' + to_days(CAST(d AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ'),
      30, 'USD', 'Amazon Web Services', 'Savings Plans for AWS Compute usage', 'Compute', 'us-east-1', NULL, NULL, 'ComputeSP:1yrNoUpfront',
      'Committed', 'acct-0', '{}', 'commitment-' || k, 'Savings Plan', 'Unused'
    FROM range(${Math.ceil(resources / 100)}) a(k), range(${DAYS}) b(d)
  ) TO '${file}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return file;
}

async function measure(resources: number): Promise<void> {
  const file = await generate(resources);
  const history = await CostHistory.open(join(dir, `history-${resources}.duckdb`));
  const offline = (): never => {
    throw new Error('offline');
  };
  await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: NOW.slice(0, 10),
    days: 40,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: { aws: offline, azure: offline, bigquery: offline },
  });
  const facts = await readReportFacts(history, {
    today: NOW.slice(0, 10),
    now: NOW,
    days: 40,
    budgets: [],
    environmentTagKeys: ['environment'],
    teamTagKey: 'team',
  });
  const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
  const settings = prepareSettings({ file: null, config: {} });
  const started = performance.now();
  const input = await prepare({ subject: { kind: 'report', facts, source: 'bench' }, sources: { history }, settings, now: NOW });
  const prepared = performance.now();
  const decision = engine.evaluate(input);
  const evaluated = performance.now();
  // The savings rules' share of prepare (the rest is the anomaly input), read again on its own.
  const usageStarted = performance.now();
  await readReportUsage(history, NOW.slice(0, 10));
  const usageRead = performance.now() - usageStarted;
  history.close();
  if (process.env.DUMP !== undefined) writeFileSync(join(process.env.DUMP, `savings-input-${resources}.json`), JSON.stringify(input));
  const savings = decision.recommendations.filter((finding) => finding.rule.startsWith('TG-SAV-')).length;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${resources.toLocaleString('en-US').padStart(6)} resources: prepare ${seconds(prepared - started)} (usage ${seconds(usageRead)}), evaluation ${seconds(evaluated - prepared)}, ` +
      `together ${seconds(evaluated - started)} (${savings.toLocaleString('en-US')} savings recommendations; before: ${PREVIOUS[resources] ?? 'not measured'})`,
  );
}

for (const size of SIZES) await measure(size);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
rmSync(dir, { recursive: true, force: true });
