/**
 * Requests that arrive together are judged together. Each admitted request waits until the event loop has
 * read everything that arrived with it (setImmediate runs after the I/O callbacks of the current turn), then
 * up to MAX_REVIEWS_PER_EVALUATION of them, oldest first, are prepared and judged by one policy evaluation. One
 * request alone is judged at once, a turn later; under load the batches grow, and the fixed cost of an
 * evaluation is shared, so the webhook keeps up instead of queueing. Reading a request only parses it, so the
 * requests read while others wait do not get their work done ahead of them. Each request still gets the
 * decision of its own input alone (test/audit/batched-decisions.test.ts); nothing is cached.
 */
import type { AdmissionHandler, PendingReview } from './admission-handler.js';
import type { JsonObject } from '../inputs/kubernetes/object-shape.js';

/**
 * Past a few dozen inputs the policy's heap fills and each costs more again (bench/audit.ts prints the curve).
 * For a GPU Deployment review, sixteen per evaluation cost the least CPU per review, 5 to 20% under four
 * (bench/webhook.ts prints the curve); bench/webhook-queue.ts compares the latencies with smaller batches.
 */
export const MAX_REVIEWS_PER_EVALUATION = 16;

interface Waiting {
  readonly pending: PendingReview;
  readonly resolve: (review: JsonObject) => void;
  readonly reject: (error: unknown) => void;
}

export class ReviewBatcher {
  private readonly waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly handler: Pick<AdmissionHandler, 'decide'>,
    private readonly maxBatch = MAX_REVIEWS_PER_EVALUATION,
  ) {}

  /** The AdmissionReview answering one admitted request. */
  decide(pending: PendingReview): Promise<JsonObject> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ pending, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting.splice(0, this.maxBatch);
    // More than one batch waiting: the next is judged a turn later, so reads and writes interleave with judging.
    if (this.waiting.length > 0) this.schedule();
    let reviews: JsonObject[];
    try {
      reviews = this.handler.decide(batch.map(({ pending }) => pending));
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, index) => {
      const review = reviews[index];
      if (review === undefined) reject(new Error('no review for an admitted request'));
      else resolve(review);
    });
  }
}
