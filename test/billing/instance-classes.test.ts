/** What kind of compute a row paid for, from the instance-type tables: each name a row carries is looked up. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costRecord } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import { classifiedRecords, createInstanceClassTable } from '../../src/billing/instance-classes.js';
import type { CloudProvider } from '../../src/model/cost-record.js';

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

describe('classifiedRecords', () => {
  let history: CostHistory;
  let classes: Map<string, string>;
  beforeAll(async () => {
    history = await CostHistory.open(':memory:');
    const records = ROWS.map(([row]) => ({
      ...costRecord({
        ChargePeriodStart: '2025-06-01T00:00:00.000Z',
        ChargePeriodEnd: '2025-06-02T00:00:00.000Z',
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
    const table = await history.stageRecords('test', records);
    await history.commitStaged([{ source: 'test', table }], { days: 400, today: '2025-06-02' });
    await createInstanceClassTable(history);
    const rows = await history.query<{ id: string; cls: string }>(
      `SELECT ResourceId AS id, x_Class AS cls FROM ${classifiedRecords('cost_records', 'true')}`,
    );
    classes = new Map(rows.map((row) => [row.id, row.cls]));
  });
  afterAll(() => history.close());

  it.each(ROWS.map(([row, expected]) => [row.label, expected]))('%s → %s', (label, expected) => {
    expect(classes.get(label)).toBe(expected);
  });
});
