/**
 * One policy set, every enforcement point: each workload of workloads.ts is judged by `check` (runCheck, the
 * CLI's code path, through prepare), by `serve` (the webhook over real HTTPS on 127.0.0.1) and by `report`
 * (runReport over the workloads' billing rows), all under ONE tollgate.yaml that sets a custom price catalog,
 * usage hours, hours per month and namespace mappings. Same rule ids, same verdicts; where a point cannot see
 * a fact, the table says which rules are not applicable or unpriced there, and this suite asserts exactly that.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../src/cli/check.js';
import { runReport } from '../../src/cli/report-run.js';
import { loadConfig } from '../../src/config/config.js';
import type { Decision } from '../../src/model/decision.js';
import type { Resource } from '../../src/model/resource.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import { policyInputFor } from '../../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { post } from '../webhook/https-client.js';
import { present } from '../present.js';
import { reviewFor } from '../webhook/reviews.js';
import { startTestServer, type TestServer } from '../webhook/test-server.js';
import { CUSTOM_A2_HIGHGPU_1G_HOURLY, CUSTOM_P4D_HOURLY, HOURS_PER_MONTH, writeParityFiles, type ParityFiles } from './files.js';
import { WORKLOADS, type Verdict, type Verdicts, type Workload } from './workloads.js';

const NOW = '2026-11-23T00:00:00Z';

/** Rules that read input.resources: the report judges no resources, so none of them applies there. */
const RESOURCE_RULES = /^TG-(GPU|INS|REG|TAG|ENC|REV)-/;

interface CheckJson {
  readonly violations: ReadonlyArray<{ rule: string }>;
  readonly warnings: ReadonlyArray<{ rule: string }>;
  readonly recommendations: ReadonlyArray<{ rule: string; resource: string; monthly_savings_usd: number }>;
  readonly costs?: {
    resources: ReadonlyArray<{ address: string; hourlyOnDemand: number | null; hoursPerMonth: number; monthlyAfter: number | null }>;
  };
}

function verdictsOf(decision: {
  violations: ReadonlyArray<{ rule: string }>;
  warnings: ReadonlyArray<{ rule: string }>;
}): Record<string, Verdict> {
  const verdicts: Record<string, Verdict> = {};
  for (const finding of decision.warnings) verdicts[finding.rule] = 'warning';
  for (const finding of decision.violations) verdicts[finding.rule] = 'violation';
  return verdicts;
}

