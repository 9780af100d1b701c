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
 * Size: a node's day is given only when the node could have risen above what the rule expects that day,
 * which no other day can matter for. Why leaving the others out cannot change a finding, for any
 * baseline_weeks and min_baseline_weeks, while threshold_percent and min_increase are not negative (how far
 * above, the smallest increase):
 * - The rule reads a node's day in two places: as an anomalous day of its own (its increase at least
 *   min_increase and more than threshold_percent above an expectation above 0: an increase above 0), which
 *   also covers the nodes under it that day; and as the child that explains more than half of an anomalous
 *   ancestor's increase (an increase above 0 again). A day of neither kind is never read.
 * - The expected spend is the mean of the same weekdays the history knows among the first baseline_weeks,
 *   plus a monthly charge that is 0 or at least min_increase. A mean is never below the cheapest of the
 *   eight same weekdays it is taken from, so a day that cost no more than its cheapest known same weekday has
 *   no increase above 0.
 * - A day none of whose eight same weekdays is known has no expectation, so it is not anomalous; nor is it a
 *   child of an anomalous day: which days are known is the same for every node (a day the history has no
 *   spend for at all), so its parent has no expectation that day either.
 * Resources are also ranked: only the TOP_RESOURCES per service and day that rose most over the mean of their
 * eight same weekdays, which keeps the input small with tens of thousands of resources. The rule attributes
 * among those.
 */
import type { DuckDBListVector, DuckDBStructVector, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
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

/** A day as a number of days since 1970-01-01, and back. */
const DAY_MS = 86_400_000;
const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayText = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/**
 * Amounts are summed in JavaScript as integer micro-units (exact below 2^53 micro-units, 9 billion a node and
 * day) and divided by 10^6 once, which is the double DuckDB returns for the exact DECIMAL sum. A row's amount
 * reaches JavaScript as the double nearest its DECIMAL(18, 6) value; rounding it times 10^6 recovers the
 * micro-units exactly for any amount under 2 billion.
 */
const toMicros = (amount: number): number => Math.round(amount * 1_000_000);

/**
 * One resource's rows: its days and each row's amount, at `start` to `end` of arrays shared by the resources of
 * one chunk of the result (two arrays per chunk, not two per resource: tens of thousands of small typed
 * arrays, each with its own backing store, are work for the garbage collector).
 */
interface ResourceRows {
  readonly team: string;
  readonly cloud: string;
  readonly service: string;
  readonly resource: string;
  /** Day of each row, as a day number; a day appears once per row (a resource may have several rows a day). */
  readonly days: Int32Array;
  /** Amount of each row in micro-units, in the order of `days`. */
  readonly micros: Float64Array;
  readonly start: number;
  readonly end: number;
}

// Told apart by their methods, not instanceof: a value import of DuckDB here would load it for `check` and
// `--help` too, which run without the optional package.
const isList = (vector: DuckDBVector | undefined): vector is DuckDBListVector =>
  vector !== undefined && 'getEntryOffset' in vector && 'getEntryLength' in vector && 'childVector' in vector;
const isStruct = (vector: DuckDBVector): vector is DuckDBStructVector => 'entryVectorAt' in vector;

/**
 * Reads `sql` (team, cloud, service, resource, and a list of {day, cost} per row) chunk by chunk, straight
 * from DuckDB's vectors: a million list elements converted to JSON values one by one cost more CPU, mostly in
 * the garbage collector, than the scan that produced them.
 */
async function readResourceRows(history: CostHistory, sql: string, params: DuckDBValue[]): Promise<ResourceRows[]> {
  const result = await history.connection.run(sql, params);
  const rows: ResourceRows[] = [];
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const [team, cloud, service, resource, list] = [0, 1, 2, 3, 4].map((column) => chunk.getColumnVector(column));
    if (!isList(list) || !isStruct(list.childVector)) throw new Error('the anomaly query did not return a list of {day, cost}');
    const days = list.childVector.entryVectorAt(0);
    const costs = list.childVector.entryVectorAt(1);
    const text = (vector: DuckDBVector | undefined, row: number): string => String(vector?.getItem(row));
    let elements = 0;
    for (let row = 0; row < chunk.rowCount; row++) elements = Math.max(elements, list.getEntryOffset(row) + list.getEntryLength(row));
    const dayList = new Int32Array(elements);
    const microList = new Float64Array(elements);
    for (let i = 0; i < elements; i++) {
      dayList[i] = Number(days.getItem(i));
      microList[i] = toMicros(Number(costs.getItem(i)));
    }
    for (let row = 0; row < chunk.rowCount; row++) {
      const start = list.getEntryOffset(row);
      rows.push({
        team: text(team, row),
        cloud: text(cloud, row),
        service: text(service, row),
        resource: text(resource, row),
        days: dayList,
        micros: microList,
        start,
        end: start + list.getEntryLength(row),
      });
    }
  }
  return rows;
}

