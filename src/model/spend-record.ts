/**
 * One row of a spend file as the budget check needs it: FOCUS columns (see cost-record.ts for the full
 * CostRecord the billing connectors write), with money in integer micro-units (money.ts), the forecast flag
 * (`x_CostType`) and the file:line it was read from, so that an error found later still points at the row.
 * Times are epoch milliseconds, UTC.
 */

/** `x_CostType`: what was billed, or what a forecast expects for the rest of the month. */
export type CostType = 'Actual' | 'Forecast';

/** Where a record was read from, for errors that point at it. */
export interface RecordOrigin {
  readonly file: string;
  readonly line: number;
}

export interface SpendRecord {
  /** ChargePeriodStart (inclusive). */
  readonly chargePeriodStart: number;
  /** ChargePeriodEnd (exclusive). */
  readonly chargePeriodEnd: number;
  readonly billedCostMicros: bigint;
  /** EffectiveCost (after discounts and commitments); null when the source leaves it empty. */
  readonly effectiveCostMicros: bigint | null;
  /** ISO 4217 code, upper case. */
  readonly billingCurrency: string;
  readonly serviceName: string | null;
  readonly regionId: string | null;
  readonly resourceId: string | null;
  readonly subAccountId: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly costType: CostType;
  readonly origin: RecordOrigin;
}

/** The amount a budget counts: EffectiveCost when the source has it, else BilledCost. */
export function countedCostMicros(record: SpendRecord): bigint {
  return record.effectiveCostMicros ?? record.billedCostMicros;
}
