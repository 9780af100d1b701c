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
 * amount is rounded to the cent once, in SQL. The model is the history's x_Model column (the model reference
 * tag as written, what the showback groups by), read with the Terraform and Kubernetes readers' parser.
 *
 * One statement reads the billed resources in one scan of the window and hands JavaScript one row per
 * resource (every column of every row costs as much to convert as to compute, so there are no others). The
 * on-demand days are counted from the rows themselves when a resource has at most one on-demand row a day (a
 * daily export), and summed per day only for resources that have more (an hourly one): grouping every row by
 * resource and day was the costliest step. A second, small statement reads the commitments and the days with
 * data.
 */
import type { CostHistory, Row } from '../billing/history.js';
import { addDays } from '../billing/cost-record.js';
import { parseModelReference } from '../inputs/model-reference.js';
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
  /** The model the latest row's tags name (`tollgate.io/model: <id>@<version>` or its label-safe form, x_Model); absent when none. */
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

/** A billed resource as the resource statement returns it, amounts rounded to the cent. */
interface ResourceRow extends Row {
  readonly resource: string;
  readonly provider: string;
  readonly service: string | null;
  readonly resource_type: string | null;
  readonly sku: string | null;
  readonly instance_type: string | null;
  /** x_Model of the latest row: the model reference tag as written. */
  readonly model: string | null;
  /** The Tags JSON of the latest row when it mentions a key the rules read, else null. */
  readonly tags: string | null;
  readonly standard: number;
  readonly dynamic: number;
  readonly committed: number;
  readonly other: number;
  readonly standard_days: number;
  readonly min_daily_standard: number | null;
}

/** A row of the window statement: the days with data (id null), or one commitment. */
interface WindowRow extends Row {
  readonly days: number | null;
  readonly id: string | null;
  readonly name: string | null;
  readonly provider: string | null;
  readonly type: string | null;
  readonly category: string | null;
  readonly used: number | null;
  readonly unused: number | null;
}

const WINDOW = `x_CostType = 'Actual' AND x_Day >= CAST($1 AS DATE) AND x_Day < CAST($2 AS DATE)`;

const cents = (sql: string): string => `round(${sql}, 2)::DOUBLE`;

/** x_Extras members as a list, parsed once per row and only for rows whose x_Extras names one of them. */
function extrasSql(names: readonly string[]): string {
  const named = names.map((name) => `contains(x_Extras, '"${name}"')`).join(' OR ');
  return `CASE WHEN x_Extras = '{}' THEN NULL WHEN ${named} THEN json_extract_string(x_Extras, [${names.map((name) => `'$.${name}'`).join(', ')}]) END`;
}

/**
 * The window's actual rows that are some resource's usage (not a commitment's unused part), with the columns
 * the resource statement reads. EffectiveCost, else BilledCost, as two branches rather than coalesce():
 * DuckDB then reads BilledCost only where EffectiveCost is missing (it skips the row groups whose statistics
 * say EffectiveCost has no nulls), and the 38-digit amounts are the costliest columns to scan.
 */
function usageRowsSql(): string {
  const columns = `x_Provider, ResourceId, ServiceName, ResourceType, SkuId, PricingCategory, Tags, x_Model, x_Day, ChargePeriodStart, x_Extras`;
  const readTags = USAGE_TAG_KEYS.map((key) => `Tags ILIKE '%${key}%'`).join(' OR ');
  return `SELECT x_Provider AS provider,
      coalesce(ResourceId, coalesce(ServiceName, '(unknown service)') || ' / ' || coalesce(SkuId, '(no SKU)')) AS resource,
      x_Day AS day, ChargePeriodStart AS started, ServiceName AS service, ResourceType AS resource_type, SkuId AS sku,
      x_Model AS model, CASE WHEN ${readTags} THEN Tags END AS tags,
      CASE lower(coalesce(PricingCategory, '')) WHEN 'standard' THEN 'standard' WHEN 'dynamic' THEN 'dynamic'
        WHEN 'committed' THEN 'committed' ELSE 'other' END AS category,
      cost, extras[1] AS instance_type
    FROM (
      SELECT *, ${extrasSql(['x_InstanceType', 'CommitmentDiscountStatus'])} AS extras FROM (
        SELECT ${columns}, EffectiveCost AS cost FROM cost_records WHERE ${WINDOW} AND EffectiveCost IS NOT NULL
        UNION ALL
        SELECT ${columns}, BilledCost AS cost FROM cost_records WHERE ${WINDOW} AND EffectiveCost IS NULL
      )
    )
    WHERE extras[2] IS DISTINCT FROM 'Unused'`;
}

