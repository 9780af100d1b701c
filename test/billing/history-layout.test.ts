/**
 * The history stores each row's amounts and times in cost_facts and each distinct combination of its texts once
 * in cost_dimensions; cost_records, the view every reader queries, shows the rows as the single table of earlier
 * versions did: same rows, same column names, types and order, rows in the order they were stored.
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
  dir = mkdtempSync(join(tmpdir(), 'tollgate-history-layout-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function record(
  day: string,
  id: string,
  cost: bigint,
  more: { tags?: Record<string, string>; extras?: Record<string, string>; sku?: string } = {},
) {
  return {
    ...costRecord({
      ChargePeriodStart: `${day}T00:00:00.000Z`,
      ChargePeriodEnd: `${day}T23:59:59.000Z`,
      BilledCost: cost,
      EffectiveCost: cost / 2n,
      BillingCurrency: 'USD',
      x_Provider: 'aws',
      x_Extras: more.extras ?? {},
      Tags: more.tags ?? {},
    }),
    ResourceId: id,
    ServiceName: 'Amazon Elastic Compute Cloud',
    SkuId: more.sku ?? null,
    SubAccountId: '111122223333',
  };
}

/** A night of `source`: every resource of `ids` billed on `day`, each with its own tags and instance type. */
function night(day: string, ids: readonly string[]) {
  return ids.map((id, i) =>
    record(day, id, BigInt(1_000_000 + i), {
      tags: { team: `team-${i % 3}`, 'tollgate.io/model': `m@${i % 2}` },
      extras: { x_InstanceType: i % 2 === 0 ? 'p4d.24xlarge' : 'm5.large' },
    }),
  );
}

async function commit(
  history: CostHistory,
  source: string,
  records: ReadonlyArray<ReturnType<typeof record>>,
  today = '2025-06-30',
  days = 400,
) {
  const table = await history.stageRecords(source, records);
  return history.commitStaged([{ source, table }], { days, today });
}

