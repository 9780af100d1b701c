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
 * of their eight same weekdays (a node that did not rise cannot explain a rise); resources only the
 * TOP_RESOURCES per service and day that rose most over the mean of their eight same weekdays, which keeps
 * the input small with tens of thousands of resources. The rule attributes among those.
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
  const teamColumn = await history.tagColumn(options.teamTagKey);
  // Each row's amount as DECIMAL(18, 6): the same micro-units (a line item under a trillion), summed in 64 bits
  // rather than 128, which halves the time of the two scans below.
  const base = `SELECT x_Day AS day, coalesce(${teamColumn}, '${UNTAGGED}') AS team, x_Provider AS cloud,
       coalesce(ServiceName, '(unknown service)') AS service, coalesce(ResourceId, SkuId, '(no resource id)') AS resource,
       sum(CAST(coalesce(EffectiveCost, BilledCost) AS DECIMAL(18, 6))) AS cost
     FROM cost_records WHERE x_CostType = 'Actual' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY ALL`;
  // Exact (DECIMAL) sums per team, cloud and service, so a day's figure never depends on the order of additions.
  const services = await history.query<{ day: string; team: string; cloud: string | null; service: string | null; cost: number }>(
    `SELECT strftime(day, '%Y-%m-%d') AS day, team, cloud, service, sum(cost)::DOUBLE AS cost FROM (${base})
     GROUP BY GROUPING SETS ((day, team), (day, team, cloud), (day, team, cloud, service)) ORDER BY ALL`,
    [earliest, today],
  );
  // Per resource, one row: the days it was kept for and its cost on every day a kept day's baselines reach, as
  // "day=cost" text, so tens of thousands of rows reach JavaScript rather than half a million. The rise is
  // ranked over epoch-day numbers (an integer RANGE frame) in 64-bit decimals: both several times cheaper.
  const resources = await history.query<{ team: string; cloud: string; service: string; resource: string; costs: string; kept: string }>(
    `WITH base AS (SELECT day, team, cloud, service, resource, CAST(cost AS DECIMAL(18, 6)) AS cost,
         CAST(day - DATE '1970-01-01' AS INTEGER) AS n FROM (${base})),
     data_days AS (SELECT DISTINCT day FROM base),
     weeks AS (
       SELECT d.day, count(p.day)::INTEGER AS n FROM data_days d
       LEFT JOIN data_days p ON p.day < d.day AND p.day >= d.day - 7 * ${BASELINE_WEEKS} AND (d.day - p.day) % 7 = 0 GROUP BY d.day
     ), rises AS (
       SELECT b.team, b.cloud, b.service, b.resource, b.day,
         b.cost - coalesce(sum(b.cost) OVER (PARTITION BY b.team, b.cloud, b.service, b.resource, b.n % 7 ORDER BY b.n
           RANGE BETWEEN ${7 * BASELINE_WEEKS} PRECEDING AND 1 PRECEDING), 0) / greatest(w.n, 1) AS rise
       FROM base b JOIN weeks w ON w.day = b.day
     ), kept AS (
       SELECT team, cloud, service, resource, day FROM rises WHERE day >= CAST(? AS DATE) AND rise > 0
       QUALIFY row_number() OVER (PARTITION BY team, cloud, service, day ORDER BY rise DESC, resource) <= ${TOP_RESOURCES}
     ), need AS (
       SELECT team, cloud, service, resource, CAST(day - 7 * CAST(w AS INTEGER) AS DATE) AS day FROM kept, range(0, ${BASELINE_WEEKS + 1}) t(w)
       UNION
       SELECT team, cloud, service, resource, CAST(CAST(day - INTERVAL 1 MONTH AS DATE) - 7 * CAST(w AS INTEGER) AS DATE)
       FROM kept, range(0, ${BASELINE_WEEKS + 1}) t(w)
     ), costs AS (
       SELECT n.team, n.cloud, n.service, n.resource,
         string_agg(strftime(n.day, '%Y-%m-%d') || '=' || CAST(coalesce(b.cost, 0) AS VARCHAR), ',') AS costs
       FROM need n
       LEFT JOIN base b ON b.team = n.team AND b.cloud = n.cloud AND b.service = n.service AND b.resource = n.resource AND b.day = n.day
       GROUP BY ALL
     ), kept_days AS (
       SELECT team, cloud, service, resource, string_agg(strftime(day, '%Y-%m-%d'), ',') AS kept FROM kept GROUP BY ALL
     )
     SELECT c.team, c.cloud, c.service, c.resource, c.costs, k.kept FROM costs c
     JOIN kept_days k ON k.team = c.team AND k.cloud = c.cloud AND k.service = c.service AND k.resource = c.resource`,
    [earliest, today, candidateFrom],
  );
  // Daily cost per node of the tree, keyed by the path joined with a separator no name has.
  const costs = new Map<string, Map<string, number>>();
  const keptDays = new Map<string, Set<string>>();
  const add = (path: readonly string[], day: string, cost: number): void => {
    const key = path.join('\u0000');
    const byDay = costs.get(key) ?? new Map<string, number>();
    byDay.set(day, (byDay.get(day) ?? 0) + cost);
    costs.set(key, byDay);
  };
  for (const row of services) {
    add(
      [row.team, row.cloud, row.service].filter((name): name is string => name !== null),
      row.day,
      row.cost,
    );
  }
  for (const row of resources) {
    const path = [row.team, row.cloud, row.service, row.resource];
    for (const pair of row.costs.split(',')) add(path, pair.slice(0, 10), Number(pair.slice(11)));
    keptDays.set(path.join('\u0000'), new Set(row.kept.split(',')));
  }
  const candidates: string[] = [];
  for (let day = candidateFrom; day < today; day = addDays(day, 1)) candidates.push(day);
  // The calendar of each day, worked out once: tens of thousands of nodes ask for the same few hundred days.
  const calendar = new Map<string, { weeks: string[]; month: string; daysAgo: number }>();
  const calendarOf = (day: string): { weeks: string[]; month: string; daysAgo: number } => {
    let entry = calendar.get(day);
    if (entry === undefined) {
      entry = {
        weeks: Array.from({ length: BASELINE_WEEKS }, (_, i) => addDays(day, -7 * (i + 1))),
        month: sameDayLastMonth(day),
        daysAgo: Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000),
      };
      calendar.set(day, entry);
    }
    return entry;
  };
  const nodes: AnomalyNode[] = [];
  for (const [key, byDay] of [...costs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = key.split('\u0000');
    const costOn = (day: string): number | null => (daysWithData.has(day) ? round2(byDay.get(day) ?? 0) : null);
    const weeksBefore = (day: string): Array<number | null> => calendarOf(day).weeks.map(costOn);
    const points: AnomalyPoint[] = [];
    // A resource only on the days it was kept for (all candidates, in order: the query keeps none before the first).
    const days = path.length === 4 ? [...(keptDays.get(key) ?? [])].sort() : candidates;
    for (const day of days) {
      const cost = costOn(day);
      if (cost === null) continue;
      const weeks = weeksBefore(day);
      const known = weeks.filter((week): week is number => week !== null);
      // Services only where they rose above their cheapest same weekday.
      if (path.length === 3 && (cost <= 0 || (known.length > 0 && cost <= Math.min(...known)))) continue;
      const { month: monthDay, daysAgo } = calendarOf(day);
      const monthCost = costOn(monthDay);
      points.push({
        day,
        days_ago: daysAgo,
        cost,
        weeks,
        month_ago: monthCost === null ? null : { day: monthDay, cost: monthCost, weeks: weeksBefore(monthDay) },
      });
    }
    if (points.length > 0) nodes.push({ path, points });
  }
  return { judge_from: judgeFrom, judged_since: judgedSince, nodes };
}
