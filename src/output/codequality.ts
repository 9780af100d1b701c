/**
 * GitLab Code Quality (the Code Climate issue subset GitLab reads): a JSON array, one issue per violation and per
 * warning, shown in the merge request widget and on the diff at the declaring file and line.
 *
 * GitLab compares the fingerprints of the source and target branch to say which issues are new or fixed, so the
 * fingerprint is SARIF's: rule and resource only, not the message or the line. Exempted findings and savings
 * recommendations are left out, as in SARIF: Code Quality has no way to show them as accepted.
 */
import type { Finding, Severity } from '../model/decision.js';
import type { CheckResult } from './check-result.js';
import { placeOf, resourcesByAddress, sortedDecision } from './check-result.js';
import { fingerprint } from './sarif.js';
import { stripControlCharacters } from './sanitize.js';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/** Tollgate's severities onto GitLab's five, most severe to most severe. */
export const CODE_QUALITY_SEVERITY: Readonly<Record<Severity, CodeQualitySeverity>> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
  info: 'info',
};

export interface CodeQualityIssue {
  readonly type: 'issue';
  readonly check_name: string;
  readonly description: string;
  readonly severity: CodeQualitySeverity;
  readonly fingerprint: string;
  readonly location: { readonly path: string; readonly lines: { readonly begin: number } };
}

export function toCodeQuality(report: CheckResult): CodeQualityIssue[] {
  const decision = sortedDecision(report.decision, 'rule');
  const resources = resourcesByAddress(report.resources);
  const seen = new Map<string, number>();
  const issue = (finding: Finding, kind: 'violation' | 'warning'): CodeQualityIssue => {
    const key = `${finding.rule}\u0000${finding.resource}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const place = placeOf(report, resources.get(finding.resource));
    const indeterminate = finding.indeterminate ? ' (indeterminate: the plan does not say enough to decide)' : '';
    return {
      type: 'issue',
      check_name: finding.rule,
      description: stripControlCharacters(
        `${kind === 'warning' ? 'Warning: ' : ''}${finding.resource}: ${finding.message}${indeterminate}`,
      ),
      severity: CODE_QUALITY_SEVERITY[finding.severity],
      fingerprint: fingerprint(finding.rule, finding.resource, occurrence),
      location: { path: place.file, lines: { begin: place.line ?? 1 } },
    };
  };
  return [...decision.violations.map((f) => issue(f, 'violation')), ...decision.warnings.map((f) => issue(f, 'warning'))];
}

export function renderCodeQuality(report: CheckResult): string {
  return `${JSON.stringify(toCodeQuality(report), null, 2)}\n`;
}
