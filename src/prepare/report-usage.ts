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
 */
import type { CostHistory } from '../billing/history.js';
import { addDays } from '../billing/cost-record.js';
import { modelReferenceOf } from '../inputs/model-reference.js';
import type { ModelReference } from '../model/resource.js';

/** Days of history the savings rules look at, ending yesterday. */
export const DEFAULT_USAGE_WINDOW_DAYS = 30;

/** One resource's spend in the window, by FOCUS PricingCategory. */
export interface ResourceUsage {
  readonly resource: string;
  readonly provider: string;
  readonly service: string | null;
  readonly service_category: string | null;
  readonly region: string | null;
  readonly resource_type: string | null;
  readonly sku: string | null;
  /** x_InstanceType where the source states it. */
  readonly instance_type: string | null;
  /** The tags of the resource's latest row. */
  readonly tags: Readonly<Record<string, string>>;
  /** The model the tags name (`tollgate.io/model: <id>@<version>` or its label-safe form), else null. */
  readonly model: ModelReference | null;
  /** Window sums per pricing category: Standard (on demand), Dynamic (spot), Committed, and rows with none. */
  readonly cost: { readonly standard: number; readonly dynamic: number; readonly committed: number; readonly other: number };
  /** Days of the window with on-demand (Standard) spend. */
  readonly standard_days: number;
  /** The lowest on-demand spend of those days: the steady baseline a commitment can cover; null with none. */
  readonly min_daily_standard: number | null;
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

const round2 = (value: number | null): number => Math.round((value ?? 0) * 100) / 100;

const extra = (name: string): string => `json_extract_string(x_Extras, '$.${name}')`;

const COST = 'coalesce(EffectiveCost, BilledCost)';

/** Reads `input.report.usage` for the window of `windowDays` days before `today`. */
export async function readReportUsage(history: CostHistory, today: string, windowDays = DEFAULT_USAGE_WINDOW_DAYS): Promise<ReportUsage> {
  const from = addDays(today, -windowDays);
  const window = `x_CostType = 'Actual' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)`;
  const [days] = await history.query<{ n: number }>(`SELECT count(DISTINCT x_Day)::INTEGER AS n FROM cost_records WHERE ${window}`, [
    from,
    today,
  ]);
  const resources = await history.query<{
    resource: string;
    provider: string;
    service: string | null;
    service_category: string | null;
    region: string | null;
    resource_type: string | null;
    sku: string | null;
    instance_type: string | null;
    tags: string | null;
    standard: number | null;
    dynamic: number | null;
    committed: number | null;
    other: number | null;
    standard_days: number | null;
    min_daily_standard: number | null;
  }>(
    `WITH usage AS (
       SELECT x_Day, x_Provider AS provider,
         coalesce(ResourceId, coalesce(ServiceName, '(unknown service)') || ' / ' || coalesce(SkuId, '(no SKU)')) AS resource,
         ServiceName, ServiceCategory, RegionId, ResourceType, SkuId, ${extra('x_InstanceType')} AS instance_type, Tags, ChargePeriodStart,
         CASE lower(coalesce(PricingCategory, '')) WHEN 'standard' THEN 'standard' WHEN 'dynamic' THEN 'dynamic'
           WHEN 'committed' THEN 'committed' ELSE 'other' END AS category,
         ${COST} AS cost
       FROM cost_records WHERE ${window} AND coalesce(${extra('CommitmentDiscountStatus')}, '') <> 'Unused'
     ), on_demand_days AS (
       SELECT provider, resource, count(*)::INTEGER AS standard_days, min(cost)::DOUBLE AS min_daily_standard FROM (
         SELECT provider, resource, x_Day, sum(cost) AS cost FROM usage WHERE category = 'standard' GROUP BY ALL HAVING sum(cost) > 0
       ) GROUP BY ALL
     )
     SELECT u.provider, u.resource, any_value(ServiceName) AS service, any_value(ServiceCategory) AS service_category,
       any_value(RegionId) AS region, any_value(ResourceType) AS resource_type, any_value(SkuId) AS sku,
       any_value(instance_type) AS instance_type, arg_max(Tags, ChargePeriodStart) AS tags,
       (sum(cost) FILTER (WHERE category = 'standard'))::DOUBLE AS standard, (sum(cost) FILTER (WHERE category = 'dynamic'))::DOUBLE AS dynamic,
       (sum(cost) FILTER (WHERE category = 'committed'))::DOUBLE AS committed, (sum(cost) FILTER (WHERE category = 'other'))::DOUBLE AS other,
       any_value(d.standard_days) AS standard_days, any_value(d.min_daily_standard) AS min_daily_standard
     FROM usage u LEFT JOIN on_demand_days d ON d.provider = u.provider AND d.resource = u.resource
     GROUP BY u.provider, u.resource HAVING sum(cost) <> 0 ORDER BY u.provider, u.resource`,
    [from, today],
  );
  const commitments = await history.query<{
    id: string;
    name: string | null;
    provider: string;
    type: string | null;
    category: string | null;
    used: number | null;
    unused: number | null;
  }>(
    `SELECT ${extra('CommitmentDiscountId')} AS id, x_Provider AS provider, any_value(${extra('CommitmentDiscountName')}) AS name,
       any_value(${extra('CommitmentDiscountType')}) AS type, any_value(${extra('CommitmentDiscountCategory')}) AS category,
       (sum(${COST}) FILTER (WHERE ${extra('CommitmentDiscountStatus')} = 'Used'))::DOUBLE AS used,
       (sum(${COST}) FILTER (WHERE ${extra('CommitmentDiscountStatus')} = 'Unused'))::DOUBLE AS unused
     FROM cost_records WHERE ${window} AND ${extra('CommitmentDiscountId')} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    [from, today],
  );
  const usages = resources.map((row): ResourceUsage => {
    const tags = parseTags(row.tags);
    return {
      resource: row.resource,
      provider: row.provider,
      service: row.service,
      service_category: row.service_category,
      region: row.region,
      resource_type: row.resource_type,
      sku: row.sku,
      instance_type: row.instance_type,
      tags,
      model: modelReferenceOf(tags),
      cost: { standard: round2(row.standard), dynamic: round2(row.dynamic), committed: round2(row.committed), other: round2(row.other) },
      standard_days: row.standard_days ?? 0,
      min_daily_standard: row.min_daily_standard === null ? null : round2(row.min_daily_standard),
    };
  });
  return {
    from,
    to: addDays(today, -1),
    days_with_data: days?.n ?? 0,
    resources: usages,
    providers: providerSums(usages),
    commitments: commitments.map((row) => ({
      id: row.id,
      name: row.name,
      provider: row.provider,
      type: row.type,
      category: row.category,
      used: round2(row.used),
      unused: round2(row.unused),
    })),
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

function parseTags(text: string | null): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}
