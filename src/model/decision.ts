/**
 * The decision the policies return (entrypoint `tollgate/decision`), as TypeScript sees it.
 * The shape is documented in schemas/decision.schema.json.
 */

/** The entrypoint every bundle exposes. */
export const DECISION_ENTRYPOINT = 'tollgate/decision';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Enforcement = 'deny' | 'warn' | 'off';

/**
 * What fails the build (`--fail-on`, `fail_on` in tollgate.yaml):
 * - `deny` (the usual): any violation, whatever its severity;
 * - a severity: violations at that severity or above, so a pipeline can gate only on what matters most
 *   (warnings, indeterminate ones included, never fail the build: they are for people to read);
 * - `never`: nothing (report only).
 */
export type FailOn = Severity | 'deny' | 'never';
export const FAIL_ON_LEVELS: readonly FailOn[] = ['deny', ...SEVERITIES, 'never'];

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** Resource address the finding is about. */
  readonly resource: string;
  readonly message: string;
  readonly remediation: string;
  /** True when the rule could not decide because a value is unknown until apply. */
  readonly indeterminate: boolean;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface Recommendation {
  readonly rule: string;
  readonly resource: string;
  readonly message: string;
  readonly monthly_savings_usd: number;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface ExemptedFinding {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
}

/**
 * A budget's verdict, as the budget rules reach it (policies/lib/cost_budget.rego): the projection reaches the
 * deny threshold, the warning threshold, neither, or cannot be checked.
 */
export type BudgetStatus = 'deny' | 'warn' | 'ok' | 'indeterminate';
export const BUDGET_STATUSES: readonly BudgetStatus[] = ['deny', 'warn', 'ok', 'indeterminate'];

/**
 * One configured budget with the figures the budget rules compared (decision.facts.budgets). Amounts are in
 * the budget's currency, rounded to cents; a figure that is not known is null, never 0.
 */
export interface BudgetFact {
  readonly name: string;
  readonly scope: Readonly<Record<string, string>>;
  readonly amount: number;
  readonly currency: string;
  /** Fractions of the amount (0.8, 1) and the amounts they make. */
  readonly warn_at: number;
  readonly deny_at: number;
  readonly warn_threshold: number;
  readonly deny_threshold: number;
  readonly month_to_date: number | null;
  /** Forecast spend for the rest of the month. */
  readonly forecast_remaining: number | null;
  /** The forecast is a run-rate projection of the month to date, not forecast rows. */
  readonly forecast_is_run_rate: boolean;
  readonly days_left: number | null;
  readonly days_in_month: number | null;
  readonly spend_sources: readonly string[];
  /** The plan was priced; when not, the plan figures are null. */
  readonly plan_estimated: boolean;
  /** The plan's monthly cost change in the scope, and its part in the days left of the month. */
  readonly plan_monthly_delta: number | null;
  readonly plan_prorated_delta: number | null;
  readonly unpriced_resources: number;
  readonly unknown_scope_resources: number;
  /** Month to date + forecast + prorated plan delta (a lower bound when the forecast is unknown). */
  readonly projected: number | null;
  readonly percent_of_amount: number | null;
  readonly status: BudgetStatus;
  /** The rules' sentence about the budget (its arithmetic, or why it cannot be checked). */
  readonly message: string;
  /** The budget-area rule that reported the budget (null when none did: status ok, or no such rule). */
  readonly rule: string | null;
  /** That rule's enforcement, after tollgate.yaml (null when no rule reported). */
  readonly enforcement: Enforcement | null;
  /** An active exemption covers the report. */
  readonly exempted: boolean;
}

/** What the recommendations add up to (decision.facts.savings). */
export interface SavingsFact {
  readonly recommendations: number;
  /** Summed in whole cents, so it matches the sum of the amounts shown. */
  readonly monthly_savings_usd: number;
}

/**
 * What the policies computed besides their findings, keyed by name (decision.facts): renderers display these
 * and never compute them again. Custom policies may publish more facts (package tollgate.facts).
 */
export interface DecisionFacts {
  readonly budgets: readonly BudgetFact[];
  /** null from a bundle whose policies do not publish it. */
  readonly savings: SavingsFact | null;
  readonly [name: string]: unknown;
}

/** What Rego returns. */
export interface PolicyDecision {
  readonly violations: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly recommendations: readonly Recommendation[];
  readonly exempted: readonly ExemptedFinding[];
  readonly facts: DecisionFacts;
}

/** A policy decision with the facts needed to reproduce it. */
export interface Decision extends PolicyDecision {
  /** Bundle revision (the source hash of the Rego it was built from). */
  readonly bundleRevision: string;
  /** sha256 of the canonical JSON input, "sha256:<hex>". */
  readonly inputDigest: string;
}

export type ReportSection = 'anomalies' | 'exemptions';
export const REPORT_SECTIONS: readonly ReportSection[] = ['anomalies', 'exemptions'];

/** A rule's documentation, extracted at build time from its METADATA block. */
export interface RuleParameterDoc {
  readonly description: string;
  readonly default: unknown;
}

export interface RuleDoc {
  readonly id: string;
  readonly area: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly enforcement: Exclude<Enforcement, 'off'>;
  readonly remediation: string;
  readonly parameters: Readonly<Record<string, RuleParameterDoc>>;
  /**
   * The nightly report's section for the rule's findings (METADATA `custom.report_section`), when it has its
   * own: `anomalies` or `exemptions`. Renderers group findings by it instead of naming rule ids.
   */
  readonly reportSection?: ReportSection;
  /** Policy source file, relative to the policy root. */
  readonly file: string;
}
