/**
 * The facts the nightly report is built from, read from the history with SQL (DuckDB aggregates millions
 * of rows in a second or two): daily series, month-to-date spend per budget (through the budget
 * summariser the `check --spend` path uses), showback by team, cloud, service and model, GPU spend, top cost
 * drivers, forecasts, and how current each billing account's data is. No judgement here: shares, changes,
 * thresholds and verdicts are Rego's.
 *
 * - Spend is Actual rows only: forecast rows from cost files feed the budgets' forecasts, never the series,
 *   month to date, showback or drivers.
 * - Amounts shown are effective (amortised) cost where the source gives it, else billed cost; the billed
 *   total is kept beside it (`costBasis`).
 * - The history keeps each row in its billing currency. The report converts with `currency.rates` from
 *   tollgate.yaml into one report currency; a currency with no rate is left out of the sums and listed on its
 *   own line (`currencies`), never added as if it were the report currency.
 * - Month to date runs through the last complete day: the last day every billing account has data for. A
 *   two-day billing lag then shortens the month to date instead of being counted as two days of zero spend,
 *   and the budgets' run-rate projections divide by the days actually covered.
 */
import type { Budget, CurrencySettings } from '../config/config.js';
import type { Inventory } from '../model/inventory.js';
import type { DailyPoint, DailySeries, SpendSummary } from '../model/resource.js';
import type { AccountFreshness, EstimatesVsActual, ModelShowbackLine, Showback, ShowbackLine } from '../model/showback.js';
import type { ResourceEstimate } from './estimate-files.js';
import { estimatesVsActual } from './estimates-actual.js';
import { addDays, costRecord } from '../billing/cost-record.js';
import type { CostHistory } from '../billing/history.js';
import { countedCost, type CostRecord } from '../model/cost-record.js';
import { microsToNumber, parseMicros } from '../model/money.js';
import { firstTag, matchesScope } from '../billing/budgets.js';
import { summariseSpend } from '../billing/spend-summary.js';
import { parseModelReference } from '../inputs/model-reference.js';
import { literal } from '../billing/file-dialects.js';

export type { DailyPoint, DailySeries } from '../model/resource.js';

export interface SpendSlice {
  readonly key: string;
  readonly cost: number;
}

export interface CostDriver {
  readonly provider: string;
  readonly service: string;
  readonly resource: string;
  /** The team tag of most of the resource's spend this month (ties in text order); null for untagged spend. */
  readonly team: string | null;
  readonly cost: number;
  /** Share of the month-to-date total, 0..1. */
  readonly share: number;
}

/** Spend in one billing currency this month, and how it entered the report's sums. */
export interface CurrencyLine {
  readonly currency: string;
  /** Month to date in that currency. */
  readonly month_to_date: number;
  /** Units of the report currency per unit; null when tollgate.yaml gives none (then not in the sums). */
  readonly rate: number | null;
}

/** Which cost the figures are, and the month to date both ways. */
export interface CostBasis {
  readonly shown: 'effective';
  readonly label: string;
  readonly effective_month_to_date: number;
  readonly billed_month_to_date: number;
}

/** GPU and other accelerator spend, classified by the instance-type tables (billing/instance-classes.ts). */
export interface AcceleratorSpend {
  readonly total: number;
  /** Spend on instance types the tables do not know: maybe accelerated, maybe not. */
  readonly unknown: number;
  /** Up to ten of those instance names, for the user to look up. */
  readonly unknown_types: readonly string[];
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
  readonly costBasis: CostBasis;
  readonly currencies: readonly CurrencyLine[];
  readonly freshness: readonly AccountFreshness[];
  readonly showback: Showback;
  readonly accelerators: AcceleratorSpend;
  /** Estimates joined to actual spend; null without --estimates. */
  readonly estimates: EstimatesVsActual | null;
  readonly gpuByTeam: readonly SpendSlice[];
  readonly gpuByModel: readonly SpendSlice[];
  readonly topDrivers: readonly CostDriver[];
  readonly forecasts: ReadonlyArray<{ readonly source: string; readonly remaining: number }>;
  /** Each budget's actual spend per day this month (its scope, whatever keys it uses), for the burn-downs. */
  readonly budgetDays: ReadonlyArray<{
    readonly budget: string;
    readonly days: ReadonlyArray<{ readonly day: string; readonly cost: number }>;
  }>;
}

