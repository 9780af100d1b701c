/**
 * The tags the report groups by are columns of the history, filled from each row's Tags when rows are
 * committed, added and filled once for a key asked for later, and added to a history written before them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { costRecord } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import { asSingleTable } from './single-table-history.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-tag-columns-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function record(day: string, id: string, tags: Record<string, string>) {
  return {
    ...costRecord({
      ChargePeriodStart: `${day}T00:00:00.000Z`,
      ChargePeriodEnd: `${day}T23:59:59.000Z`,
      BilledCost: 2_500_000n,
      EffectiveCost: null,
      BillingCurrency: 'USD',
      x_Provider: 'aws',
      x_Extras: {},
      Tags: tags,
    }),
    ResourceId: id,
  };
}

async function commit(history: CostHistory, day: string, records: Array<ReturnType<typeof record>>): Promise<void> {
  const table = await history.stageRecords('s', records);
  await history.commitStaged([{ source: 's', table }], { days: 400, today: '2025-06-30' });
}

async function columns(history: CostHistory, extra: string): Promise<Array<Record<string, unknown>>> {
  return history.query(`SELECT ResourceId AS id, x_Model AS model, ${extra} FROM cost_records ORDER BY ALL`);
}

describe('tag columns of the history', () => {
  it('fills the team and model reference columns as rows are committed, the label-safe model key second', async () => {
    const history = await CostHistory.open(join(dir, 'h.duckdb'));
    await commit(history, '2025-06-01', [
      record('2025-06-01', 'a', { team: 'fraud', 'tollgate.io/model': 'scorer@3' }),
      record('2025-06-01', 'b', { 'tollgate-model': 'scorer--4', Team: 'not this key' }),
      record('2025-06-01', 'c', {}),
    ]);
    const team = await history.tagColumn('team');
    expect(await columns(history, `${team} AS team`)).toEqual([
      { id: 'a', model: 'scorer@3', team: 'fraud' },
      { id: 'b', model: 'scorer--4', team: null },
      { id: 'c', model: null, team: null },
    ]);
    history.close();
  });

  it('adds and fills a column for another key once, and fills it on every later import', async () => {
    const history = await CostHistory.open(join(dir, 'h.duckdb'));
    await commit(history, '2025-06-01', [record('2025-06-01', 'a', { 'cost-center': "cc-1'x" })]);
    const column = await history.tagColumn('cost-center');
    expect(column).not.toBe(await history.tagColumn('team'));
    expect(await history.tagColumn('cost-center')).toBe(column);
    await commit(history, '2025-06-02', [record('2025-06-02', 'b', { 'cost-center': 'cc-2' })]);
    history.close();
    // Kept across opening the file again.
    const again = await CostHistory.open(join(dir, 'h.duckdb'));
    expect(await again.tagColumn('cost-center')).toBe(column);
    expect(await columns(again, `${column} AS cc`)).toEqual([
      { id: 'a', model: null, cc: "cc-1'x" },
      { id: 'b', model: null, cc: 'cc-2' },
    ]);
    again.close();
  });

  it('adds the columns to a history written before them, filled from the rows it holds', async () => {
    const file = join(dir, 'old.duckdb');
    const history = await CostHistory.open(file);
    await commit(history, '2025-06-01', [record('2025-06-01', 'a', { team: 'search', 'tollgate.io/model': 'ranker@1' })]);
    history.close();
    // The schema as it was: no x_Model, no tag columns, no record of them.
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await asSingleTable(connection);
    await connection.run('ALTER TABLE cost_records DROP COLUMN x_Model');
    await connection.run('ALTER TABLE cost_records DROP COLUMN x_Tag_1');
    await connection.run('DROP TABLE tag_columns');
    connection.closeSync();
    instance.closeSync();

    const upgraded = await CostHistory.open(file);
    const team = await upgraded.tagColumn('team');
    expect(await columns(upgraded, `${team} AS team, BilledCost::DOUBLE AS cost`)).toEqual([
      { id: 'a', model: 'ranker@1', team: 'search', cost: 2.5 },
    ]);
    upgraded.close();
  });
});
