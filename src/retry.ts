/**
 * The one retry helper for the cloud APIs (price list refresh, cost sources): try, and on a retryable error
 * wait and try again, a bounded number of times, with exponential backoff and jitter so parallel jobs do not
 * retry in step. A server that says when to come back (Retry-After) is obeyed, within the cap.
 *
 * Retries have one owner per client: this loop. Every SDK client Tollgate constructs has its own retries
 * turned off where it is constructed (AWS `maxAttempts: 1`, Azure `retryOptions.maxRetries: 0`, BigQuery
 * `autoRetry: false`), so a throttled call is retried `attempts` times in all, never attempts × the SDK's.
 * We own them rather than the SDKs because the SDKs disagree (AWS 3 attempts, Azure 3 retries with its own
 * Retry-After handling, BigQuery 3 for some errors), cannot report progress, and cannot be pinned in tests.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Upper bound of the first wait; doubles with each further attempt. */
  readonly baseDelayMs: number;
  /** No wait is longer than this. */
  readonly maxDelayMs: number;
  /** Injected in tests so they do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected in tests for a fixed jitter; 0 ≤ random() < 1. */
  readonly random?: () => number;
  /** Called before each wait (a progress line). */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Cost APIs throttle hard (Cost Explorer: a few requests a second; Cost Management: per-scope quotas). */
export const COST_API_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The price list APIs: shorter waits, a refresh is interactive. */
export const PRICE_API_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The wait after failed attempt `attempt` (1-based): base × 2^(attempt-1), capped at the maximum, jittered to
 * 50..100% of that; a server's Retry-After, when given, is a lower bound (still within the cap).
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential * (0.5 + (policy.random ?? Math.random)() / 2);
  return Math.round(retryAfterMs !== undefined ? Math.min(policy.maxDelayMs, Math.max(retryAfterMs, jittered)) : jittered);
}

export async function withRetry<T>(
  work: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy,
  retryAfterMs: (error: unknown) => number | undefined = () => undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const delay = backoffDelay(attempt, policy, retryAfterMs(error));
      policy.onRetry?.(attempt, delay, error);
      await (policy.sleep ?? sleep)(delay);
    }
  }
}
