/**
 * A first report's anomaly input spans the days the bundle's TG-ANO-001 judges (lookback_days), read from the
 * loaded bundle and tollgate.yaml, and judges exactly as the input over every day of --days did. The history runs
 * from 2026-01-01 to 2026-03-19 (today 2026-03-20), 100 a day for each team's one resource, except:
 * - team inside spends 1,000 on 2026-03-17 (3 days ago: the last day a lookback of 3 judges);
 * - team outside spends 1,000 on 2026-03-16 (4 days ago: the first day it does not) and on 2026-03-02.
 * The bundle under test is the built-in one with lookback_days 3 in its METADATA.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/billing/cost-record.js';
import { CostHistory } from '../../src/billing/history.js';
import { readBundleFile, type Bundle } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { Finding, RuleDoc } from '../../src/model/decision.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { AnomalyInput } from '../../src/prepare/report-anomalies.js';
import { anomalyLookbackDays, firstReportAnomalyDays } from '../../src/report/anomaly-window.js';
import { readReportFacts } from '../../src/report/report-facts.js';
import { dailySpendRecord, historyOf } from '../prepare/daily-spend-record.js';

const TODAY = '2026-03-20';
const NOW = `${TODAY}T06:00:00.000Z`;
const DAYS = 60;

/** The built-in bundle with another lookback_days default in TG-ANO-001's METADATA (its data and its rule docs). */
function bundleWithLookback(lookback: unknown): Bundle {
  const bundle = readBundleFile(builtinBundlePath);
  const data = structuredClone(bundle.data) as { tollgate: { meta: { rules: Record<string, RuleDoc> } } };
  const rule = data.tollgate.meta.rules['TG-ANO-001'];
  if (rule === undefined) throw new Error('the built-in bundle has no TG-ANO-001');
  data.tollgate.meta.rules['TG-ANO-001'] = {
    ...rule,
    parameters: { ...rule.parameters, lookback_days: { description: 'test', default: lookback } },
  };
  const rules = Object.values(data.tollgate.meta.rules).sort((a, b) => (a.id < b.id ? -1 : 1));
  return { ...bundle, data, rules };
}

const record = dailySpendRecord;

const SPIKES: Record<string, readonly string[]> = { inside: ['2026-03-17'], outside: ['2026-03-16', '2026-03-02'], steady: [] };

describe('the anomaly input of a first report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-anomaly-window-'));
  let history: CostHistory;
  let engine: PolicyEngine;
  beforeAll(async () => {
    const records = [];
    for (let day = '2026-01-01'; day < TODAY; day = addDays(day, 1)) {
      for (const [team, spikes] of Object.entries(SPIKES)) {
        records.push(record(day, spikes.includes(day) ? 1_000_000_000n : 100_000_000n, team));
      }
    }
    history = await historyOf(join(dir, 'h.duckdb'), records, TODAY);
    engine = await PolicyEngine.load(bundleWithLookback(3), {});
  });
  afterAll(() => {
    history.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The report input over `days` candidate days (no --since, no earlier report), and its anomaly findings. */
  async function judged(days: number): Promise<{ anomaly: AnomalyInput; findings: Finding[] }> {
    const facts = await readReportFacts(history, {
      today: TODAY,
      now: NOW,
      days: DAYS,
      budgets: [],
      environmentTagKeys: ['environment'],
      teamTagKey: 'team',
    });
    const input = await prepare({
      subject: { kind: 'report', facts, source: 'test' },
      sources: { history, anomalies: { days } },
      settings: prepareSettings({ file: null, config: {} }),
      now: NOW,
    });
    const decision = engine.evaluate(input);
    const findings = [...decision.violations, ...decision.warnings].filter((f) => f.rule === 'TG-ANO-001');
    if (input.report.anomaly === undefined) throw new Error('no anomaly input');
    return { anomaly: input.report.anomaly, findings };
  }

  it("reads lookback_days from the loaded bundle's METADATA, and from tollgate.yaml when it sets one", () => {
    expect(anomalyLookbackDays(engine, {})).toBe(3);
    expect(firstReportAnomalyDays(engine, {}, DAYS)).toBe(3);
    expect(firstReportAnomalyDays(engine, { rules: { 'TG-ANO-001': { parameters: { lookback_days: 5 } } } }, DAYS)).toBe(5);
    // Days ago are whole numbers: 5.5 judges the same days as 5.
    expect(firstReportAnomalyDays(engine, { rules: { 'TG-ANO-001': { parameters: { lookback_days: 5.5 } } } }, DAYS)).toBe(5);
  });

  it('keeps every day of --days when the parameter is no number, is not below --days, or the bundle holds rules of its own', () => {
    for (const lookback of [null, '3', 0, DAYS, 90]) {
      expect(firstReportAnomalyDays(engine, { rules: { 'TG-ANO-001': { parameters: { lookback_days: lookback } } } }, DAYS)).toBe(DAYS);
    }
    // A bundle compiled with a rule of its own has no report view (policies/decision.rego): it may read any day.
    const own = { rules: engine.rules, reportView: () => null };
    expect(firstReportAnomalyDays(own, {}, DAYS)).toBe(DAYS);
  });

  it('gives only the judged days, the points of every day of --days that are in them, and the same anomalies', async () => {
    const days = firstReportAnomalyDays(engine, {}, DAYS);
    const window = await judged(days);
    const whole = await judged(DAYS);
    // The whole span holds days the lookback does not judge (else this test proves nothing).
    expect(whole.anomaly.nodes.some((node) => node.points.some((p) => p.days_ago > 3))).toBe(true);
    expect(window.anomaly.nodes.every((node) => node.points.every((p) => p.days_ago <= 3))).toBe(true);
    const judgedPoints = whole.anomaly.nodes
      .map((node) => ({ ...node, points: node.points.filter((p) => p.days_ago <= 3) }))
      .filter((node) => node.points.length > 0);
    expect(window.anomaly).toEqual({ ...whole.anomaly, nodes: judgedPoints });
    expect(window.findings.map((f) => f.resource)).toEqual(['spend:team:inside']);
    expect(window.findings).toEqual(whole.findings);
  });
});
