/**
 * Retries for throttled cloud APIs. Cost APIs throttle hard (Cost Explorer: a few requests per second;
 * Cost Management: per-scope quotas with Retry-After), so a nightly job waits and tries again instead of
 * failing. Exponential backoff with jitter, so parallel jobs do not retry in step.
 */

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

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The delay before attempt `attempt + 1`: base * 2^(attempt-1), capped, then jittered to 50..100%. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential * (0.5 + (policy.random ?? Math.random)() / 2);
  // A server that says when to come back is obeyed, within the cap.
  return Math.round(retryAfterMs !== undefined ? Math.min(policy.maxDelayMs, Math.max(retryAfterMs, jittered)) : jittered);
}

export async function withRetry<T>(
  work: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
  retryAfterMs: (error: unknown) => number | undefined = () => undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const delay = backoffDelay(attempt, policy, retryAfterMs(error));
      policy.onRetry?.(attempt, delay, error);
      await (policy.sleep ?? wait)(delay);
    }
  }
}
