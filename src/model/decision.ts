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

/** What Rego returns. */
export interface PolicyDecision {
  readonly violations: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly recommendations: readonly Recommendation[];
  readonly exempted: readonly ExemptedFinding[];
}

/** A policy decision with the facts needed to reproduce it. */
export interface Decision extends PolicyDecision {
  /** Bundle revision (the source hash of the Rego it was built from). */
  readonly bundleRevision: string;
  /** sha256 of the canonical JSON input, "sha256:<hex>". */
  readonly inputDigest: string;
}

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
  /** Policy source file, relative to the policy root. */
  readonly file: string;
}
