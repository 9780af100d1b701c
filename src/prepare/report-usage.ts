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
 * One statement reads the billed resources in one scan of the window's rows (cost_facts, summed per combination
 * of texts before the texts are joined: history-layout.ts) and hands JavaScript one row per resource (every
 * column of every row costs as much to convert as to compute, so there are no others). The on-demand days are
 * counted from the rows themselves when a resource has at most one on-demand row a day (a daily export), and
 * summed per day only for resources that have more (an hourly one): grouping every row by resource and day was
 * the costliest step. A second, small statement reads the commitments and the days with data. Where a
 * resource's or a commitment's rows disagree on a text (a masked resource id shared by several services), the
 * text shown is defined by spend and text order, never by the order rows are read in.
 */
import type { CostHistory, Row } from '../billing/history.js';
import { COMBINATION_KEY, DIMENSIONS_TABLE, FACTS_TABLE } from '../billing/history-layout.js';
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

/** x_Extras members as a list, parsed once per combination and only for those whose x_Extras names one of them. */
function extrasSql(names: readonly string[]): string {
  const named = names.map((name) => `contains(x_Extras, '"${name}"')`).join(' OR ');
  return `CASE WHEN x_Extras = '{}' THEN NULL WHEN ${named} THEN json_extract_string(x_Extras, [${names.map((name) => `'$.${name}'`).join(', ')}]) END`;
}

/**
 * The window's actual rows of cost_facts with `columns` and their cost: EffectiveCost, else BilledCost, as two
 * branches rather than coalesce(): DuckDB then reads BilledCost only where EffectiveCost is missing (it skips the
 * row groups whose statistics say EffectiveCost has no nulls), and the 38-digit amounts are the costliest columns
 * to scan.
 */
function windowFactsSql(columns: string): string {
  return `SELECT ${columns}, EffectiveCost AS cost FROM ${FACTS_TABLE} WHERE ${WINDOW} AND EffectiveCost IS NOT NULL
    UNION ALL
    SELECT ${columns}, BilledCost AS cost FROM ${FACTS_TABLE} WHERE ${WINDOW} AND EffectiveCost IS NULL`;
}

/**
 * The combinations of texts (history-layout.ts) that are some resource's usage (not a commitment's unused part),
 * with what the resource statement reads of them, each worked out once per combination instead of once per row.
 */
function usageCombinationsSql(): string {
  const readTags = USAGE_TAG_KEYS.map((key) => `Tags ILIKE '%${key}%'`).join(' OR ');
  return `SELECT ${COMBINATION_KEY},
      coalesce(ResourceId, coalesce(ServiceName, '(unknown service)') || ' / ' || coalesce(SkuId, '(no SKU)')) AS resource,
      ServiceName AS service, ResourceType AS resource_type, SkuId AS sku, x_Model AS model,
      CASE WHEN ${readTags} THEN Tags END AS tags,
      CASE lower(coalesce(PricingCategory, '')) WHEN 'standard' THEN 'standard' WHEN 'dynamic' THEN 'dynamic'
        WHEN 'committed' THEN 'committed' ELSE 'other' END AS category,
      extras[1] AS instance_type
    FROM (SELECT *, ${extrasSql(['x_InstanceType', 'CommitmentDiscountStatus'])} AS extras FROM ${DIMENSIONS_TABLE})
    WHERE extras[2] IS DISTINCT FROM 'Unused'`;
}

/**
 * The billed resources in provider and resource order, one row per resource. The window's rows are summed per
 * provider and combination of texts first, reading only cost_facts' key, day, start and cost: a resource's rows
 * repeat a few combinations, so the texts are joined to tens of thousands of sums instead of millions of rows.
 *
 * What a resource shows where its rows disagree is defined, not left to the order rows are read in:
 * - service, resource type, SKU and instance type come together from the one set of them with the most spend in
 *   the window, ties in text order;
 * - model and tags are those of its latest row (the latest ChargePeriodStart); rows starting at the same time
 *   are told apart by their combination's spend in the window, then the model and tags in text order.
 */
