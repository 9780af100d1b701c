/**
 * Machine-readable decision: deterministic (keys sorted recursively, lists in a stable order, no timestamps),
 * so that the same input gives byte-identical output and two runs can be diffed.
 */
import type { CheckReport } from './report.js';
import { isPassing, sortedDecision, withSortedKeys } from './report.js';

/** The document `renderJson` writes; `tollgate` is the version of the tool that wrote it. */
export interface JsonReport {
  readonly tollgate: string;
  readonly source: CheckReport['source'];
  readonly bundleRevision: string;
  readonly inputDigest: string;
  readonly summary: {
    readonly violations: number;
    readonly warnings: number;
    readonly recommendations: number;
    readonly exempted: number;
    readonly resources: number;
    readonly passed: boolean;
  };
  readonly violations: CheckReport['decision']['violations'];
  readonly warnings: CheckReport['decision']['warnings'];
  readonly recommendations: CheckReport['decision']['recommendations'];
  readonly exempted: CheckReport['decision']['exempted'];
}

export function toJsonReport(report: CheckReport): JsonReport {
  const decision = sortedDecision(report.decision, 'rule');
  return {
    tollgate: report.tool.version,
    source: report.source,
    bundleRevision: decision.bundleRevision,
    inputDigest: decision.inputDigest,
    summary: {
      violations: decision.violations.length,
      warnings: decision.warnings.length,
      recommendations: decision.recommendations.length,
      exempted: decision.exempted.length,
      resources: report.resources.length,
      passed: isPassing(report),
    },
    violations: decision.violations,
    warnings: decision.warnings,
    recommendations: decision.recommendations,
    exempted: decision.exempted,
  };
}

export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(withSortedKeys(toJsonReport(report)), null, 2)}\n`;
}
