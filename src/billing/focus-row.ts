/**
 * One row of a normalised spend file (FOCUS 1.2 column names) → SpendRecord, with errors that name the
 * column and the row's file:line. Columns the file has beyond these are ignored, so a full FOCUS export
 * can be read as it is.
 */
import { TollgateError } from '../model/errors.js';
import type { CostType, RecordOrigin, SpendRecord } from '../model/spend-record.js';
import { parseMicros } from '../model/money.js';

export const SPEND_FILE_COLUMNS = [
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'BillingCurrency',
  'ServiceName',
  'RegionId',
  'ResourceId',
  'SubAccountId',
  'Tags',
  'x_CostType',
] as const;
export type FocusColumn = (typeof SPEND_FILE_COLUMNS)[number];

/** Without these a row cannot be placed in time or counted; the rest may be absent or empty. */
export const REQUIRED_COLUMNS: readonly FocusColumn[] = ['ChargePeriodStart', 'ChargePeriodEnd', 'BilledCost', 'BillingCurrency'];

/** A row as read: column name → value (CSV gives strings; JSON may give numbers, objects or null). */
export type FocusRow = Readonly<Record<string, unknown>>;

/**
 * The required columns `columns` lacks, as an error message, or null when none is missing. A column
 * spelled with other letter case is pointed out: FOCUS names are case-sensitive.
 */
export function missingColumnMessage(columns: readonly string[]): string | null {
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  const [first] = missing;
  if (first === undefined) return null;
  const names = missing.length === 1 ? `column ${first}` : `columns ${missing.join(', ')}`;
  const nearMiss = columns.find((column) => column.toLowerCase() === first.toLowerCase());
  const hint = nearMiss === undefined ? '' : ` (found "${nearMiss}": column names are case-sensitive)`;
  return `missing required ${names}${hint}`;
}

// ISO 8601 date or date-time; a date-time without an offset is taken as UTC, as FOCUS specifies.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time as epoch milliseconds; null when it is not one or names no real time. */
export function parseIsoTime(text: string): number | null {
  const match = ISO_TIME.exec(text.trim());
  if (!match) return null;
  const [, year = '', month = '', day = '', hour, minute = '00', second = '00', fraction = '', offset] = match;
  const dayMs = Date.UTC(Number(year), Number(month) - 1, Number(day));
  // Date.UTC rolls 2026-02-30 over into March: a date that does not round-trip names no real day.
  const check = new Date(dayMs);
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1) return null;
  if (hour === undefined) return dayMs;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  const zone = offset === undefined || offset === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(-2)}`;
  const milliseconds = fraction.slice(0, 4).padEnd(4, '0'); // ".5" → ".500"
  const parsed = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction === '' ? '' : milliseconds}${zone}`);
  return Number.isNaN(parsed) ? null : parsed;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function optionalText(value: unknown): string | null {
  const text = textOf(value);
  return text === '' ? null : text;
}

/** FOCUS Tags: a JSON object (or, in a CSV cell, its JSON text). Values become strings; a key-only tag is "". */
function parseTags(value: unknown, fail: (message: string) => never): Record<string, string> {
  if (value === null || value === undefined || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(`Tags is not valid JSON: ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('Tags must be a JSON object of key/value pairs');
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of Object.entries(parsed as Record<string, unknown>)) {
    if (tagValue !== null && typeof tagValue === 'object') fail(`Tags value of "${key}" must be a string, not an object`);
    tags[key] = textOf(tagValue);
  }
  return tags;
}

function parseCostType(value: unknown, fail: (message: string) => never): CostType {
  const text = textOf(value);
  if (text === '' || text === 'Actual') return 'Actual';
  if (text === 'Forecast') return 'Forecast';
  return fail(`x_CostType must be Actual or Forecast (got ${JSON.stringify(text)})`);
}

export function toSpendRecord(row: FocusRow, origin: RecordOrigin): SpendRecord {
  const fail = (message: string): never => {
    throw new TollgateError(message, { file: origin.file, line: origin.line });
  };
  const time = (column: FocusColumn): number => {
    const text = textOf(row[column]);
    const parsed = parseIsoTime(text);
    return parsed ?? fail(`${column} is not an ISO 8601 date or time (got ${JSON.stringify(text)})`);
  };
  const cost = (column: FocusColumn, optional: boolean): bigint | null => {
    const text = textOf(row[column]);
    if (text === '' && optional) return null;
    return parseMicros(text) ?? fail(`${column} is not a decimal number (got ${JSON.stringify(text)})`);
  };

  const chargePeriodStart = time('ChargePeriodStart');
  const chargePeriodEnd = time('ChargePeriodEnd');
  if (chargePeriodEnd < chargePeriodStart) fail('ChargePeriodEnd is before ChargePeriodStart');
  const billingCurrency = textOf(row.BillingCurrency).toUpperCase();
  if (!/^[A-Z]{3}$/.test(billingCurrency)) {
    fail(`BillingCurrency must be an ISO 4217 code such as USD (got ${JSON.stringify(textOf(row.BillingCurrency))})`);
  }
  return {
    chargePeriodStart,
    chargePeriodEnd,
    billedCostMicros: cost('BilledCost', false) ?? 0n,
    effectiveCostMicros: cost('EffectiveCost', true),
    billingCurrency,
    serviceName: optionalText(row.ServiceName),
    regionId: optionalText(row.RegionId),
    resourceId: optionalText(row.ResourceId),
    subAccountId: optionalText(row.SubAccountId),
    tags: parseTags(row.Tags, fail),
    costType: parseCostType(row.x_CostType, fail),
    origin,
  };
}
