import { describe, expect, it } from 'vitest';
import { assertUniqueBudgetNames, matchesScope } from '../../src/billing/budgets.js';
import { costRecord } from '../../src/billing/cost-record.js';
import { readSpendFiles } from '../../src/billing/spend-file.js';
import type { CostRecord } from '../../src/model/cost-record.js';
import { billingMonth, summariseSpend } from '../../src/billing/spend-summary.js';
import type { Budget } from '../../src/config/config.js';
import { TollgateError } from '../../src/model/errors.js';
import { repoRoot } from '../cli/run-cli.js';
import { present } from '../present.js';

const ENV_KEYS = ['environment', 'env'];
const NOW = '2026-11-23T00:00:00.000Z';

function record(day: number, cost: string, extra: Partial<CostRecord> = {}): CostRecord {
  const micros = BigInt(Math.round(Number(cost) * 1e6));
  return {
    ...costRecord({
      ChargePeriodStart: new Date(Date.UTC(2026, 10, day)).toISOString(),
      ChargePeriodEnd: new Date(Date.UTC(2026, 10, day + 1)).toISOString(),
      BilledCost: micros,
      EffectiveCost: micros,
      BillingCurrency: 'USD',
      Tags: { team: 'ml-platform', environment: 'prod' },
      x_Provider: 'other',
      x_Extras: {},
      x_Origin: { file: 'spend.csv', line: day + 1 },
    }),
    ...extra,
  };
}

const budget = (name: string, scope?: Budget['scope'], extra: Partial<Budget> = {}): Budget => ({ name, amount: 1000, scope, ...extra });

describe('billing month', () => {
  it.each([
    ['2026-11-23T00:00:00Z', 30, 8, 22],
    ['2026-11-30T23:59:59Z', 30, 1, 29],
    ['2026-11-01T08:00:00Z', 30, 30, 0],
    ['2028-02-10T00:00:00Z', 29, 20, 9],
    ['2026-12-31T12:00:00Z', 31, 1, 30],
  ])('%s: %i days, %i left (today included), %i before today', (now, daysInMonth, daysLeft, daysElapsed) => {
    expect(billingMonth(now)).toMatchObject({ daysInMonth, daysLeft, daysElapsed });
  });
});

