/**
 * `tollgate serve --workers N`: N processes (node:cluster) share the listening socket, so a replica with several
 * cores judges on all of them (a wasm evaluation is synchronous: one process uses one core). The primary
 * judges nothing. It starts one worker first, so a start-up mistake (a missing certificate, a corrupt bundle)
 * is reported once and the command exits with that worker's code; then the others. A worker that dies later is
 * replaced. SIGTERM/SIGINT are passed on as a message: each worker drains its in-flight requests and exits,
 * then the primary exits 0.
 */
import cluster, { type Worker } from 'node:cluster';
import { startMetricsServer, type MetricsServer } from '../metrics-server.js';
import { TollgateError } from '../model/errors.js';
import { usableCores } from '../usable-cores.js';
import { collectWorkerMetrics } from './cluster-metrics.js';
import type { Logger } from './logger.js';

/** The message a worker sends once its policy is loaded, and the one the primary sends to stop it. */
const READY = 'tollgate:ready';
const SHUTDOWN = 'tollgate:shutdown';

export const MAX_WORKERS = 64;

/**
 * "--workers": a count from 1 to MAX_WORKERS, or "auto": the cores this process may use, its container's CPU limit
 * included (src/usable-cores.ts), at most MAX_WORKERS. Default 1.
 */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.min(MAX_WORKERS, usableCores());
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new TollgateError(`--workers must be auto or a whole number from 1 to ${MAX_WORKERS} (got "${value}")`);
  }
  return count;
}

/** True in a process started by superviseWorkers. */
export function isServeWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: every log line names the worker, so lines from several processes can be told apart. */
export function workerLogger(logger: Logger): Logger {
  const worker = cluster.worker?.id ?? 0;
  return { log: (level, message, fields = {}) => logger.log(level, message, { ...fields, worker }) };
}

/** In a worker: tells the primary its policy is loaded and it is serving. */
export function reportWorkerReady(): void {
  process.send?.(READY);
}

/** In a worker: resolves when the primary asks it to stop. */
export function untilPrimaryStops(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if (message !== SHUTDOWN) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });
}

/** Forks one worker; resolves when it is ready, or with its exit code when it exits first. */
function startWorker(): { readonly worker: Worker; readonly started: Promise<number | null> } {
  const worker = cluster.fork();
  const started = new Promise<number | null>((resolve) => {
    const onMessage = (message: unknown): void => {
      if (message !== READY) return;
      worker.off('exit', onExit);
      worker.off('message', onMessage);
      resolve(null);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      worker.off('message', onMessage);
      resolve(code ?? (signal === null ? 3 : 1));
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
  return { worker, started };
}

function stopAll(workers: Iterable<Worker>): Promise<void> {
  const exits = [...workers].map(
    (worker) =>
      new Promise<void>((resolve) => {
        if (worker.isDead()) {
          resolve();
          return;
        }
        worker.once('exit', () => resolve());
        worker.send(SHUTDOWN);
      }),
  );
  return Promise.all(exits).then(() => undefined);
}

/** Where the primary serves the workers' summed metrics over plain HTTP; null: not served. */
export interface PrimaryMetrics {
  readonly host: string;
  readonly port: number;
}

/**
 * Runs `count` workers until SIGTERM/SIGINT; returns the exit code: 0 after a clean shutdown, else the code of
 * the worker that could not start. With `metrics`, the primary serves /metrics (every ready worker's metrics,
 * summed) and /healthz on that plain-HTTP port; the workers serve none of their own.
 */
export async function superviseWorkers(count: number, logger: Logger, metrics: PrimaryMetrics | null = null): Promise<number> {
  const workers = new Set<Worker>();
  /** Workers that have loaded their policy, and so answer metrics requests. */
  const ready = new Set<Worker>();
  let stopping = false;
  // Before any worker starts: a metrics port in use is then one line and exit 2, like any start-up mistake.
  const metricsServer: MetricsServer | null =
    metrics === null ? null : await startMetricsServer(metrics.host, metrics.port, () => collectWorkerMetrics(ready));
  if (metricsServer !== null && metrics !== null) logger.log('info', 'serving metrics', { host: metrics.host, port: metricsServer.port });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      stopping = true;
      resolve(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });

  const launch = async (): Promise<number | null> => {
    const { worker, started } = startWorker();
    workers.add(worker);
    const failed = await started;
    if (failed !== null) {
      workers.delete(worker);
      return failed;
    }
    logger.log('info', 'worker ready', { worker: worker.id, pid: worker.process.pid ?? null });
    ready.add(worker);
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      ready.delete(worker);
      if (stopping) return;
      logger.log('error', 'worker exited; starting another', { worker: worker.id, code, signal });
      void launch();
    });
    return null;
  };

  // One first, alone: a start-up mistake is then one line on stderr, not one per worker.
  const first = await launch();
  const rest = first === null ? await Promise.all(Array.from({ length: count - 1 }, launch)) : [];
  const failed = [first, ...rest].find((code) => code !== null);
  if (failed !== undefined) {
    stopping = true;
    await stopAll(workers);
    await metricsServer?.close();
    return failed;
  }
  logger.log('info', 'serving with workers', { workers: count });
  const signal = await stopped;
  logger.log('info', 'received signal; stopping workers', { signal });
  await stopAll(workers);
  await metricsServer?.close();
  logger.log('info', 'stopped');
  return 0;
}

/**
 * In a worker that stopped or failed to start: leave the cluster, so the channel to the primary no longer keeps
 * the process alive; it then exits with the code the CLI sets.
 */
export function leaveCluster(): void {
  cluster.worker?.disconnect();
}
