/**
 * The retry loop shared by the cloud API clients (price list refresh, cost sources): try, and on a
 * retryable error wait and try again, a bounded number of times. Each caller brings its own delay
 * schedule (backoff and jitter) and its own test of what is retryable.
 */

export interface RetryLoop {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** How long to wait after failed attempt `attempt` (1-based) that ended with `error`. */
  readonly delayFor: (attempt: number, error: unknown) => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called before each wait (a progress line). */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function retrying<T>(work: () => Promise<T>, isRetryable: (error: unknown) => boolean, loop: RetryLoop): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= loop.attempts || !isRetryable(error)) throw error;
      const delay = loop.delayFor(attempt, error);
      loop.onRetry?.(attempt, delay, error);
      await loop.sleep(delay);
    }
  }
}
