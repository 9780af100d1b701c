/**
 * What `tollgate audit --interval` exposes at /metrics (Prometheus text format 0.0.4): the findings of the last
 * successful run by rule and namespace, how many objects it saw and judged per kind, when it ended and how long
 * it took, and how many runs succeeded or failed. A failed run (a cluster fault) leaves the last successful
 * figures in place and is counted, so a dashboard shows stale-but-true numbers and an alert on failures.
 */
import type { AuditResult } from './audit-run.js';

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts of findings per (namespace, rule): the number of findings of that rule on objects of that namespace. */
function countByNamespaceAndRule(result: AuditResult, findings: ReadonlyArray<{ resource: string; rule: string }>): Map<string, number> {
  const namespaceOf = new Map(result.objects.map((object) => [object.address, object.namespace]));
  const counts = new Map<string, number>();
  for (const finding of findings) {
    const labels = `namespace="${escapeLabel(namespaceOf.get(finding.resource) ?? '')}",rule="${escapeLabel(finding.rule)}"`;
    counts.set(labels, (counts.get(labels) ?? 0) + 1);
  }
  return counts;
}

interface LastRun {
  readonly violations: Map<string, number>;
  readonly warnings: Map<string, number>;
  readonly seen: ReadonlyArray<readonly [string, number]>;
  readonly judged: ReadonlyArray<readonly [string, number]>;
  readonly endedAtSeconds: number;
  readonly durationSeconds: number;
}

export class AuditMetrics {
  private last: LastRun | null = null;
  private successes = 0;
  private failures = 0;

  recordSuccess(result: AuditResult, endedAt: Date): void {
    this.successes += 1;
    this.last = {
      violations: countByNamespaceAndRule(result, result.decision.violations),
      warnings: countByNamespaceAndRule(result, result.decision.warnings),
      seen: result.kinds.map((kind) => [kind.kind, kind.listed] as const),
      judged: result.kinds.map((kind) => [kind.kind, kind.judged] as const),
      endedAtSeconds: endedAt.getTime() / 1000,
      durationSeconds: result.durationMs / 1000,
    };
  }

  recordFailure(): void {
    this.failures += 1;
  }

  render(): string {
    const lines: string[] = [];
    const gauge = (name: string, help: string, series: Iterable<readonly [string, number]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of [...series].sort(([a], [b]) => compare(a, b))) {
        lines.push(labels === '' ? `${name} ${value}` : `${name}{${labels}} ${value}`);
      }
    };
    const last = this.last;
    gauge('tollgate_audit_violations', 'Violations found by the last successful audit, by namespace and rule.', last?.violations ?? []);
    gauge('tollgate_audit_warnings', 'Warnings found by the last successful audit, by namespace and rule.', last?.warnings ?? []);
    gauge(
      'tollgate_audit_objects_seen',
      'Objects the last successful audit listed in the audited namespaces, by kind (owned ones included).',
      (last?.seen ?? []).map(([kind, value]) => [`kind="${escapeLabel(kind)}"`, value] as const),
    );
    gauge(
      'tollgate_audit_objects_judged',
      'Objects the last successful audit judged, by kind (owned objects are judged at their owner).',
      (last?.judged ?? []).map(([kind, value]) => [`kind="${escapeLabel(kind)}"`, value] as const),
    );
    gauge(
      'tollgate_audit_last_run_timestamp_seconds',
      'When the last successful audit ended (Unix time; absent before the first).',
      last === null ? [] : [['', last.endedAtSeconds]],
    );
    gauge(
      'tollgate_audit_last_run_duration_seconds',
      'How long the last successful audit took.',
      last === null ? [] : [['', last.durationSeconds]],
    );
    lines.push(
      '# HELP tollgate_audit_runs_total Audit runs by result (failure: a cluster fault; the figures above stay those of the last success).',
      '# TYPE tollgate_audit_runs_total counter',
      `tollgate_audit_runs_total{result="failure"} ${this.failures}`,
      `tollgate_audit_runs_total{result="success"} ${this.successes}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
