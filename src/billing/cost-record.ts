/**
 * CostRecord: one line of spend with FinOps FOCUS 1.2 column names, whatever the source (Cost Explorer,
 * Cost Management, the BigQuery billing export, FOCUS or provider export files). Extra facts a source
 * has that FOCUS does not name travel as `x_` columns. Published as schemas/cost-record.schema.json.
 *
 * Amounts are numbers in the record's BillingCurrency. Sources give them as decimal strings; they are
 * parsed once, at the edge, by `parseAmount`, so a malformed amount is an input error, never NaN.
 */

export type CloudProvider = 'aws' | 'gcp' | 'azure' | 'other';

export interface CostRecord {
  /** Inclusive start of the charge period, RFC 3339 UTC. */
  readonly ChargePeriodStart: string;
  /** Exclusive end of the charge period, RFC 3339 UTC. */
  readonly ChargePeriodEnd: string;
  readonly BilledCost: number;
  /** Amortised cost (commitments spread over their term); null when the source does not give it. */
  readonly EffectiveCost: number | null;
  /** Cost at list (on-demand) prices; null when the source does not give it. */
  readonly ListCost: number | null;
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
  /** Anything else the source states (instance type, resource group, Cost Explorer's Estimated flag). */
  readonly x_Extras: Readonly<Record<string, string>>;
}

/** The FOCUS columns a CostRecord carries, in the order the history table stores them. */
/** A record being assembled by a source: columns filled in one by one as query keys are read. */
export type MutableCostRecord = { -readonly [K in keyof CostRecord]: CostRecord[K] } & {
  Tags: Record<string, string>;
  x_Extras: Record<string, string>;
};

/**
 * A record with only what every source knows (period, amounts, currency, provider); the descriptive
 * columns start empty and are filled from the query's group keys.
 */
export function costRecord(
  known: Pick<CostRecord, 'ChargePeriodStart' | 'ChargePeriodEnd' | 'BilledCost' | 'EffectiveCost' | 'BillingCurrency' | 'x_Provider'> &
    Partial<Pick<CostRecord, 'SubAccountId'>> & { readonly x_Extras: Record<string, string> },
): MutableCostRecord {
  return {
    ListCost: null,
    ServiceName: null,
    ServiceCategory: null,
    RegionId: null,
    ResourceId: null,
    ResourceType: null,
    SkuId: null,
    PricingCategory: null,
    SubAccountId: null,
    Tags: {},
    ...known,
  };
}

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
] as const;

/** A record's day (YYYY-MM-DD, UTC): the unit history is replaced in. */
export function chargeDay(record: Pick<CostRecord, 'ChargePeriodStart'>): string {
  return record.ChargePeriodStart.slice(0, 10);
}

/** Decimal strings as the cost APIs send them ("40.3543773134", "-0.02", "1e-7"). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses an amount, or returns null when it is not a decimal number (the caller names the source). */
export function parseAmount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!DECIMAL.test(text)) return null;
  const amount = Number(text);
  return Number.isFinite(amount) ? amount : null;
}

const CURRENCY = /^[A-Z]{3}$/;

/** ISO 4217-shaped code in upper case, or null when the text cannot be a currency code. */
export function normaliseCurrency(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toUpperCase();
  return CURRENCY.test(code) ? code : null;
}

/** Days as YYYY-MM-DD strings, from `start` inclusive to `end` exclusive. */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t < Date.parse(`${end}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** `day` plus `n` days, YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Which cloud a provider or publisher name stands for ("Amazon Web Services", "Microsoft", "Google Cloud"). */
export function providerFromName(name: string | null | undefined): CloudProvider {
  const text = (name ?? '').toLowerCase();
  if (/\b(aws|amazon)\b/.test(text)) return 'aws';
  if (/\b(azure|microsoft)\b/.test(text)) return 'azure';
  if (/\b(gcp|google)\b/.test(text)) return 'gcp';
  return 'other';
}

/** PricingCategory from a provider's purchase-option words: spot and preemptible are FOCUS "Dynamic". */
export function pricingCategoryFrom(words: string | null | undefined): string | null {
  if (!words) return null;
  const text = words.toLowerCase();
  if (/spot|preemptible|low.?priority/.test(text)) return 'Dynamic';
  if (/reserved|savings.?plan|commit|reservation/.test(text)) return 'Committed';
  if (/on.?demand|standard|usage/.test(text)) return 'Standard';
  return null;
}
