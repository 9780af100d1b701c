/**
 * The anomaly input (input.report.anomaly) read from a real history, and judged by TG-ANO-001 in the real
 * opa-wasm bundle. The history runs from 2026-01-01 to 2026-03-19, every day the same on AWS EC2:
 * - team flat: resource i-flat at 100, also 100 on 2026-03-19;
 * - team edge: resource i-edge at 100, and 100.01 on 2026-03-19 (one cent above its cheapest same weekday),
 *   billed as two rows that day (60.005 and 40.005);
 * - team gone: resource i-gone at 100 until 2026-03-18, nothing on 2026-03-19.
 * 2026-03-19 is judged (--since). Its eight same weekdays (03-12 … 01-22) are all known at 100; the same day of
 * the previous month is 2026-02-19, whose eighth same weekday (2025-12-25) is before the history: null.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { Finding } from '../../src/model/decision.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import { readAnomalyInput, type AnomalyInput, type AnomalyPoint } from '../../src/prepare/report-anomalies.js';
import { dailySpendRecord, historyOf } from './daily-spend-record.js';

const TODAY = '2026-03-20';
const JUDGED = '2026-03-19';
const EC2 = 'Amazon Elastic Compute Cloud';

const record = dailySpendRecord;

/** The point every node of team edge has on the judged day, worked out by hand. */
const EDGE_POINT: AnomalyPoint = {
  day: JUDGED,
  days_ago: 1,
  cost: 100.01,
  weeks: [100, 100, 100, 100, 100, 100, 100, 100],
  month_ago: { day: '2026-02-19', cost: 100, weeks: [100, 100, 100, 100, 100, 100, 100, null] },
};

/** The most permissive parameters: any increase above 0 over the last same weekday is an anomaly. */
const PERMISSIVE = { threshold_percent: 0, min_increase: 0, baseline_weeks: 1, min_baseline_weeks: 1 };

describe('the anomaly input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-anomaly-input-'));
  let history: CostHistory;
  let input: AnomalyInput;
  beforeAll(async () => {
    const records = [];
    for (let day = '2026-01-01'; day <= JUDGED; day = addDays(day, 1)) {
      records.push(record(day, 100_000_000n, 'flat', 'i-flat'));
      if (day === JUDGED) records.push(record(day, 60_005_000n, 'edge', 'i-edge'), record(day, 40_005_000n, 'edge', 'i-edge'));
      else records.push(record(day, 100_000_000n, 'edge', 'i-edge'), record(day, 100_000_000n, 'gone', 'i-gone'));
    }
    history = await historyOf(join(dir, 'h.duckdb'), records, TODAY);
    input = await readAnomalyInput(history, { today: TODAY, since: JUDGED, lastRun: null, days: 60, teamTagKey: 'team' });
  });
  afterAll(() => {
    history.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function findings(anomaly: AnomalyInput): Promise<Finding[]> {
    const config = { rules: { 'TG-ANO-001': { parameters: PERMISSIVE } } };
    const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), config);
    const prepared = await prepare({
      subject: { kind: 'report', facts: { currency: 'USD', today: TODAY, series: [], spend: [] }, source: 'test' },
      settings: prepareSettings({ file: null, config }),
      now: `${TODAY}T06:00:00.000Z`,
    });
    const decision = engine.evaluate({ ...prepared, report: { ...prepared.report, anomaly } });
    return [...decision.violations, ...decision.warnings].filter((finding) => finding.rule === 'TG-ANO-001');
  }

  it('gives each node of the tree only the days it cost more than on its cheapest known same weekday, summed exactly', () => {
    expect(input).toEqual({
      judge_from: JUDGED,
      judged_since: '--since',
      nodes: [
        { path: ['edge'], points: [EDGE_POINT] },
        { path: ['edge', 'aws'], points: [EDGE_POINT] },
        { path: ['edge', 'aws', EC2], points: [EDGE_POINT] },
        { path: ['edge', 'aws', EC2, 'i-edge'], points: [EDGE_POINT] },
      ],
    });
  });

  it('leaves out only days the rule cannot report, even with its most permissive parameters (the boundary: equal to the cheapest)', async () => {
    const reported = await findings(input);
    expect(reported.map((finding) => [finding.resource, finding.evidence['attributed_to']])).toEqual([
      ['spend:team:edge', { level: 'resource', path: ['edge', 'aws', EC2, 'i-edge'], increase: 0.01, share_percent: 100 }],
    ]);
    // The days left out, put back as the rule would have seen them: team flat at 100 against 100 every week,
    // team gone at 0. Nothing more is reported.
    const same = (cost: number): AnomalyPoint => ({ ...EDGE_POINT, cost, weeks: Array<number>(8).fill(100) });
    const flat = ['flat', 'aws', EC2, 'i-flat'];
    const gone = ['gone', 'aws', EC2, 'i-gone'];
    const everyNode = [1, 2, 3, 4].flatMap((depth) => [
      { path: flat.slice(0, depth), points: [same(100)] },
      { path: gone.slice(0, depth), points: [same(0)] },
    ]);
    const whole = await findings({ ...input, nodes: [...input.nodes, ...everyNode] });
    expect(whole).toEqual(reported);
  });
});