/** A resource's micro-units per day since day number `first` into `micros`; its days with rows flagged in `present`. */
function fillDaily(row: ResourceRows, first: number, micros: Float64Array, present: Uint8Array): void {
  micros.fill(0);
  present.fill(0);
  for (let i = row.start; i < row.end; i++) {
    const index = (row.days[i] ?? 0) - first;
    micros[index] = (micros[index] ?? 0) + (row.micros[i] ?? 0);
    present[index] = 1;
  }
}

/**
 * Per service and candidate day, the TOP_RESOURCES resources that rose most over the mean of their eight same
 * weekdays with data (ties by name), among those with rows that day: each kept resource (its index in `rows`)
 * with the days it was kept for, in order. One service at a time, in one ranking buffer of TOP_RESOURCES
 * slots per day reused for every service, rather than an array per service and day and an object per rise.
 */
function topRisers(
  rows: readonly ResourceRows[],
  { first, span, candidateIndex, hasData }: { first: number; span: number; candidateIndex: number; hasData: Uint8Array },
): Map<number, number[]> {
  // Same weekdays with data in the eight weeks before each day (the divisor of a resource's mean).
  const weeksWithData = new Int32Array(span);
  for (let i = 0; i < span; i++) {
    let count = 0;
    for (let w = 1; w <= BASELINE_WEEKS && i - 7 * w >= 0; w++) count += hasData[i - 7 * w] ?? 0;
    weeksWithData[i] = count;
  }
  const byService = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const service = [row.team, row.cloud, row.service].join('\u0000');
    const members = byService.get(service);
    if (members === undefined) byService.set(service, [index]);
    else members.push(index);
  });
  const micros = new Float64Array(span);
  const present = new Uint8Array(span);
  // Day i's ranking: counts[i] resources, best first, at i * TOP_RESOURCES in rises and ranked.
  const counts = new Uint8Array(span);
  const rises = new Float64Array(span * TOP_RESOURCES);
  const ranked = new Int32Array(span * TOP_RESOURCES);
  const kept = new Map<number, number[]>();
  for (const members of byService.values()) {
    counts.fill(0);
    for (const index of members) {
      const row = rows[index];
      if (row === undefined) continue;
      fillDaily(row, first, micros, present);
      for (let i = candidateIndex; i < span; i++) {
        if (present[i] === 0) continue;
        let before = 0;
        for (let w = 1; w <= BASELINE_WEEKS && i - 7 * w >= 0; w++) before += micros[i - 7 * w] ?? 0;
        // The same double operations as DuckDB's DECIMAL sums divided as DOUBLE: the same ranking.
        const rise = (micros[i] ?? 0) / 1_000_000 - before / 1_000_000 / Math.max(weeksWithData[i] ?? 0, 1);
        if (!(rise > 0)) continue;
        const base = i * TOP_RESOURCES;
        const count = counts[i] ?? 0;
        // Its place: before the first it rose more than (or as much as, with a name that sorts first).
        let at = 0;
        while (at < count) {
          const other = rises[base + at] ?? 0;
          if (rise > other || (rise === other && row.resource < (rows[ranked[base + at] ?? 0]?.resource ?? ''))) break;
          at++;
        }
        if (at >= TOP_RESOURCES) continue;
        for (let k = Math.min(count, TOP_RESOURCES - 1); k > at; k--) {
          rises[base + k] = rises[base + k - 1] ?? 0;
          ranked[base + k] = ranked[base + k - 1] ?? 0;
        }
        rises[base + at] = rise;
        ranked[base + at] = index;
        counts[i] = Math.min(count + 1, TOP_RESOURCES);
      }
    }
    // Days in order, so each resource's days come out in order (a resource is in one service).
    for (let i = candidateIndex; i < span; i++) {
      for (let k = 0; k < (counts[i] ?? 0); k++) {
        const index = ranked[i * TOP_RESOURCES + k] ?? 0;
        const days = kept.get(index);
        if (days === undefined) kept.set(index, [i]);
        else days.push(i);
      }
    }
  }
  return kept;
}

