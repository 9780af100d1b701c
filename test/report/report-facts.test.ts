/**
 * The report's facts read from a small history whose every figure is worked out by hand below: the showback
 * by team, cloud, service and model over three periods, the daily series by scope with their trailing means,
 * GPU spend by class, team and model, the currency lines, the covered range and each account's freshness.
 * The same history written before the instance class column gives the same facts once opened (the column is
 * added and filled on open).
 *
 * today 2025-06-04, a 10-day window (from 2025-05-25); both accounts have data through 2025-06-03, so month
 * to date is 1-3 June, the previous month to the same day 1-3 May, and the whole previous month all of May.
 *
 *   day    source cloud account  amount               team    model                 what                    class
 *   05-02  aws    aws   111      10.00 USD            risk    fraud-detector@7      p4d.24xlarge SageMaker  accelerated
 *   05-26  aws    aws   111       4.00 USD            risk    -                     m5.large EC2            cpu
 *   06-01  aws    aws   111      20.00 billed 18 eff. risk    fraud-detector@7      p4d.24xlarge SageMaker  accelerated
 *   06-02  aws    aws   111       5.00 USD            search  ranker--2 (label-safe) g5.xlarge EC2          accelerated
 *   06-03  aws    aws   111       3.00 USD            -       -                     zz9.plural, no service  unknown
 *   06-02  azure  azure sub-1     7.00 EUR (no rate)  risk    -                     Storage                 none
 *   06-03  azure  azure sub-1     2.00 USD            search  -                     Storage                 none
 *
 * The EUR row has no rate: it is on its own currency line and in no sum.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costRecord } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import type { Budget } from '../../src/config/config.js';
import type { CloudProvider } from '../../src/model/cost-record.js';
import { readReportFacts, type ReportFacts } from '../../src/report/report-facts.js';
import { asSingleTable } from '../billing/single-table-history.js';

interface Line {
  readonly day: string;
  readonly source: string;
  readonly provider: CloudProvider;
  readonly account: string;
  readonly billed: bigint;
  readonly effective?: bigint;
  readonly currency?: string;
  readonly tags?: Record<string, string>;
  readonly service?: string;
  readonly sku?: string;
  readonly resourceType?: string;
  readonly extras?: Record<string, string>;
}

const usd = (units: number): bigint => BigInt(units) * 1_000_000n;

const LINES: readonly Line[] = [
  {
    day: '2025-05-02',
    source: 'aws',
    provider: 'aws',
    account: '111',
    billed: usd(10),
    tags: { team: 'risk', 'tollgate.io/model': 'fraud-detector@7' },
    service: 'Amazon SageMaker',
    extras: { x_InstanceType: 'p4d.24xlarge' },
  },
  {
    day: '2025-05-26',
    source: 'aws',
    provider: 'aws',
    account: '111',
    billed: usd(4),
    tags: { team: 'risk' },
    service: 'Amazon EC2',
    sku: 'm5.large',
  },
  {
    day: '2025-06-01',
    source: 'aws',
    provider: 'aws',
    account: '111',
    billed: usd(20),
    effective: usd(18),
    tags: { team: 'risk', 'tollgate.io/model': 'fraud-detector@7' },
    service: 'Amazon SageMaker',
    extras: { x_InstanceType: 'p4d.24xlarge' },
  },
  {
    day: '2025-06-02',
    source: 'aws',
    provider: 'aws',
    account: '111',
    billed: usd(5),
    tags: { team: 'search', 'tollgate-model': 'ranker--2' },
    service: 'Amazon EC2',
    resourceType: 'g5.xlarge',
  },
  { day: '2025-06-03', source: 'aws', provider: 'aws', account: '111', billed: usd(3), extras: { x_InstanceType: 'zz9.plural' } },
  {
    day: '2025-06-02',
    source: 'azure',
    provider: 'azure',
    account: 'sub-1',
    billed: usd(7),
    currency: 'EUR',
    tags: { team: 'risk' },
    service: 'Storage',
  },
  { day: '2025-06-03', source: 'azure', provider: 'azure', account: 'sub-1', billed: usd(2), tags: { team: 'search' }, service: 'Storage' },
];

async function writeHistory(history: CostHistory): Promise<void> {
  const staged = [];
  for (const source of ['aws', 'azure']) {
    const records = LINES.filter((line) => line.source === source).map((line) => ({
      ...costRecord({
        ChargePeriodStart: `${line.day}T00:00:00.000Z`,
        ChargePeriodEnd: `${line.day}T23:59:59.000Z`,
        BilledCost: line.billed,
        EffectiveCost: line.effective ?? null,
        BillingCurrency: line.currency ?? 'USD',
        x_Provider: line.provider,
        SubAccountId: line.account,
        Tags: line.tags ?? {},
        x_Extras: line.extras ?? {},
      }),
      ServiceName: line.service ?? null,
      SkuId: line.sku ?? null,
      ResourceType: line.resourceType ?? null,
    }));
    staged.push({ source, table: await history.stageRecords(source, records) });
  }
  await history.commitStaged(staged, { days: 400, today: '2025-06-04' });
}

function factsOf(history: CostHistory, budgets: readonly Budget[] = []): Promise<ReportFacts> {
  return readReportFacts(history, {
    today: '2025-06-04',
    now: '2025-06-04T06:00:00.000Z',
    days: 10,
    budgets,
    environmentTagKeys: ['environment'],
    teamTagKey: 'team',
  });
}

const line = (key: string, month_to_date: number, previous_month_to_date: number, previous_month: number) => ({
  key,
  month_to_date,
  previous_month_to_date,
  previous_month,
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-facts-'));
let facts: ReportFacts;
beforeAll(async () => {
  const history = await CostHistory.open(join(dir, 'history.duckdb'));
  await writeHistory(history);
  facts = await factsOf(history);
  history.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report facts', () => {
  it('sums the showback over the three periods, by team, cloud, service and model', () => {
    expect(facts.showback).toMatchObject({ month: '2025-06', previous_month: '2025-05', complete_through: '2025-06-03' });
    expect(facts.showback.totals).toEqual({ month_to_date: 28, previous_month_to_date: 10, previous_month: 14 });
    expect(facts.showback.by_team).toEqual([line('risk', 18, 10, 14), line('search', 7, 0, 0), line('(untagged)', 3, 0, 0)]);
    expect(facts.showback.by_cloud).toEqual([line('aws', 26, 10, 14), line('azure', 2, 0, 0)]);
    expect(facts.showback.by_service).toEqual([
      line('Amazon SageMaker', 18, 10, 10),
      line('Amazon EC2', 5, 0, 4),
      line('(unknown service)', 3, 0, 0),
      line('Storage', 2, 0, 0),
    ]);
    // ranker's label-safe reference is the same model; the tie at 5 goes to the larger previous month.
    expect(facts.showback.by_model.map((m) => [m.key, m.month_to_date, m.previous_month_to_date, m.previous_month])).toEqual([
      ['fraud-detector@7', 18, 10, 10],
      ['(untagged)', 5, 0, 4],
      ['ranker@2', 5, 0, 0],
    ]);
  });

  it('gives the month to date both ways, the currency lines and the days covered', () => {
    expect(facts.currency).toBe('USD');
    expect(facts.monthToDate).toBe(28);
    expect(facts.costBasis).toMatchObject({ effective_month_to_date: 28, billed_month_to_date: 30 });
    expect(facts.currencies).toEqual([
      { currency: 'EUR', month_to_date: 7, rate: null },
      { currency: 'USD', month_to_date: 28, rate: 1 },
    ]);
    expect([facts.firstDay, facts.lastDay]).toEqual(['2025-05-26', '2025-06-03']);
    expect(facts.sources).toEqual(['aws', 'azure']);
    expect(facts.freshness).toEqual([
      { provider: 'aws', account: '111', sources: ['aws'], last_day: '2025-06-03', days_behind: 0 },
      { provider: 'azure', account: 'sub-1', sources: ['azure'], last_day: '2025-06-03', days_behind: 0 },
    ]);
  });

  it('classifies GPU spend and names the instance type the tables do not know', () => {
    expect(facts.accelerators).toEqual({ total: 23, unknown: 3, unknown_types: ['zz9.plural'] });
    expect(facts.gpuByTeam).toEqual([
      { key: 'risk', cost: 18 },
      { key: 'search', cost: 5 },
    ]);
    expect(facts.gpuByModel).toEqual([
      { key: 'fraud-detector@7', cost: 18 },
      { key: 'ranker@2', cost: 5 },
    ]);
  });

  it("gives this month's top cost drivers in effective cost where a row has one, else billed cost, in rated currencies", () => {
    // SageMaker: 18 effective of 20 billed; the others have no effective cost; the EUR row has no rate.
    expect(facts.topDrivers).toEqual([
      { provider: 'aws', service: 'Amazon SageMaker', resource: '(no resource id)', team: 'risk', cost: 18, share: 0.643 },
      { provider: 'aws', service: 'Amazon EC2', resource: '(no resource id)', team: 'search', cost: 5, share: 0.179 },
      { provider: 'aws', service: '(unknown service)', resource: '(no resource id)', team: null, cost: 3, share: 0.107 },
      { provider: 'azure', service: 'Storage', resource: '(no resource id)', team: 'search', cost: 2, share: 0.071 },
    ]);
  });

  it('names a cost driver billed to several teams by the team of most of its spend, ties in text order', async () => {
    // Each resource's first row is a team it spent less on (or tied with, later in text order), so a reader that
    // keeps the first team it meets names another.
    const row = (resource: string, day: string, units: number, team: string) => ({
      ...costRecord({
        ChargePeriodStart: `${day}T00:00:00.000Z`,
        ChargePeriodEnd: `${day}T23:59:59.000Z`,
        BilledCost: usd(units),
        EffectiveCost: null,
        BillingCurrency: 'USD',
        x_Provider: 'aws' as const,
        SubAccountId: '111',
        Tags: { team },
        x_Extras: {},
      }),
      ServiceName: 'Amazon EC2',
      ResourceId: resource,
    });
    const history = await CostHistory.open(join(dir, 'drivers.duckdb'));
    try {
      const records = [
        row('i-shared', '2025-06-01', 3, 'research'),
        row('i-shared', '2025-06-02', 2, 'search'),
        row('i-shared', '2025-06-03', 2, 'search'),
        row('i-tied', '2025-06-01', 1, 'zeta'),
        row('i-tied', '2025-06-02', 1, 'alpha'),
      ];
      await history.commitStaged([{ source: 'aws', table: await history.stageRecords('aws', records) }], {
        days: 400,
        today: '2025-06-04',
      });
      expect((await factsOf(history)).topDrivers.map(({ resource, team, cost }) => ({ resource, team, cost }))).toEqual([
        { resource: 'i-shared', team: 'search', cost: 7 },
        { resource: 'i-tied', team: 'alpha', cost: 2 },
      ]);
    } finally {
      history.close();
    }
  });

  it('gives a daily series per scope, every day of the window, with the trailing mean of the seven days before', () => {
    expect(facts.series.map((series) => series.scope)).toEqual(['provider:aws', 'provider:azure', 'team:risk', 'team:search', 'total']);
    const total = facts.series.find((series) => series.scope === 'total')?.points ?? [];
    expect(total.map((point) => point.day)).toEqual([
      '2025-05-25',
      '2025-05-26',
      '2025-05-27',
      '2025-05-28',
      '2025-05-29',
      '2025-05-30',
      '2025-05-31',
      '2025-06-01',
      '2025-06-02',
      '2025-06-03',
    ]);
    expect(total.map((point) => point.cost)).toEqual([0, 4, 0, 0, 0, 0, 0, 18, 5, 5]);
    // 4 / 7, 22 / 7, 23 / 7.
    expect(total.slice(7).map((point) => point.trailing_mean)).toEqual([0.57, 3.14, 3.29]);
    expect(total[6]?.trailing_mean).toBeNull();
    const costs = (scope: string) => (facts.series.find((series) => series.scope === scope)?.points ?? []).map((point) => point.cost);
    expect(costs('team:risk')).toEqual([0, 4, 0, 0, 0, 0, 0, 18, 0, 0]);
    expect(costs('team:search')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 5, 2]);
    expect(costs('provider:aws')).toEqual([0, 4, 0, 0, 0, 0, 0, 18, 5, 3]);
    expect(costs('provider:azure')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  // Team search spends in two accounts with the same tags, so which budgets a record counts for depends on its
  // account as well as its tags.
  it("gives each budget's actual spend per day this month, by its scope's team, account and environment", async () => {
    const history = await CostHistory.open(join(dir, 'budgets.duckdb'));
    try {
      const spend = (day: string, account: string, units: number, tags: Record<string, string>) =>
        costRecord({
          ChargePeriodStart: `2025-06-${day}T00:00:00.000Z`,
          ChargePeriodEnd: `2025-06-${day}T23:59:59.000Z`,
          BilledCost: usd(units),
          EffectiveCost: null,
          BillingCurrency: 'USD',
          x_Provider: 'aws',
          SubAccountId: account,
          Tags: tags,
          x_Extras: {},
        });
      const records = [
        spend('01', '111', 5, { team: 'search' }),
        spend('02', 'sub-1', 2, { team: 'search' }),
        spend('02', '111', 4, { team: 'search', environment: 'staging' }),
        spend('03', 'sub-1', 1, { team: 'search' }),
        // Both accounts have data through 06-03, so month to date runs through it.
        spend('03', '111', 3, { team: 'ops' }),
      ];
      await history.commitStaged([{ source: 'aws', table: await history.stageRecords('aws', records) }], {
        days: 400,
        today: '2025-06-04',
      });
      const budgets: Budget[] = [
        { name: 'search', scope: { team: 'search' }, amount: 100 },
        { name: 'search in 111', scope: { team: 'search', account: '111' }, amount: 100 },
        { name: 'search in sub-1', scope: { team: 'search', account: 'sub-1' }, amount: 100 },
        { name: 'staging', scope: { environment: 'staging' }, amount: 100 },
        { name: 'production', scope: { environment: 'production' }, amount: 100 },
      ];
      const { budgetDays } = await factsOf(history, budgets);
      const day = (date: string, cost: number) => ({ day: `2025-06-${date}`, cost });
      expect(budgetDays).toEqual([
        { budget: 'search', days: [day('01', 5), day('02', 6), day('03', 1)] },
        { budget: 'search in 111', days: [day('01', 5), day('02', 4)] },
        { budget: 'search in sub-1', days: [day('02', 2), day('03', 1)] },
        { budget: 'staging', days: [day('02', 4)] },
        { budget: 'production', days: [] },
      ]);
    } finally {
      history.close();
    }
  });

  // The budgets' records are this month's Actual sums per day, account and tag set (read in the same scan as
  // the showback's sums) and this month's Forecast rows from the day after the last complete day: each amount
  // below tells which of them reached the budget, and whether effective or billed cost did.
  it("gives each budget its month to date in effective cost, converted, and this month's forecast after the covered days", async () => {
    const history = await CostHistory.open(join(dir, 'forecasts.duckdb'));
    try {
      const row = (day: string, billed: number, effective: number | null, currency = 'USD', type: 'Actual' | 'Forecast' = 'Actual') =>
        costRecord({
          ChargePeriodStart: `${day}T00:00:00.000Z`,
          ChargePeriodEnd: `${day}T23:59:59.000Z`,
          BilledCost: usd(billed),
          EffectiveCost: effective === null ? null : usd(effective),
          BillingCurrency: currency,
          x_Provider: 'aws',
          SubAccountId: '111',
          Tags: { team: 'risk' },
          x_CostType: type,
          x_Extras: {},
        });
      // Source zeta's day comes first: the budget names its sources in the order of their first day.
      const zeta = [row('2025-06-01', 20, 18)]; // 18, effective
      const alpha = [
        row('2025-05-30', 9, 8), // last month: in no month to date
        row('2025-06-02', 10, null, 'CAD'), // 7.30 at 0.73
        row('2025-06-03', 4, 3), // 3
        row('2025-06-02', 100, null, 'USD', 'Forecast'), // a covered day: not forecast
        row('2025-06-10', 50, 40, 'USD', 'Forecast'), // 40
        row('2025-07-01', 70, null, 'USD', 'Forecast'), // next month
      ];
      const staged = [
        { source: 'zeta', table: await history.stageRecords('zeta', zeta) },
        { source: 'alpha', table: await history.stageRecords('alpha', alpha) },
      ];
      await history.commitStaged(staged, { days: 400, today: '2025-06-04' });
      const facts = await readReportFacts(history, {
        today: '2025-06-04',
        now: '2025-06-04T06:00:00.000Z',
        days: 10,
        budgets: [{ name: 'risk', scope: { team: 'risk' }, amount: 100 }],
        environmentTagKeys: ['environment'],
        teamTagKey: 'team',
        currency: { report: 'USD', rates: { CAD: 0.73 } },
      });
      expect(facts.spend).toEqual([
        {
          budget: 'risk',
          currency: 'USD',
          monthToDate: 28.3,
          forecastRemaining: 40,
          daysInMonth: 30,
          daysLeft: 27,
          sources: ['history (zeta)', 'history (alpha)'],
        },
      ]);
      expect(facts.budgetDays).toEqual([
        {
          budget: 'risk',
          days: [
            { day: '2025-06-01', cost: 18 },
            { day: '2025-06-02', cost: 7.3 },
            { day: '2025-06-03', cost: 3 },
          ],
        },
      ]);
    } finally {
      history.close();
    }
  });

  it('gives the same facts from a history written before the instance class column, once opened', async () => {
    const file = join(dir, 'old.duckdb');
    const history = await CostHistory.open(file);
    await writeHistory(history);
    history.close();
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await asSingleTable(connection);
    await connection.run('ALTER TABLE cost_records DROP COLUMN x_Class');
    connection.closeSync();
    instance.closeSync();

    const upgraded = await CostHistory.open(file);
    try {
      expect(await factsOf(upgraded)).toEqual(facts);
    } finally {
      upgraded.close();
    }
  });
});
