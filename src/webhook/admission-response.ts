/**
 * A policy decision → the AdmissionReview response: denial message, warnings and audit annotations. Kept
 * short on purpose: kubectl prints the message and every warning to the user, and the API server truncates
 * long warnings ("limit warnings to 120 characters").
 */
import type { Decision, Finding } from '../model/decision.js';
import type { AdmissionResponse } from './admission-review.js';

/** What a response is made of: the findings and the bundle revision (never the input's digest). */
type Judged = Pick<Decision, 'violations' | 'warnings' | 'bundleRevision'>;

export const MAX_WARNING_CHARS = 120;
const MAX_WARNINGS = 10;
const MAX_MESSAGE_FINDINGS = 5;
const MAX_FINDING_MESSAGE_CHARS = 300;

export function truncate(text: string, limit: number): string {
  // A string has at least as many UTF-16 units as characters: one no longer than the limit needs no splitting.
  if (text.length <= limit) return text;
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

function describeFinding(finding: Finding): string {
  return `${finding.rule}: ${truncate(finding.message, MAX_FINDING_MESSAGE_CHARS)}`;
}

/** "Tollgate denied this request: TG-GPU-001: …; TG-TAG-001: … (and 2 more)". */
export function denialMessage(violations: readonly Finding[]): string {
  const shown = violations.slice(0, MAX_MESSAGE_FINDINGS).map(describeFinding).join('; ');
  const more = violations.length > MAX_MESSAGE_FINDINGS ? ` (and ${violations.length - MAX_MESSAGE_FINDINGS} more)` : '';
  return `Tollgate denied this request: ${shown}${more}`;
}

function warningsOf(lines: readonly string[]): string[] | undefined {
  if (lines.length === 0) return undefined;
  const shown = lines.slice(0, MAX_WARNINGS).map((line) => truncate(line, MAX_WARNING_CHARS));
  if (lines.length > MAX_WARNINGS) shown.push(`Tollgate: ${lines.length - MAX_WARNINGS} more warnings in the decision log`);
  return shown;
}

/**
 * What was done about a rule that fired: deny (the request was refused), would_deny (a dry run that a real request
 * would have been refused for), warn. Spelled the same in the metrics, the decision log, the audit annotation and
 * the warnings, so one search finds a rule's dry-run denials everywhere.
 */
export type EnforcementAction = 'deny' | 'would_deny' | 'warn';
export const WOULD_DENY: EnforcementAction = 'would_deny';

/** Each rule that fired once per action, sorted: violations deny (would_deny in a dry run), warnings warn. */
export function ruleOutcomes(decision: Judged, dryRun: boolean): Array<{ rule: string; action: EnforcementAction }> {
  const violationAction: EnforcementAction = dryRun ? WOULD_DENY : 'deny';
  const seen = new Set<string>();
  const outcomes: Array<{ rule: string; action: EnforcementAction }> = [];
  const add = (rule: string, action: EnforcementAction): void => {
    const key = `${action} ${rule}`;
    if (seen.has(key)) return;
    seen.add(key);
    outcomes.push({ rule, action });
  };
  for (const finding of decision.violations) add(finding.rule, violationAction);
  for (const finding of decision.warnings) add(finding.rule, 'warn');
  return outcomes.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}

/** Rule ids that fired, sorted and unique, for logs, metrics and the audit annotation. */
export function firedRules(decision: Judged): string[] {
  return [...new Set([...decision.violations, ...decision.warnings].map((finding) => finding.rule))].sort();
}

/**
 * Audit annotation keys are plain names: the API server prefixes them with the webhook's name
 * (`admission.tollgate.io/rules`) and rejects keys that already hold a slash.
 */
function auditAnnotationsOf(decision: Judged, verdict: string): Record<string, string> {
  return {
    decision: verdict,
    rules: firedRules(decision).join(',') || 'none',
    'bundle-revision': decision.bundleRevision || 'unknown',
  };
}

/**
 * Enforced requests are denied on any violation. Dry-run requests are judged but not enforced: allowed,
 * with what a real request would be denied for in the warnings, so `kubectl --dry-run=server` shows it.
 */
export function responseForDecision(uid: string, decision: Judged, dryRun: boolean): AdmissionResponse {
  const warningLines = decision.warnings.map(describeFinding);
  const denied = decision.violations.length > 0;
  if (denied && !dryRun) {
    return {
      uid,
      allowed: false,
      status: { code: 403, reason: 'Forbidden', message: denialMessage(decision.violations) },
      ...(warningLines.length > 0 ? { warnings: warningsOf(warningLines) } : {}),
      auditAnnotations: auditAnnotationsOf(decision, 'denied'),
    };
  }
  const wouldDeny = denied ? decision.violations.map((finding) => `${WOULD_DENY} (dry run): ${describeFinding(finding)}`) : [];
  const warnings = warningsOf([...wouldDeny, ...warningLines]);
  return {
    uid,
    allowed: true,
    ...(warnings ? { warnings } : {}),
    auditAnnotations: auditAnnotationsOf(decision, denied ? WOULD_DENY : 'allowed'),
  };
}

/** Fail closed: a request Tollgate could not judge is denied with the reason (HTTP-like code in status). */
export function failureResponse(uid: string, code: number, message: string, bundleRevision: string): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: {
      code,
      reason: code === 503 ? 'ServiceUnavailable' : 'InternalError',
      message: `Tollgate could not judge this request: ${message}`,
    },
    auditAnnotations: { decision: 'error', rules: 'none', 'bundle-revision': bundleRevision || 'unknown' },
  };
}