/** What the API server learns: denied with rules in the message, or allowed with warnings; and the audit annotation. */
function verdictsOfResponse(response: {
  allowed: boolean;
  status?: { message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}): Record<string, Verdict> {
  const verdicts: Record<string, Verdict> = {};
  for (const line of response.warnings ?? []) {
    const rule = /^(TG-[A-Z]+-[A-Z0-9]+):/.exec(line)?.[1];
    if (rule) verdicts[rule] = 'warning';
  }
  for (const rule of (response.status?.message ?? '').match(/TG-[A-Z]+-[A-Z0-9]+(?=:)/g) ?? []) verdicts[rule] = 'violation';
  const annotated = response.auditAnnotations?.rules ?? 'none';
  expect(annotated === 'none' ? [] : annotated.split(',')).toEqual(Object.keys(verdicts).sort());
  return verdicts;
}

function servedExpectation(workload: Workload): Verdicts {
  return workload.expected;
}

function checkExpectation(workload: Workload): Verdicts {
  return { ...workload.expected, ...workload.checkOnly };
}

let dir: string;
let files: ParityFiles;
/** Undefined until beforeAll has started it (and if starting failed). */
let server: TestServer | undefined;
const running = (): TestServer => present(server, 'the webhook server started by beforeAll');
const checked = new Map<string, CheckJson>();
let reportDecision: Pick<Decision, 'violations' | 'warnings'> & { month_to_date: number };

function planFile(workload: Workload, index: number): string {
  const file = join(dir, `plan-${index}.json`);
  writeFileSync(
    file,
    JSON.stringify({ format_version: '1.2', terraform_version: '1.9.8', resource_changes: [workload.terraform] }, null, 2),
  );
  return file;
}

async function check(args: { plan?: string; inventory?: string }, name: string): Promise<CheckJson> {
  const out = join(dir, `${name}.json`);
  await runCheck({ ...args, config: files.config, format: [`json=${out}`], now: NOW, color: false, failOn: 'never' });
  return JSON.parse(readFileSync(out, 'utf8')) as CheckJson;
}

function billingCsv(): string {
  const rows = WORKLOADS.flatMap((workload) => workload.billing);
  const columns = Object.keys(rows[0] ?? {});
  const cell = (value: string | number): string => (typeof value === 'number' ? String(value) : `"${value.replaceAll('"', '""')}"`);
  return [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column] ?? '')).join(','))].join('\n') + '\n';
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-parity-'));
  files = writeParityFiles(dir);
  server = await startTestServer({ configFile: files.config, inventoryFile: files.inventory });
  for (const [index, workload] of WORKLOADS.entries()) {
    checked.set(workload.name, await check({ plan: planFile(workload, index), inventory: files.inventory }, `check-${index}`));
  }
  mkdirSync(join(dir, 'billing'));
  writeFileSync(join(dir, 'billing', 'focus.csv'), billingCsv());
  const out = join(dir, 'report');
  const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await runReport({
      config: files.config,
      source: [`focus:${join(dir, 'billing')}`],
      out,
      now: NOW,
      history: join(dir, 'history.duckdb'),
      tagKey: [],
    });
  } finally {
    quiet.mockRestore();
  }
  reportDecision = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as typeof reportDecision;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(WORKLOADS.map((workload) => [workload.name, workload] as const))('%s', (_, workload) => {
  it('check decides as the table says', () => {
    const result = present(checked.get(workload.name), `the check result of ${workload.name}`);
    expect(verdictsOf(result)).toEqual(checkExpectation(workload));
  });

  it('serve, over HTTPS, reaches the same rules and verdicts (except where the table says it cannot see the fact)', async () => {
    const reply = await post(running().port, running().tls.ca, reviewFor(workload.kubernetes));
    expect(reply.status).toBe(200);
    const response = (reply.json() as { response: Parameters<typeof verdictsOfResponse>[0] }).response;
    const served = verdictsOfResponse(response);
    expect(served).toEqual(servedExpectation(workload));
    expect(response.allowed).toBe(!Object.values(served).includes('violation'));
    for (const [rule, verdict] of Object.entries(checkExpectation(workload))) {
      if (workload.serveDiffers?.[rule] === 'pass') expect(served[rule], `${rule}: ${workload.because}`).toBeUndefined();
      else expect(served[rule], rule).toBe(verdict);
    }
  });

  it('the report has no resources: none of the resource rules applies there', () => {
    expect(Object.keys(verdictsOf(reportDecision)).filter((rule) => RESOURCE_RULES.test(rule))).toEqual([]);
  });
});

