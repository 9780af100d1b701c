/**
 * What the savings rules judge in the nightly report (`input.report.usage`): the spend history of the last
 * `windowDays` days summed per resource and pricing category, and per commitment. Only sums and counts
 * here: which resource is steady, interruptible or idle, what a commitment or spot capacity would save,
 * and every monthly figure are Rego's (policies/lib/billing_usage.rego).
 *
 * - A resource is its ResourceId; a row without one is grouped by service and SKU ("Amazon S3 / sku-1").
 * - Cost is EffectiveCost (else BilledCost) of Actual rows, in the history's one currency.
 * - Rows a commitment left unused (FOCUS CommitmentDiscountStatus "Unused") are no resource's usage: they
 *   count towards that commitment only.
 *
 * A large report has tens of thousands of billed resources and the engine judges every one, so an element
 * holds only what the savings rules read (policies/lib/billing_usage.rego, policies/rules/savings/): the tags
 * are only the keys the rules read; a field the rules only read through object.get, is_number(...) or
 * is_object(...) is left out when it has no value (absent and null read the same there), while one they test
 * with `not is_string(...)` stays, null (there an absent field makes the test undefined, not true); every
 * amount is rounded to the cent once, in SQL. The history is read by ONE
 * statement that scans the window once: the per-day on-demand figures are taken from the rows themselves
 * when a resource has at most one on-demand row a day (a daily export), and summed per day only for the
 * resources that have more (an hourly one), so a daily history is never grouped by resource and day.
 */
import type { CostHistory, Row } from '../billing/history.js';
import { addDays } from '../billing/cost-record.js';
import { modelReferenceOf } from '../inputs/model-reference.js';
import type { ModelReference } from '../model/resource.js';

/** Days of history the savings rules look at, ending yesterday. */
export const DEFAULT_USAGE_WINDOW_DAYS = 30;

/**
 * The tag keys the savings rules read (policies/lib/billing_usage.rego: workload = training/batch/serving/
 * inference, latency-critical = true), compared case-insensitively as the rules lower-case every key.
 */
export const USAGE_TAG_KEYS: readonly string[] = ['workload', 'latency-critical'];

/** One resource's spend in the window, by FOCUS PricingCategory. */
export interface ResourceUsage {
  readonly resource: string;
  readonly provider: string;
  /** Always present (null when unknown): the rules' evidence names it. */
  readonly service: string | null;
  readonly resource_type?: string;
  /** Always present (null when unknown): the rules test it with `not is_string(...)`, which an absent field leaves undefined. */
  readonly sku: string | null;
  /** x_InstanceType where the source states it; always present, as sku. */
  readonly instance_type: string | null;
  /** Of the tags of the resource's latest row, those with a key the rules read (USAGE_TAG_KEYS); absent when none. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The model the latest row's tags name (`tollgate.io/model: <id>@<version>` or its label-safe form). */
  readonly model?: ModelReference;
  /** Window sums per pricing category: Standard (on demand), Dynamic (spot), Committed, and rows with none. */
  readonly cost: { readonly standard: number; readonly dynamic: number; readonly committed: number; readonly other: number };
  /** Days of the window with on-demand (Standard) spend. */
  readonly standard_days: number;
  /** The lowest on-demand spend of those days: the steady baseline a commitment can cover; absent with none. */
  readonly min_daily_standard?: number;
}

/** One commitment (savings plan, reservation, committed use discount) as the FOCUS CommitmentDiscount* columns show it. */
export interface CommitmentUsage {
  readonly id: string;
  readonly name: string | null;
  readonly provider: string;
  /** CommitmentDiscountType, e.g. "Savings Plan", "Reservation", "Committed Use Discount". */
  readonly type: string | null;
  /** CommitmentDiscountCategory: "Spend" or "Usage". */
  readonly category: string | null;
  /** Window sums of rows whose CommitmentDiscountStatus is Used, and Unused. */
  readonly used: number;
  readonly unused: number;
}

export interface ReportUsage {
  /** First and last day (YYYY-MM-DD, inclusive) of the window. */
  readonly from: string;
  readonly to: string;
  /** Days of the window the history has actual spend for: the denominator of every monthly figure. */
  readonly days_with_data: number;
  readonly resources: readonly ResourceUsage[];
  readonly commitments: readonly CommitmentUsage[];
  /**
   * Per provider, the window sums of its resources' on-demand (Standard) and committed cost: what commitment
   * coverage is computed from, stated once so that an evaluation over a slice of the resources sees the whole.
   */
  readonly providers: Readonly<Record<string, ProviderUsage>>;
}

/** One provider's window sums over every billed resource, in the resources' rounded amounts. */
export interface ProviderUsage {
  readonly standard: number;
  readonly committed: number;
}

