/**
 * The webhook's Prometheus metrics, kept by prom-client in a registry of their own (never the library's global
 * one, so two servers in one process, as in the tests, do not share counts). With `serve --workers N` each worker
 * keeps its own registry and the primary sums them for a scrape (see cluster-metrics.ts).
 *
 * Label cardinality is bounded: kind and operation by the webhook's rules, namespace by the cluster, rule by the
 * bundle. Object names and uids are never labels.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EnforcementAction } from './admission-response.js';

/** Seconds; admission latency budgets are milliseconds, the API server gives up at timeoutSeconds (≤ 10 here). */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** What happened to a request: decision label of tollgate_admission_requests_total. */
export type DecisionLabel = 'allowed' | 'denied' | 'would_deny' | 'skipped' | 'error';

/** Why a request was answered without a decision: 400 not an AdmissionReview, 413 too large, aborted by the client. */
export type RejectionCode = '400' | '413' | 'aborted';
const REJECTION_CODES: readonly RejectionCode[] = ['400', '413', 'aborted'];

/** One admission request as counted: the labels of tollgate_admission_requests_total. */
export interface CountedRequest {
  /** group/version/Kind, as in the decision log ("apps/v1/Deployment", "v1/Pod"). */
  readonly kind: string;
  /** "" for cluster-scoped objects (Namespaces). */
  readonly namespace: string;
  readonly operation: string;
  readonly allowed: boolean;
  readonly dryRun: boolean;
  readonly decision: DecisionLabel;
}

/** A rule that fired on a request, and what was done about it. */
export interface RuleOutcome {
  readonly rule: string;
  readonly action: EnforcementAction;
}

const REQUEST_LABELS = ['kind', 'namespace', 'operation', 'allowed', 'dry_run', 'decision'] as const;

export interface WebhookMetricsOptions {
  /** The process and Node.js metrics (CPU, memory, event-loop lag, GC); on by default. */
  readonly defaultMetrics?: boolean;
}

export class WebhookMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof REQUEST_LABELS)[number]>;
  private readonly rules: Counter<'rule' | 'action'>;
  private readonly duration: Histogram;
  private readonly evaluationErrors: Counter;
  private readonly reloadFailures: Counter;
  private readonly certificateReloadFailures: Counter;
  private readonly rejected: Counter<'code'>;
  private readonly bundleInfo: Gauge<'revision'>;

  constructor(options: WebhookMetricsOptions = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'tollgate_admission_requests_total',
      help: 'Admission requests answered with a decision, by kind, namespace, operation, allowed, dry_run and decision (allowed, denied, would_deny, skipped, error).',
      labelNames: REQUEST_LABELS,
      registers,
    });
    this.rules = new Counter({
      name: 'tollgate_admission_rule_findings_total',
      help: 'Rules that fired on admission requests, by rule and action (deny: the request was refused; would_deny: a dry run that would have been; warn: a warning).',
      labelNames: ['rule', 'action'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tollgate_admission_duration_seconds',
      help: 'Time from receiving an admission request to answering it.',
      buckets: [...DURATION_BUCKETS],
      registers,
    });
    this.evaluationErrors = new Counter({
      name: 'tollgate_evaluation_errors_total',
      help: 'Evaluations that failed or overran --eval-timeout (the request was denied).',
      registers,
    });
    this.reloadFailures = new Counter({
      name: 'tollgate_bundle_reload_failures_total',
      help: 'Bundle or config changes that could not be loaded (the previous one kept serving).',
      registers,
    });
    this.certificateReloadFailures = new Counter({
      name: 'tollgate_certificate_reload_failures_total',
      help: 'Certificate or key changes that could not be loaded (the previous pair kept serving).',
      registers,
    });
    this.rejected = new Counter({
      name: 'tollgate_admission_rejected_total',
      help: 'Requests answered without a decision, by code (400 not an AdmissionReview, 413 too large, aborted by the client).',
      labelNames: ['code'],
      registers,
    });
    // Every code is present from the start, so rate() and absent-series alerts work before the first rejection.
    for (const code of REJECTION_CODES) this.rejected.inc({ code }, 0);
    this.bundleInfo = new Gauge({
      name: 'tollgate_bundle_info',
      help: 'The policy bundle being served (value 1, revision as a label).',
      labelNames: ['revision'],
      // Summed over workers it would read 2, 3, ...: each worker serving a revision says 1.
      aggregator: 'max',
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** One request answered with a decision, and one count per rule that fired on it (by what was done). */
  countRequest(request: CountedRequest, outcomes: readonly RuleOutcome[]): void {
    this.requests.inc({
      kind: request.kind,
      namespace: request.namespace,
      operation: request.operation,
      allowed: request.allowed ? 'true' : 'false',
      dry_run: request.dryRun ? 'true' : 'false',
      decision: request.decision,
    });
    for (const outcome of outcomes) this.rules.inc({ rule: outcome.rule, action: outcome.action });
  }

  observeDuration(seconds: number): void {
    this.duration.observe(seconds);
  }

  countEvaluationError(): void {
    this.evaluationErrors.inc();
  }

  countReloadFailure(): void {
    this.reloadFailures.inc();
  }

  countCertificateReloadFailure(): void {
    this.certificateReloadFailures.inc();
  }

  /** A request answered without a decision: too large, not an AdmissionReview, or abandoned by the client. */
  countRejected(code: RejectionCode): void {
    this.rejected.inc({ code });
  }

  setBundleRevision(revision: string): void {
    this.bundleInfo.reset();
    this.bundleInfo.set({ revision }, 1);
  }

  /** The Prometheus text exposition (format 0.0.4) of this process's metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
