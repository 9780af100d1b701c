/**
 * `tollgate serve`: the Kubernetes validating admission webhook. Serves HTTPS until SIGTERM/SIGINT, then
 * drains in-flight requests and exits 0. Start-up problems (missing certificate, corrupt bundle, invalid
 * config) are TollgateErrors: one line on stderr, exit 2.
 */
import type { Command } from 'commander';
import { TollgateError } from '../model/errors.js';
import { jsonLogger, LOG_LEVELS, type LogLevel } from '../webhook/logger.js';
import { startMetricsServer, type MetricsServer } from '../metrics-server.js';
import { answerMetricsRequests } from '../webhook/cluster-metrics.js';
import { BundleFetcher, BundlePoller } from '../webhook/bundle-fetch.js';
import { WebhookMetrics } from '../webhook/metrics.js';
import { DEFAULT_SKIP_LABEL, SkipLabelGuard } from '../webhook/skip-label-guard.js';
import { PolicyState } from '../webhook/policy-state.js';
import {
  isServeWorker,
  leaveCluster,
  MAX_WORKERS,
  parseWorkers,
  reportWorkerReady,
  superviseWorkers,
  untilPrimaryStops,
  workerLogger,
} from '../webhook/workers.js';
import {
  DEFAULT_EVAL_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_TIMEOUTS,
  SKIP_LABEL_PATH,
  startWebhookServer,
} from '../webhook/server.js';
import { loadPolicyBundle } from './policy-source.js';
import { collect } from './options.js';

export interface ServeOptions {
  readonly cert: string;
  readonly key: string;
  readonly port?: string;
  readonly host?: string;
  readonly config?: string;
  readonly inventory?: string;
  readonly bundle?: string;
  readonly policy?: string[];
  readonly maxBody?: string;
  readonly evalTimeout?: string;
  readonly logLevel?: string;
  readonly headersTimeout?: string;
  readonly requestTimeout?: string;
  readonly shutdownGrace?: string;
  readonly watchInterval?: string;
  /** A count, or "auto" for every core; default 1 (this process serves). */
  readonly workers?: string;
  /** Plain-HTTP port of GET /metrics and /healthz; "0" turns it off. */
  readonly metricsPort?: string;
  readonly metricsHost?: string;
  /** The namespace label that opts a namespace out (guarded on Namespace CREATE/UPDATE). */
  readonly skipLabel?: string;
  /** Namespaces that may carry the skip label (repeatable). */
  readonly allowSkipNamespace?: string[];
  readonly bundleUrl?: string;
  readonly bundlePoll?: string;
  readonly bundleTokenFile?: string;
  readonly bundleCa?: string;
}

export const DEFAULT_METRICS_PORT = 9090;

/** Where /metrics is served, or null with --metrics-port 0. */
function metricsAddress(options: ServeOptions): { host: string; port: number } | null {
  const value = options.metricsPort ?? String(DEFAULT_METRICS_PORT);
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new TollgateError(`--metrics-port must be 0-65535, 0 to turn it off (got "${value}")`);
  return port === 0 ? null : { host: options.metricsHost ?? DEFAULT_HOST, port };
}

/** A Kubernetes label key: an optional DNS-subdomain prefix and a name of up to 63 characters. */
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const NAMESPACE_NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

function skipLabelGuard(options: ServeOptions): SkipLabelGuard {
  const label = options.skipLabel ?? DEFAULT_SKIP_LABEL;
  if (!LABEL_KEY.test(label))
    throw new TollgateError(`--skip-label must be a Kubernetes label key such as ${DEFAULT_SKIP_LABEL} (got "${label}")`);
  const allowed = options.allowSkipNamespace ?? [];
  for (const name of allowed) {
    if (!NAMESPACE_NAME.test(name)) throw new TollgateError(`--allow-skip-namespace must be a namespace name (got "${name}")`);
  }
  return new SkipLabelGuard({ label, allowedNamespaces: allowed });
}

/** OPA's default polling: a random wait between 60 and 120 seconds. */
const DEFAULT_BUNDLE_POLL = '60s';

