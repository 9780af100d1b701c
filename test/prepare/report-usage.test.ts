/**
 * The savings input (input.report.usage) read from a history: a FOCUS export written here, imported through
 * the real reader into a real DuckDB history, then readReportUsage. Window: the 10 days before 2026-03-11
 * (2026-03-01 to 03-10). Worked by hand:
 * - i-daily: one on-demand row a day, 10 + day (11 … 20), except day 5 at 0: 155 − 15 = 140 in the window,
 *   9 days with on-demand spend, never under 11. Its tags name a model and a workload (key written "Workload").
 * - i-hourly: the same kind of figures from two on-demand rows a day of 3.005 (6.01 a day), no EffectiveCost
 *   (so BilledCost counts), and on day 3 a credit of −6.01 that leaves that day with no on-demand spend:
 *   10 × 6.01 − 6.01 = 54.09, 9 days, never under 6.01; plus 2.50 of spot on day 1.
 * - "Amazon S3 / sku-s3" (no ResourceId): 0.3333 a day for 3 days with no PricingCategory: 0.9999, rounded
 *   once to 1.00 (not 3 × 0.33).
 * - ep-1 runs on Savings Plan sp-1 at 60/day (Used): 600 committed; sp-1 leaves 20/day unused on a row with no
 *   resource: 200 unused, counted for the commitment only.
 * - Rows on 2026-02-28 and on 2026-03-11 are outside the window.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostHistory } from '../../src/billing/history.js';
import { importSources, parseSourceSpec } from '../../src/billing/sources.js';
import { readReportUsage, type ReportUsage } from '../../src/prepare/report-usage.js';

const TODAY = '2026-03-11';
const SP = 'arn:aws:savingsplans::111122223333:savingsplan/sp-1';

const HEADER =
  'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceProviderName,ServiceName,ResourceId,ResourceType,' +
  'SkuId,PricingCategory,Tags,x_InstanceType,CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountType,CommitmentDiscountCategory,' +
  'CommitmentDiscountStatus';

interface Line {
  readonly day: number;
  readonly hour?: number;
  readonly billed: string;
  readonly effective?: string;
  readonly service: string;
  readonly resource?: string;
  readonly type?: string;
  readonly sku?: string;
  readonly pricing?: string;
  readonly tags?: Record<string, string>;
  readonly instanceType?: string;
  readonly commitment?: 'Used' | 'Unused';
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function csv(lines: readonly Line[]): string {
  const at = (day: number, hour: number): string => {
    const date = new Date(Date.UTC(2026, 2, day, hour));
    return date.toISOString().replace('.000', '');
  };
  const quote = (text: string): string => (/[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const rows = lines.map((line) => {
    const hour = line.hour ?? 0;
    return [
      at(line.day, hour),
      at(line.day, line.hour === undefined ? 24 : hour + 12),
      line.billed,
      line.effective ?? '',
      'USD',
      'Amazon Web Services',
      line.service,
      line.resource ?? '',
      line.type ?? '',
      line.sku ?? '',
      line.pricing ?? '',
      JSON.stringify(line.tags ?? {}),
      line.instanceType ?? '',
      line.commitment ? SP : '',
      line.commitment ? 'sp one' : '',
      line.commitment ? 'Savings Plan' : '',
      line.commitment ? 'Spend' : '',
      line.commitment ?? '',
    ]
      .map(quote)
      .join(',');
  });
  return `${HEADER}\n${rows.join('\n')}\n`;
}

const EC2 = 'Amazon Elastic Compute Cloud';

const LINES: readonly Line[] = [
  ...range(1, 10).map((day) => {
    const cost = day === 5 ? '0' : String(10 + day);
    return {
      day,
      billed: cost,
      effective: cost,
      service: EC2,
      resource: 'i-daily',
      type: 'Virtual Machine',
      sku: 'sku-g5',
      pricing: 'Standard',
      tags: { team: 'ml', Workload: 'Training', 'tollgate.io/model': 'llm@2' },
      instanceType: 'g5.xlarge',
    };
  }),
  ...range(1, 10).flatMap((day) =>
    [0, 12].map((hour) => ({ day, hour, billed: '3.005', service: EC2, resource: 'i-hourly', sku: 'sku-p4', pricing: 'Standard' })),
  ),
  { day: 3, hour: 6, billed: '-6.01', service: EC2, resource: 'i-hourly', sku: 'sku-p4', pricing: 'Standard' },
  { day: 1, hour: 6, billed: '2.5', service: EC2, resource: 'i-hourly', sku: 'sku-p4', pricing: 'Dynamic' },
  ...range(1, 3).map((day) => ({ day, billed: '0.3333', effective: '0.3333', service: 'Amazon S3', sku: 'sku-s3' })),
  ...range(1, 10).flatMap((day): Line[] => [
    { day, billed: '0', effective: '60', service: 'Amazon SageMaker', resource: 'ep-1', pricing: 'Committed', commitment: 'Used' },
    { day, billed: '20', effective: '20', service: 'Savings Plans', pricing: 'Committed', commitment: 'Unused' },
  ]),
  // Outside the window: the day before it starts, and today.
  { day: 0, billed: '1000', effective: '1000', service: EC2, resource: 'i-daily', pricing: 'Standard' },
  { day: 11, billed: '1000', effective: '1000', service: EC2, resource: 'i-daily', pricing: 'Standard' },
];

const offline = (): never => {
  throw new Error('offline');
};

/** The export imported into a fresh history in `dir`, then the savings input of the 10 days before TODAY. */
async function usageOf(dir: string, name: string, lines: readonly Line[]): Promise<ReportUsage> {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, csv(lines));
  const history = await CostHistory.open(join(dir, `${name}.duckdb`));
  try {
    await importSources(history, [parseSourceSpec(`focus:${file}`)], {
      today: TODAY,
      days: 40,
      tagKeys: ['team'],
      retentionDays: 400,
      refresh: false,
      cacheDir: dir,
      clients: { aws: offline, azure: offline, bigquery: offline },
    });
    return await readReportUsage(history, TODAY, 10);
  } finally {
    history.close();
  }
}

