/**
 * What kind of compute a row paid for, from the instance-type tables: each name a row carries is looked up, once
 * per distinct combination when rows are committed (the history's x_Class column), and once for every row of a
 * history written before that column.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costRecord } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import { classifiedRecords, createInstanceClassTable } from '../../src/billing/instance-classes.js';
import type { CloudProvider } from '../../src/model/cost-record.js';
import { asSingleTable } from './single-table-history.js';

interface Row {
  readonly label: string;
  readonly provider: CloudProvider;
  readonly service?: string;
  readonly sku?: string;
  readonly resourceType?: string;
  readonly extras?: Record<string, string>;
}

const ROWS: ReadonlyArray<readonly [Row, string]> = [
  [{ label: 'FOCUS x_InstanceType', provider: 'aws', extras: { x_InstanceType: 'p4d.24xlarge' } }, 'accelerated'],
  [{ label: 'SageMaker SKU', provider: 'aws', sku: 'ml.g5.12xlarge' }, 'accelerated'],
  [{ label: 'Cost Explorer usage type', provider: 'aws', sku: 'USE1-BoxUsage:p5.48xlarge' }, 'accelerated'],
  [{ label: 'Cost Explorer INSTANCE_TYPE', provider: 'aws', resourceType: 'm5.large' }, 'cpu'],
  [
    { label: 'Azure meter, spot', provider: 'azure', service: 'Virtual Machines', extras: { x_MeterName: 'NC24ads A100 v4 Spot' } },
    'accelerated',
  ],
  [{ label: 'Azure meter pair', provider: 'azure', service: 'Virtual Machines', extras: { x_MeterName: 'D2 v3/D2s v3' } }, 'cpu'],
  [{ label: 'Azure meter unknown size', provider: 'azure', service: 'Virtual Machines', extras: { x_MeterName: 'B1s' } }, 'unknown'],
  [
    { label: 'Azure disk with a GUID like "a3-"', provider: 'azure', service: 'Storage', sku: '3ecfdd2b-7518-44a3-b8c0-af1735eda535' },
    'none',
  ],
  [
    {
      label: 'GCP GPU SKU description',
      provider: 'gcp',
      sku: '039F-D0DA-4055',
      extras: { x_SkuDescription: 'Nvidia Tesla A100 GPU running in Americas' },
    },
    'accelerated',
  ],
  [
    {
      label: 'GCP core SKU',
      provider: 'gcp',
      sku: '2E27-4F75-95CD',
      extras: { x_SkuDescription: 'N1 Predefined Instance Core running in Americas' },
    },
    'none',
  ],
  [{ label: 'unknown instance type', provider: 'aws', extras: { x_InstanceType: 'zz9.plural' } }, 'unknown'],
];

function records(day: string) {
  return ROWS.map(([row]) => ({
    ...costRecord({
      ChargePeriodStart: `${day}T00:00:00.000Z`,
      ChargePeriodEnd: `${day}T23:59:59.000Z`,
      BilledCost: 1_000_000n,
      EffectiveCost: null,
      BillingCurrency: 'USD',
      x_Provider: row.provider,
      x_Extras: row.extras ?? {},
    }),
    ServiceName: row.service ?? null,
    SkuId: row.sku ?? null,
    ResourceType: row.resourceType ?? null,
    ResourceId: row.label,
  }));
}

/**
 * The rows on `day`, each twice (as a resource's SKU repeats line after line), from `source` (two sources never
 * on the same day: that is refused as counted twice).
 */
async function commit(history: CostHistory, day: string, source = 'test'): Promise<void> {
  const table = await history.stageRecords(source, [...records(day), ...records(day)]);
  await history.commitStaged([{ source, table }], { days: 400, today: '2025-06-30' });
}

async function classColumn(history: CostHistory): Promise<Map<string, string | null>> {
  const rows = await history.query<{ id: string; cls: string | null }>(`SELECT ResourceId AS id, x_Class AS cls FROM cost_records`);
  return new Map(rows.map((row) => [row.id, row.cls]));
}

const EXPECTED = ROWS.map(([row, expected]) => [row.label, expected] as const);

describe('classifiedRecords', () => {
  let history: CostHistory;
  let classes: Map<string, string>;
  beforeAll(async () => {
    history = await CostHistory.open(':memory:');
    await commit(history, '2025-06-01');
    await createInstanceClassTable(history);
    const rows = await history.query<{ id: string; cls: string }>(
      `SELECT ResourceId AS id, x_Class AS cls FROM ${classifiedRecords('(SELECT * EXCLUDE (x_Class) FROM cost_records)', 'true')}`,
    );
    classes = new Map(rows.map((row) => [row.id, row.cls]));
  });
  afterAll(() => history.close());

  it.each(EXPECTED)('%s → %s', (label, expected) => {
    expect(classes.get(label)).toBe(expected);
  });
});

describe('the x_Class column of the history', () => {
  it('is filled as rows are committed, the same class as each row read on its own', async () => {
    const history = await CostHistory.open(':memory:');
    await commit(history, '2025-06-01');
    // A second source with the same combinations, committed on its own: each row still gets its class.
    await commit(history, '2025-06-02', 'other');
    const rows = await history.query<{ id: string; source: string; cls: string | null }>(
      `SELECT ResourceId AS id, x_Source AS source, x_Class AS cls FROM cost_records ORDER BY source, id`,
    );
    history.close();
    expect(rows).toHaveLength(ROWS.length * 4);
    const expected = new Map<string, string>(EXPECTED);
    for (const row of rows) expect([row.source, row.id, row.cls]).toEqual([row.source, row.id, expected.get(row.id)]);
  });

  it('is added to a history written before it and filled for every row it holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-instance-class-'));
    try {
      const file = join(dir, 'old.duckdb');
      const history = await CostHistory.open(file);
      await commit(history, '2025-06-01');
      history.close();
      // The schema as it was: no x_Class.
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      await asSingleTable(connection);
      await connection.run('ALTER TABLE cost_records DROP COLUMN x_Class');
      connection.closeSync();
      instance.closeSync();

      const upgraded = await CostHistory.open(file);
      expect(Object.fromEntries(await classColumn(upgraded))).toEqual(Object.fromEntries(EXPECTED));
      // Rows committed after the upgrade are classified as they come.
      await commit(upgraded, '2025-06-03', 'later');
      const [later] = await upgraded.query<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM cost_records WHERE x_Source = 'later' AND x_Class IS NOT NULL`,
      );
      expect(later?.n).toBe(ROWS.length * 2);
      upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