/**
 * Team rank's eight EC2 resources cost 100 a day, except on the two judged days (cost above 100 is the rise
 * over their eight same weekdays): the input keeps the TOP_RESOURCES (5) that rose most per service and day.
 */
describe('the resources given per service and day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-anomaly-ranking-'));
  const RISES: Record<string, Record<string, number>> = {
    // r1 rose least: sixth of six, left out.
    '2026-03-18': { r1: 101, r2: 102, r3: 103, r4: 104, r5: 105, r6: 106 },
    // r3 and r4 tie for fifth: the name that sorts first is kept; r5 did not rise.
    '2026-03-19': { r1: 150, r7: 140, r8: 130, r2: 125, r3: 120, r4: 120 },
  };
  let input: AnomalyInput;
  beforeAll(async () => {
    const records = [];
    for (let day = '2026-01-01'; day <= JUDGED; day = addDays(day, 1)) {
      for (let n = 1; n <= 8; n++) {
        const cost = RISES[day]?.[`r${n}`] ?? 100;
        records.push(record(day, BigInt(cost) * 1_000_000n, 'rank', `r${n}`));
      }
    }
    const history = await historyOf(join(dir, 'h.duckdb'), records, TODAY);
    try {
      input = await readAnomalyInput(history, { today: TODAY, since: '2026-03-18', lastRun: null, days: 60, teamTagKey: 'team' });
    } finally {
      history.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the five that rose most each day, ties by name, each with the days it was kept for, in order', () => {
    const kept = input.nodes.filter((node) => node.path.length === 4).map((node) => [node.path[3], node.points.map((point) => point.day)]);
    expect(kept).toEqual([
      ['r1', ['2026-03-19']],
      ['r2', ['2026-03-18', '2026-03-19']],
      ['r3', ['2026-03-18', '2026-03-19']],
      ['r4', ['2026-03-18']],
      ['r5', ['2026-03-18']],
      ['r6', ['2026-03-18']],
      ['r7', ['2026-03-19']],
      ['r8', ['2026-03-19']],
    ]);
  });
});

/**
 * Team mixed's one resource has two rows a day: one with an effective cost (60 of 100 billed) and one without (40
 * billed), so its day costs 100; on the judged day 300 of 500 billed, and 40: 340. Each row counts its effective
 * cost, else its billed cost, whichever rows of the history have which.
 */
describe('the cost of each row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-anomaly-cost-'));
  let input: AnomalyInput;
  beforeAll(async () => {
    const records = [];
    for (let day = '2026-01-01'; day <= JUDGED; day = addDays(day, 1)) {
      const spike = day === JUDGED;
      records.push(
        { ...record(day, spike ? 500_000_000n : 100_000_000n, 'mixed', 'i-mixed'), EffectiveCost: spike ? 300_000_000n : 60_000_000n },
        record(day, 40_000_000n, 'mixed', 'i-mixed'),
      );
    }
    const history = await historyOf(join(dir, 'h.duckdb'), records, TODAY);
    try {
      input = await readAnomalyInput(history, { today: TODAY, since: JUDGED, lastRun: null, days: 60, teamTagKey: 'team' });
    } finally {
      history.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the effective cost where the row has one, else the billed cost', () => {
    const point = { ...EDGE_POINT, cost: 340, month_ago: { ...EDGE_POINT.month_ago, cost: 100 } };
    expect(input.nodes.map((node) => [node.path.length, node.points])).toEqual([1, 2, 3, 4].map((depth) => [depth, [point]]));
  });
});
