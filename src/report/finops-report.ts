/**
 * The nightly FinOps report: the facts from history and the decision Rego returns on them (the policy input,
 * subject "report", is built by src/prepare/), arranged for the renderers. Pure: no I/O here.
 */
import type { BudgetFact, Decision, Finding, Recommendation, ReportSection, RuleDoc } from '../model/decision.js';
import type { AccountFreshness, EstimateLine, EstimateTeamLine, ModelShowbackLine, Showback, ShowbackLine } from '../model/showback.js';
import type { ReportFacts } from './report-facts.js';

/** What Rego adds to each showback line (policies/lib/showback.rego). */
export interface ShowbackJudgement {
  readonly share_percent: number | null;
  readonly change_percent: number | null;
  readonly trend: 'new' | 'gone' | 'up' | 'down' | 'flat' | 'none';
}

export type JudgedLine = ShowbackLine & ShowbackJudgement;

/** The showback tables as the decision's facts give them (facts.showback). */
export interface JudgedShowback extends Omit<Showback, 'totals' | 'by_team' | 'by_cloud' | 'by_service' | 'by_model'> {
  readonly totals: JudgedLine;
  readonly by_team: readonly JudgedLine[];
  readonly by_cloud: readonly JudgedLine[];
  readonly by_service: readonly JudgedLine[];
  readonly by_model: ReadonlyArray<ModelShowbackLine & ShowbackJudgement>;
}

/** What Rego adds to an estimate line (policies/lib/estimates.rego). */
export interface EstimateJudgement {
  readonly error_percent: number | null;
  readonly status: 'over' | 'under' | 'within' | 'unmatched' | 'unpriced';
}

/** facts.estimates: estimated against actual, judged. */
export interface JudgedEstimates {
  readonly days: number;
  readonly over_percent: number;
  readonly resources: ReadonlyArray<EstimateLine & EstimateJudgement>;
  readonly teams: ReadonlyArray<EstimateTeamLine & EstimateJudgement>;
}

function judgedEstimates(value: unknown): JudgedEstimates | null {
  if (!isObject(value) || !Array.isArray(value.resources) || !Array.isArray(value.teams)) return null;
  return value as unknown as JudgedEstimates;
}

export type JudgedFreshness = AccountFreshness & { readonly status: 'stale' | 'current' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** facts.showback as the policies wrote it; null when the bundle publishes none (a custom bundle). */
function judgedShowback(value: unknown): JudgedShowback | null {
  if (!isObject(value) || !isObject(value.totals) || !Array.isArray(value.by_team)) return null;
  return value as unknown as JudgedShowback;
}

function judgedFreshness(value: unknown): JudgedFreshness[] {
  return Array.isArray(value) ? (value.filter(isObject) as unknown as JudgedFreshness[]) : [];
}

export interface FinOpsReport {
  readonly generatedFor: string;
  readonly facts: ReportFacts;
  /** Every configured budget as the budget rules computed it (decision.facts.budgets), in config order. */
  readonly budgets: readonly BudgetFact[];
  readonly anomalies: readonly Finding[];
  readonly expiringExemptions: readonly Finding[];
  readonly recommendations: readonly Recommendation[];
  readonly violations: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly decision: Decision;
  /** Showback with shares and changes as Rego computed them; null when the bundle publishes none. */
  readonly showback: JudgedShowback | null;
  /** Each billing account's last day and status (stale or current), as Rego judged it. */
  readonly freshness: readonly JudgedFreshness[];
  /** Estimated against actual as Rego judged it; null without --estimates. */
  readonly estimates: JudgedEstimates | null;
}

/** The findings of the rules whose METADATA puts them in `section` of the report (custom.report_section). */
function inSection(findings: readonly Finding[], rules: readonly RuleDoc[], section: ReportSection): Finding[] {
  const ids = new Set(rules.filter((rule) => rule.reportSection === section).map((rule) => rule.id));
  return findings.filter((finding) => ids.has(finding.rule));
}

/**
 * The report's sections from the decision: the budgets as the rules computed them, and the findings grouped by
 * their rules' report_section. `rules` are the bundle's rule docs (PolicyEngine.rules).
 */
export function assembleReport(facts: ReportFacts, decision: Decision, rules: readonly RuleDoc[]): FinOpsReport {
  const findings = [...decision.violations, ...decision.warnings];
  return {
    generatedFor: facts.today,
    facts,
    budgets: decision.facts.budgets,
    anomalies: inSection(findings, rules, 'anomalies'),
    expiringExemptions: inSection(findings, rules, 'exemptions'),
    recommendations: [...decision.recommendations].sort(
      (a, b) => b.monthly_savings_usd - a.monthly_savings_usd || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
    ),
    violations: decision.violations,
    warnings: decision.warnings,
    decision,
    showback: judgedShowback(decision.facts.showback),
    freshness: judgedFreshness(decision.facts.freshness),
    estimates: judgedEstimates(decision.facts.estimates),
  };
}

export function money(value: number | null, currency: string): string {
  if (value === null) return 'unknown';
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}
