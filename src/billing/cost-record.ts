/**
 * Helpers the cost sources share to build CostRecords (src/model/cost-record.ts): a record with the columns a
 * source does not know left empty, amounts parsed once at the edge into micro-units (a malformed or
 * non-finite amount is an input error, never NaN), currency codes, days, provider and pricing words.
 */
import type { CloudProvider, CostRecord } from '../model/cost-record.js';
import { isRecordableMicros, parseMicros, type Micros } from '../model/money.js';

export type { CloudProvider, CostRecord } from '../model/cost-record.js';

/** A record being assembled by a source: columns filled in one by one as query keys are read. */
export type MutableCostRecord = { -readonly [K in keyof CostRecord]: CostRecord[K] } & {
  Tags: Record<string, string>;
  x_Extras: Record<string, string>;
};

/**
 * A record with only what every source knows (period, amounts, currency, provider); the descriptive
 * columns start empty and are filled from the query's group keys. API results are actual spend.
 */
export function costRecord(
  known: Pick<CostRecord, 'ChargePeriodStart' | 'ChargePeriodEnd' | 'BilledCost' | 'EffectiveCost' | 'BillingCurrency' | 'x_Provider'> &
    Partial<Pick<CostRecord, 'SubAccountId' | 'ListCost' | 'Tags' | 'x_CostType' | 'x_Origin'>> & {
      readonly x_Extras: Record<string, string>;
    },
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
    x_CostType: 'Actual',
    x_Origin: null,
    ...known,
  };
}

/**
 * An amount as the cost APIs send it ("40.3543773134", "-0.02", "1e-7", or a JSON number) in micro-units;
 * null when it is not a finite decimal that fits a record (the caller names the source).
 */
export function parseAmount(value: unknown): Micros | null {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const micros = parseMicros(String(value));
  return micros !== null && isRecordableMicros(micros) ? micros : null;
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
