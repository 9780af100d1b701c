/**
 * One AdmissionReview in, one response out: normalise the object, evaluate the served policy, turn the
 * decision into a response, log one line and count it.
 *
 * Failure policy (fail closed): a request Tollgate cannot judge — no policy loaded, evaluation error,
 * evaluation over --eval-timeout — is answered with a denial that says why. Whether the cluster then
 * blocks the workload is decided by the answer, not by the webhook's failurePolicy, which only applies
 * when Tollgate does not answer at all (see deploy/ and the README).
 */
import { performance } from 'node:perf_hooks';
import type { DecisionWithoutDigest } from '../engine/batch-input.js';
import type { PolicyInput } from '../model/resource.js';
import { errorMessage } from '../model/errors.js';
import { prepare } from '../prepare/index.js';
import {
  admissionReview,
  kindName,
  onlyRemovesFinalizers,
  parseAdmissionReview,
  type AdmissionRequest,
  type AdmissionResponse,
} from './admission-review.js';
import { failureResponse, firedRules, responseForDecision, ruleOutcomes } from './admission-response.js';
import type { Logger } from './logger.js';
import type { DecisionLabel, RuleOutcome, WebhookMetrics } from './metrics.js';
import type { ServedPolicy } from './policy-state.js';
import type { JsonObject } from '../inputs/kubernetes/object-shape.js';

/** An admission response never carries the input's digest, so the webhook's evaluations compute none. */
const WITHOUT_DIGESTS = { inputDigests: false } as const;

export interface AdmissionHandlerOptions {
  readonly policy: () => ServedPolicy | null;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  /** Longest a request may take from arrival to the end of evaluation before it is denied. */
  readonly evalTimeoutMs: number;
}

interface Verdict {
  readonly response: AdmissionResponse;
  readonly decision: DecisionLabel;
  readonly rules: readonly string[];
  /** Each rule that fired with what was done about it, for the per-rule counter. */
  readonly outcomes: readonly RuleOutcome[];
  readonly bundleRevision: string | null;
  readonly error?: string;
}

/** The policy input for one request, through the one prepare stage with the served settings. */
export function policyInputFor(request: AdmissionRequest, policy: ServedPolicy, now: Date): PolicyInput {
  return prepare({
    subject: { kind: 'admission', request },
    sources: policy.inventory ? { inventory: policy.inventory } : {},
    settings: policy.settings,
    now: now.toISOString(),
  });
}

/**
 * A parsed request waiting for its verdict: decided already (skipped, no policy) or to be prepared and evaluated
 * with the policy served when it arrived, at the time it arrived.
 */
export interface PendingReview {
  readonly request: AdmissionRequest;
  readonly receivedAt: number;
  readonly outcome: { readonly verdict: Verdict } | { readonly policy: ServedPolicy; readonly now: Date };
}

export class AdmissionHandler {
  constructor(private readonly options: AdmissionHandlerOptions) {}

  /** One request, judged alone. Throws MalformedReviewError for a body that is not a v1 AdmissionReview (the server answers 400). */
  handle(body: unknown, receivedAt: number): JsonObject {
    const [review] = this.decide([this.admit(body, receivedAt)]);
    if (review === undefined) throw new Error('no review for the request');
    return review;
  }

  /**
   * Parses one request and notes the policy and time it arrived with; decide() prepares it and gives its verdict.
   * Throws MalformedReviewError for a body that is not a v1 AdmissionReview (the server answers 400).
   */
  admit(body: unknown, receivedAt: number): PendingReview {
    const request = parseAdmissionReview(body);
    // Deleting a workload never adds cost or exposure; it is not judged.
    // Letting a deletion finish (finalizers removed, nothing else changed) is not judged either.
    if (request.operation === 'DELETE' || onlyRemovesFinalizers(request)) {
      const verdict: Verdict = {
        response: { uid: request.uid, allowed: true },
        decision: 'skipped',
        rules: [],
        outcomes: [],
        bundleRevision: null,
      };
      return { request, receivedAt, outcome: { verdict } };
    }
    const policy = this.options.policy();
    if (policy === null)
      return { request, receivedAt, outcome: { verdict: this.failure(request, 503, 'the policy bundle is not loaded yet', null) } };
    // Prepared when its batch is judged, not here: a request read while others wait is not worked on ahead of
    // them, and one that has waited past the evaluation timeout is never prepared.
    return { request, receivedAt, outcome: { policy, now: new Date() } };
  }

