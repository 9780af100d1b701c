/**
 * The nightly FinOps report: the facts from history, the policy input built from them (subject "report"),
 * and the decision Rego returns, arranged for the renderers. Pure: no I/O here.
 */
import type { BudgetFact, Decision, Finding, Recommendation, ReportSection, RuleDoc } from '../model/decision.js';
import type { PolicyInput } from '../model/resource.js';
import { addDays } from '../billing/cost-record.js';
import type { DailySeries, ReportFacts } from './report-facts.js';

/** What Rego reads besides the shared contract: the report's series and calendar. */
export interface ReportPolicyInput extends PolicyInput {
  readonly report: {
    readonly currency: string;
    readonly series: readonly DailySeries[];
    /** Today and the next 59 days, YYYY-MM-DD: the calendar TG-CFG-002 counts days with. */
    readonly upcoming_days: readonly string[];
  };
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
}

export function reportPolicyInput(facts: ReportFacts, now: string, source: string): ReportPolicyInput {
  return {
    subject: 'report',
    context: { now, source, defaultEnvironment: null },
    resources: [],
    spend: facts.spend,
    report: {
      currency: facts.currency,
      series: facts.series,
      upcoming_days: Array.from({ length: 60 }, (_, i) => addDays(facts.today, i)),
    },
  };
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
  };
}

export function money(value: number | null, currency: string): string {
  if (value === null) return 'unknown';
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}
