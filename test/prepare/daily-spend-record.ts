import { addDays, costRecord } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import type { CostRecord } from '../../src/model/cost-record.js';

/** One day of billed EC2 spend for a team's resource, as the anomaly tests write it into a history. */
export function dailySpendRecord(day: string, micros: bigint, team: string, resource = `i-${team}`) {
  return {
    ...costRecord({
      ChargePeriodStart: `${day}T00:00:00.000Z`,
      ChargePeriodEnd: `${addDays(day, 1)}T00:00:00.000Z`,
      BilledCost: micros,
      EffectiveCost: null,
      BillingCurrency: 'USD',
      x_Provider: 'aws',
      x_Extras: {},
      Tags: { team },
    }),
    ServiceName: 'Amazon Elastic Compute Cloud',
    ResourceId: resource,
  };
}

/** A history at `path` holding `records`, imported as one FOCUS file on `today`. The caller closes it. */
export async function historyOf(path: string, records: readonly CostRecord[], today: string): Promise<CostHistory> {
  const history = await CostHistory.open(path);
  try {
    const table = await history.stageRecords('focus:test.csv', records);
    await history.commitStaged([{ source: 'focus:test.csv', table }], { days: 400, today });
    return history;
  } catch (error) {
    history.close();
    throw error;
  }
}
