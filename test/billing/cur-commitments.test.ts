/**
 * Commitments from an AWS CUR (legacy column names): a hand-written export of 30 days (2026-03-01 to 03-30)
 * imported through the real reader, prepared and judged by the real opa-wasm bundle, beside the same facts
 * written as FOCUS. Worked by hand (a month is 730 h = 30.41667 days; a window sum × 730 / 24 / 30 is monthly):
 * - i-steady runs on demand at 120/day: a Savings Plan for that baseline, 3,650/month × 28% = 1,022.00/month.
 * - the endpoint's usage is covered by Savings Plan sp-1: 100/day on-demand equivalent (cancelled by the
 *   negation row), 60/day effective cost: 1,800 committed in the window.
 * - sp-1 commits 80/day and uses 60/day: 20/day unused, 600 in the window = 608.33/month; 75% used.
 * - coverage of AWS on-demand-eligible spend: 1,800 / (1,800 + 3,600) = 33.3%.
 * - an RI r-1 covers i-db at 30/day effective (DiscountedUsage) and leaves 10/day unused (RIFee): 75% used,
 *   300 in the window = 304.17/month.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostHistory } from '../../src/billing/history.js';
import { importSources, parseSourceSpec } from '../../src/billing/sources.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { Decision } from '../../src/model/decision.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings, type ReportPolicyInput } from '../../src/prepare/index.js';
import { readReportFacts } from '../../src/report/report-facts.js';

const NOW = '2026-03-31T06:00:00.000Z';
const SP = 'arn:aws:savingsplans::111122223333:savingsplan/sp-1';
const RI = 'arn:aws:ec2:us-east-1:111122223333:reserved-instances/r-1';
const ENDPOINT = 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/chat';
const DAYS = Array.from({ length: 30 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
const next = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const CUR_HEADER = [
  'lineItem/UsageStartDate',
  'lineItem/UsageEndDate',
  'lineItem/LineItemType',
  'lineItem/UsageAccountId',
  'lineItem/ProductCode',
  'lineItem/UsageType',
  'lineItem/ResourceId',
  'lineItem/UnblendedCost',
  'lineItem/CurrencyCode',
  'product/ProductName',
  'product/regionCode',
  'product/instanceType',
  'pricing/term',
  'savingsPlan/SavingsPlanARN',
  'savingsPlan/SavingsPlanEffectiveCost',
  'savingsPlan/TotalCommitmentToDate',
  'savingsPlan/UsedCommitment',
  'reservation/ReservationARN',
  'reservation/EffectiveCost',
  'reservation/UnusedAmortizedUpfrontFeeForBillingPeriod',
  'reservation/UnusedRecurringFee',
  'resourceTags/user:team',
  'resourceTags/user:workload',
];

type CurRow = Partial<Record<(typeof CUR_HEADER)[number], string | number>>;

function curCsv(): string {
  const rows: CurRow[] = [];
  for (const day of DAYS) {
    const at = {
      'lineItem/UsageStartDate': `${day}T00:00:00Z`,
      'lineItem/UsageEndDate': `${next(day)}T00:00:00Z`,
      'lineItem/CurrencyCode': 'USD',
    };
    const ec2 = {
      'lineItem/ProductCode': 'AmazonEC2',
      'product/ProductName': 'Amazon Elastic Compute Cloud',
      'product/regionCode': 'us-east-1',
    };
    const sagemaker = {
      'lineItem/ProductCode': 'AmazonSageMaker',
      'product/ProductName': 'Amazon SageMaker',
      'product/regionCode': 'us-east-1',
    };
    rows.push(
      {
        ...at,
        ...ec2,
        'lineItem/LineItemType': 'Usage',
        'lineItem/UsageType': 'BoxUsage:g5.12xlarge',
        'lineItem/ResourceId': 'i-steady',
        'lineItem/UnblendedCost': 120,
        'product/instanceType': 'g5.12xlarge',
        'pricing/term': 'OnDemand',
        'resourceTags/user:team': 'ml-platform',
        'resourceTags/user:workload': 'serving',
      },
      {
        ...at,
        ...sagemaker,
        'lineItem/LineItemType': 'SavingsPlanCoveredUsage',
        'lineItem/UsageType': 'Host:ml.g5.12xlarge',
        'lineItem/ResourceId': ENDPOINT,
        'lineItem/UnblendedCost': 100,
        'product/instanceType': 'ml.g5.12xlarge',
        'pricing/term': 'OnDemand',
        'savingsPlan/SavingsPlanARN': SP,
        'savingsPlan/SavingsPlanEffectiveCost': 60,
        'resourceTags/user:team': 'ml-platform',
        'resourceTags/user:workload': 'serving',
      },
      {
        ...at,
        ...sagemaker,
        'lineItem/LineItemType': 'SavingsPlanNegation',
        'lineItem/UsageType': 'Host:ml.g5.12xlarge',
        'lineItem/ResourceId': ENDPOINT,
        'lineItem/UnblendedCost': -100,
        'product/instanceType': 'ml.g5.12xlarge',
        'savingsPlan/SavingsPlanARN': SP,
        'resourceTags/user:team': 'ml-platform',
        'resourceTags/user:workload': 'serving',
      },
      {
        ...at,
        'lineItem/ProductCode': 'ComputeSavingsPlans',
        'product/ProductName': 'Savings Plans for AWS Compute usage',
        'lineItem/LineItemType': 'SavingsPlanRecurringFee',
        'lineItem/ResourceId': SP,
        'lineItem/UnblendedCost': 80,
        'savingsPlan/SavingsPlanARN': SP,
        'savingsPlan/TotalCommitmentToDate': 80,
        'savingsPlan/UsedCommitment': 60,
      },
      {
        ...at,
        ...ec2,
        'lineItem/LineItemType': 'DiscountedUsage',
        'lineItem/UsageType': 'BoxUsage:r6i.xlarge',
        'lineItem/ResourceId': 'i-db',
        'lineItem/UnblendedCost': 0,
        'product/instanceType': 'r6i.xlarge',
        'pricing/term': 'Reserved',
        'reservation/ReservationARN': RI,
        'reservation/EffectiveCost': 30,
        'resourceTags/user:team': 'data',
      },
      {
        ...at,
        ...ec2,
        'lineItem/LineItemType': 'RIFee',
        'lineItem/UsageType': 'HeavyUsage:r6i.xlarge',
        'lineItem/ResourceId': '',
        'lineItem/UnblendedCost': 40,
        'pricing/term': 'Reserved',
        'reservation/ReservationARN': RI,
        'reservation/UnusedAmortizedUpfrontFeeForBillingPeriod': 4,
        'reservation/UnusedRecurringFee': 6,
      },
    );
  }
  const cell = (value: string | number | undefined): string => (value === undefined ? '' : String(value));
  return `${CUR_HEADER.join(',')}\n${rows.map((row) => CUR_HEADER.map((name) => cell(row[name])).join(',')).join('\n')}\n`;
}

/** The same facts as a FOCUS export: covered usage at its effective cost, the unused commitment on its own rows. */
function focusCsv(): string {
  const header =
    'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceProviderName,ServiceName,RegionId,ResourceId,SkuId,PricingCategory,Tags,x_InstanceType,CommitmentDiscountId,CommitmentDiscountType,CommitmentDiscountCategory,CommitmentDiscountStatus';
  const tags = (value: Record<string, string>): string => `"${JSON.stringify(value).replaceAll('"', '""')}"`;
  const rows: string[] = [];
  for (const day of DAYS) {
    const at = `${day}T00:00:00Z,${next(day)}T00:00:00Z`;
    rows.push(
      `${at},120,120,USD,Amazon Web Services,Amazon Elastic Compute Cloud,us-east-1,i-steady,,Standard,${tags({ team: 'ml-platform', workload: 'serving' })},g5.12xlarge,,,,`,
      `${at},0,60,USD,Amazon Web Services,Amazon SageMaker,us-east-1,${ENDPOINT},,Committed,${tags({ team: 'ml-platform', workload: 'serving' })},ml.g5.12xlarge,${SP},Savings Plan,Spend,Used`,
      `${at},20,20,USD,Amazon Web Services,Savings Plans for AWS Compute usage,,${SP},,Committed,{},,${SP},Savings Plan,Spend,Unused`,
      `${at},0,30,USD,Amazon Web Services,Amazon Elastic Compute Cloud,us-east-1,i-db,,Committed,${tags({ team: 'data' })},r6i.xlarge,${RI},Reservation,Usage,Used`,
      `${at},10,10,USD,Amazon Web Services,Amazon Elastic Compute Cloud,us-east-1,,,Committed,{},,${RI},Reservation,Usage,Unused`,
    );
  }
  return `${header}\n${rows.join('\n')}\n`;
}

