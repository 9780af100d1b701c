/**
 * GCP actual spend from the Cloud Billing export to BigQuery. The SQL is parameterised (dates and tag keys
 * are query parameters) and aggregates server-side to one row per day × service × region × project × SKU ×
 * tags, so a month of a large detailed export comes back as thousands of rows, not millions. Table names
 * cannot be parameters, so the table is checked against BigQuery's identifier syntax instead.
 * Projects linked to a billing account come from @google-cloud/billing (discoverBillingProjects).
 */
import { BigQuery } from '@google-cloud/bigquery';
import { TollgateError } from '../model/errors.js';
import { normaliseCurrency, parseAmount, pricingCategoryFrom, type CostRecord } from './cost-record.js';
import { COST_API_RETRY, withRetry, type RetryPolicy } from '../retry.js';

/** standard: gcp_billing_export_v1_*; detailed: gcp_billing_export_resource_v1_*; focus: the FOCUS view. */
export type GcpExportKind = 'standard' | 'detailed' | 'focus';

export interface GcpFetchOptions {
  readonly bigquery: Pick<BigQuery, 'query'>;
  /** project.dataset.table */
  readonly table: string;
  readonly kind?: GcpExportKind;
  readonly start: string;
  readonly end: string;
  readonly tagKeys: readonly string[];
  readonly retry?: RetryPolicy;
}

const TABLE = /^[a-z][a-z0-9-]{4,61}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_-]{1,1024}$/;

function exportKindOf(table: string): GcpExportKind {
  const name = table.split('.').pop() ?? '';
  if (/focus/i.test(name)) return 'focus';
  if (/resource/i.test(name)) return 'detailed';
  return 'standard';
}

export function checkTable(table: string): string {
  if (!TABLE.test(table)) {
    throw new TollgateError(
      `gcp: "${table}" is not a BigQuery table name (project.dataset.table, e.g. my-proj.billing.gcp_billing_export_v1_0123AB_CDEF45_6789AB)`,
    );
  }
  return table;
}

/** The SQL for one export kind. Tag keys are parameters @tag0, @tag1, ...; labels are key/value arrays. */
function billingSql(table: string, kind: GcpExportKind, tagCount: number): string {
  const tags = Array.from({ length: tagCount }, (_, i) => i);
  if (kind === 'focus') {
    // Assumes the FOCUS view's Tags as key/value pairs like the standard export's labels.
    const tagColumns = tags.map((i) => `(SELECT ANY_VALUE(t.value) FROM UNNEST(Tags) AS t WHERE t.key = @tag${i}) AS tag${i}`);
    return `SELECT DATE(ChargePeriodStart) AS day, ServiceName AS service, ServiceCategory AS category, RegionId AS region,
  SubAccountId AS project, SkuId AS sku, PricingCategory AS pricing, BillingCurrency AS currency${tagColumns.map((c) => `,\n  ${c}`).join('')},
  CAST(SUM(BilledCost) AS STRING) AS billed, CAST(SUM(EffectiveCost) AS STRING) AS effective, CAST(SUM(ListCost) AS STRING) AS list
FROM \`${table}\`
WHERE ChargePeriodStart >= TIMESTAMP(@start) AND ChargePeriodStart < TIMESTAMP(@end)
GROUP BY ${['day', 'service', 'category', 'region', 'project', 'sku', 'pricing', 'currency', ...tags.map((i) => `tag${i}`)].join(', ')}`;
  }
  const tagColumns = tags.map((i) => `(SELECT ANY_VALUE(l.value) FROM UNNEST(labels) AS l WHERE l.key = @tag${i}) AS tag${i}`);
  const resource = kind === 'detailed' ? 'resource.global_name' : 'CAST(NULL AS STRING)';
  return `SELECT DATE(usage_start_time) AS day, service.description AS service, CAST(NULL AS STRING) AS category,
  location.region AS region, project.id AS project, sku.id AS sku, sku.description AS sku_description,
  ${resource} AS resource, currency${tagColumns.map((c) => `,\n  ${c}`).join('')},
  CAST(SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)) AS STRING) AS billed,
  CAST(SUM(cost) AS STRING) AS list
FROM \`${table}\`
WHERE usage_start_time >= TIMESTAMP(@start) AND usage_start_time < TIMESTAMP(@end)
GROUP BY ${['day', 'service', 'category', 'region', 'project', 'sku', 'sku_description', 'resource', 'currency', ...tags.map((i) => `tag${i}`)].join(', ')}`;
}

type BigQueryRow = Record<string, unknown>;

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // The client returns DATE columns as BigQueryDate objects with a `value` string.
  if (typeof value === 'object' && 'value' in value) return text(value.value);
  return JSON.stringify(value);
}

