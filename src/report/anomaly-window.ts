/**
 * How many days a first report's anomaly input offers TG-ANO-001 (no `--since`, no earlier report in the
 * history). The rule then judges a point only when `days_ago <= lookback_days`, and reads no other point: an
 * anomalous day is a judged one, and its attribution reads the children's points of that same day. So the points
 * of `--days` (60) older than the lookback (7) were parsed by the evaluation and never read; giving the last
 * `lookback_days` only leaves every finding as it was (test/report/anomaly-window.test.ts).
 *
 * The number is the loaded bundle's, never a copy: tollgate.yaml's `rules.TG-ANO-001.parameters.lookback_days`
 * when it sets one, as policies/lib/config.rego's `param` reads it, else the default in the rule's METADATA
 * (the bundle's data.tollgate.meta.rules, `engine.rules`). And only when every rule and fact of the bundle is a
 * built-in one, which the bundle itself says by defining its report view: a rule of a team's own may read the
 * older points.
 */
import type { TollgateConfig } from '../config/config.js';
import type { PolicyEngine } from '../engine/policy-engine.js';

/** The rule that reads `input.report.anomaly`, and the parameter that bounds the days it judges on a first report. */
const ANOMALY_RULE = 'TG-ANO-001';
const LOOKBACK = 'lookback_days';

/** A report input with nothing in it but what the report view needs to be asked whether the bundle is all built in. */
const PROBE = { subject: 'report', report: { usage: { providers: {}, resources: [] } } };

/** What is read of the loaded engine: its rule docs and whether it has a report view. */
export type AnomalyRuleSource = Pick<PolicyEngine, 'rules' | 'reportView'>;

/**
 * The lookback_days TG-ANO-001 judges with, or null when that is not a number (the rule then compares days with
 * something else, and nothing is assumed).
 */
export function anomalyLookbackDays(engine: Pick<PolicyEngine, 'rules'>, config: Pick<TollgateConfig, 'rules'>): number | null {
  const parameters = config.rules?.[ANOMALY_RULE]?.parameters;
  const value =
    parameters !== undefined && Object.hasOwn(parameters, LOOKBACK)
      ? parameters[LOOKBACK]
      : engine.rules.find((rule) => rule.id === ANOMALY_RULE)?.parameters[LOOKBACK]?.default;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The candidate days of a first report's anomaly input: `days` (`--days`), or fewer when the bundle's
 * TG-ANO-001 judges fewer and the bundle holds no rule of its own.
 */
export function firstReportAnomalyDays(engine: AnomalyRuleSource, config: Pick<TollgateConfig, 'rules'>, days: number): number {
  const lookback = anomalyLookbackDays(engine, config);
  // Below one day, or at least `days`: the whole span, as before (nothing to gain, and no edge to reason about).
  if (lookback === null || lookback < 1 || lookback >= days) return days;
  if (engine.reportView(PROBE) === null) return days;
  // A day is judged when its whole number of days ago is at most the parameter.
  return Math.floor(lookback);
}