const offline = (): never => {
  throw new Error('offline');
};

interface Judged {
  readonly input: ReportPolicyInput;
  readonly decision: Decision;
  /** Rows imported, and their billed and effective cost in whole cents. */
  readonly imported: { readonly rows: number; readonly billed: number; readonly effective: number };
}

async function judge(dir: string, name: string, text: string, now = NOW): Promise<Judged> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const history = await CostHistory.open(join(dir, `${name}.duckdb`));
  await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: now.slice(0, 10),
    days: 40,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: { aws: offline, azure: offline, bigquery: offline },
  });
  const facts = await readReportFacts(history, {
    today: now.slice(0, 10),
    now,
    days: 40,
    budgets: [],
    environmentTagKeys: [],
    teamTagKey: 'team',
  });
  const input = await prepare({
    subject: { kind: 'report', facts, source: 'test' },
    sources: { history },
    settings: prepareSettings({ file: null, config: {} }),
    now,
  });
  const [imported] = await history.query<{ rows: number; billed: number; effective: number }>(
    'SELECT count(*)::INTEGER AS rows, round(sum(BilledCost) * 100)::DOUBLE AS billed, round(sum(EffectiveCost) * 100)::DOUBLE AS effective FROM cost_records',
  );
  history.close();
  const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
  return { input, decision: engine.evaluate(input), imported: imported ?? { rows: 0, billed: 0, effective: 0 } };
}

