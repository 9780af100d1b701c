/**
 * Azure Cost Management → CostRecords. `query.usage` on a subscription, resource group or billing-account
 * scope, daily, grouped; the SDK does not follow `nextLink`, so later pages are POSTed to it through the
 * client's own pipeline (same credential, same retry policies). `forecast.usage` gives the month end.
 * The Query API groups by two keys at most: ServiceName and the first tag key, else ServiceName and
 * ResourceLocation.
 */
import { CostManagementClient, type ForecastDefinition, type QueryDefinition, type QueryResult } from '@azure/arm-costmanagement';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
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
import { COST_API_RETRY, withRetry, type RetryPolicy } from '../retry.js';

export interface AzureFetchOptions {
  readonly client: CostManagementClient;
  /** "subscriptions/{id}", "subscriptions/{id}/resourceGroups/{rg}", "providers/Microsoft.Billing/billingAccounts/{id}". */
  readonly scope: string;
  readonly start: string;
  readonly end: string;
  readonly tagKeys: readonly string[];
  readonly retry?: RetryPolicy;
  readonly onPage?: (pages: number) => void;
}

/** The tabular result, as the SDK returns it or as the REST body's `properties` holds it. */
export interface AzureQueryTable {
  readonly columns?: ReadonlyArray<{ readonly name?: string; readonly type?: string }>;
  readonly rows?: ReadonlyArray<readonly unknown[]>;
  readonly nextLink?: string;
}

const SCOPE =
  /^(subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?|providers\/Microsoft\.Billing\/billingAccounts\/[^/]+(\/(billingProfiles|departments|enrollmentAccounts)\/[^/]+)?|providers\/Microsoft\.Management\/managementGroups\/[^/]+)$/i;

