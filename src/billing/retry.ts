/**
 * Retries for throttled cloud APIs. Cost APIs throttle hard (Cost Explorer: a few requests per second;
 * Cost Management: per-scope quotas with Retry-After), so a nightly job waits and tries again instead of
 * failing. Exponential backoff with jitter, so parallel jobs do not retry in step.
 */
import { retrying, sleep } from '../retry.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected in tests so they do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called before each wait (progress line). */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The delay before attempt `attempt + 1`: base * 2^(attempt-1), capped, then jittered to 50..100%. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential * (0.5 + (policy.random ?? Math.random)() / 2);
  // A server that says when to come back is obeyed, within the cap.
  return Math.round(retryAfterMs !== undefined ? Math.min(policy.maxDelayMs, Math.max(retryAfterMs, jittered)) : jittered);
}

export function withRetry<T>(
  work: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
  retryAfterMs: (error: unknown) => number | undefined = () => undefined,
): Promise<T> {
  return retrying(work, isRetryable, {
    attempts: policy.attempts,
    delayFor: (attempt, error) => backoffDelay(attempt, policy, retryAfterMs(error)),
    sleep: policy.sleep ?? sleep,
    ...(policy.onRetry ? { onRetry: policy.onRetry } : {}),
  });
}