function resourcesSql(windowDays: number): string {
  const standard = `category = 'standard'`;
  // The days of the window each combination has rows on, as a bit string: fewer days than rows means some day
  // has several rows (an hourly export, or several line items), and only then are a resource's days summed.
  const dayBits = `bitstring_agg((x_Day - CAST($1 AS DATE))::INTEGER, 0, ${windowDays - 1})`;
  const summed = `standard_rows > standard_row_days`;
  const latest = `ORDER BY latest DESC, cost DESC, model, tags`;
  return `WITH combinations AS (${usageCombinationsSql()}),
    sums AS (
      SELECT x_Provider AS provider, ${COMBINATION_KEY}, sum(cost) AS cost, count(*) AS rows,
        count(*) FILTER (WHERE cost > 0) AS positive_rows, min(cost) FILTER (WHERE cost > 0) AS min_positive_row,
        max(ChargePeriodStart) AS latest, ${dayBits} AS days
      FROM (${windowFactsSql(`x_Provider, ${COMBINATION_KEY}, x_Day, ChargePeriodStart`)}) GROUP BY ALL
    ),
    used AS (SELECT * FROM sums JOIN combinations USING (${COMBINATION_KEY})),
    billed AS (
      SELECT provider, resource, first(model ${latest}) AS model, first(tags ${latest}) AS tags,
        sum(cost) FILTER (WHERE ${standard}) AS standard, sum(cost) FILTER (WHERE category = 'dynamic') AS dynamic,
        sum(cost) FILTER (WHERE category = 'committed') AS committed, sum(cost) FILTER (WHERE category = 'other') AS other,
        sum(rows) FILTER (WHERE ${standard}) AS standard_rows,
        coalesce(bit_count(bit_or(days) FILTER (WHERE ${standard})), 0) AS standard_row_days,
        coalesce(sum(positive_rows) FILTER (WHERE ${standard}), 0) AS positive_rows,
        min(min_positive_row) FILTER (WHERE ${standard}) AS min_positive_row
      FROM used GROUP BY provider, resource HAVING sum(cost) <> 0
    ),
    described AS (
      SELECT provider, resource,
        first({'service': service, 'resource_type': resource_type, 'sku': sku, 'instance_type': instance_type}
          ORDER BY cost DESC, service, resource_type, sku, instance_type) AS described
      FROM (SELECT provider, resource, service, resource_type, sku, instance_type, sum(cost) AS cost FROM used GROUP BY ALL)
      GROUP BY provider, resource
    ),
    summed_days AS (
      SELECT provider, resource, count(*) AS standard_days, min(standard) AS min_daily_standard FROM (
        SELECT f.x_Provider AS provider, c.resource, f.x_Day, sum(f.cost) AS standard
        FROM (${windowFactsSql(`x_Provider, ${COMBINATION_KEY}, x_Day`)}) AS f JOIN combinations AS c USING (${COMBINATION_KEY})
        WHERE c.${standard} AND (f.x_Provider, c.resource) IN (SELECT (provider, resource) FROM billed WHERE ${summed})
        GROUP BY ALL HAVING sum(f.cost) > 0
      ) GROUP BY ALL
    )
    SELECT b.resource, b.provider, d.described.service, d.described.resource_type, d.described.sku, d.described.instance_type,
      model, tags, ${cents('coalesce(standard, 0)')} AS standard, ${cents('coalesce(dynamic, 0)')} AS dynamic,
      ${cents('coalesce(committed, 0)')} AS committed, ${cents('coalesce(other, 0)')} AS other,
      (CASE WHEN ${summed} THEN coalesce(s.standard_days, 0) ELSE positive_rows END)::INTEGER AS standard_days,
      ${cents(`CASE WHEN ${summed} THEN s.min_daily_standard ELSE min_positive_row END`)} AS min_daily_standard
    FROM billed b JOIN described d ON d.provider = b.provider AND d.resource = b.resource
      LEFT JOIN summed_days s ON s.provider = b.provider AND s.resource = b.resource
    ORDER BY b.provider, b.resource`;
}

/**
 * The days of the window with actual spend (the row whose id is null), then each commitment in id and provider
 * order. A commitment whose rows disagree on its name, type or category shows those of its rows with the most
 * spend in the window, ties in text order.
 */
function windowSql(): string {
  const [id, name, type, category, status] = [1, 2, 3, 4, 5].map((i) => `extras[${i}]`);
  const extras = extrasSql([
    'CommitmentDiscountId',
    'CommitmentDiscountName',
    'CommitmentDiscountType',
    'CommitmentDiscountCategory',
    'CommitmentDiscountStatus',
  ]);
  return `WITH committed AS (
      SELECT ${COMBINATION_KEY}, ${id} AS id, ${name} AS name, ${type} AS type, ${category} AS category, ${status} AS status
      FROM (SELECT ${COMBINATION_KEY}, ${extras} AS extras FROM ${DIMENSIONS_TABLE} WHERE contains(x_Extras, '"CommitmentDiscountId"'))
      WHERE ${id} IS NOT NULL
    ),
    sums AS (
      SELECT f.x_Provider AS provider, c.id, c.name, c.type, c.category,
        sum(f.cost) FILTER (WHERE c.status = 'Used') AS used, sum(f.cost) FILTER (WHERE c.status = 'Unused') AS unused, sum(f.cost) AS cost
      FROM (
        SELECT x_Provider, ${COMBINATION_KEY}, coalesce(EffectiveCost, BilledCost) AS cost FROM ${FACTS_TABLE}
        WHERE ${WINDOW} AND ${COMBINATION_KEY} IN (SELECT ${COMBINATION_KEY} FROM committed)
      ) AS f JOIN committed AS c USING (${COMBINATION_KEY})
      GROUP BY ALL
    )
    SELECT count(DISTINCT x_Day)::INTEGER AS days FROM ${FACTS_TABLE} WHERE ${WINDOW}
    UNION ALL BY NAME
    SELECT id, provider, first(name ORDER BY cost DESC, name, type, category) AS name,
      first(type ORDER BY cost DESC, name, type, category) AS type, first(category ORDER BY cost DESC, name, type, category) AS category,
      ${cents('coalesce(sum(used), 0)')} AS used, ${cents('coalesce(sum(unused), 0)')} AS unused
    FROM sums GROUP BY id, provider
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