/** Every row through the view, in the order the view gives them, and the view's column types. */
async function snapshot(history: CostHistory): Promise<{ rows: unknown[]; types: unknown[] }> {
  return {
    rows: await history.query(`SELECT * FROM cost_records`),
    types: await history.query(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'cost_records' ORDER BY ordinal_position`,
    ),
  };
}

async function count(history: CostHistory, table: string): Promise<number> {
  const [row] = await history.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return row?.n ?? -1;
}

describe('the history layout', () => {
  it('keeps each distinct combination of texts once, reused by a re-run night and by later nights', async () => {
    const history = await CostHistory.open(join(dir, 'h.duckdb'));
    try {
      await commit(history, 's', [...night('2025-06-01', ['a', 'b', 'c']), ...night('2025-06-02', ['a', 'b', 'c'])]);
      expect(await count(history, 'cost_facts')).toBe(6);
      expect(await count(history, 'cost_dimensions')).toBe(3);
      const first = await history.query(`SELECT * FROM cost_records ORDER BY ALL`);
      // The same night again: its rows replaced, the combinations reused.
      await commit(history, 's', [...night('2025-06-01', ['a', 'b', 'c']), ...night('2025-06-02', ['a', 'b', 'c'])]);
      expect(await count(history, 'cost_dimensions')).toBe(3);
      expect(await history.query(`SELECT * FROM cost_records ORDER BY ALL`)).toEqual(first);
      // A later night with one new resource adds one combination.
      await commit(history, 's', night('2025-06-03', ['a', 'b', 'c', 'd']));
      expect(await count(history, 'cost_dimensions')).toBe(4);
      const [d] = await history.query(
        `SELECT x_Tag_1 AS team, x_Model AS model, x_Class AS class FROM cost_records WHERE ResourceId = 'd'`,
      );
      expect(d).toEqual({ team: 'team-0', model: 'm@1', class: 'cpu' });
    } finally {
      history.close();
    }
  });

  it('drops the combinations no row refers to once their rows are replaced or past the retention', async () => {
    const history = await CostHistory.open(join(dir, 'h.duckdb'));
    try {
      await commit(history, 's', night('2025-06-01', ['a', 'b']));
      await commit(history, 's', night('2025-06-01', ['c']));
      expect(await history.query(`SELECT DISTINCT ResourceId AS id FROM cost_dimensions ORDER BY 1`)).toEqual([{ id: 'c' }]);
      await commit(history, 't', night('2025-06-20', ['e']), '2025-06-30', 15);
      expect(await history.query(`SELECT DISTINCT ResourceId AS id FROM cost_dimensions ORDER BY 1`)).toEqual([{ id: 'e' }]);
      expect(await count(history, 'cost_records')).toBe(1);
    } finally {
      history.close();
    }
  });

  it('gives the rows in the order they were stored, even where combinations outnumber the rows a filter keeps', async () => {
    const history = await CostHistory.open(join(dir, 'h.duckdb'));
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `r-${String((i * 17) % 40).padStart(2, '0')}`);
      const records = [...night('2025-06-01', ids.slice(0, 10)), ...night('2025-06-02', ids)];
      await commit(history, 's', records);
      const rows = await history.query<{ id: string }>(`SELECT ResourceId AS id FROM cost_records WHERE x_Day >= DATE '2025-06-02'`);
      expect(rows.map((row) => row.id)).toEqual(ids);
    } finally {
      history.close();
    }
  });

  it('splits a history written as a single table when opened: the same rows, columns and types through cost_records', async () => {
    const file = join(dir, 'old.duckdb');
    const history = await CostHistory.open(file);
    await commit(history, 's', [
      ...night('2025-06-01', ['a', 'b', 'c']),
      record('2025-06-01', 'x', 7n, { sku: 'weird', tags: {} }),
      record('2025-06-02', 'x', 8n, { sku: 'weird', tags: {} }),
    ]);
    await commit(history, 't', night('2025-06-03', ['q']));
    await history.tagColumn('environment');
    const before = await snapshot(history);
    history.close();
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await asSingleTable(connection);
    connection.closeSync();
    instance.closeSync();

    const split = await CostHistory.open(file);
    try {
      const [layout] = await split.query(
        `SELECT list(table_name || ' ' || table_type ORDER BY table_name) AS tables FROM information_schema.tables WHERE table_name LIKE 'cost_%'`,
      );
      expect(layout).toEqual({ tables: ['cost_dimensions BASE TABLE', 'cost_facts BASE TABLE', 'cost_records VIEW'] });
      expect(await snapshot(split)).toEqual(before);
      expect(await count(split, 'cost_dimensions')).toBe(5);
      // And it takes the next night as a history written in this layout does: a, b and c found, not added again.
      await commit(split, 's', night('2025-06-01', ['a', 'b', 'c']));
      expect(await count(split, 'cost_dimensions')).toBe(5);
      expect(await count(split, 'cost_records')).toBe(5);
    } finally {
      split.close();
    }
  });

  it('leaves the history as it was when a commit fails after its first source was inserted', async () => {
    const history = await CostHistory.open(join(dir, 'h.duckdb'));
    try {
      await commit(history, 's', night('2025-06-01', ['a', 'b']));
      const before = await snapshot(history);
      const dimensions = await history.query(`SELECT * FROM cost_dimensions ORDER BY ALL`);
      const good = await history.stageRecords('u', night('2025-06-02', ['c', 'd']));
      const bad = await history.stageRecords('v', night('2025-06-02', ['e']));
      // A provider no history column holds: the second source's INSERT fails, after the first's rows and combinations went in.
      await history.run(`UPDATE ${bad} SET x_Provider = 'oracle', SubAccountId = 'other'`);
      await expect(
        history.commitStaged(
          [
            { source: 'u', table: good },
            { source: 'v', table: bad },
          ],
          { days: 400, today: '2025-06-30' },
        ),
      ).rejects.toThrow(/oracle/);
      expect(await snapshot(history)).toEqual(before);
      expect(await history.query(`SELECT * FROM cost_dimensions ORDER BY ALL`)).toEqual(dimensions);
      const [temporary] = await history.query<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE temporary AND table_name LIKE 'staged_%'`,
      );
      expect(temporary?.n).toBe(0);
    } finally {
      history.close();
    }
  });
});
