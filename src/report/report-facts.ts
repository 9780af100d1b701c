/**
 * The facts the nightly report is built from, read from the history with SQL (DuckDB aggregates millions
 * of rows in a second or two): daily series, month-to-date spend per budget (through the budget
 * summariser the `check --spend` path uses), GPU spend by team and model, top cost drivers, forecasts.
 * No judgement here: thresholds and verdicts are Rego's.
 *
 * Spend is Actual rows only (`ACTUAL`): forecast rows from cost files feed the budgets' forecasts, never the
 * daily series, month to date, GPU slices or drivers. Amounts are exact DECIMAL sums, read back as
 * micro-units for the budget summary.
 */
import type { Budget } from '../config/config.js';
import { TollgateError } from '../model/errors.js';
import type { DailyPoint, DailySeries, SpendSummary } from '../model/resource.js';
import { addDays, costRecord } from '../billing/cost-record.js';
import type { CostHistory } from '../billing/history.js';
import type { CostRecord } from '../model/cost-record.js';
import { parseMicros } from '../model/money.js';
import { summariseSpend } from '../billing/spend-summary.js';

export type { DailyPoint, DailySeries } from '../model/resource.js';

export interface SpendSlice {
  readonly key: string;
  readonly cost: number;
}

export interface CostDriver {
  readonly provider: string;
  readonly service: string;
  readonly resource: string;
  readonly team: string | null;
  readonly cost: number;
  /** Share of the month-to-date total, 0..1. */
  readonly share: number;
}

export interface ReportFacts {
  readonly currency: string;
  readonly today: string;
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly sources: readonly string[];
  readonly series: readonly DailySeries[];
  readonly spend: readonly SpendSummary[];
  readonly monthToDate: number;
  readonly gpuByTeam: readonly SpendSlice[];
  readonly gpuByModel: readonly SpendSlice[];
  readonly topDrivers: readonly CostDriver[];
  readonly forecasts: ReadonlyArray<{ readonly source: string; readonly remaining: number }>;
}

export interface FactOptions {
  readonly today: string;
  readonly now: string;
  readonly days: number;
  readonly budgets: readonly Budget[];
  readonly environmentTagKeys: readonly string[];
  readonly teamTagKey: string;
  readonly modelTagKey: string;
  /** Model names from the inventory, keyed by the tag value (when an inventory is given). */
  readonly modelNames?: ReadonlyMap<string, string>;
}

/**
 * GPU instance types by provider family: AWS p*, g*, trn/inf, SageMaker ml.p/ml.g; GCP a2/a3/g2 and TPUs;
 * Azure NC/ND/NV series. A regex over SKU and instance type, kept in one place.
 */
export const GPU_PATTERN = '(^|[^a-z])(ml\\.)?(p[2-5][a-z]*|g[4-6][a-z]*|trn[12]|inf[12])\\.|(^|[^a-z])(a2|a3|g2)-|tpu|standard_n[cdv]';

/** Only billed spend: forecast rows are kept apart. */
const ACTUAL = `x_CostType = 'Actual'`;

const round2 = (value: number): number => Math.round(value * 100) / 100;

const tag = (key: string): string => `json_extract_string(Tags, '$."${key.replaceAll("'", "''").replaceAll('"', '')}"')`;