  /**
   * The responses of admitted requests, in order: each is prepared, and those admitted with the same policy are
   * evaluated together (one policy evaluation judges them all, each with its own input); each is logged and
   * counted.
   */
  decide(pending: readonly PendingReview[]): JsonObject[] {
    const verdicts = this.judge(pending);
    return pending.map(({ request, receivedAt }, index) => {
      const verdict = verdicts[index] ?? this.failure(request, 500, 'no verdict for the request', null);
      const latencyMs = performance.now() - receivedAt;
      const kind = kindName(request.kind);
      this.options.metrics.countRequest(
        {
          kind,
          namespace: request.namespace ?? '',
          operation: request.operation,
          allowed: verdict.response.allowed,
          dryRun: request.dryRun,
          decision: verdict.decision,
        },
        verdict.outcomes,
      );
      this.options.logger.log(verdict.decision === 'error' ? 'warn' : 'info', 'admission decision', {
        uid: request.uid,
        kind,
        resource: `${request.namespace ?? ''}/${request.name ?? ''}`,
        operation: request.operation,
        rules: verdict.rules,
        allowed: verdict.response.allowed,
        decision: verdict.decision,
        dryRun: request.dryRun,
        enforced: !request.dryRun,
        latencyMs: Math.round(latencyMs * 1000) / 1000,
        bundleRevision: verdict.bundleRevision,
        ...(verdict.error !== undefined ? { error: verdict.error } : {}),
      });
      return admissionReview(verdict.response);
    });
  }

  private judge(pending: readonly PendingReview[]): Verdict[] {
    const verdicts: Array<Verdict | undefined> = [];
    // Requests to evaluate, by the policy they arrived with (a reload may fall between two of them), with their inputs.
    const batches = new Map<ServedPolicy, Array<{ readonly index: number; readonly input: PolicyInput }>>();
    pending.forEach(({ request, receivedAt, outcome }, index) => {
      if ('verdict' in outcome) {
        verdicts[index] = outcome.verdict;
        return;
      }
      if (performance.now() > receivedAt + this.options.evalTimeoutMs) {
        // Waiting behind other requests counts: the API server's clock started when it sent this one.
        verdicts[index] = this.failure(
          request,
          500,
          `it waited more than the ${this.options.evalTimeoutMs} ms evaluation timeout before evaluation`,
          outcome.policy.revision,
        );
        return;
      }
      let input: PolicyInput;
      try {
        input = policyInputFor(request, outcome.policy, outcome.now);
      } catch (error) {
        verdicts[index] = this.failure(request, 500, `policy evaluation failed (${errorMessage(error)})`, outcome.policy.revision);
        return;
      }
      const batch = batches.get(outcome.policy) ?? [];
      batch.push({ index, input });
      batches.set(outcome.policy, batch);
    });
    for (const [policy, batch] of batches) {
      const indexes = batch.map(({ index }) => index);
      const inputs = batch.map(({ input }) => input);
      let decisions: Array<DecisionWithoutDigest | Error>;
      try {
        // The offers and inventory the inputs share are preloaded with the policy, not sent again; the inputs'
        // digests are neither computed nor answered.
        decisions = policy.engine.evaluateBatch(inputs, WITHOUT_DIGESTS);
      } catch {
        // One input the policy cannot judge must not fail the others: each is evaluated alone to find it.
        decisions = inputs.map((input) => {
          try {
            return policy.engine.evaluateBatch([input], WITHOUT_DIGESTS)[0] ?? new Error('no decision');
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        });
      }
      indexes.forEach((index, position) => {
        const item = pending[index];
        if (item === undefined) return;
        verdicts[index] = this.verdictFor(item, policy, decisions[position] ?? new Error('no decision'));
      });
    }
    return pending.map(({ request }, index) => verdicts[index] ?? this.failure(request, 500, 'no verdict for the request', null));
  }

  private verdictFor({ request, receivedAt }: PendingReview, policy: ServedPolicy, decision: DecisionWithoutDigest | Error): Verdict {
    if (decision instanceof Error)
      return this.failure(request, 500, `policy evaluation failed (${errorMessage(decision)})`, policy.revision);
    // Wasm evaluation is synchronous and cannot be interrupted, so an overrun is detected afterwards.
    const elapsed = performance.now() - receivedAt;
    if (elapsed > this.options.evalTimeoutMs) {
      return this.failure(
        request,
        500,
        `evaluation took ${Math.round(elapsed)} ms, over the ${this.options.evalTimeoutMs} ms evaluation timeout`,
        policy.revision,
      );
    }
    const response = responseForDecision(request.uid, decision, request.dryRun);
    const label: DecisionLabel = decision.violations.length === 0 ? 'allowed' : request.dryRun ? 'would_deny' : 'denied';
    return {
      response,
      decision: label,
      rules: firedRules(decision),
      outcomes: ruleOutcomes(decision, request.dryRun),
      bundleRevision: decision.bundleRevision,
    };
  }

  private failure(request: AdmissionRequest, code: number, message: string, revision: string | null): Verdict {
    this.options.metrics.countEvaluationError();
    return {
      response: failureResponse(request.uid, code, message, revision ?? ''),
      decision: 'error',
      rules: [],
      outcomes: [],
      bundleRevision: revision,
      error: message,
    };
  }
}