export interface FactOptions {
  readonly today: string;
  readonly now: string;
  readonly days: number;
  readonly budgets: readonly Budget[];
  readonly environmentTagKeys: readonly string[];
  readonly teamTagKey: string;
  /** tollgate.yaml `currency`: the report currency and the rates into it. */
  readonly currency?: CurrencySettings;
  /** The model inventory (`--inventory`), for each model's owner team and risk tier. */
  readonly inventory?: Inventory;
  /** Monthly estimates from `tollgate check --format json` results (`--estimates`). */
  readonly estimates?: readonly ResourceEstimate[];
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The temporary view of the spend rows: Actual rows with a rate, their cost in the report currency. */
const SPEND = 'report_spend';

/**
 * The temporary table most figures are read from: the Actual rows of the report's window summed per day,
 * currency, source, account, cloud, team, service, model and instance class, in one scan of the history. A few
 * thousand rows stand for millions, and the showback, daily series, GPU spend, currency lines and freshness
 * each read it instead of the history. The sums are exact decimals, so summing them again gives the figures
 * the rows would. `cost` and `billed` are in the report currency and null for a currency with no rate
 * (`rated` false); `native` and `native_billed` are in the rows' own currency.
 */
const SUMS = 'report_sums';

/**
 * This month's Actual rows summed per day, account, Tags and currency (the budgets' records, monthRecords),
 * in their own currency: `billed`, `effective` (EffectiveCost, else BilledCost) and the first source. Summed in
 * the same scan as SUMS, as a second grouping set: decoding the history's 38-digit amounts is most of a scan's
 * cost, and a second scan for these sums cost as much again as the grouping itself.
 */
const TAG_SUMS = 'report_tag_sums';

/**
 * An amount in the report currency: unchanged at rate 1 (the usual case; DECIMAL(38, 6) times a decimal rate is
 * ten times slower to compute than the sums it feeds), else multiplied and rounded back to the micro-unit.
 */
const converted = (amount: string): string => `CASE WHEN x.rate = 1 THEN ${amount} ELSE CAST(${amount} * x.rate AS DECIMAL(38, 6)) END`;

/**
 * The report currency and the rates into it, and the spend every figure is read from: the Actual rows since
 * `since` that have a rate, with their cost in the report currency and their team and model tags (x_Team,
 * x_Model, the history's tag columns, filled at import), as one temporary view for the queries that need
 * each resource, and their sums (SUMS) for the rest. The report currency is the configured one, else the
 * billing currency of the most rows.
 */
async function prepareSpend(
  history: CostHistory,
  settings: CurrencySettings | undefined,
  window: { readonly from: string; readonly since: string; readonly monthStart: string; readonly today: string },
  teamTagKey: string,
): Promise<string> {
  const { from, today } = window;
  const held = await history.query<{ c: string; n: number }>(
    `SELECT BillingCurrency AS c, count(*)::INTEGER AS n FROM cost_records
     WHERE x_CostType = 'Actual' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY 1 ORDER BY 2 DESC, 1`,
    [from, today],
  );
  const currency = settings?.report ?? held[0]?.c ?? 'USD';
  const rates = new Map<string, number>(Object.entries(settings?.rates ?? {}));
  rates.set(currency, 1);
  const values = [...rates.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, rate]) => `(${literal(code)}, CAST(${rate} AS DECIMAL(18, 6)))`);
  await history.run(`CREATE OR REPLACE TEMP TABLE report_rates AS SELECT * FROM (VALUES ${values.join(', ')}) AS t(currency, rate)`);
  const teamColumn = await history.tagColumn(teamTagKey);
  // A view takes no parameters: the two days are checked dates (YYYY-MM-DD) written into it.
  const day = (text: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error(`not a day: ${text}`);
    return `DATE '${text}'`;
  };
  // EffectiveCost, else BilledCost, as two branches rather than coalesce(): a query that reads only x_Cost (the
  // cost drivers, the estimates) then reads BilledCost only where EffectiveCost is missing, as DuckDB skips the
  // row groups whose statistics say EffectiveCost has no nulls; the 38-digit amounts are the costliest columns to
  // scan (the cost drivers at 5 million rows: 1.6-2.0 -> 1.1 CPU s).
  const spendRows = (cost: string, filter: string): string =>
    `SELECT r.*, ${converted(cost)} AS x_Cost, ${converted('r.BilledCost')} AS x_Billed, r.${teamColumn} AS x_Team
     FROM cost_records r JOIN report_rates x ON x.currency = r.BillingCurrency
     WHERE r.x_CostType = 'Actual' AND r.x_Day >= ${day(window.since)} AND r.x_Day < ${day(today)} AND ${filter}`;
  await history.run(
    `CREATE OR REPLACE TEMP VIEW ${SPEND} AS
     ${spendRows('r.EffectiveCost', 'r.EffectiveCost IS NOT NULL')}
     UNION ALL
     ${spendRows('r.BilledCost', 'r.EffectiveCost IS NULL')}`,
  );
  // Summed as billed first, and converted per group: most rows are in a currency at rate 1, where the cost is
  // the sum itself. Rows in a currency at another rate are converted row by row as the view does (each amount
  // rounded to the micro-unit), in sums of their own, so the figures are those of the rows.
  const scaled = await history.query<{ currency: string; rate: string }>(
    `SELECT currency, CAST(rate AS VARCHAR) AS rate FROM report_rates WHERE rate <> 1 ORDER BY 1`,
  );
  const scaledSum = (amount: string): string =>
    scaled.length === 0
      ? 'CAST(NULL AS DECIMAL(38, 6))'
      : `sum(CASE r.BillingCurrency ${scaled
          .map(
            (row) => `WHEN ${literal(row.currency)} THEN CAST(${amount} * CAST(${literal(row.rate)} AS DECIMAL(18, 6)) AS DECIMAL(38, 6))`,
          )
          .join(' ')} END)`;
  // Both sets' groups land in one table; `month_set` (0 in TAG_SUMS' set, 1 in SUMS') tells them apart. Rows
  // before the month have no month day, and their TAG_SUMS group (day null) is left out.
  const inMonth = `r.x_Day >= ${day(window.monthStart)}`;
  const groups = 'report_groups';
  await history.run(
    `CREATE OR REPLACE TEMP TABLE ${groups} AS SELECT grouping(month_day) AS month_set,
       x_Day, currency, x_Source, SubAccountId, x_Provider, x_Team, ServiceName, x_Model, x_Class, month_day, month_tags,
       sum(amount) AS native, sum(BilledCost) AS native_billed, min(x_Source) AS source,
       ${scaledSum('amount')} AS scaled_cost, ${scaledSum('BilledCost')} AS scaled_billed
     FROM (
       SELECT r.x_Day, r.BillingCurrency AS currency, r.BillingCurrency, r.x_Source, r.SubAccountId, r.x_Provider, r.${teamColumn} AS x_Team,
         r.ServiceName, r.x_Model, r.x_Class, coalesce(r.EffectiveCost, r.BilledCost) AS amount, r.BilledCost,
         CASE WHEN ${inMonth} THEN r.x_Day END AS month_day, CASE WHEN ${inMonth} THEN r.Tags END AS month_tags
       FROM cost_records r
       WHERE r.x_CostType = 'Actual' AND r.x_Day >= ${day(window.since)} AND r.x_Day < ${day(today)}
     ) r
     GROUP BY GROUPING SETS ((x_Day, currency, x_Source, SubAccountId, x_Provider, x_Team, ServiceName, x_Model, x_Class),
       (month_day, SubAccountId, month_tags, currency))`,
  );
  await history.run(
    `CREATE OR REPLACE TEMP TABLE ${SUMS} AS SELECT s.x_Day, s.currency, s.x_Source, s.SubAccountId, s.x_Provider, s.x_Team, s.ServiceName,
       s.x_Model, s.x_Class, s.native, s.native_billed, x.rate IS NOT NULL AS rated,
       CASE WHEN x.rate = 1 THEN s.native WHEN x.rate IS NOT NULL THEN s.scaled_cost END AS cost,
       CASE WHEN x.rate = 1 THEN s.native_billed WHEN x.rate IS NOT NULL THEN s.scaled_billed END AS billed
     FROM ${groups} s LEFT JOIN report_rates x ON x.currency = s.currency WHERE s.month_set = 1`,
  );
  await history.run(
    `CREATE OR REPLACE TEMP TABLE ${TAG_SUMS} AS SELECT month_day AS x_Day, SubAccountId, month_tags AS Tags, currency,
       native_billed AS billed, native AS effective, source
     FROM ${groups} WHERE month_set = 0 AND month_day IS NOT NULL`,
  );
  await history.run(`DROP TABLE ${groups}`);
  return currency;
}