function gcpRecords(rows: readonly BigQueryRow[], tagKeys: readonly string[], table: string): CostRecord[] {
  return rows.map((row, index): CostRecord => {
    const day = text(row.day);
    if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day))
      throw new TollgateError(`gcp: row ${index + 1} from ${table}: day ${JSON.stringify(day)} is not a date`);
    const billed = parseAmount(text(row.billed));
    if (billed === null) throw new TollgateError(`gcp: row ${index + 1} from ${table}: cost ${JSON.stringify(row.billed)} is not a number`);
    const currency = normaliseCurrency(row.currency);
    if (!currency)
      throw new TollgateError(`gcp: row ${index + 1} from ${table}: currency ${JSON.stringify(row.currency)} is not a currency code`);
    const tags: Record<string, string> = {};
    tagKeys.forEach((key, i) => {
      const value = text(row[`tag${i}`]);
      if (value) tags[key] = value;
    });
    const skuDescription = text(row.sku_description);
    const endDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
    return {
      ChargePeriodStart: `${day}T00:00:00.000Z`,
      ChargePeriodEnd: endDay,
      BilledCost: billed,
      EffectiveCost: parseAmount(text(row.effective)),
      ListCost: parseAmount(text(row.list)),
      BillingCurrency: currency,
      ServiceName: text(row.service),
      ServiceCategory: text(row.category),
      RegionId: text(row.region),
      ResourceId: text(row.resource),
      ResourceType: null,
      SkuId: text(row.sku),
      PricingCategory: text(row.pricing) ?? pricingCategoryFrom(skuDescription),
      SubAccountId: text(row.project),
      Tags: tags,
      x_Provider: 'gcp',
      x_CostType: 'Actual',
      x_Extras: skuDescription ? { x_SkuDescription: skuDescription } : {},
      x_Origin: null,
    };
  });
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export function isGcpThrottle(error: unknown): boolean {
  const status = statusOf(error);
  const reason = JSON.stringify((error as { errors?: unknown }).errors ?? '');
  return status === 429 || status === 503 || /rateLimitExceeded|backendError/.test(reason);
}

function gcpError(error: unknown, table: string): TollgateError {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  if (status === 401 || status === 403 || /Could not load the default credentials|invalid_grant/.test(message ?? '')) {
    return new TollgateError(
      `gcp: BigQuery refused the credentials for ${table} (${status ?? ''} ${message}); run gcloud auth application-default login or set GOOGLE_APPLICATION_CREDENTIALS`,
    );
  }
  if (status === 404) return new TollgateError(`gcp: billing export table ${table} not found (${message})`);
  return new TollgateError(`gcp: BigQuery query on ${table} failed (${status ?? 'error'}: ${message})`);
}

export async function fetchGcpCosts(options: GcpFetchOptions): Promise<CostRecord[]> {
  const table = checkTable(options.table);
  const kind = options.kind ?? exportKindOf(table);
  const params: Record<string, string> = { start: `${options.start}T00:00:00Z`, end: `${options.end}T00:00:00Z` };
  options.tagKeys.forEach((key, i) => (params[`tag${i}`] = key));
  let rows: BigQueryRow[];
  try {
    [rows] = (await withRetry(
      () => options.bigquery.query({ query: billingSql(table, kind, options.tagKeys.length), params, useLegacySql: false }),
      isGcpThrottle,
      options.retry ?? COST_API_RETRY,
    )) as [BigQueryRow[], ...unknown[]];
  } catch (error) {
    throw gcpError(error, table);
  }
  return gcpRecords(rows, options.tagKeys, table);
}

/** The part of @google-cloud/billing's CloudBillingClient that discovery uses. */
export interface BillingProjectLister {
  listProjectBillingInfoAsync(request: { name: string }): AsyncIterable<{ projectId?: string | null; billingEnabled?: boolean | null }>;
}

/** Projects with billing enabled on a billing account ("012345-6789AB-CDEF01"). */
export async function discoverBillingProjects(client: BillingProjectLister, billingAccount: string): Promise<string[]> {
  const projects: string[] = [];
  try {
    for await (const info of client.listProjectBillingInfoAsync({ name: `billingAccounts/${billingAccount}` })) {
      if (info.projectId && info.billingEnabled !== false) projects.push(info.projectId);
    }
  } catch (error) {
    throw new TollgateError(
      `gcp: cannot list the projects of billing account ${billingAccount} (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return projects.sort();
}

/**
 * A client on Application Default Credentials. Its own retries are off (`retryOptions.autoRetry: false`):
 * withRetry (src/retry.ts) owns retries, so a throttled query is not retried 3 × 6 times.
 */
export const BIGQUERY_CLIENT_OPTIONS = { retryOptions: { autoRetry: false, maxRetries: 0 } } as const;

export function defaultBigQueryClient(): BigQuery {
  return new BigQuery(BIGQUERY_CLIENT_OPTIONS);
}