describe('readReportUsage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-usage-'));
  let usage: ReportUsage;

  beforeAll(async () => {
    usage = await usageOf(dir, 'focus', LINES);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('states the window and the days it has spend for', () => {
    expect([usage.from, usage.to, usage.days_with_data]).toEqual(['2026-03-01', '2026-03-10', 10]);
  });

  it('gives each billed resource only the fields the savings rules read, in provider and resource order', () => {
    expect(usage.resources).toStrictEqual([
      {
        resource: 'Amazon S3 / sku-s3',
        provider: 'aws',
        service: 'Amazon S3',
        sku: 'sku-s3',
        instance_type: null,
        cost: { standard: 0, dynamic: 0, committed: 0, other: 1 },
        standard_days: 0,
      },
      {
        resource: 'ep-1',
        provider: 'aws',
        service: 'Amazon SageMaker',
        sku: null,
        instance_type: null,
        cost: { standard: 0, dynamic: 0, committed: 600, other: 0 },
        standard_days: 0,
      },
      {
        resource: 'i-daily',
        provider: 'aws',
        service: EC2,
        resource_type: 'Virtual Machine',
        sku: 'sku-g5',
        instance_type: 'g5.xlarge',
        tags: { Workload: 'Training' },
        model: { id: 'llm', version: '2' },
        cost: { standard: 140, dynamic: 0, committed: 0, other: 0 },
        standard_days: 9,
        min_daily_standard: 11,
      },
      {
        resource: 'i-hourly',
        provider: 'aws',
        service: EC2,
        sku: 'sku-p4',
        instance_type: null,
        cost: { standard: 54.09, dynamic: 2.5, committed: 0, other: 0 },
        standard_days: 9,
        min_daily_standard: 6.01,
      },
    ]);
  });

  it('counts a commitment’s used and unused spend, the unused rows being no resource’s', () => {
    expect(usage.commitments).toStrictEqual([
      { id: SP, name: 'sp one', provider: 'aws', type: 'Savings Plan', category: 'Spend', used: 600, unused: 200 },
    ]);
  });

  it('sums each provider’s rounded on-demand and committed amounts', () => {
    expect(usage.providers).toStrictEqual({ aws: { standard: 194.09, committed: 600 } });
  });

  it('gives the same figures for a resource whether its days come as one row or several', async () => {
    // i-hourly's on-demand days written as one row a day: 6.01, and 0 on day 3.
    const asDaily = range(1, 10).map((day): Line => ({
      day,
      billed: day === 3 ? '0' : '6.01',
      service: EC2,
      resource: 'i-hourly',
      sku: 'sku-p4',
      pricing: 'Standard',
    }));
    const [daily] = (await usageOf(dir, 'daily', asDaily)).resources;
    const hourly = usage.resources.find((resource) => resource.resource === 'i-hourly');
    expect(daily).toMatchObject({ resource: 'i-hourly', standard_days: 9, min_daily_standard: 6.01, cost: { standard: 54.09 } });
    expect([daily?.standard_days, daily?.min_daily_standard, daily?.cost.standard]).toEqual([
      hourly?.standard_days,
      hourly?.min_daily_standard,
      hourly?.cost.standard,
    ]);
  });

  it('refuses a window that is not a whole number of days', async () => {
    const history = await CostHistory.open(':memory:');
    try {
      await expect(readReportUsage(history, TODAY, 0)).rejects.toThrow('the usage window is a whole number of days, not 0');
    } finally {
      history.close();
    }
  });
});