async function currencyLines(history: CostHistory, monthStart: string, end: string): Promise<CurrencyLine[]> {
  const rows = await history.query<{ currency: string; cost: number; rate: number | null }>(
    `SELECT s.currency, sum(s.native)::DOUBLE AS cost, any_value(x.rate)::DOUBLE AS rate
     FROM ${SUMS} s LEFT JOIN report_rates x ON x.currency = s.currency
     WHERE s.x_Day >= CAST(? AS DATE) AND s.x_Day < CAST(? AS DATE) GROUP BY 1 ORDER BY 1`,
    [monthStart, end],
  );
  return rows.map((row) => ({ currency: row.currency, month_to_date: round2(row.cost), rate: row.rate }));
}

/** Each billing account's last day of actual spend in the window, and how far behind yesterday it is. */
async function accountFreshness(history: CostHistory, from: string, today: string): Promise<AccountFreshness[]> {
  const rows = await history.query<{ provider: string; account: string | null; last: string; sources: string }>(
    `WITH days AS (
       SELECT x_Provider, SubAccountId, x_Day, x_Source FROM ${SUMS} WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)
     ), last AS (
       SELECT x_Provider, SubAccountId, max(x_Day) AS last_day FROM days GROUP BY ALL
     )
     SELECT l.x_Provider AS provider, l.SubAccountId AS account, strftime(l.last_day, '%Y-%m-%d') AS last,
       string_agg(DISTINCT d.x_Source, '\n' ORDER BY d.x_Source) AS sources
     FROM last l JOIN days d ON d.x_Provider = l.x_Provider AND d.SubAccountId IS NOT DISTINCT FROM l.SubAccountId
       AND d.x_Day = l.last_day
     GROUP BY ALL ORDER BY provider, account NULLS FIRST`,
    [from, today],
  );
  const yesterday = Date.parse(`${addDays(today, -1)}T00:00:00Z`);
  return rows.map((row) => ({
    provider: row.provider,
    account: row.account,
    sources: row.sources.split('\n'),
    last_day: row.last,
    days_behind: Math.max(0, Math.round((yesterday - Date.parse(`${row.last}T00:00:00Z`)) / 86_400_000)),
  }));
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

async function dailySeries(history: CostHistory, from: string, today: string): Promise<DailySeries[]> {
  const rows = await history.query<{ day: string; scope: string; cost: number }>(
    `SELECT day, scope, cost FROM (
       SELECT strftime(x_Day, '%Y-%m-%d') AS day,
         CASE WHEN grouping(x_Team) = 0 THEN 'team:' || x_Team WHEN grouping(x_Provider) = 0 THEN 'provider:' || x_Provider ELSE 'total' END AS scope,
         sum(cost)::DOUBLE AS cost
       FROM ${SUMS} WHERE rated AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)
       GROUP BY GROUPING SETS ((x_Day), (x_Day, x_Team), (x_Day, x_Provider))
     ) WHERE scope IS NOT NULL ORDER BY scope, day`,
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
 * This month's records through `end` (exclusive), aggregated per day, cost type and tag set, as the records
 * the budget summariser reads: Actual rows before `end` give the month to date, Forecast rows from `end` the
 * rest of the month. Amounts in the report currency; a currency with no rate stays as it is (the summariser
 * refuses to add it to a budget in another currency).
 */
async function monthRecords(history: CostHistory, monthStart: string, end: string): Promise<CostRecord[]> {
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
    // Summed in each billing currency first, then converted: the sum of the converted amounts, exactly (the
    // products are exact decimals), with one multiplication per group instead of one per row. The Actual sums
    // are TAG_SUMS' (summed with SUMS); the Forecast rows are read here.
    `WITH native AS (
       SELECT x_Day, SubAccountId, Tags, currency AS BillingCurrency, 'Actual' AS x_CostType, billed, effective, source
       FROM ${TAG_SUMS} WHERE x_Day >= CAST($1 AS DATE) AND x_Day < CAST($2 AS DATE)
       UNION ALL
       SELECT x_Day, SubAccountId, Tags, BillingCurrency, CAST(x_CostType AS VARCHAR) AS x_CostType,
         sum(BilledCost) AS billed, sum(coalesce(EffectiveCost, BilledCost)) AS effective, min(x_Source) AS source
       FROM cost_records
       WHERE x_CostType = 'Forecast' AND x_Day >= CAST($2 AS DATE) AND x_Day < CAST($3 AS DATE)
       GROUP BY ALL
     )
     SELECT strftime(n.x_Day, '%Y-%m-%d') AS day, n.SubAccountId AS account, n.Tags AS tags,
       CASE WHEN x.rate IS NULL THEN n.BillingCurrency ELSE (SELECT currency FROM report_rates WHERE rate = 1 ORDER BY currency LIMIT 1) END AS currency,
       n.x_CostType AS type,
       CAST(CAST(sum(n.billed * coalesce(x.rate, 1)) AS DECIMAL(38, 6)) AS VARCHAR) AS billed,
       CAST(CAST(sum(n.effective * coalesce(x.rate, 1)) AS DECIMAL(38, 6)) AS VARCHAR) AS effective,
       min(n.source) AS source
     FROM native n LEFT JOIN report_rates x ON x.currency = n.BillingCurrency
     GROUP BY ALL ORDER BY ALL`,
    [monthStart, end, monthEnd],
  );
  const micros = (text: string): bigint => {
    const value = parseMicros(text);
    if (value === null) throw new Error(`history holds a non-decimal sum: ${text}`);
    return value;
  };
  // Each tag set parsed once and shared by its records: budgetDays tells which budgets a tag set counts for once.
  const parsedTags = new Map<string | null, Record<string, string>>();
  const tagsOf = (text: string | null): Record<string, string> => {
    let tags = parsedTags.get(text);
    if (tags === undefined) {
      try {
        tags = JSON.parse(text ?? '{}') as Record<string, string>;
      } catch {
        tags = {};
      }
      parsedTags.set(text, tags);
    }
    return tags;
  };
  return rows.map((row) => {
    const start = Date.parse(`${row.day}T00:00:00Z`);
    const tags = tagsOf(row.tags);
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

/** The three periods a showback line sums, as SQL date bounds (end exclusive). */
interface Periods {
  readonly monthStart: string;
  readonly end: string;
  readonly previousStart: string;
  readonly previousSameDayEnd: string;
}

function periodsOf(monthStart: string, completeThrough: string): Periods {
  const previousStart = `${addDays(monthStart, -1).slice(0, 7)}-01`;
  const elapsed = Math.round((Date.parse(completeThrough) - Date.parse(monthStart)) / 86_400_000) + 1;
  const sameDay = addDays(previousStart, Math.max(0, elapsed));
  return { monthStart, end: addDays(completeThrough, 1), previousStart, previousSameDayEnd: sameDay < monthStart ? sameDay : monthStart };
}

/** The showback groupings, each a column of SUMS and the key of spend that has none. */
const GROUPINGS = {
  team: { column: 'x_Team', none: '(untagged)' },
  cloud: { column: 'x_Provider', none: '(untagged)' },
  service: { column: 'ServiceName', none: '(unknown service)' },
  model: { column: 'x_Model', none: '(untagged)' },
} as const;

type Grouping = keyof typeof GROUPINGS;

const GROUPING_NAMES = Object.keys(GROUPINGS) as Grouping[];

/**
 * Sums per key over this month to date, the previous month to the same day, and the whole previous month, for
 * the total and every grouping at once (one GROUPING SETS query over SUMS), each grouping's lines by month to
 * date, then the whole previous month, then key.
 */
async function showbackLines(history: CostHistory, periods: Periods): Promise<Record<Grouping | 'total', ShowbackLine[]>> {
  const which = GROUPING_NAMES.map((name) => `WHEN grouping(${GROUPINGS[name].column}) = 0 THEN '${name}'`).join(' ');
  const key = GROUPING_NAMES.map(
    (name) => `WHEN grouping(${GROUPINGS[name].column}) = 0 THEN coalesce(${GROUPINGS[name].column}, '${GROUPINGS[name].none}')`,
  ).join(' ');
  const rows = await history.query<{ grouping: Grouping | 'total'; key: string; mtd: number; prev_mtd: number; prev: number }>(
    `SELECT CASE ${which} ELSE 'total' END AS grouping, CASE ${key} ELSE 'total' END AS key,
       coalesce(sum(cost) FILTER (WHERE x_Day >= CAST($1 AS DATE) AND x_Day < CAST($2 AS DATE)), 0)::DOUBLE AS mtd,
       coalesce(sum(cost) FILTER (WHERE x_Day >= CAST($3 AS DATE) AND x_Day < CAST($4 AS DATE)), 0)::DOUBLE AS prev_mtd,
       coalesce(sum(cost) FILTER (WHERE x_Day >= CAST($3 AS DATE) AND x_Day < CAST($1 AS DATE)), 0)::DOUBLE AS prev
     FROM ${SUMS} WHERE rated AND x_Day >= CAST($3 AS DATE) AND x_Day < CAST($2 AS DATE)
     GROUP BY GROUPING SETS ((), ${GROUPING_NAMES.map((name) => `(${GROUPINGS[name].column})`).join(', ')})
     ORDER BY 1, 3 DESC, 5 DESC, 2`,
    [periods.monthStart, periods.end, periods.previousStart, periods.previousSameDayEnd],
  );
  const lines: Record<Grouping | 'total', ShowbackLine[]> = { total: [], team: [], cloud: [], service: [], model: [] };
  for (const row of rows) {
    lines[row.grouping].push({
      key: row.key,
      month_to_date: round2(row.mtd),
      previous_month_to_date: round2(row.prev_mtd),
      previous_month: round2(row.prev),
    });
  }
  return lines;
}

/**
 * Spend per model version, by the model reference tag read with the same parser as the Terraform and
 * Kubernetes readers (inputs/model-reference.ts), so "fraud@7" and its label-safe "fraud--7" are one line.
 */
function modelLines(raw: readonly ShowbackLine[], inventory: Inventory | undefined): ModelShowbackLine[] {
  const merged = new Map<string, ModelShowbackLine>();
  for (const line of raw) {
    const reference = line.key === '(untagged)' ? null : parseModelReference(line.key);
    const key = reference === null ? '(untagged)' : reference.version === null ? reference.id : `${reference.id}@${reference.version}`;
    const model = reference === null ? undefined : inventory?.models.find((m) => m.id === reference.id);
    const before = merged.get(key);
    merged.set(key, {
      key,
      month_to_date: round2((before?.month_to_date ?? 0) + line.month_to_date),
      previous_month_to_date: round2((before?.previous_month_to_date ?? 0) + line.previous_month_to_date),
      previous_month: round2((before?.previous_month ?? 0) + line.previous_month),
      model_id: reference?.id ?? null,
      version: reference?.version ?? null,
      owner_team: model?.owner_team ?? null,
      risk_tier: model?.risk_tier ?? null,
      in_inventory: model !== undefined,
    });
  }
  return [...merged.values()].sort(
    (a, b) => b.month_to_date - a.month_to_date || b.previous_month - a.previous_month || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** This month's spend per instance class (billing/instance-classes.ts), and accelerated spend by team and by model. */
async function classSums(
  history: CostHistory,
  monthStart: string,
  end: string,
): Promise<{ readonly classes: ReadonlyMap<string, number>; readonly byTeam: SpendSlice[]; readonly byModel: SpendSlice[] }> {
  const rows = await history.query<{ grouping: string; key: string | null; cost: number }>(
    `SELECT CASE WHEN grouping(x_Team) = 0 THEN 'team' WHEN grouping(x_Model) = 0 THEN 'model' ELSE 'class' END AS grouping,
       CASE WHEN grouping(x_Team) = 0 THEN coalesce(x_Team, '(untagged)') WHEN grouping(x_Model) = 0 THEN coalesce(x_Model, '(untagged)')
         ELSE x_Class END AS key,
       sum(cost)::DOUBLE AS cost
     FROM ${SUMS} WHERE rated AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)
     GROUP BY GROUPING SETS ((x_Class), (x_Class, x_Team), (x_Class, x_Model))
     HAVING grouping(x_Team, x_Model) = 3 OR x_Class = 'accelerated'
     ORDER BY 1, 3 DESC, 2`,
    [monthStart, end],
  );
  const of = (grouping: string): SpendSlice[] =>
    rows.filter((row) => row.grouping === grouping).map((row) => ({ key: row.key ?? '(untagged)', cost: round2(row.cost) }));
  const classes = new Map<string, number>();
  for (const row of rows) if (row.grouping === 'class' && row.key !== null) classes.set(row.key, row.cost);
  return { classes, byTeam: of('team'), byModel: of('model') };
}

/** Up to ten names of this month's instance types the tables do not know, read from those rows alone. */
async function unknownInstanceTypes(history: CostHistory, monthStart: string, end: string): Promise<string[]> {
  const rows = await history.query<{ name: string | null }>(
    `SELECT DISTINCT coalesce(json_extract_string(x_Extras, '$.x_InstanceType'), json_extract_string(x_Extras, '$.x_MeterName'), ResourceType, SkuId) AS name
     FROM ${SPEND} WHERE x_Class = 'unknown' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)`,
    [monthStart, end],
  );
  return rows
    .flatMap((row) => (row.name === null || row.name === '' ? [] : [row.name]))
    .sort()
    .slice(0, 10);
}

/**
 * The month's records as the budget summariser needs them: one per tag set, account, currency, cost type and
 * source, its days summed. The summariser tests every record against every budget (its scope, its period),
 * so a record per day made that work a record per day and budget. Its figures stay the same: monthRecords
 * gives only Actual rows it counts as month to date and Forecast rows it counts as the rest of the month, the
 * micro-unit sums are exact, and each merged record takes the place of its first day, so the sources and any
 * currency refusal come in the order they did.
 */
function perTagSet(records: readonly CostRecord[]): CostRecord[] {
  const merged = new Map<Readonly<Record<string, string>>, Map<string, CostRecord>>();
  const order: CostRecord[] = [];
  const slots = new Map<CostRecord, number>();
  for (const record of records) {
    let byRest = merged.get(record.Tags);
    if (byRest === undefined) {
      byRest = new Map();
      merged.set(record.Tags, byRest);
    }
    const key = JSON.stringify([record.SubAccountId, record.BillingCurrency, record.x_CostType, record.x_Origin?.file ?? null]);
    const first = byRest.get(key);
    if (first === undefined) {
      byRest.set(key, record);
      slots.set(record, order.length);
      order.push(record);
      continue;
    }
    const slot = slots.get(first) ?? 0;
    const sum = order[slot] ?? first;
    order[slot] = {
      ...sum,
      BilledCost: sum.BilledCost + record.BilledCost,
      EffectiveCost: sum.EffectiveCost === null && record.EffectiveCost === null ? null : countedCost(sum) + countedCost(record),
    };
  }
  return order;
}

/**
 * Each budget's actual spend per day, from the same records and scope test as its month to date. Which budgets
 * a record counts for is worked out once per tag set and account (records of one tag set share one parsed
 * object), not once per record and budget.
 */
function budgetDays(
  records: readonly CostRecord[],
  budgets: readonly Budget[],
  environmentTagKeys: readonly string[],
): ReportFacts['budgetDays'] {
  const scopes = new Map<Readonly<Record<string, string>>, Map<string | null, boolean[]>>();
  const budgetsOf = (record: CostRecord): boolean[] => {
    let byAccount = scopes.get(record.Tags);
    if (byAccount === undefined) {
      byAccount = new Map();
      scopes.set(record.Tags, byAccount);
    }
    let matches = byAccount.get(record.SubAccountId);
    if (matches === undefined) {
      const subject = { tags: record.Tags, environment: firstTag(record.Tags, environmentTagKeys), account: record.SubAccountId };
      matches = budgets.map((budget) => matchesScope(budget.scope, subject));
      byAccount.set(record.SubAccountId, matches);
    }
    return matches;
  };
  const days = budgets.map(() => new Map<string, number>());
  for (const record of records) {
    if (record.x_CostType !== 'Actual') continue;
    const matches = budgetsOf(record);
    const day = record.ChargePeriodStart.slice(0, 10);
    const cost = microsToNumber(countedCost(record));
    matches.forEach((matched, index) => {
      const budget = days[index];
      if (matched && budget !== undefined) budget.set(day, (budget.get(day) ?? 0) + cost);
    });
  }
  return budgets.map((budget, index) => ({
    budget: budget.name,
    days: [...(days[index] ?? new Map<string, number>()).entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, cost]) => ({ day, cost: round2(cost) })),
  }));
}

/** The last day every billing account has data for, at most yesterday; yesterday when there is no data. */
function lastCompleteDay(freshness: readonly AccountFreshness[], today: string): string {
  const yesterday = addDays(today, -1);
  return freshness.reduce((day, account) => (account.last_day < day ? account.last_day : day), yesterday);
}

export async function readReportFacts(history: CostHistory, options: FactOptions): Promise<ReportFacts> {
  const { today } = options;
  const from = addDays(today, -options.days);
  const monthStart = `${today.slice(0, 7)}-01`;
  const previousMonthStart = `${addDays(monthStart, -1).slice(0, 7)}-01`;
  const since = previousMonthStart < from ? previousMonthStart : from;
  const currency = await prepareSpend(history, options.currency, { from, since, monthStart, today }, options.teamTagKey);
  const freshness = await accountFreshness(history, from, today);
  // Never before the month began: then the month has no complete day yet, and its budgets are indeterminate.
  const completeThrough = ((day) => (day < monthStart ? addDays(monthStart, -1) : day))(lastCompleteDay(freshness, today));
  const periods = periodsOf(monthStart, completeThrough);
  const end = periods.end;
  const [totals] = await history.query<{ first: string | null; last: string | null; effective: number | null; billed: number | null }>(
    `SELECT strftime(min(x_Day) FILTER (WHERE x_Day >= CAST($1 AS DATE)), '%Y-%m-%d') AS first,
       strftime(max(x_Day) FILTER (WHERE x_Day >= CAST($1 AS DATE)), '%Y-%m-%d') AS last,
       (sum(cost) FILTER (WHERE x_Day >= CAST($2 AS DATE) AND x_Day < CAST($3 AS DATE)))::DOUBLE AS effective,
       (sum(billed) FILTER (WHERE x_Day >= CAST($2 AS DATE) AND x_Day < CAST($3 AS DATE)))::DOUBLE AS billed
     FROM ${SUMS} WHERE rated`,
    [from, monthStart, end],
  );
  const sources = (
    await history.query<{ s: string }>(
      `SELECT DISTINCT x_Source AS s FROM cost_records WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) ORDER BY 1`,
      [from, today],
    )
  ).map((row) => row.s);
  const monthToDate = round2(totals?.effective ?? 0);
  const classes = await classSums(history, monthStart, end);
  const accelerators: AcceleratorSpend = {
    total: round2(classes.classes.get('accelerated') ?? 0),
    unknown: round2(classes.classes.get('unknown') ?? 0),
    unknown_types: classes.classes.has('unknown') ? await unknownInstanceTypes(history, monthStart, end) : [],
  };
  const lines = await showbackLines(history, periods);
  const gpuByModel = modelLines(
    classes.byModel.map((s) => ({ key: s.key, month_to_date: s.cost, previous_month_to_date: 0, previous_month: 0 })),
    options.inventory,
  ).map((line) => ({ key: line.key, cost: line.month_to_date }));
  // A resource whose rows name several teams is shown with the team of most of its spend, ties in text order.
  const drivers = await history.query<{ provider: string; service: string; resource: string; team: string | null; cost: number }>(
    `SELECT provider, service, resource, first(team ORDER BY cost DESC, team) AS team, sum(cost)::DOUBLE AS cost FROM (
       SELECT x_Provider AS provider, coalesce(ServiceName, '(unknown service)') AS service,
         coalesce(ResourceId, SkuId, '(no resource id)') AS resource, x_Team AS team, sum(x_Cost) AS cost
       FROM ${SPEND} WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY 1, 2, 3, 4
     ) GROUP BY 1, 2, 3 ORDER BY cost DESC, 1, 2, 3 LIMIT 10`,
    [monthStart, end],
  );
  const forecasts = await history.query<{ source: string; remaining: number }>(
    `SELECT x_Source AS source, remaining::DOUBLE AS remaining FROM forecasts WHERE month = ? ORDER BY 1`,
    [today.slice(0, 7)],
  );
  const records = await monthRecords(history, monthStart, end);
  // The budgets see "now" as the start of the day after the last complete day: month to date over the days
  // covered, and a run-rate projection over the days not yet billed.
  const budgetNow = end < today ? `${end}T00:00:00.000Z` : options.now;
  const showback: Showback = {
    month: monthStart.slice(0, 7),
    previous_month: periods.previousStart.slice(0, 7),
    complete_through: completeThrough,
    team_tag: options.teamTagKey,
    totals: lines.total.map(({ key: _key, ...sums }) => sums)[0] ?? {
      month_to_date: 0,
      previous_month_to_date: 0,
      previous_month: 0,
    },
    by_team: lines.team,
    by_cloud: lines.cloud,
    by_service: lines.service,
    by_model: modelLines(lines.model, options.inventory),
  };
  return {
    currency,
    today,
    firstDay: totals?.first ?? null,
    lastDay: totals?.last ?? null,
    sources,
    series: await dailySeries(history, from, today),
    spend: summariseSpend(perTagSet(records), options.budgets, budgetNow, options.environmentTagKeys),
    monthToDate,
    costBasis: {
      shown: 'effective',
      label: 'effective (amortised) cost where the source gives it, else billed cost',
      effective_month_to_date: monthToDate,
      billed_month_to_date: round2(totals?.billed ?? 0),
    },
    currencies: await currencyLines(history, monthStart, end),
    freshness,
    showback,
    accelerators,
    estimates:
      options.estimates === undefined
        ? null
        : await estimatesVsActual(history, options.estimates, {
            relation: SPEND,
            modelTag: 'x_Model',
            monthStart,
            end,
            teamTagKey: options.teamTagKey,
          }),
    gpuByTeam: classes.byTeam,
    gpuByModel,
    topDrivers: drivers.map((row) => ({
      ...row,
      cost: round2(row.cost),
      share: monthToDate > 0 ? Math.round((row.cost / monthToDate) * 1000) / 1000 : 0,
    })),
    forecasts: forecasts.map((row) => ({ source: row.source, remaining: round2(row.remaining) })),
    budgetDays: budgetDays(records, options.budgets, options.environmentTagKeys),
  };
}
