/**
 * Wall and CPU time of each DuckDB statement a FOCUS CSV and a Parquet import run (staging and the commit to
 * history), at ROWS rows (default 1,000,000), on the same generated data as bench/report.ts: where the import's
 * time goes. Statements under 20 ms are not shown; CPU time counts every thread of the process.
 *   ROWS=1000000 node --import tsx bench/import-breakdown.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CostHistory } from '../src/billing/history.js';
import { importSources, parseSourceSpec } from '../src/billing/sources.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-import-'));

async function generate(): Promise<{ csv: string; parquet: string }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const select = `SELECT
      strftime(TIMESTAMP '2025-04-21' + to_days(CAST(i % 60 AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodStart,
      strftime(TIMESTAMP '2025-04-22' + to_days(CAST(i % 60 AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodEnd,
      round((hash(i) % 1000) / 100.0 * CASE WHEN i % 60 = 57 AND (i // 60) % 7 = 0 THEN 5 ELSE 1 END, 4) AS BilledCost,
      round((hash(i) % 1000) / 100.0 * CASE WHEN i % 60 = 57 AND (i // 60) % 7 = 0 THEN 5 ELSE 1 END, 4) AS EffectiveCost,
      round((hash(i) % 1000) / 80.0, 4) AS ListCost, 'USD' AS BillingCurrency,
      ['Amazon Web Services', 'Microsoft', 'Google Cloud'][1 + (i // 60) % 3] AS ServiceProviderName,
      ['Amazon SageMaker', 'Virtual Machines', 'Vertex AI', 'Storage'][1 + (i // 60) % 4] AS ServiceName, 'Compute' AS ServiceCategory,
      'us-east-1' AS RegionId, 'res-' || ((i // 60) % 50000) AS ResourceId, 'Virtual Machine' AS ResourceType,
      ['p4d.24xlarge', 'Standard_NC24ads_A100_v4', 'a2-highgpu-1g', 'm5.large'][1 + (i // 60) % 4] AS SkuId, 'Standard' AS PricingCategory,
      'acct-' || ((i // 60) % 20) AS SubAccountId,
      '{"team":"team-' || ((i // 60) % 40) || '","tollgate.io/model":"model-' || ((i // 60) % 25) || '@1","environment":"prod"}' AS Tags
    FROM range(${ROWS}) t(i)`;
  const csv = join(dir, 'focus.csv');
  const parquet = join(dir, 'focus.parquet');
  await c.run(`COPY (${select}) TO '${csv}' (HEADER, DELIMITER ',')`);
  await c.run(`COPY (${select}) TO '${parquet}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return { csv, parquet };
}

/** Wraps the connection so that every statement's time is printed with the start of its SQL. */
function timed(history: CostHistory): void {
  const connection = history.connection as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  let depth = 0;
  for (const method of ['run', 'runAndReadAll']) {
    const original = connection[method]?.bind(history.connection);
    if (!original) continue;
    connection[method] = async (...args: unknown[]) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      depth += 1;
      try {
        return await original(...args);
      } finally {
        const sql = String(args[0]).replace(/\s+/g, ' ').slice(0, 110);
        depth -= 1;
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpu);
        if (depth === 0 && ms >= 20)
          console.log(
            `  ${(ms / 1000).toFixed(2).padStart(6)} s (CPU ${((used.user + used.system) / 1e6).toFixed(1).padStart(4)} s)  ${sql}`,
          );
      }
    };
  }
}

const { csv, parquet } = await generate();
console.log(
  `${ROWS.toLocaleString('en-US')} rows; load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' / ')}`,
);
for (const file of [csv, parquet]) {
  const history = await CostHistory.open(join(dir, `${Date.now()}.duckdb`));
  timed(history);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const offline = (): never => {
    throw new Error('offline');
  };
  await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: '2025-06-20',
    days: 60,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: { aws: offline, azure: offline, bigquery: offline },
  });
  const used = process.cpuUsage(cpu);
  console.log(
    `${file.endsWith('.csv') ? 'CSV' : 'Parquet'} imported (staged and committed) in ${((performance.now() - started) / 1000).toFixed(2)} s ` +
      `(CPU ${((used.user + used.system) / 1e6).toFixed(1)} s)`,
  );
  history.close();
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
rmSync(dir, { recursive: true, force: true });
