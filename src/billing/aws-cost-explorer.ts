/**
 * AWS Cost Explorer → CostRecords. GetCostAndUsage, daily, grouped; amounts arrive as decimal strings.
 * Cost Explorer bills each request, so responses are cached per query and day and a closed day is never
 * asked for again unless `refresh` is set. Cost Explorer groups by two keys at most: SERVICE and the first
 * configured tag key (which budgets need), else SERVICE and REGION.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  type GetCostAndUsageCommandInput,
  type GroupDefinition,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { TollgateError } from '../model/errors.js';
import {
  addDays,
  costRecord,
  daysBetween,
  normaliseCurrency,
  parseAmount,
  pricingCategoryFrom,
  type CostRecord,
  type MutableCostRecord,
} from './cost-record.js';
import type { Forecast } from './history.js';
import { ResponseCache } from './response-cache.js';
import { COST_API_RETRY, withRetry, type RetryPolicy } from '../retry.js';

export const AWS_SOURCE = 'aws';
const COST_METRICS = ['UnblendedCost', 'AmortizedCost', 'NetUnblendedCost', 'BlendedCost', 'NetAmortizedCost'] as const;

export interface AwsFetchOptions {
  readonly client: CostExplorerClient;
  /** First day, YYYY-MM-DD, inclusive. */
  readonly start: string;
  /** Last day, YYYY-MM-DD, exclusive. */
  readonly end: string;
  /** Today (from --now): days before yesterday are closed. */
  readonly today: string;
  readonly tagKeys: readonly string[];
  readonly cache?: ResponseCache;
  /** Ask again for closed days that are cached. */
  readonly refresh?: boolean;
  readonly retry?: RetryPolicy;
  readonly onPage?: (pages: number) => void;
}

/** The shapes GetCostAndUsage returns, as far as Tollgate reads them (also the AWS CLI's JSON output). */
export interface CostAndUsageResult {
  readonly ResultsByTime?: readonly ResultByTime[];
  readonly GroupDefinitions?: readonly GroupDefinition[];
}

const THROTTLE_NAMES = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const CREDENTIAL_NAMES = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
  'AccessDeniedException',
  'InvalidSignatureException',
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function isAwsThrottle(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return THROTTLE_NAMES.has(errorName(error)) || status === 429 || (status !== undefined && status >= 500);
}

/** An SDK error as a one-line TollgateError naming the source. Credentials never appear in SDK messages. */
function awsError(error: unknown, operation: string): TollgateError {
  const name = errorName(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (CREDENTIAL_NAMES.has(name)) {
    return new TollgateError(
      `aws: Cost Explorer ${operation} refused the credentials (${name}: ${message}); refresh them (aws sso login, or the AWS_* variables) and run again`,
    );
  }
  if (isAwsThrottle(error))
    return new TollgateError(`aws: Cost Explorer ${operation} is still throttled after retries (${name}: ${message})`);
  return new TollgateError(`aws: Cost Explorer ${operation} failed (${name || 'error'}: ${message})`);
}

function groupDefinitions(tagKeys: readonly string[]): GroupDefinition[] {
  const [tagKey] = tagKeys;
  return tagKey !== undefined
    ? [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'TAG', Key: tagKey },
      ]
    : [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'DIMENSION', Key: 'REGION' },
      ];
}

function costQuery(start: string, end: string, tagKeys: readonly string[]): GetCostAndUsageCommandInput {
  return {
    TimePeriod: { Start: start, End: end },
    Granularity: 'DAILY',
    Metrics: ['UnblendedCost', 'AmortizedCost'],
    GroupBy: groupDefinitions(tagKeys),
  };
}

type KeyApplier = (fields: MutableCostRecord, value: string) => void;

