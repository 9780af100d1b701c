/**
 * CostRecord: one line of spend with FinOps FOCUS 1.2 column names, whatever the source (a spend file for
 * `check --spend`, Cost Explorer, Cost Management, the BigQuery billing export, FOCUS or provider export files
 * for `report`). Every source yields this one type; the one reader of cost files (src/billing/cost-file.ts)
 * validates each row into it. Published as schemas/cost-record.schema.json.
 *
 * - Amounts are integer micro-units of BillingCurrency (model/money.ts), from the moment they are read.
 * - Times are RFC 3339 in UTC (`2026-03-01T00:00:00.000Z`): a time with an offset is converted when read.
 * - `x_CostType` keeps forecasts apart from actual spend: only Actual rows are spend; Forecast rows feed
 *   forecasts only.
 * - `x_Origin` is the file:line a record was read from (null for API results), so an error found later
 *   still points at the row.
 */
import type { Micros } from './money.js';

/** `x_CostType`: what was billed, or what a forecast expects for the rest of the month. */
export type CostType = 'Actual' | 'Forecast';

/** Where a record was read from, for errors that point at it. */
export interface RecordOrigin {
  readonly file: string;
  readonly line: number;
}

export type CloudProvider = 'aws' | 'gcp' | 'azure' | 'other';

export interface CostRecord {
  /** Inclusive start of the charge period, RFC 3339 UTC. */
  readonly ChargePeriodStart: string;
  /** Exclusive end of the charge period, RFC 3339 UTC; after the start. */
  readonly ChargePeriodEnd: string;
  readonly BilledCost: Micros;
  /** Amortised cost (commitments spread over their term); null when the source does not give it. */
  readonly EffectiveCost: Micros | null;
  /** Cost at list (on-demand) prices; null when the source does not give it. */
  readonly ListCost: Micros | null;
  /** ISO 4217 code, upper case. */
  readonly BillingCurrency: string;
  readonly ServiceName: string | null;
  readonly ServiceCategory: string | null;
  readonly RegionId: string | null;
  readonly ResourceId: string | null;
  readonly ResourceType: string | null;
  readonly SkuId: string | null;
  /** "Standard" (on demand), "Dynamic" (spot / preemptible), "Committed" (reservations, savings plans). */
  readonly PricingCategory: string | null;
  /** AWS account, Azure subscription, GCP project. */
  readonly SubAccountId: string | null;
  readonly Tags: Readonly<Record<string, string>>;
  /** Which cloud the charge is from. */
  readonly x_Provider: CloudProvider;
  readonly x_CostType: CostType;
  /** Anything else the source states (instance type, resource group, Cost Explorer's Estimated flag). */
  readonly x_Extras: Readonly<Record<string, string>>;
  readonly x_Origin: RecordOrigin | null;
}

/** The FOCUS columns a CostRecord carries (the one list: the reader, the history and the schema use it). */
export const FOCUS_COLUMNS = [
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'BillingCurrency',
  'ServiceName',
  'ServiceCategory',
  'RegionId',
  'ResourceId',
  'ResourceType',
  'SkuId',
  'PricingCategory',
  'SubAccountId',
  'Tags',
  'x_CostType',
] as const;

export type FocusColumn = (typeof FOCUS_COLUMNS)[number];

/** Without these a row cannot be placed in time or counted; the rest may be absent or empty. */
export const REQUIRED_COLUMNS: readonly FocusColumn[] = ['ChargePeriodStart', 'ChargePeriodEnd', 'BilledCost', 'BillingCurrency'];

/** The amount a budget counts: EffectiveCost when the source has it, else BilledCost. */
export function countedCost(record: Pick<CostRecord, 'EffectiveCost' | 'BilledCost'>): Micros {
  return record.EffectiveCost ?? record.BilledCost;
}
