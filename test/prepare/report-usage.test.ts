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
  readonly commitmentName?: string;
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
      line.commitment ? (line.commitmentName ?? 'sp one') : '',
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

  // Each case's first row in the file is the one a scan would meet first, and is never the one shown, so a
  // reader that keeps the first value it meets gives other figures.
  it('describes a resource billed under several services by the one it spent most on, ties in text order', async () => {
    const lines = range(1, 3).flatMap((day): Line[] => [
      { day, billed: '1', effective: '1', service: 'Virtual Network', resource: 'shared', sku: 'sku-net', pricing: 'Standard' },
      {
        day,
        billed: '5',
        effective: '5',
        service: 'Virtual Machines',
        resource: 'shared',
        type: 'Virtual Machine',
        sku: 'sku-vm',
        pricing: 'Standard',
        instanceType: 'Standard_NC24ads_A100_v4',
      },
      { day, billed: '2', effective: '2', service: 'Storage', resource: 'tied', sku: 'sku-b', pricing: 'Standard' },
      { day, billed: '2', effective: '2', service: 'Backup', resource: 'tied', sku: 'sku-a', pricing: 'Standard' },
    ]);
    const described = (await usageOf(dir, 'services', lines)).resources.map(({ resource, service, resource_type, sku, instance_type }) => ({
      resource,
      service,
      resource_type,
      sku,
      instance_type,
    }));
    expect(described).toStrictEqual([
      {
        resource: 'shared',
        service: 'Virtual Machines',
        resource_type: 'Virtual Machine',
        sku: 'sku-vm',
        instance_type: 'Standard_NC24ads_A100_v4',
      },
      { resource: 'tied', service: 'Backup', resource_type: undefined, sku: 'sku-a', instance_type: null },
    ]);
  });

  it('takes the model and tags of the latest row, rows of the same start by their spend, then in text order', async () => {
    const row = (resource: string, day: number, billed: string, model: string): Line => ({
      day,
      billed,
      effective: billed,
      service: EC2,
      resource,
      pricing: 'Standard',
      tags: { 'tollgate.io/model': model, workload: model.startsWith('zeta') ? 'batch' : 'serving' },
    });
    const lines = [
      ...range(1, 2).map((day) => row('by-spend', day, '9', 'earlier@1')),
      row('by-spend', 3, '1', 'alpha@1'),
      row('by-spend', 3, '3', 'zeta@1'),
      ...range(1, 2).map((day) => row('by-text', day, '9', 'earlier@1')),
      row('by-text', 3, '3', 'zeta@1'),
      row('by-text', 3, '3', 'alpha@1'),
    ];
    const shown = (await usageOf(dir, 'latest', lines)).resources.map(({ resource, model, tags }) => ({ resource, model, tags }));
    expect(shown).toStrictEqual([
      { resource: 'by-spend', model: { id: 'zeta', version: '1' }, tags: { workload: 'batch' } },
      { resource: 'by-text', model: { id: 'alpha', version: '1' }, tags: { workload: 'serving' } },
    ]);
  });

  it('names a commitment whose rows disagree by the rows with the most spend', async () => {
    const lines = range(1, 3).flatMap((day): Line[] => [
      {
        day,
        billed: '1',
        effective: '1',
        service: 'Savings Plans',
        pricing: 'Committed',
        commitment: 'Unused',
        commitmentName: 'sp before',
      },
      { day, billed: '0', effective: '4', service: 'Amazon SageMaker', resource: 'ep-1', pricing: 'Committed', commitment: 'Used' },
    ]);
    expect((await usageOf(dir, 'renamed', lines)).commitments).toStrictEqual([
      { id: SP, name: 'sp one', provider: 'aws', type: 'Savings Plan', category: 'Spend', used: 12, unused: 3 },
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
