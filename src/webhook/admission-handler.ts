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
import type { Decision } from '../model/decision.js';
import type { PolicyInput } from '../model/resource.js';
import { prepare } from '../prepare/index.js';
import {
  admissionReview,
  kindName,
  onlyRemovesFinalizers,
  parseAdmissionReview,
  type AdmissionRequest,
  type AdmissionResponse,
} from './admission-review.js';
import { failureResponse, firedRules, responseForDecision } from './admission-response.js';
import type { Logger } from './logger.js';
import type { DecisionLabel, WebhookMetrics } from './metrics.js';
import type { ServedPolicy } from './policy-state.js';
import type { JsonObject } from '../inputs/kubernetes/object-shape.js';

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
  readonly bundleRevision: string | null;
  readonly error?: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

export class AdmissionHandler {
  constructor(private readonly options: AdmissionHandlerOptions) {}

  /** Throws MalformedReviewError for a body that is not a v1 AdmissionReview (the server answers 400). */
  handle(body: unknown, receivedAt: number): JsonObject {
    const request = parseAdmissionReview(body);
    const verdict = this.judge(request, receivedAt);
    const latencyMs = performance.now() - receivedAt;
    this.options.metrics.countRequest(verdict.decision, verdict.rules);
    this.options.logger.log(verdict.decision === 'error' ? 'warn' : 'info', 'admission decision', {
      uid: request.uid,
      kind: kindName(request.kind),
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
  }

  private judge(request: AdmissionRequest, receivedAt: number): Verdict {
    // Deleting a workload never adds cost or exposure; it is not judged.
    if (request.operation === 'DELETE') {
      return { response: { uid: request.uid, allowed: true }, decision: 'skipped', rules: [], bundleRevision: null };
    }
    // Letting a deletion finish (finalizers removed, nothing else changed) is not judged either.
    if (onlyRemovesFinalizers(request)) {
      return { response: { uid: request.uid, allowed: true }, decision: 'skipped', rules: [], bundleRevision: null };
    }
    const policy = this.options.policy();
    if (policy === null) return this.failure(request, 503, 'the policy bundle is not loaded yet', null);
    const deadline = receivedAt + this.options.evalTimeoutMs;
    let decision: Decision;
    try {
      const input = policyInputFor(request, policy, new Date());
      // Waiting behind other requests counts: the API server's clock started when it sent this one.
      if (performance.now() > deadline) {
        return this.failure(
          request,
          500,
          `it waited more than the ${this.options.evalTimeoutMs} ms evaluation timeout before evaluation`,
          policy.revision,
        );
      }
      // One input in the batch form: the offers and inventory it shares with every request are not sent again.
      const [judged] = policy.engine.evaluateBatch([input]);
      if (judged === undefined) throw new Error('the policy gave no decision for the request');
      decision = judged;
    } catch (error) {
      return this.failure(request, 500, `policy evaluation failed (${describe(error)})`, policy.revision);
    }
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
    return { response, decision: label, rules: firedRules(decision), bundleRevision: decision.bundleRevision };
  }

  private failure(request: AdmissionRequest, code: number, message: string, revision: string | null): Verdict {
    this.options.metrics.countEvaluationError();
    return {
      response: failureResponse(request.uid, code, message, revision ?? ''),
      decision: 'error',
      rules: [],
      bundleRevision: revision,
      error: message,
    };
  }
}