describe('summariseSpend', () => {
  it('sums EffectiveCost of the month to date, else BilledCost', () => {
    const records = [record(1, '100.10'), record(2, '50.05', { EffectiveCost: 40_000_000n }), record(3, '7', { EffectiveCost: null })];
    const [summary] = summariseSpend(records, [budget('all')], NOW, ENV_KEYS);
    expect(summary?.monthToDate).toBe(147.1);
  });

  it('counts only this month up to now: not last month, not today after now, not forecasts', () => {
    const records = [
      record(1, '10'),
      { ...record(1, '999'), ChargePeriodStart: '2026-10-31T00:00:00.000Z', ChargePeriodEnd: '2026-11-01T00:00:00.000Z' },
      record(23, '500'),
      record(22, '20'),
      record(24, '300', { x_CostType: 'Forecast' }),
    ];
    const [summary] = summariseSpend(records, [budget('all')], NOW, ENV_KEYS);
    expect(summary).toMatchObject({ monthToDate: 30, forecastRemaining: 300, daysInMonth: 30, daysLeft: 8, sources: ['spend.csv'] });
  });

  it('sums Forecast rows from today to the end of the month', () => {
    const records = [
      record(1, '10'),
      record(22, '1000', { x_CostType: 'Forecast' }),
      record(23, '11.5', { x_CostType: 'Forecast' }),
      record(30, '12.25', { x_CostType: 'Forecast' }),
      { ...record(30, '5000', { x_CostType: 'Forecast' }), ChargePeriodStart: new Date(Date.UTC(2026, 11, 1)).toISOString() },
    ];
    const [summary] = summariseSpend(records, [budget('all')], NOW, ENV_KEYS);
    expect(summary?.forecastRemaining).toBe(23.75);
    expect(summary?.sources).toEqual(['spend.csv']);
  });

  it('projects the run rate when there are no forecast rows, and says so', () => {
    const records = Array.from({ length: 22 }, (_, i) => record(i + 1, '110'));
    const [summary] = summariseSpend(records, [budget('all')], NOW, ENV_KEYS);
    // $2,420 over 22 days is $110 a day; 8 days left, today included.
    expect(summary).toMatchObject({ monthToDate: 2420, forecastRemaining: 880 });
    expect(summary?.sources).toEqual(['spend.csv', 'run-rate projection: month to date over 22 days × 8 days left']);
  });

  it('cannot project on the first day of the month', () => {
    const [summary] = summariseSpend([record(1, '10')], [budget('all')], '2026-11-01T12:00:00Z', ENV_KEYS);
    expect(summary).toMatchObject({ monthToDate: 10, forecastRemaining: null, daysLeft: 30 });
  });

  it('is indeterminate (null), not zero, when no row falls in the scope', () => {
    const records = [record(1, '10')];
    const summaries = summariseSpend(records, [budget('research', { team: 'research' })], NOW, ENV_KEYS);
    expect(summaries).toEqual([
      { budget: 'research', currency: 'USD', monthToDate: null, forecastRemaining: null, daysInMonth: 30, daysLeft: 8, sources: [] },
    ]);
    expect(summariseSpend([], [budget('a'), budget('b')], NOW, ENV_KEYS).map((s) => s.monthToDate)).toEqual([null, null]);
  });

  it('keeps zero spend as zero', () => {
    const [summary] = summariseSpend([record(1, '0')], [budget('all')], NOW, ENV_KEYS);
    expect(summary?.monthToDate).toBe(0);
  });

  it('matches scopes on team and project tags, the environment tag keys and the sub-account', () => {
    const records = [
      record(1, '1', { Tags: { team: 'ml-platform', environment: 'prod', project: 'llm' }, SubAccountId: '111' }),
      record(1, '2', { Tags: { team: 'ml-platform', env: 'dev' }, SubAccountId: '222' }),
      record(1, '4', { Tags: { team: 'research', env: 'prod', environment: 'dev' }, SubAccountId: '111' }),
      record(1, '8', { Tags: {}, SubAccountId: null }),
    ];
    const budgets = [
      budget('everything'),
      budget('empty scope', {}),
      budget('platform', { team: 'ml-platform' }),
      budget('prod', { environment: 'prod' }),
      budget('dev', { environment: 'dev' }),
      budget('llm', { project: 'llm' }),
      budget('account 111', { account: '111' }),
      budget('platform dev in 222', { team: 'ml-platform', environment: 'dev', account: '222' }),
    ];
    const totals = summariseSpend(records, budgets, NOW, ENV_KEYS).map((s) => [s.budget, s.monthToDate]);
    expect(totals).toEqual([
      ['everything', 15],
      ['empty scope', 15],
      ['platform', 3],
      // "environment" is the first key, so the research row (environment=dev, env=prod) is dev.
      ['prod', 1],
      ['dev', 6],
      ['llm', 1],
      ['account 111', 5],
      ['platform dev in 222', 2],
    ]);
    expect(summariseSpend(records, [budget('prod', { environment: 'prod' })], NOW, ['env']).map((s) => s.monthToDate)).toEqual([4]);
  });

  it('refuses a row in another currency than the budget, naming its file:line', () => {
    const records = [record(1, '1'), record(2, '2', { BillingCurrency: 'EUR' })];
    const run = () => summariseSpend(records, [budget('all')], NOW, ENV_KEYS);
    expect(run).toThrow(TollgateError);
    expect(run).toThrow('BillingCurrency EUR in the scope of budget "all", which is in USD');
    try {
      run();
    } catch (error) {
      expect((error as TollgateError).format()).toMatch(/^spend\.csv:3: /);
    }
    // Out of scope, another currency does not matter; a budget in EUR takes EUR rows.
    expect(summariseSpend(records, [budget('research', { team: 'research' })], NOW, ENV_KEYS)).toHaveLength(1);
    expect(
      summariseSpend([present(records[1], 'a second record')], [budget('eur', undefined, { currency: 'EUR' })], NOW, ENV_KEYS)[0]?.currency,
    ).toBe('EUR');
    expect(() => summariseSpend(records, [budget('eur', undefined, { currency: 'EUR' })], NOW, ENV_KEYS)).toThrow(
      'BillingCurrency USD in the scope of budget "eur", which is in EUR',
    );
  });

  it('summarises the fixture month exactly (figures checked by hand with decimal arithmetic)', async () => {
    const records = await readSpendFiles([`${repoRoot}fixtures/spend/focus-month.csv`]);
    expect(records).toHaveLength(420);
    const budgets = [
      budget('all'),
      budget('ml-platform', { team: 'ml-platform' }),
      budget('ml-platform-prod', { team: 'ml-platform', environment: 'prod' }),
      budget('research-dev', { team: 'ml-research', environment: 'dev' }),
      budget('aws-prod-account', { account: '111122223333' }),
      budget('nobody', { team: 'data-eng' }),
    ];
    const summaries = summariseSpend(records, budgets, NOW, ENV_KEYS);
    expect(summaries.map((s) => [s.budget, s.monthToDate, s.forecastRemaining])).toEqual([
      ['all', 74879.922744, 27105.949505],
      ['ml-platform', 43181.770682, 15643.144364],
      ['ml-platform-prod', 37057.224107, 13394.816007],
      ['research-dev', 1896.802363, 696.011843],
      ['aws-prod-account', 32019.237377, 11462.146061],
      ['nobody', null, null],
    ]);
    expect(summaries[0]?.sources).toEqual([`${repoRoot}fixtures/spend/focus-month.csv`]);
    // Without the forecast rows, the run rate: 43,181.770682 / 22 × 8 = 15,702.462066.
    const actualOnly = records.filter((r) => r.x_CostType === 'Actual');
    expect(summariseSpend(actualOnly, [present(budgets[1], 'a second budget')], NOW, ENV_KEYS)[0]?.forecastRemaining).toBe(15702.462066);
  });
});

describe('budgets', () => {
  it('match a resource by its tags when the scope names no account', () => {
    expect(matchesScope({ team: 'a' }, { tags: { Team: 'A' }, environment: null, account: null })).toBe(true);
    expect(matchesScope({ team: 'a', account: '1' }, { tags: { team: 'a' }, environment: null, account: null })).toBe(false);
  });

  it('must have unique names', () => {
    expect(() => assertUniqueBudgetNames([budget('a'), budget('b')], null)).not.toThrow();
    expect(() => assertUniqueBudgetNames([budget('a'), budget('a')], null)).toThrow('budget name "a" is used twice');
  });
});
