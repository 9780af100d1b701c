/**
 * What TG-ANO-001 judges in the nightly report (`input.report.anomaly`): daily spend down the tree team →
 * cloud → service → resource, each judged day with the spend of the same weekday 1 to 8 weeks before (the
 * weekly cycle) and the same day of the previous month with its own weekdays (monthly charges). Only costs
 * here: the baseline, what counts as recurring, the thresholds and the attribution are Rego's.
 *
 * Which days are judged: from `--since`, else from the day of the last report written before today (so a
 * night that did not run is judged by the next), else the rule's `lookback_days` over the candidate days.
 * A day the history has no spend for at all is unknown, never zero: its cost is null in a baseline.
 *
 * Size: teams and clouds have every candidate day; services only the days they cost more than on the cheapest
 * of their eight same weekdays (a node that did not rise cannot explain a rise, nor be anomalous); resources only
 * the TOP_RESOURCES per service and day that rose most over the mean of their eight same weekdays, which keeps
 * the input small with tens of thousands of resources. The rule judges every level and attributes among those.
 *
 * Speed: the team tag is read from each row's JSON once (the costliest step), into a temporary table with
 * integer ids for resources and services; a resource's rise is a hash join on its id and weekday for candidate
 * days only, its top-N a window over integers; each kept resource day comes back as one row carrying its 18
 * costs, because turning DuckDB rows into objects cost more than the query that made them.
 */
import type { CostHistory } from '../billing/history.js';
import { addDays } from '../billing/cost-record.js';

/** Weeks of same-weekday history given for each day (the rule's baseline_weeks uses the first of them). */
export const BASELINE_WEEKS = 8;

/** Resources given per service and day: those that rose most over the mean of their eight same weekdays. */
export const TOP_RESOURCES = 5;

export interface AnomalyBaseline {
  /** Spend on the same weekday 1, 2, … BASELINE_WEEKS weeks before; null for a day the history has no spend for. */
  readonly weeks: ReadonlyArray<number | null>;
}

export interface AnomalyPoint extends AnomalyBaseline {
  readonly day: string;
  /** Days before today (1 = yesterday). */
  readonly days_ago: number;
  readonly cost: number;
  /** The same day of the previous month (its last day when shorter), with its own weekdays; null without history. */
  readonly month_ago: (AnomalyBaseline & { readonly day: string; readonly cost: number }) | null;
}

export interface AnomalyNode {
  /** [team], [team, cloud], [team, cloud, service] or [team, cloud, service, resource]. */
  readonly path: readonly string[];
  readonly points: readonly AnomalyPoint[];
}

export interface AnomalyInput {
  /** First day judged (YYYY-MM-DD); null: the rule's lookback_days decide. */
  readonly judge_from: string | null;
  /** Why judging starts there: "--since", "last report" or "lookback". */
  readonly judged_since: '--since' | 'last report' | 'lookback';
  readonly nodes: readonly AnomalyNode[];
}

export interface AnomalyOptions {
  readonly today: string;
  /** `--since`: first day to judge. */
  readonly since?: string;
  /** The day of the last report before today, from the history. */
  readonly lastRun: string | null;
  /** Candidate days without --since or a last run (the report's --days). */
  readonly days: number;
  readonly teamTagKey: string;
}

const UNTAGGED = '(untagged)';

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The same day of the previous month, or that month's last day when it is shorter (31 March → 28 February). */
export function sameDayLastMonth(day: string): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const lastOfPrevious = new Date(Date.UTC(year, month - 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 2, Math.min(date, lastOfPrevious))).toISOString().slice(0, 10);
}

const tag = (key: string): string => `json_extract_string(Tags, '$."${key.replaceAll("'", "''").replaceAll('"', '')}"')`;