/** Which record field each Cost Explorer dimension fills: a table, one entry per dimension. */
const DIMENSION_FIELDS: Readonly<Record<string, KeyApplier>> = {
  SERVICE: (r, v) => (r.ServiceName = v),
  REGION: (r, v) => (r.RegionId = v),
  LINKED_ACCOUNT: (r, v) => (r.SubAccountId = v),
  INSTANCE_TYPE: (r, v) => (r.ResourceType = v),
  USAGE_TYPE: (r, v) => (r.SkuId = v),
  PURCHASE_TYPE: (r, v) => (r.PricingCategory = pricingCategoryFrom(v)),
  RESOURCE_ID: (r, v) => (r.ResourceId = v),
};

function applyKey(record: MutableCostRecord, definition: GroupDefinition | undefined, key: string): void {
  if (definition?.Type === 'TAG' || (definition === undefined && key.includes('$'))) {
    // Tag group keys read "team$research"; "team$" means the tag is not set.
    const split = key.indexOf('$');
    const tagKey = split >= 0 ? key.slice(0, split) : (definition?.Key ?? key);
    const value = split >= 0 ? key.slice(split + 1) : '';
    if (value !== '') record.Tags[tagKey] = value;
    return;
  }
  const apply = DIMENSION_FIELDS[definition?.Key ?? ''];
  if (apply) apply(record, key);
  else record.x_Extras[`x_${definition?.Key ?? 'Key'}`] = key;
}

function isoStart(day: string): string {
  return `${day.slice(0, 10)}T00:00:00.000Z`;
}

/** Turns GetCostAndUsage results (SDK responses or the CLI's JSON) into records. */
export function costExplorerRecords(result: CostAndUsageResult, source = AWS_SOURCE): CostRecord[] {
  const definitions = result.GroupDefinitions ?? [];
  const records: CostRecord[] = [];
  for (const period of result.ResultsByTime ?? []) {
    const start = period.TimePeriod?.Start;
    const end = period.TimePeriod?.End;
    if (!start || !end) throw new TollgateError(`${source}: a Cost Explorer result has no TimePeriod`);
    const groups = period.Groups && period.Groups.length > 0 ? period.Groups : [{ Keys: [], Metrics: period.Total ?? {} }];
    for (const group of groups) {
      const metrics = group.Metrics ?? {};
      const billedMetric = COST_METRICS.find((name) => metrics[name] !== undefined);
      if (!billedMetric) continue; // usage-only results (UsageQuantity) carry no cost
      const billed = metrics[billedMetric];
      const amount = parseAmount(billed?.Amount);
      if (amount === null) {
        throw new TollgateError(`${source}: Cost Explorer amount ${JSON.stringify(billed?.Amount)} for ${start} is not a decimal number`);
      }
      const currency = normaliseCurrency(billed?.Unit);
      if (!currency)
        throw new TollgateError(`${source}: Cost Explorer unit ${JSON.stringify(billed?.Unit)} for ${start} is not a currency`);
      const amortised = metrics.AmortizedCost ? parseAmount(metrics.AmortizedCost.Amount) : null;
      const record = costRecord({
        ChargePeriodStart: isoStart(start),
        ChargePeriodEnd: isoStart(end),
        BilledCost: amount,
        EffectiveCost: amortised,
        BillingCurrency: currency,
        x_Provider: 'aws',
        x_Extras: period.Estimated ? { x_Estimated: 'true' } : {},
      });
      (group.Keys ?? []).forEach((key, i) => applyKey(record, definitions[i], key));
      if (amount !== 0n || (amortised ?? 0n) !== 0n) records.push(record);
    }
  }
  return records;
}

/** Days before yesterday are closed: Cost Explorer finalises a day's costs within about a day. */
function isClosedDay(day: string, today: string): boolean {
  return day < addDays(today, -1);
}