const commitmentFigures = (decision: Decision) =>
  decision.recommendations
    .filter((r) => r.rule === 'TG-SAV-COMMIT')
    .map((r) => ({ resource: r.resource, monthly_savings_usd: r.monthly_savings_usd, evidence: r.evidence }))
    .sort((a, b) => a.resource.localeCompare(b.resource));

describe('commitments from an AWS CUR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cur-commitments-'));
  let cur: Judged;
  let focus: Judged;
  beforeAll(async () => {
    cur = await judge(dir, 'cur.csv', curCsv());
    focus = await judge(dir, 'focus.csv', focusCsv());
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads covered usage as committed spend at its effective cost, and the fees as unused commitment', () => {
    const usage = cur.input.report.usage;
    expect(usage?.days_with_data).toBe(30);
    expect(usage?.providers).toEqual({ aws: { standard: 3600, committed: 2700 } });
    expect(usage?.resources.map((u) => [u.resource, u.cost.standard, u.cost.committed])).toEqual([
      [ENDPOINT, 0, 1800],
      ['i-db', 0, 900],
      ['i-steady', 3600, 0],
    ]);
    expect(usage?.commitments.map((c) => [c.id, c.type, c.category, c.used, c.unused])).toEqual([
      [RI, 'Reservation', 'Usage', 900, 300],
      [SP, 'Savings Plan', 'Spend', 1800, 600],
    ]);
  });

  it('reports each commitment used less than 90% with the monthly cost of its unused part', () => {
    const byResource = Object.fromEntries(commitmentFigures(cur.decision).map((r) => [r.resource, r]));
    expect(byResource[SP]?.monthly_savings_usd).toBe(608.33);
    expect(byResource[SP]?.evidence.utilization_percent).toBe(75);
    expect(byResource[RI]?.monthly_savings_usd).toBe(304.17);
    expect(byResource[RI]?.evidence.utilization_percent).toBe(75);
  });

  it('recommends a commitment for the on-demand baseline with the coverage of what is bought', () => {
    const steady = commitmentFigures(cur.decision).find((r) => r.resource === 'i-steady');
    expect(steady?.monthly_savings_usd).toBe(1022);
    // (1,800 + 900) committed / (2,700 + 3,600 on demand) = 42.9%.
    expect(steady?.evidence.coverage_percent).toBe(42.9);
  });

  it('gives the same commitment figures as the same facts written as FOCUS', () => {
    expect(commitmentFigures(cur.decision)).toEqual(commitmentFigures(focus.decision));
    expect(cur.input.report.usage?.providers).toEqual(focus.input.report.usage?.providers);
  });

  const SAMPLE =
    '../shared/realworld/billing/finopsfoundation_focus_converters__focus_converter_base_tests_provider_config_tests_aws_sample-anonymous-aws-export-dataset.csv';
  it.skipIf(!existsSync(SAMPLE))('still reads a real anonymised CUR whose commitment columns are empty (shared/realworld)', async () => {
    const { imported } = await judge(dir, 'real-cur.csv', readFileSync(SAMPLE, 'utf8'), '2023-11-15T00:00:00.000Z');
    expect(imported.rows).toBeGreaterThan(1000);
    // Without commitment rows the effective cost is the unblended cost, row for row.
    expect(imported.effective).toBe(imported.billed);
  });
});