/** The billed resources in provider and resource order: one scan of the window, one row per resource. */
function resourcesSql(windowDays: number): string {
  const standard = `category = 'standard'`;
  // The days of the window a resource has on-demand rows on, as a bit string: fewer days than rows means some
  // day has several rows (an hourly export, or several line items), and only then are its days summed.
  const dayBits = `bitstring_agg((day - CAST($1 AS DATE))::INTEGER, 0, ${windowDays - 1}) FILTER (WHERE ${standard})`;
  const summed = `standard_rows > standard_row_days`;
  return `WITH rows AS NOT MATERIALIZED (${usageRowsSql()}),
    billed AS (
      SELECT provider, resource, any_value(service) AS service, any_value(resource_type) AS resource_type, any_value(sku) AS sku,
        any_value(instance_type) AS instance_type, arg_max_null(model, started) AS model, arg_max_null(tags, started) AS tags,
        sum(cost) FILTER (WHERE ${standard}) AS standard, sum(cost) FILTER (WHERE category = 'dynamic') AS dynamic,
        sum(cost) FILTER (WHERE category = 'committed') AS committed, sum(cost) FILTER (WHERE category = 'other') AS other,
        count(*) FILTER (WHERE ${standard}) AS standard_rows, coalesce(bit_count(${dayBits}), 0) AS standard_row_days,
        count(*) FILTER (WHERE ${standard} AND cost > 0) AS positive_rows,
        min(cost) FILTER (WHERE ${standard} AND cost > 0) AS min_positive_row
      FROM rows GROUP BY provider, resource HAVING sum(cost) <> 0
    ),
    summed_days AS (
      SELECT provider, resource, count(*) AS standard_days, min(standard) AS min_daily_standard FROM (
        SELECT provider, resource, day, sum(cost) AS standard FROM rows
        WHERE ${standard} AND (provider, resource) IN (SELECT (provider, resource) FROM billed WHERE ${summed})
        GROUP BY ALL HAVING sum(cost) > 0
      ) GROUP BY ALL
    )
    SELECT b.resource, b.provider, service, resource_type, sku, instance_type, model, tags,
      ${cents('coalesce(standard, 0)')} AS standard, ${cents('coalesce(dynamic, 0)')} AS dynamic,
      ${cents('coalesce(committed, 0)')} AS committed, ${cents('coalesce(other, 0)')} AS other,
      (CASE WHEN ${summed} THEN coalesce(s.standard_days, 0) ELSE positive_rows END)::INTEGER AS standard_days,
      ${cents(`CASE WHEN ${summed} THEN s.min_daily_standard ELSE min_positive_row END`)} AS min_daily_standard
    FROM billed b LEFT JOIN summed_days s ON s.provider = b.provider AND s.resource = b.resource
    ORDER BY b.provider, b.resource`;
}

/** The days of the window with actual spend (the row whose id is null), then each commitment in id and provider order. */
function windowSql(): string {
  const [id, name, type, category, status] = [1, 2, 3, 4, 5].map((i) => `extras[${i}]`);
  const extras = extrasSql([
    'CommitmentDiscountId',
    'CommitmentDiscountName',
    'CommitmentDiscountType',
    'CommitmentDiscountCategory',
    'CommitmentDiscountStatus',
  ]);
  return `SELECT count(DISTINCT x_Day)::INTEGER AS days FROM cost_records WHERE ${WINDOW}
    UNION ALL BY NAME
    SELECT ${id} AS id, provider, any_value(${name}) AS name, any_value(${type}) AS type, any_value(${category}) AS category,
      ${cents(`coalesce(sum(cost) FILTER (WHERE ${status} = 'Used'), 0)`)} AS used,
      ${cents(`coalesce(sum(cost) FILTER (WHERE ${status} = 'Unused'), 0)`)} AS unused
    FROM (
      SELECT x_Provider AS provider, coalesce(EffectiveCost, BilledCost) AS cost, ${extras} AS extras
      FROM cost_records WHERE ${WINDOW} AND contains(x_Extras, '"CommitmentDiscountId"')
    )
    WHERE ${id} IS NOT NULL GROUP BY ${id}, provider
    ORDER BY id NULLS FIRST, provider`;
}

/** Reads `input.report.usage` for the window of `windowDays` days before `today`. */
export async function readReportUsage(history: CostHistory, today: string, windowDays = DEFAULT_USAGE_WINDOW_DAYS): Promise<ReportUsage> {
  if (!Number.isInteger(windowDays) || windowDays < 1)
    throw new RangeError(`the usage window is a whole number of days, not ${windowDays}`);
  const from = addDays(today, -windowDays);
  const resources = (await history.query<ResourceRow>(resourcesSql(windowDays), [from, today])).map(resourceUsage);
  const window = await history.query<WindowRow>(windowSql(), [from, today]);
  const commitments: CommitmentUsage[] = [];
  for (const { id, name, provider, type, category, used, unused } of window) {
    if (id !== null && provider !== null) commitments.push({ id, name, provider, type, category, used: used ?? 0, unused: unused ?? 0 });
  }
  return {
    from,
    to: addDays(today, -1),
    days_with_data: window.find((row) => row.id === null)?.days ?? 0,
    resources,
    providers: providerSums(resources),
    commitments,
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
function resourceUsage(row: ResourceRow): ResourceUsage {
  const model = row.model === null ? null : parseModelReference(row.model);
  const read = Object.entries(parseTags(row.tags)).filter(([key]) => USAGE_TAG_KEYS.includes(key.toLowerCase()));
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