describe('what one tollgate.yaml means at every point', () => {
  it('the report over all the billing rows passes (no budget, anomaly or expiring exemption)', () => {
    // 14 days of every workload's rows, 9 of them in November.
    expect(reportDecision.month_to_date).toBeGreaterThan(0);
    expect(verdictsOf(reportDecision)).toEqual({});
  });

  it('check prices with pricing.catalog (relative to tollgate.yaml), pricing.usage and hours_per_month', () => {
    const trainer = checked
      .get(present(WORKLOADS[0], 'a first workload').name)
      ?.costs?.resources.find((cost) => cost.address === 'aws_instance.trainer');
    // 200 h from pricing.usage at the negotiated rate, plus the 100 GiB gp3 root disk billed all month ($8).
    expect(trainer).toMatchObject({
      hourlyOnDemand: CUSTOM_P4D_HOURLY,
      hoursPerMonth: HOURS_PER_MONTH,
      monthlyAfter: CUSTOM_P4D_HOURLY * 200 + 8,
    });
    const ranker = checked
      .get(present(WORKLOADS[3], 'a fourth workload').name)
      ?.costs?.resources.find((cost) => cost.address === 'aws_instance.ranker');
    expect(ranker?.hoursPerMonth).toBe(HOURS_PER_MONTH);
  });

  it('serve prices the admitted object with the same settings; a Pod has no catalog price, so it is unpriced, never free', () => {
    const policy = running().policy.current;
    if (policy === null) throw new Error('no policy loaded');
    for (const workload of WORKLOADS) {
      const input = policyInputFor(parseAdmissionReview(reviewFor(workload.kubernetes)), policy, new Date(NOW));
      const [resource] = input.resources as Resource[];
      expect(resource?.cost?.monthlyAfter).toBeNull();
      expect(resource?.cost?.unpriced).toMatch(/no price for|unknown/);
      expect(resource?.cost?.hoursPerMonth).toBe(HOURS_PER_MONTH);
      expect(input.costs).toMatchObject({ unpricedResources: 1, monthlyAfter: 0 });
    }
    // The served state holds the configured catalog, loaded once with the policy.
    expect(policy.settings.catalogFile).toBe(files.catalog);
  });

  // Before prepare, serve joined the accelerator offers of the BUILT-IN catalog while check used pricing.catalog:
  // with negotiated A100 prices, check saw no quantization saving and serve recommended one.
  it('the quantization rule decides the same at check and serve, with the configured catalog', () => {
    const policy = running().policy.current;
    if (policy === null) throw new Error('no policy loaded');
    const quantization = (recommendations: ReadonlyArray<{ rule: string; resource: string; monthly_savings_usd: number }>) =>
      recommendations.filter((r) => r.rule === 'TG-SAV-QUANT').map((r) => `${r.resource} ${r.monthly_savings_usd}`);
    for (const workload of WORKLOADS) {
      const served = policy.engine.evaluate(policyInputFor(parseAdmissionReview(reviewFor(workload.kubernetes)), policy, new Date(NOW)));
      expect(quantization(served.recommendations)).toEqual(quantization(checked.get(workload.name)?.recommendations ?? []));
      expect(quantization(served.recommendations)).toEqual([]);
    }
    const offer = policy.settings.acceleratorOffers().offers.find((o) => o.instance_type === 'a2-highgpu-1g' && o.region === 'us-central1');
    expect(offer?.hourly_usd).toBe(CUSTOM_A2_HIGHGPU_1G_HOURLY);
  });

  it('the same inventory under the built-in catalog does recommend quantization: the catalog is what decides', async () => {
    const loaded = loadConfig(files.config);
    const builtin = prepareSettings({ ...loaded, config: { ...loaded.config, pricing: { ...loaded.config.pricing, catalog: undefined } } });
    const configured = prepareSettings(loaded);
    const policy = running().policy.current;
    if (policy === null) throw new Error('no policy loaded');
    const judge = async (settings: typeof builtin) =>
      policy.engine
        .evaluate(
          await prepare({
            subject: { kind: 'plan', plan: null, source: files.inventory },
            sources: { inventoryFile: files.inventory },
            settings,
            now: NOW,
          }),
        )
        .recommendations.filter((r) => r.rule === 'TG-SAV-QUANT')
        .map((r) => r.resource)
        .filter((resource, i, all) => all.indexOf(resource) === i);
    expect(await judge(builtin)).toEqual(['google_vertex_ai_endpoint.summarizer']);
    expect(await judge(configured)).toEqual([]);
    // And check's audit of the inventory alone agrees with the configured catalog.
    const audit = await check({ inventory: files.inventory }, 'audit');
    expect(audit.recommendations.filter((r) => r.rule === 'TG-SAV-QUANT')).toEqual([]);
  });
});
