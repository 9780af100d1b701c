/**
 * Metrics of `serve --workers N`: every worker counts in its own registry; on a scrape the primary asks each
 * worker for its metrics over the cluster channel and sums them with prom-client's aggregation (counters and
 * histograms summed, the bundle gauge by max, process metrics as prom-client aggregates them). The primary asks
 * only workers that are connected, and a scrape fails (503) rather than report a partial sum when one does not
 * answer: a counter that drops by a worker's share would read as a reset.
 */
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'tollgate:metrics-request';
const REPLY = 'tollgate:metrics-reply';

/** How long the primary waits for each worker's metrics (Prometheus' default scrape timeout is 10 s). */
export const WORKER_METRICS_TIMEOUT_MS = 3_000;

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface MetricsRequest {
  readonly type: typeof REQUEST;
  readonly id: number;
}

interface MetricsReply {
  readonly type: typeof REPLY;
  readonly id: number;
  readonly metrics: MetricsJson;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** In a worker: answer the primary's requests for this registry's metrics. Returns a function that stops it. */
export function answerMetricsRequests(registry: Registry): () => void {
  const onMessage = (message: unknown): void => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    void registry.getMetricsAsJSON().then((metrics) => {
      const reply: MetricsReply = { type: REPLY, id: message.id, metrics };
      process.send?.(reply);
    });
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

let nextRequestId = 0;

function askWorker(worker: Worker, id: number, timeoutMs: number): Promise<MetricsJson> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.off('message', onMessage);
      reject(new Error(`worker ${worker.id} did not send its metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: unknown): void => {
      if (!isMessage<MetricsReply>(message, REPLY) || message.id !== id) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(message.metrics);
    };
    worker.on('message', onMessage);
    worker.send({ type: REQUEST, id } satisfies MetricsRequest);
  });
}

/** In the primary: the workers' metrics summed, in the Prometheus text format. */
export async function collectWorkerMetrics(workers: Iterable<Worker>, timeoutMs = WORKER_METRICS_TIMEOUT_MS): Promise<string> {
  const id = nextRequestId++;
  const connected = [...workers].filter((worker) => worker.isConnected());
  const replies = await Promise.all(connected.map((worker) => askWorker(worker, id, timeoutMs)));
  return AggregatorRegistry.aggregate(replies).metrics();
}