/** A day of the report's span: its text, same weekdays, same day of the previous month and age, by day index. */
interface Calendar {
  readonly day: string;
  /** Indexes of the same weekday 1, 2, … BASELINE_WEEKS weeks before. */
  readonly weeks: readonly number[];
  readonly month: number;
  readonly monthDay: string;
  readonly daysAgo: number;
}

export async function readAnomalyInput(history: CostHistory, options: AnomalyOptions): Promise<AnomalyInput> {
  const { today } = options;
  const judgeFrom = options.since ?? options.lastRun;
  const judgedSince = options.since !== undefined ? '--since' : options.lastRun !== null ? 'last report' : 'lookback';
  const candidateFrom = judgeFrom ?? addDays(today, -options.days);
  // The earliest day a baseline reaches: a month and eight weeks before the first candidate.
  const earliest = addDays(sameDayLastMonth(candidateFrom), -7 * BASELINE_WEEKS);
  const first = dayNumber(earliest);
  const span = dayNumber(today) - first;
  const teamColumn = await history.tagColumn(options.teamTagKey);
  // ONE scan of the history: per resource, the day and amount of each of its rows, unsummed (summing them by
  // day in DuckDB first would group every row twice). Everything else (the days with data, the totals per
  // team, cloud and service, each resource's rise) is worked out below over dense daily arrays, which is
  // several times cheaper than the window functions and joins it took in SQL, and needs no join on resource id.
  // EffectiveCost, else BilledCost, as two branches rather than coalesce(): DuckDB then reads BilledCost only where
  // EffectiveCost is missing (it skips the row groups whose statistics say EffectiveCost has no nulls), and the
  // 38-digit amounts are the costliest columns to scan (5 million rows: 2.2-2.4 -> 1.5-1.6 CPU s). Which branch a
  // row comes from changes only the order of a resource's list, and its amounts are summed exactly.
  const rowsOf = (cost: string, filter: string): string =>
    `SELECT coalesce(${teamColumn}, '${UNTAGGED}') AS team, x_Provider AS cloud, coalesce(ServiceName, '(unknown service)') AS service,
       coalesce(ResourceId, SkuId, '(no resource id)') AS resource, CAST(x_Day - DATE '1970-01-01' AS INTEGER) AS day,
       CAST(${cost} AS DOUBLE) AS cost
     FROM cost_records WHERE x_CostType = 'Actual' AND x_Day >= CAST($1 AS DATE) AND x_Day < CAST($2 AS DATE) AND ${filter}`;
  const rows = await readResourceRows(
    history,
    `SELECT team, cloud, service, resource, list({'day': day, 'cost': cost}) AS rows FROM (
       ${rowsOf('EffectiveCost', 'EffectiveCost IS NOT NULL')}
       UNION ALL
       ${rowsOf('BilledCost', 'EffectiveCost IS NULL')}
     ) GROUP BY ALL`,
    [earliest, today],
  );
  // Days with any spend at all: a day without is unknown (null in a baseline), never zero.
  const hasData = new Uint8Array(span);
  // Micro-units per day (index: days since `earliest`) of every team, cloud and service.
  const totals = new Map<string, { readonly path: string[]; readonly micros: Float64Array }>();
  const totalOf = (path: string[]): Float64Array => {
    const key = path.join('\u0000');
    let total = totals.get(key);
    if (total === undefined) {
      total = { path, micros: new Float64Array(span) };
      totals.set(key, total);
    }
    return total.micros;
  };
  const micros = new Float64Array(span);
  const present = new Uint8Array(span);
  for (const row of rows) {
    fillDaily(row, first, micros, present);
    const levels = [totalOf([row.team]), totalOf([row.team, row.cloud]), totalOf([row.team, row.cloud, row.service])];
    for (let i = 0; i < span; i++) {
      if (present[i] === 0) continue;
      hasData[i] = 1;
      for (const level of levels) level[i] = (level[i] ?? 0) + (micros[i] ?? 0);
    }
  }
  const keptDays = topRisers(rows, { first, span, candidateIndex: dayNumber(candidateFrom) - first, hasData });
  // A team, cloud or service with its daily totals; a resource with its rows, made daily when its turn comes
  // (one scratch array for all of them instead of a daily array each).
  const series: Array<{
    readonly path: string[];
    readonly micros?: Float64Array;
    readonly row?: ResourceRows;
    readonly days: number[] | null;
  }> = [...[...totals.values()].map((total) => ({ ...total, days: null }))];
  for (const [index, days] of keptDays) {
    const row = rows[index];
    if (row === undefined) continue;
    series.push({ path: [row.team, row.cloud, row.service, row.resource], row, days });
  }
  const candidates: number[] = [];
  for (let i = dayNumber(candidateFrom) - first; i < span; i++) candidates.push(i);
  // The calendar of each day, worked out once: tens of thousands of nodes ask for the same few hundred days.
  const todayNumber = first + span;
  const calendar: Array<Calendar | undefined> = [];
  const calendarOf = (index: number): Calendar => {
    let entry = calendar[index];
    if (entry === undefined) {
      const day = dayText(first + index);
      const month = dayNumber(sameDayLastMonth(day)) - first;
      entry = {
        day,
        weeks: Array.from({ length: BASELINE_WEEKS }, (_, i) => index - 7 * (i + 1)),
        month,
        monthDay: dayText(first + month),
        daysAgo: todayNumber - (first + index),
      };
      calendar[index] = entry;
    }
    return entry;
  };
  const nodes: AnomalyNode[] = [];
  const keyed = series.map((node) => ({ key: node.path.join('\u0000'), node }));
  keyed.sort(({ key: a }, { key: b }) => (a < b ? -1 : a > b ? 1 : 0));
  for (const { node } of keyed) {
    const { path } = node;
    let daily = node.micros;
    if (daily === undefined && node.row !== undefined) {
      fillDaily(node.row, first, micros, present);
      daily = micros;
    }
    if (daily === undefined) continue;
    const spend = daily;
    const costOn = (index: number): number | null => (hasData[index] === 1 ? round2((spend[index] ?? 0) / 1_000_000) : null);
    const weeksBefore = (index: number): Array<number | null> => calendarOf(index).weeks.map(costOn);
    const points: AnomalyPoint[] = [];
    // A resource only on the days it was kept for.
    for (const index of node.days ?? candidates) {
      const cost = costOn(index);
      if (cost === null) continue;
      const { day, weeks, month, monthDay, daysAgo } = calendarOf(index);
      // Only a day that could have risen above what the rule expects (why: at the top of this file); told
      // before its baseline is built, as most days are not.
      let cheapest = Infinity;
      for (const week of weeks) {
        const weekCost = costOn(week);
        if (weekCost !== null && weekCost < cheapest) cheapest = weekCost;
      }
      if (cheapest === Infinity || cost <= cheapest) continue;
      const monthCost = costOn(month);
      points.push({
        day,
        days_ago: daysAgo,
        cost,
        weeks: weeksBefore(index),
        month_ago: monthCost === null ? null : { day: monthDay, cost: monthCost, weeks: weeksBefore(month) },
      });
    }
    if (points.length > 0) nodes.push({ path, points });
  }
  return { judge_from: judgeFrom, judged_since: judgedSince, nodes };
}
