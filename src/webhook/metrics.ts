/**
 * The webhook's Prometheus metrics, kept in memory and written in the text exposition format (0.0.4) by
 * hand: a handful of counters and one histogram do not justify a client library.
 */

/** Seconds; admission latency budgets are milliseconds, the API server gives up at timeoutSeconds (≤ 10 here). */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** What happened to a request: decision label of tollgate_admission_requests_total. */
export type DecisionLabel = 'allowed' | 'denied' | 'would_deny' | 'skipped' | 'error';

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

export class WebhookMetrics {
  private readonly requests = new Map<string, number>();
  private readonly bucketCounts = new Array<number>(DURATION_BUCKETS.length).fill(0);
  private durationCount = 0;
  private durationSum = 0;
  private evaluationErrors = 0;
  private reloadFailures = 0;
  private certificateReloadFailures = 0;
  /** Requests answered without a decision, by reason ("413", "400", "aborted"). */
  private readonly rejected = new Map<string, number>();
  private bundleRevision: string | null = null;

  /** One increment per rule that fired (a request firing two rules counts under each); rule "none" when none did. */
  countRequest(decision: DecisionLabel, rules: readonly string[]): void {
    for (const rule of rules.length > 0 ? rules : ['none']) {
      const key = `decision="${decision}",rule="${escapeLabel(rule)}"`;
      this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    }
  }

  observeDuration(seconds: number): void {
    this.durationCount += 1;
    this.durationSum += seconds;
    for (let i = 0; i < DURATION_BUCKETS.length; i += 1) {
      if (seconds <= (DURATION_BUCKETS[i] as number)) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
    }
  }

  countEvaluationError(): void {
    this.evaluationErrors += 1;
  }

  countReloadFailure(): void {
    this.reloadFailures += 1;
  }

  countCertificateReloadFailure(): void {
    this.certificateReloadFailures += 1;
  }

  /** A request answered without a decision: too large, not an AdmissionReview, or abandoned by the client. */
  countRejected(code: '400' | '413' | 'aborted'): void {
    this.rejected.set(code, (this.rejected.get(code) ?? 0) + 1);
  }

  setBundleRevision(revision: string): void {
    this.bundleRevision = revision;
  }

  render(): string {
    const lines: string[] = [
      '# HELP tollgate_admission_requests_total Admission requests by decision and by rule that fired (rule="none" when none did).',
      '# TYPE tollgate_admission_requests_total counter',
    ];
    for (const [labels, value] of [...this.requests].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`tollgate_admission_requests_total{${labels}} ${value}`);
    }
    lines.push(
      '# HELP tollgate_admission_duration_seconds Time from receiving an admission request to answering it.',
      '# TYPE tollgate_admission_duration_seconds histogram',
    );
    DURATION_BUCKETS.forEach((bound, i) => {
      lines.push(`tollgate_admission_duration_seconds_bucket{le="${bound}"} ${this.bucketCounts[i] ?? 0}`);
    });
    lines.push(
      `tollgate_admission_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `tollgate_admission_duration_seconds_sum ${this.durationSum}`,
      `tollgate_admission_duration_seconds_count ${this.durationCount}`,
      '# HELP tollgate_evaluation_errors_total Evaluations that failed or overran --eval-timeout (the request was denied).',
      '# TYPE tollgate_evaluation_errors_total counter',
      `tollgate_evaluation_errors_total ${this.evaluationErrors}`,
      '# HELP tollgate_bundle_info The policy bundle being served.',
      '# TYPE tollgate_bundle_info gauge',
    );
    if (this.bundleRevision !== null) lines.push(`tollgate_bundle_info{revision="${escapeLabel(this.bundleRevision)}"} 1`);
    lines.push(
      '# HELP tollgate_bundle_reload_failures_total Bundle or config changes that could not be loaded (the previous one kept serving).',
      '# TYPE tollgate_bundle_reload_failures_total counter',
      `tollgate_bundle_reload_failures_total ${this.reloadFailures}`,
      '# HELP tollgate_certificate_reload_failures_total Certificate or key changes that could not be loaded (the previous pair kept serving).',
      '# TYPE tollgate_certificate_reload_failures_total counter',
      `tollgate_certificate_reload_failures_total ${this.certificateReloadFailures}`,
      '# HELP tollgate_admission_rejected_total Requests answered without a decision, by code (400 not an AdmissionReview, 413 too large, aborted by the client).',
      '# TYPE tollgate_admission_rejected_total counter',
    );
    for (const [code, value] of [...this.rejected].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`tollgate_admission_rejected_total{code="${code}"} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