export async function readAnomalyInput(history: CostHistory, options: AnomalyOptions): Promise<AnomalyInput> {
  const { today } = options;
  const judgeFrom = options.since ?? options.lastRun;
  const judgedSince = options.since !== undefined ? '--since' : options.lastRun !== null ? 'last report' : 'lookback';
  const candidateFrom = judgeFrom ?? addDays(today, -options.days);
  // The earliest day a baseline reaches: a month and eight weeks before the first candidate.
  const earliest = addDays(sameDayLastMonth(candidateFrom), -7 * BASELINE_WEEKS);
  const daysWithData = new Set(
    (
      await history.query<{ day: string }>(
        `SELECT DISTINCT strftime(x_Day, '%Y-%m-%d') AS day FROM cost_records
         WHERE x_CostType = 'Actual' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE)`,
        [earliest, today],
      )
    ).map((row) => row.day),
  );
  // The spend per resource and day is read once (the team tag is extracted from every row's JSON, the costliest
  // step) into a temporary table that every level below is computed from.
  const base = history.newStagingTable();
  await history.run(
    `CREATE TEMP TABLE ${base} AS
     WITH spend AS (
       SELECT x_Day AS day, isodow(x_Day) AS dow, coalesce(${tag(options.teamTagKey)}, '${UNTAGGED}') AS team, x_Provider AS cloud,
         coalesce(ServiceName, '(unknown service)') AS service, coalesce(ResourceId, SkuId, '(no resource id)') AS resource,
         sum(coalesce(EffectiveCost, BilledCost)) AS cost
       FROM cost_records WHERE x_CostType = 'Actual' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY ALL
     ),
     -- Numbered over the distinct resources, not over every resource day (sorting those took seconds).
     ids AS (
       SELECT team, cloud, service, resource, row_number() OVER (ORDER BY team, cloud, service, resource) AS rid,
         dense_rank() OVER (ORDER BY team, cloud, service) AS sid
       FROM (SELECT DISTINCT team, cloud, service, resource FROM spend)
     )
     SELECT spend.*, ids.rid, ids.sid FROM spend JOIN ids USING (team, cloud, service, resource)`,
    [earliest, today],
  );
  try {
    return await readTree(history, base, { ...options, judgeFrom, judgedSince, candidateFrom, daysWithData });
  } finally {
    await history.run(`DROP TABLE IF EXISTS ${base}`);
  }
}

interface TreeOptions extends AnomalyOptions {
  readonly judgeFrom: string | null;
  readonly judgedSince: AnomalyInput['judged_since'];
  readonly candidateFrom: string;
  readonly daysWithData: ReadonlySet<string>;
}

