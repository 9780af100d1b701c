import { addDays, costRecord } from '../../src/billing/cost-record.js';

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
