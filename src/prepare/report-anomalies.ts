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
 * Size: teams and clouds have every candidate day; services and resources only the days they cost more than
 * on the cheapest of their eight same weekdays, since a node that did not rise cannot explain a rise.
 */
import type { CostHistory } from '../billing/history.js';
import { addDays } from '../billing/cost-record.js';

/** Weeks of same-weekday history given for each day (the rule's baseline_weeks uses the first of them). */
export const BASELINE_WEEKS = 8;

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
  const rows = await history.query<{ day: string; team: string; cloud: string; service: string; resource: string; cost: number }>(
    `WITH base AS (
       SELECT x_Day AS day, coalesce(${tag(options.teamTagKey)}, '${UNTAGGED}') AS team, x_Provider AS cloud,
         coalesce(ServiceName, '(unknown service)') AS service, coalesce(ResourceId, SkuId, '(no resource id)') AS resource,
         sum(coalesce(EffectiveCost, BilledCost)) AS cost
       FROM cost_records WHERE x_CostType = 'Actual' AND x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) GROUP BY ALL
     ), recent AS (SELECT DISTINCT team, cloud, service, resource FROM base WHERE day >= CAST(? AS DATE))
     SELECT strftime(day, '%Y-%m-%d') AS day, team, cloud, service, resource, cost::DOUBLE AS cost
     FROM base SEMI JOIN recent USING (team, cloud, service, resource) ORDER BY team, cloud, service, resource, day`,
    [earliest, today, candidateFrom],
  );
  // Daily cost per node of the tree, keyed by the path joined with a separator no name has.
  const costs = new Map<string, Map<string, number>>();
  const add = (path: readonly string[], day: string, cost: number): void => {
    const key = path.join('\u0000');
    const byDay = costs.get(key) ?? new Map<string, number>();
    byDay.set(day, (byDay.get(day) ?? 0) + cost);
    costs.set(key, byDay);
  };
  for (const row of rows) {
    const path = [row.team, row.cloud, row.service, row.resource];
    for (let depth = 1; depth <= 4; depth++) add(path.slice(0, depth), row.day, row.cost);
  }
  const candidates: string[] = [];
  for (let day = candidateFrom; day < today; day = addDays(day, 1)) candidates.push(day);
  const nodes: AnomalyNode[] = [];
  for (const [key, byDay] of [...costs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = key.split('\u0000');
    const costOn = (day: string): number | null => (daysWithData.has(day) ? round2(byDay.get(day) ?? 0) : null);
    const weeksBefore = (day: string): Array<number | null> =>
      Array.from({ length: BASELINE_WEEKS }, (_, i) => costOn(addDays(day, -7 * (i + 1))));
    const points: AnomalyPoint[] = [];
    for (const day of candidates) {
      const cost = costOn(day);
      if (cost === null) continue;
      const weeks = weeksBefore(day);
      const known = weeks.filter((week): week is number => week !== null);
      // Services and resources only where they rose above their cheapest same weekday.
      if (path.length > 2 && (cost <= 0 || (known.length > 0 && cost <= Math.min(...known)))) continue;
      const monthDay = sameDayLastMonth(day);
      const monthCost = costOn(monthDay);
      points.push({
        day,
        days_ago: Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000),
        cost,
        weeks,
        month_ago: monthCost === null ? null : { day: monthDay, cost: monthCost, weeks: weeksBefore(monthDay) },
      });
    }
    if (points.length > 0) nodes.push({ path, points });
  }
  return { judge_from: judgeFrom, judged_since: judgedSince, nodes };
}