async function readTree(history: CostHistory, base: string, options: TreeOptions): Promise<AnomalyInput> {
  const { today, judgeFrom, judgedSince, candidateFrom, daysWithData } = options;
  // Exact (DECIMAL) sums per team, cloud and service, so a day's figure never depends on the order of additions.
  const services = await history.query<{ day: string; team: string; cloud: string | null; service: string | null; cost: number }>(
    `SELECT strftime(day, '%Y-%m-%d') AS day, team, cloud, service, sum(cost)::DOUBLE AS cost FROM ${base}
     GROUP BY GROUPING SETS ((day, team), (day, team, cloud), (day, team, cloud, service)) ORDER BY ALL`,
  );
  // A resource's rise on a candidate day: its cost less the mean of its same weekdays (1 to 8 weeks before) the
  // history has data for, by a hash join on the resource's id and weekday, so only candidate days are compared.
  // Each kept resource day comes back as one row with its 18 costs (the day, its 8 same weekdays, the same day
  // of the previous month and its 8), never as a row per day: turning rows into objects is most of the cost.
  const resources = await history.query<{ team: string; cloud: string; service: string; resource: string; day: string; costs: string }>(
    `WITH data_days AS (SELECT DISTINCT day FROM ${base}),
     weeks AS (
       SELECT d.day, count(p.day)::INTEGER AS n FROM data_days d
       LEFT JOIN data_days p ON p.day < d.day AND p.day >= d.day - 7 * ${BASELINE_WEEKS} AND (d.day - p.day) % 7 = 0 GROUP BY d.day
     ), rises AS (
       SELECT c.rid, c.sid, c.day, c.cost - coalesce(sum(b.cost), 0) / greatest(any_value(w.n), 1) AS rise
       FROM ${base} c JOIN weeks w ON w.day = c.day
       LEFT JOIN ${base} b ON b.rid = c.rid AND b.dow = c.dow AND b.day < c.day AND b.day >= c.day - 7 * ${BASELINE_WEEKS}
       WHERE c.day >= CAST(? AS DATE)
       GROUP BY c.rid, c.sid, c.day, c.cost
     ), kept AS (
       -- sid numbers the services; rid follows the resource's name within one, so ties go to the first name.
       SELECT rid, day FROM rises WHERE rise > 0
       QUALIFY row_number() OVER (PARTITION BY sid, day ORDER BY rise DESC, rid) <= ${TOP_RESOURCES}
     ), need AS (
       SELECT k.rid, k.day AS kept_day, w AS slot,
         CASE WHEN w <= ${BASELINE_WEEKS} THEN CAST(k.day - 7 * CAST(w AS INTEGER) AS DATE)
           ELSE CAST(CAST(k.day - INTERVAL 1 MONTH AS DATE) - 7 * CAST(w - ${BASELINE_WEEKS + 1} AS INTEGER) AS DATE) END AS day
       FROM kept k, range(0, ${2 * (BASELINE_WEEKS + 1)}) t(w)
     ), series AS (
       SELECT n.rid, n.kept_day, to_json(list(coalesce(b.cost, 0)::DOUBLE ORDER BY n.slot))::VARCHAR AS costs
       FROM need n LEFT JOIN ${base} b ON b.rid = n.rid AND b.day = n.day GROUP BY n.rid, n.kept_day
     ), names AS (SELECT DISTINCT rid, team, cloud, service, resource FROM ${base})
     SELECT m.team, m.cloud, m.service, m.resource, strftime(s.kept_day, '%Y-%m-%d') AS day, s.costs
     FROM series s JOIN names m ON m.rid = s.rid ORDER BY m.team, m.cloud, m.service, m.resource, s.kept_day`,
    [candidateFrom],
  );
  // Daily cost per team, cloud and service, keyed by the path joined with a separator no name has.
  const costs = new Map<string, Map<string, number>>();
  for (const row of services) {
    const key = [row.team, row.cloud, row.service].filter((name): name is string => name !== null).join('\u0000');
    const byDay = costs.get(key) ?? new Map<string, number>();
    byDay.set(row.day, (byDay.get(row.day) ?? 0) + row.cost);
    costs.set(key, byDay);
  }
  const daysAgo = (day: string): number => Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000);
  const weekDays = (day: string): string[] => Array.from({ length: BASELINE_WEEKS }, (_, i) => addDays(day, -7 * (i + 1)));
  const known = (day: string, cost: number | undefined): number | null => (daysWithData.has(day) ? round2(cost ?? 0) : null);
  const keyed: Array<[string, AnomalyNode]> = [];
  const resourcePoints = new Map<string, AnomalyPoint[]>();
  for (const row of resources) {
    const path = [row.team, row.cloud, row.service, row.resource];
    const key = path.join('\u0000');
    let points = resourcePoints.get(key);
    if (points === undefined) {
      points = [];
      resourcePoints.set(key, points);
      keyed.push([key, { path, points }]);
    }
    const series = JSON.parse(row.costs) as number[];
    const monthDay = sameDayLastMonth(row.day);
    const monthCost = known(monthDay, series[BASELINE_WEEKS + 1]);
    points.push({
      day: row.day,
      days_ago: daysAgo(row.day),
      cost: round2(series[0] ?? 0),
      weeks: weekDays(row.day).map((day, i) => known(day, series[i + 1])),
      month_ago:
        monthCost === null
          ? null
          : { day: monthDay, cost: monthCost, weeks: weekDays(monthDay).map((day, i) => known(day, series[BASELINE_WEEKS + 2 + i])) },
    });
  }
  const candidates: string[] = [];
  for (let day = candidateFrom; day < today; day = addDays(day, 1)) candidates.push(day);
  for (const [key, byDay] of costs) {
    const path = key.split('\u0000');
    const costOn = (day: string): number | null => known(day, byDay.get(day));
    const weeksBefore = (day: string): Array<number | null> => weekDays(day).map(costOn);
    const points: AnomalyPoint[] = [];
    for (const day of candidates) {
      const cost = costOn(day);
      if (cost === null) continue;
      const weeks = weeksBefore(day);
      const had = weeks.filter((week): week is number => week !== null);
      // Services only where they rose above their cheapest same weekday.
      if (path.length === 3 && (cost <= 0 || (had.length > 0 && cost <= Math.min(...had)))) continue;
      const monthDay = sameDayLastMonth(day);
      const monthCost = costOn(monthDay);
      points.push({
        day,
        days_ago: daysAgo(day),
        cost,
        weeks,
        month_ago: monthCost === null ? null : { day: monthDay, cost: monthCost, weeks: weeksBefore(monthDay) },
      });
    }
    if (points.length > 0) keyed.push([key, { path, points }]);
  }
  const nodes = keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, node]) => node);
  return { judge_from: judgeFrom, judged_since: judgedSince, nodes };
}
