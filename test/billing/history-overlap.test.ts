/**
 * Two sources holding the same account's actual spend for the same day are refused at commit, judged on what
 * history holds once the staged rows are swapped in and the retention applied: a source's own re-import, a
 * forecast, or days the retention drops are no overlap; a refused night leaves history exactly as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { costRecord } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';

let dir: string;
let history: CostHistory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-overlap-'));
  history = await CostHistory.open(join(dir, 'h.duckdb'));
});
afterEach(() => {
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

const RETENTION = { days: 30, today: '2025-06-30' };

function record(day: string, options: { account?: string; cost?: bigint; forecast?: boolean } = {}) {
  return {
    ...costRecord({
      ChargePeriodStart: `${day}T00:00:00.000Z`,
      ChargePeriodEnd: `${day}T23:59:59.000Z`,
      BilledCost: options.cost ?? 1_000_000n,
      EffectiveCost: null,
      BillingCurrency: 'USD',
      x_Provider: 'azure',
      x_Extras: {},
      Tags: {},
    }),
    SubAccountId: options.account ?? 'sub-1',
    x_CostType: options.forecast ? ('Forecast' as const) : ('Actual' as const),
  };
}

type Night = ReadonlyArray<readonly [source: string, records: ReadonlyArray<ReturnType<typeof record>>]>;

async function commit(night: Night): Promise<void> {
  const staged = [];
  for (const [source, records] of night) staged.push({ source, table: await history.stageRecords(source, records) });
  await history.commitStaged(staged, RETENTION);
}

async function held(): Promise<Array<Record<string, unknown>>> {
  return history.query(
    `SELECT x_Source AS source, strftime(x_Day, '%Y-%m-%d') AS day, SubAccountId AS account, x_CostType AS type,
       CAST(sum(BilledCost) AS VARCHAR) AS cost FROM cost_records GROUP BY ALL ORDER BY ALL`,
  );
}

describe('two sources holding the same spend', () => {
  it('refuses a source holding an account and day another source holds, naming both, the account and the days; history unchanged', async () => {
    await commit([['actual', [record('2025-06-10'), record('2025-06-11')]]]);
    const before = await held();
    await expect(commit([['amortised', [record('2025-06-11'), record('2025-06-12')]]])).rejects.toThrow(
      /^actual and amortised both hold azure spend of account sub-1 for 2025-06-11; the report would count it twice .*nothing was imported$/,
    );
    expect(await held()).toEqual(before);
  });

  it('refuses two sources of the same night overlapping each other, over the span of days they share', async () => {
    await expect(
      commit([
        ['a', [record('2025-06-10'), record('2025-06-11'), record('2025-06-12')]],
        ['b', [record('2025-06-11'), record('2025-06-12'), record('2025-06-13')]],
      ]),
    ).rejects.toThrow(/^a and b both hold azure spend of account sub-1 for 2025-06-11 to 2025-06-12;/);
    expect(await held()).toEqual([]);
  });

  it('accepts a source importing its own days again: they are replaced, not counted twice', async () => {
    await commit([['actual', [record('2025-06-10'), record('2025-06-11')]]]);
    await commit([['actual', [record('2025-06-11', { cost: 3_000_000n }), record('2025-06-12')]]]);
    expect(await held()).toEqual([
      { source: 'actual', day: '2025-06-10', account: 'sub-1', type: 'Actual', cost: '1.000000' },
      { source: 'actual', day: '2025-06-11', account: 'sub-1', type: 'Actual', cost: '3.000000' },
      { source: 'actual', day: '2025-06-12', account: 'sub-1', type: 'Actual', cost: '1.000000' },
    ]);
  });

  it('accepts a source that moved its spend off a day another source now holds', async () => {
    await commit([['old', [record('2025-06-10'), record('2025-06-11')]]]);
    // "old" is imported again without 06-11 (its day now empty: the day is replaced) in the night "new" brings 06-11.
    await commit([
      ['old', [record('2025-06-10'), record('2025-06-11', { forecast: true })]],
      ['new', [record('2025-06-11')]],
    ]);
    expect(await held()).toEqual([
      { source: 'new', day: '2025-06-11', account: 'sub-1', type: 'Actual', cost: '1.000000' },
      { source: 'old', day: '2025-06-10', account: 'sub-1', type: 'Actual', cost: '1.000000' },
      { source: 'old', day: '2025-06-11', account: 'sub-1', type: 'Forecast', cost: '1.000000' },
    ]);
  });

  it('accepts other accounts, forecasts, and days older than the retention (dropped by the same commit)', async () => {
    await commit([['actual', [record('2025-06-10'), record('2025-06-11', { forecast: true })]]]);
    await commit([
      [
        'other',
        [record('2025-06-10', { account: 'sub-2' }), record('2025-06-11'), record('2025-05-01'), record('2025-05-01', { account: 'x' })],
      ],
      ['late', [record('2025-05-01')]],
    ]);
    expect(await held()).toEqual([
      { source: 'actual', day: '2025-06-10', account: 'sub-1', type: 'Actual', cost: '1.000000' },
      { source: 'actual', day: '2025-06-11', account: 'sub-1', type: 'Forecast', cost: '1.000000' },
      { source: 'other', day: '2025-06-10', account: 'sub-2', type: 'Actual', cost: '1.000000' },
      { source: 'other', day: '2025-06-11', account: 'sub-1', type: 'Actual', cost: '1.000000' },
    ]);
  });

  it('judges a source staged twice in one night by its later staging, as the commit keeps it', async () => {
    await commit([['b', [record('2025-06-11', { account: 'sub-2' })]]]);
    // The first staging of "a" holds sub-2 on 06-11; the second replaces that day with sub-1 only.
    await commit([
      ['a', [record('2025-06-11', { account: 'sub-2' })]],
      ['a', [record('2025-06-11')]],
    ]);
    expect(await held()).toEqual([
      { source: 'a', day: '2025-06-11', account: 'sub-1', type: 'Actual', cost: '1.000000' },
      { source: 'b', day: '2025-06-11', account: 'sub-2', type: 'Actual', cost: '1.000000' },
    ]);
  });
});