/** A row of the statement: a billed resource (kind 1), a commitment (kind 2) or the days with data (kind 3); amounts rounded. */
interface UsageRow extends Row {
  readonly kind: number;
  readonly provider: string;
  // kind 1
  readonly resource: string;
  readonly service: string | null;
  readonly resource_type: string | null;
  readonly sku: string | null;
  readonly instance_type: string | null;
  readonly tags: string | null;
  readonly standard: number;
  readonly dynamic: number;
  readonly committed: number;
  readonly other: number;
  readonly standard_days: number;
  readonly min_daily_standard: number | null;
  // kind 2
  readonly id: string;
  readonly name: string | null;
  readonly type: string | null;
  readonly category: string | null;
  readonly used: number;
  readonly unused: number;
  // kind 3
  readonly days: number | null;
}

/** The x_Extras members read, parsed once per row and only for rows that have one of them. */
const EXTRAS = [
  'x_InstanceType',
  'CommitmentDiscountStatus',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountType',
  'CommitmentDiscountCategory',
];

/**
 * The window's actual rows with the columns the statement reads. EffectiveCost, else BilledCost, as two
 * branches rather than coalesce(): DuckDB then reads BilledCost only where EffectiveCost is missing (none of
 * a history's row groups whose statistics say it has no nulls), and the 38-digit amounts are the costliest
 * columns to scan.
 */
function windowRows(): string {
  const window = `x_CostType = 'Actual' AND x_Day >= CAST($1 AS DATE) AND x_Day < CAST($2 AS DATE)`;
  const columns = `x_Provider, ResourceId, ServiceName, ResourceType, SkuId, PricingCategory, Tags, x_Day, ChargePeriodStart, x_Extras`;
  const extras = `json_extract_string(x_Extras, [${EXTRAS.map((name) => `'$.${name}'`).join(', ')}])`;
  const hasExtras = EXTRAS.map((name) => `contains(x_Extras, '"${name}"')`).join(' OR ');
  return `SELECT x_Provider AS provider,
      coalesce(ResourceId, coalesce(ServiceName, '(unknown service)') || ' / ' || coalesce(SkuId, '(no SKU)')) AS resource,
      x_Day AS day, ChargePeriodStart AS started, ServiceName AS service, ResourceType AS resource_type, SkuId AS sku, Tags AS tags,
      CASE lower(coalesce(PricingCategory, '')) WHEN 'standard' THEN 'standard' WHEN 'dynamic' THEN 'dynamic'
        WHEN 'committed' THEN 'committed' ELSE 'other' END AS category,
      cost, extras[1] AS instance_type, extras[2] AS status, extras[3] AS commitment, extras[4] AS commitment_name,
      extras[5] AS commitment_type, extras[6] AS commitment_category
    FROM (
      SELECT *, CASE WHEN ${hasExtras} THEN ${extras} END AS extras FROM (
        SELECT ${columns}, EffectiveCost AS cost FROM cost_records WHERE ${window} AND EffectiveCost IS NOT NULL
        UNION ALL
        SELECT ${columns}, BilledCost AS cost FROM cost_records WHERE ${window} AND EffectiveCost IS NULL
      )
    )`;
}