async function fetchRange(
  options: AwsFetchOptions,
  start: string,
  end: string,
): Promise<{ results: ResultByTime[]; definitions: GroupDefinition[] }> {
  const results: ResultByTime[] = [];
  let definitions: GroupDefinition[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const input = { ...costQuery(start, end, options.tagKeys), ...(token ? { NextPageToken: token } : {}) };
    let response;
    try {
      response = await withRetry(
        () => options.client.send(new GetCostAndUsageCommand(input)),
        isAwsThrottle,
        options.retry ?? COST_API_RETRY,
      );
    } catch (error) {
      throw awsError(error, 'GetCostAndUsage');
    }
    pages += 1;
    options.onPage?.(pages);
    results.push(...(response.ResultsByTime ?? []));
    definitions = response.GroupDefinitions ?? definitions;
    token = response.NextPageToken;
  } while (token);
  return { results, definitions };
}

interface CachedDay {
  readonly results: ResultByTime[];
  readonly definitions: GroupDefinition[];
}

/**
 * Daily costs for [start, end). Closed days come from the cache when they are there; the rest is asked
 * for in one range (paged), and the closed days of the answer are cached.
 */
export async function fetchAwsCosts(options: AwsFetchOptions): Promise<CostRecord[]> {
  const days = daysBetween(options.start, options.end);
  const key = ResponseCache.keyOf({ ...costQuery('', '', options.tagKeys), TimePeriod: undefined });
  const byDay = new Map<string, CachedDay>();
  for (const day of days) {
    if (options.refresh || !options.cache || !isClosedDay(day, options.today)) continue;
    const cached = options.cache.get(key, day) as CachedDay | undefined;
    if (cached) byDay.set(day, cached);
  }
  const missing = days.filter((day) => !byDay.has(day));
  if (missing.length > 0) {
    const first = missing[0] ?? options.start;
    const last = missing[missing.length - 1] ?? options.start;
    const { results, definitions } = await fetchRange(options, first, addDays(last, 1));
    const fetched = new Map<string, ResultByTime[]>();
    for (const result of results) {
      const day = result.TimePeriod?.Start?.slice(0, 10) ?? '';
      fetched.set(day, [...(fetched.get(day) ?? []), result]);
    }
    for (const day of missing) {
      const entry = { results: fetched.get(day) ?? [], definitions };
      byDay.set(day, entry);
      if (options.cache && isClosedDay(day, options.today)) options.cache.set(key, day, entry);
    }
  }
  return days.flatMap((day) => {
    const entry = byDay.get(day);
    return entry ? costExplorerRecords({ ResultsByTime: entry.results, GroupDefinitions: entry.definitions }) : [];
  });
}

/** Month-end forecast: GetCostForecast from today to the first of next month (none on the last day). */
export async function fetchAwsForecast(
  client: CostExplorerClient,
  today: string,
  retry: RetryPolicy = COST_API_RETRY,
): Promise<Forecast | null> {
  const nextMonth = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1)).toISOString().slice(0, 10);
  if (addDays(today, 1) >= nextMonth) return null;
  let response;
  try {
    response = await withRetry(
      () =>
        client.send(
          new GetCostForecastCommand({ TimePeriod: { Start: today, End: nextMonth }, Metric: 'UNBLENDED_COST', Granularity: 'MONTHLY' }),
        ),
      isAwsThrottle,
      retry,
    );
  } catch (error) {
    throw awsError(error, 'GetCostForecast');
  }
  const amount = parseAmount(response.Total?.Amount);
  const currency = normaliseCurrency(response.Total?.Unit);
  if (amount === null || !currency)
    throw new TollgateError(`aws: Cost Explorer forecast ${JSON.stringify(response.Total)} is not an amount`);
  return { source: AWS_SOURCE, month: today.slice(0, 7), remaining: amount, currency };
}

/**
 * A client on the SDK's default credential chain; Cost Explorer's endpoint is global (us-east-1). The SDK's
 * retries are off (`maxAttempts: 1`): withRetry (src/retry.ts) owns retries, so throttling is not retried 3 × 6 times.
 */
export function defaultCostExplorerClient(): CostExplorerClient {
  return new CostExplorerClient({ region: 'us-east-1', maxAttempts: 1 });
}