/** History rows are judged in one currency: adding EUR to USD needs a rate nobody gave. */
async function reportCurrency(history: CostHistory, from: string, to: string): Promise<string> {
  const rows = await history.query<{ c: string; sources: string }>(
    `SELECT BillingCurrency AS c, string_agg(DISTINCT x_Source, ', ' ORDER BY x_Source) AS sources FROM cost_records
     WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  if (rows.length > 1) {
    const mix = rows.map((row) => `${row.c} from ${row.sources}`).join('; ');
    throw new TollgateError(`history mixes currencies (${mix}); Tollgate has no exchange rates: report on sources in one currency`);
  }
  return rows[0]?.c ?? 'USD';
}

function withTrailingMeans(days: readonly string[], costs: ReadonlyMap<string, number>, today: string): DailyPoint[] {
  return days.map((day, i) => {
    const before = days.slice(Math.max(0, i - 7), i);
    const mean = before.length === 7 ? before.reduce((sum, d) => sum + (costs.get(d) ?? 0), 0) / 7 : null;
    return {
      day,
      cost: round2(costs.get(day) ?? 0),
      trailing_mean: mean === null ? null : round2(mean),
      days_ago: Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000),
    };
  });
}

async function dailySeries(history: CostHistory, from: string, today: string, teamTag: string): Promise<DailySeries[]> {
  const rows = await history.query<{ day: string; scope: string; cost: number }>(
    `SELECT strftime(x_Day, '%Y-%m-%d') AS day, scope, sum(cost)::DOUBLE AS cost FROM (
       SELECT x_Day, 'total' AS scope, coalesce(EffectiveCost, BilledCost) AS cost FROM cost_records WHERE ${ACTUAL}
       UNION ALL SELECT x_Day, 'team:' || ${tag(teamTag)}, coalesce(EffectiveCost, BilledCost) FROM cost_records WHERE ${ACTUAL} AND ${tag(teamTag)} IS NOT NULL
       UNION ALL SELECT x_Day, 'provider:' || x_Provider, coalesce(EffectiveCost, BilledCost) FROM cost_records WHERE ${ACTUAL}
     ) WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY ALL ORDER BY scope, day`,
    [from, today],
  );
  const days: string[] = [];
  for (let day = from; day < today; day = addDays(day, 1)) days.push(day);
  const byScope = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const costs = byScope.get(row.scope) ?? new Map<string, number>();
    costs.set(row.day, row.cost);
    byScope.set(row.scope, costs);
  }
  return [...byScope.entries()].map(([scope, costs]) => ({ scope, points: withTrailingMeans(days, costs, today) }));
}

/**
 * This month's records, aggregated per day, cost type and tag set, as the records the budget summariser
 * reads: Actual rows before today give the month to date, Forecast rows from today the rest of the month.
 */
async function monthRecords(history: CostHistory, monthStart: string, today: string): Promise<CostRecord[]> {
  const monthEnd = `${addDays(`${monthStart.slice(0, 7)}-28`, 4).slice(0, 7)}-01`;
  const rows = await history.query<{
    day: string;
    account: string | null;
    // The Tags column is nullable, whatever this reader writes into it.
    tags: string | null;
    currency: string;
    billed: string;
    effective: string | null;
    source: string;
    type: string;
  }>(
    `SELECT strftime(x_Day, '%Y-%m-%d') AS day, SubAccountId AS account, Tags AS tags, BillingCurrency AS currency, x_CostType AS type,
       CAST(sum(BilledCost) AS VARCHAR) AS billed, CAST(sum(coalesce(EffectiveCost, BilledCost)) AS VARCHAR) AS effective, min(x_Source) AS source
     FROM cost_records WHERE x_Day >= CAST(? AS DATE)
       AND ((${ACTUAL} AND x_Day < CAST(? AS DATE)) OR (x_CostType = 'Forecast' AND x_Day < CAST(? AS DATE)))
     GROUP BY ALL ORDER BY ALL`,
    [monthStart, today, monthEnd],
  );
  const micros = (text: string): bigint => {
    const value = parseMicros(text);
    if (value === null) throw new Error(`history holds a non-decimal sum: ${text}`);
    return value;
  };
  return rows.map((row) => {
    const start = Date.parse(`${row.day}T00:00:00Z`);
    let tags: Record<string, string>;
    try {
      tags = JSON.parse(row.tags ?? '{}') as Record<string, string>;
    } catch {
      tags = {};
    }
    return costRecord({
      ChargePeriodStart: new Date(start).toISOString(),
      ChargePeriodEnd: new Date(start + 86_400_000).toISOString(),
      BilledCost: micros(row.billed),
      EffectiveCost: row.effective === null ? null : micros(row.effective),
      BillingCurrency: row.currency,
      SubAccountId: row.account,
      Tags: tags,
      x_Provider: 'other',
      x_CostType: row.type === 'Forecast' ? 'Forecast' : 'Actual',
      x_Extras: {},
      x_Origin: { file: `history (${row.source})`, line: 1 },
    });
  });
}

async function slices(history: CostHistory, keyExpr: string, where: string, params: string[]): Promise<SpendSlice[]> {
  const rows = await history.query<{ key: string; cost: number }>(
    `SELECT coalesce(${keyExpr}, '(untagged)') AS key, sum(coalesce(EffectiveCost, BilledCost))::DOUBLE AS cost
     FROM cost_records WHERE ${ACTUAL} AND ${where} GROUP BY 1 ORDER BY 2 DESC, 1`,
    params,
  );
  return rows.map((row) => ({ key: row.key, cost: round2(row.cost) }));
}

export async function readReportFacts(history: CostHistory, options: FactOptions): Promise<ReportFacts> {
  const { today } = options;
  const from = addDays(today, -options.days);
  const monthStart = `${today.slice(0, 7)}-01`;
  const currency = await reportCurrency(history, from, today);
  const inMonth = `x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)`;
  const isGpu = `regexp_matches(lower(coalesce(SkuId, '') || ' ' || coalesce(json_extract_string(x_Extras, '$.x_InstanceType'), '') || ' ' || coalesce(ResourceType, '')), '${GPU_PATTERN}')`;
  const [range] = await history.query<{ first: string | null; last: string | null; total: number | null }>(
    `SELECT strftime(min(x_Day), '%Y-%m-%d') AS first, strftime(max(x_Day), '%Y-%m-%d') AS last,
       (SELECT sum(coalesce(EffectiveCost, BilledCost)) FROM cost_records WHERE ${ACTUAL} AND ${inMonth})::DOUBLE AS total
     FROM cost_records WHERE ${ACTUAL} AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)`,
    [monthStart, today, from, today],
  );
  const sources = (
    await history.query<{ s: string }>(
      `SELECT DISTINCT x_Source AS s FROM cost_records WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) ORDER BY 1`,
      [from, today],
    )
  ).map((row) => row.s);
  const monthToDate = round2(range?.total ?? 0);
  const gpuByTeam = await slices(history, tag(options.teamTagKey), `${inMonth} AND ${isGpu}`, [monthStart, today]);
  const gpuByModelRaw = await slices(history, tag(options.modelTagKey), `${inMonth} AND ${isGpu}`, [monthStart, today]);
  const gpuByModel = gpuByModelRaw.map((slice) => ({ key: options.modelNames?.get(slice.key) ?? slice.key, cost: slice.cost }));
  const drivers = await history.query<{ provider: string; service: string; resource: string; team: string | null; cost: number }>(
    `SELECT x_Provider AS provider, coalesce(ServiceName, '(unknown service)') AS service,
       coalesce(ResourceId, SkuId, '(no resource id)') AS resource, any_value(${tag(options.teamTagKey)}) AS team,
       sum(coalesce(EffectiveCost, BilledCost))::DOUBLE AS cost
     FROM cost_records WHERE ${ACTUAL} AND ${inMonth} GROUP BY 1, 2, 3 ORDER BY cost DESC, 1, 2, 3 LIMIT 10`,
    [monthStart, today],
  );
  const forecasts = await history.query<{ source: string; remaining: number }>(
    `SELECT x_Source AS source, remaining::DOUBLE AS remaining FROM forecasts WHERE month = ? ORDER BY 1`,
    [today.slice(0, 7)],
  );
  const records = await monthRecords(history, monthStart, today);
  return {
    currency,
    today,
    firstDay: range?.first ?? null,
    lastDay: range?.last ?? null,
    sources,
    series: await dailySeries(history, from, today, options.teamTagKey),
    spend: summariseSpend(records, options.budgets, options.now, options.environmentTagKeys),
    monthToDate,
    gpuByTeam,
    gpuByModel,
    topDrivers: drivers.map((row) => ({
      ...row,
      cost: round2(row.cost),
      share: monthToDate > 0 ? Math.round((row.cost / monthToDate) * 1000) / 1000 : 0,
    })),
    forecasts: forecasts.map((row) => ({ source: row.source, remaining: round2(row.remaining) })),
  };
}
