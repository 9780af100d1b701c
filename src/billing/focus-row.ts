/**
 * One row of a cost file with FOCUS 1.2 column names → a validated CostRecord, with errors that name the
 * column and the row's file:line. The one set of row validations, for `check --spend` and `report` alike:
 * finite decimal amounts that fit 64-bit micro-units, a known ISO 4217 currency, Tags a JSON object,
 * ChargePeriodEnd after ChargePeriodStart, x_CostType Actual or Forecast, times with offsets converted to
 * UTC. Columns the file has beyond these are kept as x_Extras (x_ columns) or ignored, so a full FOCUS
 * export can be read as it is.
 */
import { TollgateError } from '../model/errors.js';
import { REQUIRED_COLUMNS, type CostRecord, type CostType, type FocusColumn, type RecordOrigin } from '../model/cost-record.js';
import { isRecordableMicros, parseMicros, type Micros } from '../model/money.js';
import { providerFromName } from './cost-record.js';
import { isExtraFocusColumn } from './file-dialects.js';

/** A row as read: column name → value (CSV gives strings; JSON may give numbers, objects or null). */
export type FocusRow = Readonly<Record<string, unknown>>;

export interface RowOptions {
  /** Currency of a file with no BillingCurrency column (the report allows it, with a note); else required. */
  readonly defaultCurrency?: string;
}

/** ISO 4217 codes the runtime knows (Intl.supportedValuesOf). */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

function isKnownCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

export function knownCurrencies(): readonly string[] {
  return [...KNOWN_CURRENCIES];
}

/**
 * The required columns `columns` lacks, as an error message, or null when none is missing. A column
 * spelled with other letter case is pointed out: FOCUS names are case-sensitive.
 */
export function missingColumnMessage(columns: readonly string[], options: RowOptions = {}): string | null {
  const missing = REQUIRED_COLUMNS.filter(
    (column) => !columns.includes(column) && !(column === 'BillingCurrency' && options.defaultCurrency !== undefined),
  );
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

/** A cell as the row rules read it: trimmed, and the word null (FOCUS samples' empty cell) read as empty. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  // FOCUS sample data writes an empty cell as the word null.
  if (typeof value === 'string') return value.trim() === 'null' || value.trim() === 'NULL' ? '' : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function optionalText(value: unknown): string | null {
  const text = textOf(value);
  return text === '' ? null : text;
}

/** FOCUS Tags: a JSON object (or, in a CSV cell, its JSON text). Values become strings; a key-only tag is "". */
export function parseTags(value: unknown, fail: (message: string) => never): Record<string, string> {
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

export function parseCostType(value: unknown, fail: (message: string) => never): CostType {
  const text = textOf(value);
  if (text === '' || text === 'Actual') return 'Actual';
  if (text === 'Forecast') return 'Forecast';
  return fail(`x_CostType must be Actual or Forecast (got ${JSON.stringify(text)})`);
}

/** The columns that name the cloud, in the order they are consulted. */
export const PROVIDER_COLUMNS = ['ServiceProviderName', 'ProviderName', 'PublisherName', 'InvoiceIssuerName', 'HostProviderName'];

export function toCostRecord(row: FocusRow, origin: RecordOrigin, options: RowOptions = {}): CostRecord {
  const fail = (message: string): never => {
    throw new TollgateError(message, { file: origin.file, line: origin.line });
  };
  const time = (column: FocusColumn): number => {
    const text = textOf(row[column]);
    const parsed = parseIsoTime(text);
    return parsed ?? fail(`${column} is not an ISO 8601 date or time (got ${JSON.stringify(text)})`);
  };
  const cost = (column: FocusColumn | 'ListCost'): Micros | null => {
    const value = row[column];
    const text = textOf(value);
    if (text === '') return null;
    const micros = typeof value === 'number' && !Number.isFinite(value) ? null : parseMicros(text);
    if (micros === null) return fail(`${column} is not a decimal number (got ${JSON.stringify(text)})`);
    if (!isRecordableMicros(micros)) return fail(`${column} ${text} is out of range (at most ±9.2 trillion)`);
    return micros;
  };

  const start = time('ChargePeriodStart');
  const end = time('ChargePeriodEnd');
  if (end <= start) fail('ChargePeriodEnd must be after ChargePeriodStart');
  const currencyText = 'BillingCurrency' in row ? textOf(row.BillingCurrency) : (options.defaultCurrency ?? '');
  const currency = currencyText.toUpperCase();
  if (!isKnownCurrency(currency)) fail(`BillingCurrency must be an ISO 4217 code such as USD (got ${JSON.stringify(currencyText)})`);
  const billed = cost('BilledCost') ?? fail('BilledCost is empty');
  const extras: Record<string, string> = {};
  for (const [name, value] of Object.entries(row)) {
    if (isExtraFocusColumn(name) && textOf(value) !== '') extras[name] = textOf(value);
  }
  const providerName = PROVIDER_COLUMNS.map((name) => optionalText(row[name])).find((name) => name !== null);
  return {
    ChargePeriodStart: new Date(start).toISOString(),
    ChargePeriodEnd: new Date(end).toISOString(),
    BilledCost: billed,
    EffectiveCost: cost('EffectiveCost'),
    ListCost: cost('ListCost'),
    BillingCurrency: currency,
    ServiceName: optionalText(row.ServiceName),
    ServiceCategory: optionalText(row.ServiceCategory),
    RegionId: optionalText(row.RegionId) ?? optionalText(row.Region),
    ResourceId: optionalText(row.ResourceId),
    ResourceType: optionalText(row.ResourceType),
    SkuId: optionalText(row.SkuId),
    PricingCategory: optionalText(row.PricingCategory),
    SubAccountId: optionalText(row.SubAccountId),
    Tags: parseTags(row.Tags, fail),
    x_Provider: providerFromName(providerName),
    x_CostType: parseCostType(row.x_CostType, fail),
    x_Extras: extras,
    x_Origin: origin,
  };
}