/** The one statement: the billed resources, the commitments and the days with data, amounts rounded to the cent. */
function usageSql(windowDays: number): string {
  const cents = (sql: string): string => `round(${sql}, 2)::DOUBLE`;
  const standard = `category = 'standard'`;
  return `WITH rows AS MATERIALIZED (${windowRows()}),
    billed AS (
      SELECT provider, resource, any_value(service) AS service, any_value(resource_type) AS resource_type, any_value(sku) AS sku,
        any_value(instance_type) AS instance_type, arg_max(tags, started) AS tags,
        sum(cost) FILTER (WHERE ${standard}) AS standard, sum(cost) FILTER (WHERE category = 'dynamic') AS dynamic,
        sum(cost) FILTER (WHERE category = 'committed') AS committed, sum(cost) FILTER (WHERE category = 'other') AS other,
        count(*) FILTER (WHERE ${standard}) AS standard_rows,
        coalesce(bit_count(bitstring_agg((day - CAST($1 AS DATE))::INTEGER, 0, ${windowDays - 1}) FILTER (WHERE ${standard})), 0) AS standard_row_days,
        count(*) FILTER (WHERE ${standard} AND cost > 0) AS positive_rows,
        min(cost) FILTER (WHERE ${standard} AND cost > 0) AS min_positive_row
      FROM rows WHERE status IS DISTINCT FROM 'Unused'
      GROUP BY provider, resource HAVING sum(cost) <> 0
    ),
    -- Only resources with more than one on-demand row on some day: their days summed.
    summed_days AS (
      SELECT provider, resource, count(*) AS standard_days, min(standard) AS min_daily_standard FROM (
        SELECT provider, resource, day, sum(cost) AS standard FROM rows
        WHERE ${standard} AND status IS DISTINCT FROM 'Unused'
          AND (provider, resource) IN (SELECT (provider, resource) FROM billed WHERE standard_rows > standard_row_days)
        GROUP BY ALL HAVING sum(cost) > 0
      ) GROUP BY ALL
    ),
    resources AS (
      SELECT b.provider, b.resource, service, resource_type, sku, instance_type, tags,
        ${cents('coalesce(standard, 0)')} AS standard, ${cents('coalesce(dynamic, 0)')} AS dynamic,
        ${cents('coalesce(committed, 0)')} AS committed, ${cents('coalesce(other, 0)')} AS other,
        (CASE WHEN standard_rows > standard_row_days THEN coalesce(s.standard_days, 0) ELSE positive_rows END)::INTEGER AS standard_days,
        ${cents('CASE WHEN standard_rows > standard_row_days THEN s.min_daily_standard ELSE min_positive_row END')} AS min_daily_standard
      FROM billed b LEFT JOIN summed_days s ON s.provider = b.provider AND s.resource = b.resource
    ),
    commitments AS (
      SELECT commitment AS id, any_value(commitment_name) AS name, provider, any_value(commitment_type) AS type,
        any_value(commitment_category) AS category,
        ${cents(`coalesce(sum(cost) FILTER (WHERE status = 'Used'), 0)`)} AS used,
        ${cents(`coalesce(sum(cost) FILTER (WHERE status = 'Unused'), 0)`)} AS unused
      FROM rows WHERE commitment IS NOT NULL GROUP BY commitment, provider
    )
    -- One row per billed resource, then per commitment, then the window's days with data.
    SELECT 1 AS kind, provider AS key1, resource AS key2, * FROM resources
    UNION ALL BY NAME
    SELECT 2 AS kind, id AS key1, provider AS key2, * FROM commitments
    UNION ALL BY NAME
    SELECT 3 AS kind, NULL AS key1, NULL AS key2, count(DISTINCT day)::INTEGER AS days FROM rows
    ORDER BY kind, key1, key2`;
}

/** Reads `input.report.usage` for the window of `windowDays` days before `today`. */
export async function readReportUsage(history: CostHistory, today: string, windowDays = DEFAULT_USAGE_WINDOW_DAYS): Promise<ReportUsage> {
  if (!Number.isInteger(windowDays) || windowDays < 1)
    throw new RangeError(`the usage window is a whole number of days, not ${windowDays}`);
  const from = addDays(today, -windowDays);
  const rows = await history.query<UsageRow>(usageSql(windowDays), [from, today]);
  const resources = rows.filter((row) => row.kind === 1).map(resourceUsage);
  return {
    from,
    to: addDays(today, -1),
    days_with_data: rows.find((row) => row.kind === 3)?.days ?? 0,
    resources,
    providers: providerSums(resources),
    commitments: rows
      .filter((row) => row.kind === 2)
      .map(({ id, name, provider, type, category, used, unused }) => ({ id, name, provider, type, category, used, unused })),
  };
}

/** Sums in whole cents, as Rego's decimal arithmetic would add the rounded amounts. */
function providerSums(usages: readonly ResourceUsage[]): Record<string, ProviderUsage> {
  const cents = new Map<string, { standard: number; committed: number }>();
  for (const u of usages) {
    const sums = cents.get(u.provider) ?? { standard: 0, committed: 0 };
    sums.standard += Math.round(u.cost.standard * 100);
    sums.committed += Math.round(u.cost.committed * 100);
    cents.set(u.provider, sums);
  }
  return Object.fromEntries(
    [...cents].map(([provider, sums]) => [provider, { standard: sums.standard / 100, committed: sums.committed / 100 }]),
  );
}

/** One element of `resources`: the fields without a value that the rules test for presence left out. */
function resourceUsage(row: UsageRow): ResourceUsage {
  const allTags = parseTags(row.tags);
  const model = modelReferenceOf(allTags);
  const read = Object.entries(allTags).filter(([key]) => USAGE_TAG_KEYS.includes(key.toLowerCase()));
  return {
    resource: row.resource,
    provider: row.provider,
    service: row.service,
    ...(row.resource_type === null ? {} : { resource_type: row.resource_type }),
    sku: row.sku,
    instance_type: row.instance_type,
    ...(read.length === 0 ? {} : { tags: Object.fromEntries(read) }),
    ...(model === null ? {} : { model }),
    cost: { standard: row.standard, dynamic: row.dynamic, committed: row.committed, other: row.other },
    standard_days: row.standard_days,
    ...(row.min_daily_standard === null ? {} : { min_daily_standard: row.min_daily_standard }),
  };
}

function parseTags(text: string | null): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}