/** Flags that come with --bundle-url, and the policy sources it replaces. */
function checkBundleUrlFlags(options: ServeOptions): void {
  const remoteOnly = [
    ['--bundle-poll', options.bundlePoll],
    ['--bundle-token-file', options.bundleTokenFile],
    ['--bundle-ca', options.bundleCa],
  ] as const;
  if (!options.bundleUrl) {
    const stray = remoteOnly.find(([, value]) => value !== undefined);
    if (stray) throw new TollgateError(`${stray[0]} needs --bundle-url`);
    return;
  }
  if (options.bundle || (options.policy ?? []).length > 0) {
    throw new TollgateError('use one of --bundle-url, --bundle or --policy (each names the whole policy)');
  }
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kib: 1024, kb: 1000, mib: 1024 ** 2, mb: 1000 ** 2 };

/** "1048576", "512KiB", "1MiB". */
export function parseByteSize(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? SIZE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) <= 0) {
    throw new TollgateError(`${flag} must be a positive size in bytes, or with KiB/MiB (got "${value}")`);
  }
  return Math.floor(Number(match[1]) * unit);
}

/** "2000" (milliseconds), "500ms", "2s". */
export function parseDurationMs(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(value.trim());
  if (!match || Number(match[1]) <= 0)
    throw new TollgateError(`${flag} must be a positive duration: milliseconds, or with ms/s (got "${value}")`);
  return Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TollgateError(`--port must be 0-65535 (got "${value}")`);
  return port;
}

function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new TollgateError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  return value as LogLevel;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

export async function runServe(options: ServeOptions): Promise<number> {
  const policyDirs = options.policy ?? [];
  if (options.bundle && policyDirs.length > 0)
    throw new TollgateError('use either --bundle or --policy, not both (a bundle is already compiled)');
  checkBundleUrlFlags(options);
  const workers = parseWorkers(options.workers);
  const metricsAt = metricsAddress(options);
  skipLabelGuard(options);
  if (isServeWorker()) {
    // The channel to the primary would keep a worker alive after it stopped, or failed to start: close it then.
    try {
      return await serve(options, true);
    } finally {
      leaveCluster();
    }
  }
  // With workers the primary serves the metrics port, summing every worker's.
  if (workers > 1) return superviseWorkers(workers, jsonLogger(parseLogLevel(options.logLevel)), metricsAt);
  return serve(options, false);
}