export function checkAzureScope(scope: string): string {
  const trimmed = scope.replace(/^\/+|\/+$/g, '');
  if (!SCOPE.test(trimmed)) {
    throw new TollgateError(
      `azure: scope "${scope}" is not a subscription, resource group, billing account or management group scope (e.g. subscriptions/<id>)`,
    );
  }
  return trimmed;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function isAzureThrottle(error: unknown): boolean {
  const status = statusOf(error);
  return status === 429 || status === 503 || status === 502 || status === 504;
}

/** Retry-After (seconds) from a throttled response; Cost Management also sends its own header. */
function azureRetryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers;
  const value =
    headers?.get('x-ms-ratelimit-microsoft.costmanagement-entity-retry-after') ??
    headers?.get('x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after') ??
    headers?.get('retry-after');
  const seconds = value !== undefined ? Number(value) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

function azureError(error: unknown, operation: string, scope: string): TollgateError {
  const name = error instanceof Error ? error.name : '';
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  if (status === 401 || status === 403 || /CredentialUnavailable|AuthenticationRequired|AuthenticationError/.test(name)) {
    return new TollgateError(
      `azure: Cost Management ${operation} on ${scope} refused the credentials (${status ?? name}: ${message}); sign in again (az login, or the AZURE_* variables)`,
    );
  }
  if (isAzureThrottle(error))
    return new TollgateError(`azure: Cost Management ${operation} on ${scope} is still throttled after retries (${status})`);
  return new TollgateError(`azure: Cost Management ${operation} on ${scope} failed (${status ?? name}: ${message})`);
}

function grouping(tagKeys: readonly string[]): NonNullable<QueryDefinition['dataset']['grouping']> {
  const [tagKey] = tagKeys;
  return tagKey !== undefined
    ? [
        { type: 'Dimension', name: 'ServiceName' },
        { type: 'TagKey', name: tagKey },
      ]
    : [
        { type: 'Dimension', name: 'ServiceName' },
        { type: 'Dimension', name: 'ResourceLocation' },
      ];
}

function usageQuery(start: string, end: string, tagKeys: readonly string[]): QueryDefinition {
  return {
    type: 'ActualCost',
    timeframe: 'Custom',
    timePeriod: { from: new Date(`${start}T00:00:00Z`), to: new Date(`${addDays(end, -1)}T23:59:59Z`) },
    dataset: {
      granularity: 'Daily',
      aggregation: { Cost: { name: 'Cost', function: 'Sum' } },
      grouping: grouping(tagKeys),
    },
  };
}

/** Which record field each Cost Management dimension column fills. */
const COLUMN_FIELDS: Readonly<Record<string, (r: MutableCostRecord, v: string) => void>> = {
  servicename: (r, v) => (r.ServiceName = v),
  metercategory: (r, v) => (r.ServiceName = r.ServiceName ?? v),
  servicefamily: (r, v) => (r.ServiceCategory = v),
  resourcelocation: (r, v) => (r.RegionId = v),
  subscriptionid: (r, v) => (r.SubAccountId = v),
  resourceid: (r, v) => (r.ResourceId = v),
  resourcetype: (r, v) => (r.ResourceType = v),
  meterid: (r, v) => (r.SkuId = v),
  meter: (r, v) => (r.SkuId = r.SkuId ?? v),
  pricingmodel: (r, v) => (r.PricingCategory = pricingCategoryFrom(v)),
  resourcegroup: (r, v) => (r.x_Extras.x_ResourceGroup = v),
  resourcegroupname: (r, v) => (r.x_Extras.x_ResourceGroup = v),
};

const COST_COLUMNS = ['cost', 'pretaxcost', 'costusd', 'pretaxcostusd', 'totalcost'];
const DATE_COLUMNS = ['usagedate', 'billingmonth', 'date'];

/** A query-result cell as text: Azure returns strings and numbers; anything else is kept as its JSON, absent as ''. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** 20240131 (a Number column) or "2024-01-31T00:00:00" → "2024-01-31". */
function azureDay(value: unknown): string | null {
  const text = cellText(value);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
}

export interface AzurePeriod {
  readonly start: string;
  readonly end: string;
}

/**
 * Records from a query result table. A result without a date column (granularity None) is one charge over
 * `period`, which the caller takes from the query's time frame.
 */
export function azureQueryRecords(table: AzureQueryTable, scope: string, period?: AzurePeriod): CostRecord[] {
  const names = (table.columns ?? []).map((column) => (column.name ?? '').toLowerCase());
  const costIndex = names.findIndex((name) => COST_COLUMNS.includes(name));
  if (costIndex < 0) throw new TollgateError(`azure: the query result for ${scope} has no cost column (columns: ${names.join(', ')})`);
  const dateIndex = names.findIndex((name) => DATE_COLUMNS.includes(name));
  const currencyIndex = names.indexOf('currency');
  const tagKeyIndex = names.indexOf('tagkey');
  const tagValueIndex = names.indexOf('tagvalue');
  if (dateIndex < 0 && !period) throw new TollgateError(`azure: the query result for ${scope} has no UsageDate column and no time period`);
  return (table.rows ?? []).map((row, rowIndex) => {
    const amount = parseAmount(row[costIndex]);
    if (amount === null)
      throw new TollgateError(
        `azure: row ${rowIndex + 1} of the query result for ${scope}: cost ${JSON.stringify(row[costIndex])} is not a number`,
      );
    const currency = currencyIndex >= 0 ? normaliseCurrency(row[currencyIndex]) : 'USD';
    if (!currency)
      throw new TollgateError(
        `azure: row ${rowIndex + 1} of the query result for ${scope}: currency ${JSON.stringify(row[currencyIndex])} is not a currency code`,
      );
    const day = dateIndex >= 0 ? azureDay(row[dateIndex]) : null;
    if (dateIndex >= 0 && day === null)
      throw new TollgateError(
        `azure: row ${rowIndex + 1} of the query result for ${scope}: date ${JSON.stringify(row[dateIndex])} is not a date`,
      );
    const start = day ?? period?.start ?? '';
    const end = day ? addDays(day, 1) : (period?.end ?? '');
    const record = costRecord({
      ChargePeriodStart: `${start}T00:00:00.000Z`,
      ChargePeriodEnd: `${end}T00:00:00.000Z`,
      BilledCost: amount,
      EffectiveCost: null,
      BillingCurrency: currency,
      SubAccountId: /^subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? null,
      x_Provider: 'azure',
      x_Extras: { x_Scope: scope, ...(day ? {} : { x_Granularity: 'None' }) },
    });
    names.forEach((name, i) => {
      const value = row[i];
      if (value === null || value === undefined || value === '') return;
      COLUMN_FIELDS[name]?.(record, cellText(value));
    });
    if (tagKeyIndex >= 0 && tagValueIndex >= 0 && row[tagKeyIndex] && row[tagValueIndex]) {
      record.Tags[cellText(row[tagKeyIndex])] = cellText(row[tagValueIndex]);
    }
    return record;
  });
}

/** A later page: POST the same query to nextLink through the client's pipeline. */
async function fetchNextPage(client: CostManagementClient, nextLink: string, definition: QueryDefinition): Promise<AzureQueryTable> {
  const request = createPipelineRequest({
    url: nextLink,
    method: 'POST',
    body: JSON.stringify(definition),
    headers: createHttpHeaders({ 'content-type': 'application/json', accept: 'application/json' }),
  });
  const response = await client.sendRequest(request);
  if (response.status >= 400) {
    throw Object.assign(new Error(`HTTP ${response.status} from the next page`), { statusCode: response.status, response });
  }
  const body = JSON.parse(response.bodyAsText ?? '{}') as { properties?: AzureQueryTable };
  return body.properties ?? {};
}

export async function fetchAzureCosts(options: AzureFetchOptions): Promise<CostRecord[]> {
  const scope = checkAzureScope(options.scope);
  const definition = usageQuery(options.start, options.end, options.tagKeys);
  const retry = options.retry ?? COST_API_RETRY;
  const records: CostRecord[] = [];
  let page: AzureQueryTable;
  try {
    page = await withRetry(() => options.client.query.usage(scope, definition), isAzureThrottle, retry, azureRetryAfterMs);
  } catch (error) {
    throw azureError(error, 'query', scope);
  }
  let pages = 1;
  for (;;) {
    options.onPage?.(pages);
    records.push(...azureQueryRecords(page, scope));
    const nextLink = page.nextLink;
    if (!nextLink) break;
    try {
      page = await withRetry(() => fetchNextPage(options.client, nextLink, definition), isAzureThrottle, retry, azureRetryAfterMs);
    } catch (error) {
      throw azureError(error, 'query (next page)', scope);
    }
    pages += 1;
  }
  // Cost Management answers for the whole range; keep what was asked for.
  const wanted = new Set(daysBetween(options.start, options.end));
  return records.filter((record) => wanted.has(record.ChargePeriodStart.slice(0, 10)));
}

export async function fetchAzureForecast(
  client: CostManagementClient,
  scopeText: string,
  today: string,
  retry: RetryPolicy = COST_API_RETRY,
): Promise<Forecast | null> {
  const scope = checkAzureScope(scopeText);
  const monthEnd = addDays(new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1)).toISOString().slice(0, 10), -1);
  if (today >= monthEnd) return null;
  const definition: ForecastDefinition = {
    type: 'ActualCost',
    timeframe: 'Custom',
    timePeriod: { from: new Date(`${today}T00:00:00Z`), to: new Date(`${monthEnd}T23:59:59Z`) },
    dataset: { granularity: 'Daily', aggregation: { Cost: { name: 'Cost', function: 'Sum' } } },
    includeActualCost: false,
    includeFreshPartialCost: false,
  };
  let result: QueryResult;
  try {
    result = await withRetry(() => client.forecast.usage(scope, definition), isAzureThrottle, retry, azureRetryAfterMs);
  } catch (error) {
    throw azureError(error, 'forecast', scope);
  }
  const records = azureQueryRecords(result, scope, { start: today, end: monthEnd });
  const currencies = [...new Set(records.map((record) => record.BillingCurrency))];
  if (currencies.length > 1) throw new TollgateError(`azure: the forecast for ${scope} mixes currencies (${currencies.join(', ')})`);
  const remaining = records.reduce((sum, record) => sum + record.BilledCost, 0n);
  return { source: `azure:${scope}`, month: today.slice(0, 7), remaining, currency: currencies[0] ?? 'USD' };
}

/**
 * A client on DefaultAzureCredential (environment, workload identity, managed identity, az login). The
 * pipeline's retry policy is off (`maxRetries: 0`): withRetry (src/retry.ts) owns retries and reads the
 * Cost Management Retry-After headers itself, so 429s are not retried by both.
 */
export function defaultCostManagementClient(): CostManagementClient {
  return new CostManagementClient(new DefaultAzureCredential(), { retryOptions: { maxRetries: 0 } });
}
