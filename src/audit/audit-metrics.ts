/**
 * What `tollgate audit --interval` exposes at /metrics (Prometheus text format 0.0.4, written by prom-client
 * from a registry of its own, as the webhook's): the findings of the last
 * successful run by rule and namespace, how many objects it saw and judged per kind, when it ended and how long
 * it took, and how many runs succeeded or failed. A failed run (a cluster fault) leaves the last successful
 * figures in place and is counted, so a dashboard shows stale-but-true numbers and an alert on failures.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { AuditResult } from './audit-run.js';

/** Counts of findings per (namespace, rule): the number of findings of that rule on objects of that namespace. */
function countByNamespaceAndRule(
  result: AuditResult,
  findings: ReadonlyArray<{ resource: string; rule: string }>,
): Map<string, { namespace: string; rule: string; count: number }> {
  const namespaceOf = new Map(result.objects.map((object) => [object.address, object.namespace]));
  const counts = new Map<string, { namespace: string; rule: string; count: number }>();
  for (const finding of findings) {
    const namespace = namespaceOf.get(finding.resource) ?? '';
    const key = JSON.stringify([namespace, finding.rule]);
    const entry = counts.get(key) ?? { namespace, rule: finding.rule, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return counts;
}

export class AuditMetrics {
  readonly registry = new Registry();
  private readonly violations: Gauge<'namespace' | 'rule'>;
  private readonly warnings: Gauge<'namespace' | 'rule'>;
  private readonly seen: Gauge<'kind'>;
  private readonly judged: Gauge<'kind'>;
  private readonly lastRunTimestamp: Gauge;
  private readonly lastRunDuration: Gauge;
  private readonly runs: Counter<'result'>;

  constructor() {
    const registers = [this.registry];
    this.violations = new Gauge({
      name: 'tollgate_audit_violations',
      help: 'Violations found by the last successful audit, by namespace and rule.',
      labelNames: ['namespace', 'rule'],
      registers,
    });
    this.warnings = new Gauge({
      name: 'tollgate_audit_warnings',
      help: 'Warnings found by the last successful audit, by namespace and rule.',
      labelNames: ['namespace', 'rule'],
      registers,
    });
    this.seen = new Gauge({
      name: 'tollgate_audit_objects_seen',
      help: 'Objects the last successful audit listed in the audited namespaces, by kind (owned ones included).',
      labelNames: ['kind'],
      registers,
    });
    this.judged = new Gauge({
      name: 'tollgate_audit_objects_judged',
      help: 'Objects the last successful audit judged, by kind (owned objects are judged at their owner).',
      labelNames: ['kind'],
      registers,
    });
    this.lastRunTimestamp = new Gauge({
      name: 'tollgate_audit_last_run_timestamp_seconds',
      help: 'When the last successful audit ended (Unix time; absent before the first).',
      // Registered at the first success: an unlabelled gauge reads 0 (1970) until set.
      registers: [],
    });
    this.lastRunDuration = new Gauge({
      name: 'tollgate_audit_last_run_duration_seconds',
      help: 'How long the last successful audit took.',
      registers: [],
    });
    this.runs = new Counter({
      name: 'tollgate_audit_runs_total',
      help: 'Audit runs by result (failure: a cluster fault; the figures above stay those of the last success).',
      labelNames: ['result'],
      registers,
    });
    this.runs.inc({ result: 'success' }, 0);
    this.runs.inc({ result: 'failure' }, 0);
  }

  recordSuccess(result: AuditResult, endedAt: Date): void {
    this.runs.inc({ result: 'success' });
    // The last run's figures replace the previous ones whole: a rule that no longer fires disappears.
    for (const [gauge, findings] of [
      [this.violations, result.decision.violations],
      [this.warnings, result.decision.warnings],
    ] as const) {
      gauge.reset();
      for (const { namespace, rule, count } of countByNamespaceAndRule(result, findings).values()) gauge.set({ namespace, rule }, count);
    }
    this.seen.reset();
    this.judged.reset();
    for (const kind of result.kinds) {
      this.seen.set({ kind: kind.kind }, kind.listed);
      this.judged.set({ kind: kind.kind }, kind.judged);
    }
    if (this.registry.getSingleMetric('tollgate_audit_last_run_timestamp_seconds') === undefined) {
      this.registry.registerMetric(this.lastRunTimestamp);
      this.registry.registerMetric(this.lastRunDuration);
    }
    this.lastRunTimestamp.set(endedAt.getTime() / 1000);
    this.lastRunDuration.set(result.durationMs / 1000);
  }

  recordFailure(): void {
    this.runs.inc({ result: 'failure' });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