async function serve(options: ServeOptions, worker: boolean): Promise<number> {
  const policyDirs = options.policy ?? [];
  const logger = worker ? workerLogger(jsonLogger(parseLogLevel(options.logLevel))) : jsonLogger(parseLogLevel(options.logLevel));
  const metrics = new WebhookMetrics();
  const stopAnswering = worker ? answerMetricsRequests(metrics.registry) : () => undefined;
  const metricsAt = worker ? null : metricsAddress(options);
  // Read --bundle-ca and --bundle-token-file now: a mistake there is exit 2 before the port opens.
  const fetcher = options.bundleUrl
    ? new BundleFetcher({
        url: options.bundleUrl,
        ...(options.bundleTokenFile ? { tokenFile: options.bundleTokenFile } : {}),
        ...(options.bundleCa ? { caFile: options.bundleCa } : {}),
      })
    : null;
  const pollMs = parseDurationMs(options.bundlePoll ?? DEFAULT_BUNDLE_POLL, '--bundle-poll');
  const policy = new PolicyState(
    {
      ...(fetcher ? { remoteBundle: true } : {}),
      ...(options.bundle ? { bundleFile: options.bundle } : {}),
      ...(policyDirs.length > 0 ? { loadBundle: () => loadPolicyBundle({ policy: policyDirs }) } : {}),
      ...(options.config ? { configFile: options.config } : {}),
      ...(options.inventory ? { inventoryFile: options.inventory } : {}),
    },
    logger,
    metrics,
  );
  const watchIntervalMs = options.watchInterval ? parseDurationMs(options.watchInterval, '--watch-interval') : 1_000;
  const webhook = await startWebhookServer({
    host: options.host ?? DEFAULT_HOST,
    port: parsePort(options.port),
    certFile: options.cert,
    keyFile: options.key,
    maxBodyBytes: options.maxBody ? parseByteSize(options.maxBody, '--max-body') : DEFAULT_MAX_BODY_BYTES,
    evalTimeoutMs: options.evalTimeout ? parseDurationMs(options.evalTimeout, '--eval-timeout') : DEFAULT_EVAL_TIMEOUT_MS,
    timeouts: {
      headersMs: options.headersTimeout ? parseDurationMs(options.headersTimeout, '--headers-timeout') : DEFAULT_TIMEOUTS.headersMs,
      requestMs: options.requestTimeout ? parseDurationMs(options.requestTimeout, '--request-timeout') : DEFAULT_TIMEOUTS.requestMs,
      shutdownGraceMs: options.shutdownGrace
        ? parseDurationMs(options.shutdownGrace, '--shutdown-grace')
        : DEFAULT_TIMEOUTS.shutdownGraceMs,
    },
    watchIntervalMs,
    policy,
    metrics,
    logger,
    skipLabelGuard: skipLabelGuard(options),
  });
  let metricsServer: MetricsServer | null;
  try {
    metricsServer = metricsAt === null ? null : await startMetricsServer(metricsAt.host, metricsAt.port, () => metrics.render());
  } catch (error) {
    await webhook.shutdown();
    throw error;
  }
  if (metricsServer !== null && metricsAt !== null)
    logger.log('info', 'serving metrics', { host: metricsAt.host, port: metricsServer.port });
  const stopAll = async (): Promise<void> => {
    stopAnswering();
    await Promise.all([webhook.shutdown(), metricsServer?.close()]);
  };
  const signal = untilSignal();
  const poller = fetcher
    ? new BundlePoller(fetcher, {
        minDelayMs: pollMs,
        maxDelayMs: 2 * pollMs,
        activate: (bundle) => policy.serveBundle(bundle),
        logger,
        metrics,
      })
    : null;
  void signal.then(() => poller?.stop());
  try {
    // /readyz answers 503 until this load succeeds: the first bundle fetched, or the bundle file read.
    if (poller) {
      if (!(await poller.first())) {
        await stopAll();
        return 0;
      }
      poller.start();
    } else {
      await policy.load();
    }
  } catch (error) {
    poller?.stop();
    await stopAll();
    throw error;
  }
  policy.watch(watchIntervalMs);
  if (worker) {
    reportWorkerReady();
    const stop = await Promise.race([signal, untilPrimaryStops().then(() => 'primary' as const)]);
    logger.log(
      'info',
      stop === 'primary' ? 'stopping: asked by the primary' : 'received signal',
      stop === 'primary' ? {} : { signal: stop },
    );
  } else {
    logger.log('info', 'received signal', { signal: await signal });
  }
  poller?.stop();
  await stopAll();
  return 0;
}

export function registerServe(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('serve')
    .description('Run the Kubernetes validating admission webhook (AdmissionReview v1 over HTTPS at POST /validate).')
    .requiredOption('--cert <file>', 'TLS certificate (PEM, chain allowed); reloaded when the file changes')
    .requiredOption('--key <file>', 'TLS private key (PEM); reloaded when the file changes')
    .option('--port <port>', `port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <address>', `address to listen on (default ${DEFAULT_HOST})`)
    .option(
      '-c, --config <file>',
      'tollgate.yaml (environments, kubernetes.namespaces, rules); reloaded when it changes (default: ./tollgate.yaml if present)',
    )
    .option(
      '--inventory <file>',
      'model inventory: workloads naming a model (tollgate.io/model) pass the review gates; reloaded when it changes',
    )
    .option('--bundle <file>', 'a prebuilt wasm bundle (`tollgate build`) instead of the built-in rules; reloaded when it changes')
    .option('--policy <dir>', 'compile the Rego in DIR with the built-in library at start (repeatable; needs opa; not reloaded)', collect)
    .option(
      '--bundle-url <url>',
      'fetch the wasm bundle over HTTP(S) (OPA bundle protocol: ETag / If-None-Match, 304); not ready until the first arrives',
    )
    .option(
      '--bundle-poll <duration>',
      `with --bundle-url: poll after a random wait between this and twice this, ms or with s (default ${DEFAULT_BUNDLE_POLL})`,
    )
    .option(
      '--bundle-token-file <file>',
      'with --bundle-url: send `Authorization: Bearer <token>` read from this file (re-read on every poll)',
    )
    .option(
      '--bundle-ca <file>',
      'with --bundle-url: PEM CA certificates that sign the bundle server (a private CA), besides the system CAs',
    )
    .option(
      '--max-body <size>',
      `largest request body accepted, bytes or with KiB/MiB; larger gets 413 (default ${DEFAULT_MAX_BODY_BYTES / 2 ** 20} MiB)`,
    )
    .option(
      '--eval-timeout <ms>',
      `deny a request not judged within this time from arrival, ms or with s (default ${DEFAULT_EVAL_TIMEOUT_MS} ms)`,
    )
    .option('--log-level <level>', `least severe log line written: ${LOG_LEVELS.join(', ')} (default info; decisions are info)`)
    .option(
      '--headers-timeout <ms>',
      `cut off a client that has not sent its headers in this time (default ${DEFAULT_TIMEOUTS.headersMs} ms)`,
    )
    .option(
      '--request-timeout <ms>',
      `cut off a client that has not sent its whole request in this time (default ${DEFAULT_TIMEOUTS.requestMs} ms)`,
    )
    .option('--shutdown-grace <ms>', `on SIGTERM, wait this long for in-flight requests (default ${DEFAULT_TIMEOUTS.shutdownGraceMs} ms)`)
    .option('--watch-interval <ms>', 'how often the certificate, bundle and config files are checked for changes (default 1000 ms)')
    .option(
      '--workers <n|auto>',
      `processes serving the port, each judging on its own core: a number up to ${MAX_WORKERS}, or auto for every core this process may use, a container's CPU limit included (default 1)`,
    )
    .option(
      '--metrics-port <port>',
      `plain-HTTP port of GET /metrics (Prometheus text) and GET /healthz (default ${DEFAULT_METRICS_PORT}; 0 turns it off)`,
    )
    .option('--metrics-host <address>', `address the metrics port listens on (default ${DEFAULT_HOST})`)
    .option(
      '--skip-label <key>',
      `namespace label that opts a namespace out; guarded at ${SKIP_LABEL_PATH} (default ${DEFAULT_SKIP_LABEL})`,
    )
    .option(
      '--allow-skip-namespace <name>',
      'a namespace allowed to carry the skip label (repeatable; kube-system always is); others are refused it',
      collect,
    )
    .addHelpText(
      'after',
      `
Endpoints: POST /validate (AdmissionReview admission.k8s.io/v1), POST ${SKIP_LABEL_PATH} (Namespaces: refuses
the skip label outside the allowed namespaces), GET /healthz, GET /readyz (ready once the policy is loaded).
On --metrics-port, over plain HTTP: GET /metrics (Prometheus text) and GET /healthz.

Failure policy: a request Tollgate cannot judge (evaluation error, over --eval-timeout) is denied with the
reason. A body that is not an AdmissionReview v1 with a request uid gets HTTP 400; over --max-body, 413.
Dry-run requests are judged but not enforced: allowed, with what would be denied in the warnings.
Workers: with --workers N the first process starts N workers that share the port; each logs with its
"worker" number. The first process serves the metrics port: every worker's counts, summed. A worker that dies
is replaced.
Decision logs: one JSON line per request on stdout. SIGTERM/SIGINT: stop accepting, finish in-flight, exit 0.
Bundles over HTTP(S): until the first bundle arrives, /readyz answers 503 and an unreachable server or an error
status is retried after the poll delay; a first bundle that does not load is exit 2. Afterwards a new bundle
(200 with another ETag) replaces the policy whole; a failed fetch or a bundle that does not load keeps the one
being served, logs one line and counts a reload failure (tollgate_bundle_reload_failures_total).

Examples:
  tollgate serve --cert /tls/tls.crt --key /tls/tls.key --config /etc/tollgate/tollgate.yaml
  tollgate serve --cert cert.pem --key key.pem --host 127.0.0.1 --port 9443 --bundle team-bundle.tar.gz`,
    )
    .action(async (options: ServeOptions) => {
      await run(() => runServe(options));
    });
}
