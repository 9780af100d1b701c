/**
 * `tollgate audit`: the admission policies over what already runs in the cluster. Lists every kind the webhook
 * judges, judges each object as the webhook would, and reports like `check`; with --policy-reports, also
 * writes one PolicyReport per namespace back to the cluster.
 * Exit 0 clean, 1 when findings reach --fail-on, 2 for usage, input or cluster faults.
 */
import type { Command } from 'commander';
import { parseInterval, runAuditLoop } from '../audit/audit-loop.js';
import { AuditMetrics } from '../audit/audit-metrics.js';
import { runClusterAudit, type AuditResult } from '../audit/audit-run.js';
import type { Cluster } from '../audit/cluster.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../audit/request-timeout.js';
import type { AuditPolicy } from '../audit/judge-object.js';
import { DEFAULT_PAGE_SIZE } from '../audit/list-pages.js';
import { startMetricsServer } from '../metrics-server.js';
import { buildPolicyReports, writePolicyReports, type WriteSummary } from '../audit/policy-reports.js';
import { loadConfig } from '../config/config.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import { readInventoryFile } from '../inputs/inventory/index.js';
import { FAIL_ON_LEVELS, type FailOn } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
import { jsonLogger } from '../webhook/logger.js';
import { failingFindings, type CheckResult } from '../output/index.js';
import { prepareSettings } from '../prepare/index.js';
import { resolveNow } from './now.js';
import { collect } from './options.js';
import { parseOutputTargets, writeOutputs, type OutputTarget } from './outputs.js';
import { loadPolicyBundle } from './policy-source.js';
import { parseDurationMs } from './serve.js';
import { progress, useColor } from './terminal.js';
import { TOLLGATE_URI, TOLLGATE_VERSION } from './version.js';
import { AUDIT_PACKAGES, requirePackages } from './optional-packages.js';

export interface AuditCommandOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string[];
  readonly excludeNamespace?: string[];
  readonly pageSize?: string;
  readonly requestTimeout?: string;
  readonly config?: string;
  readonly bundle?: string;
  readonly policy?: string[];
  readonly inventory?: string;
  readonly format: string[];
  readonly failOn?: string;
  readonly now?: string;
  readonly policyReports?: boolean;
  /** `--interval`: audit every interval until stopped, serving /metrics. */
  readonly interval?: string;
  readonly metricsPort?: string;
  readonly metricsHost?: string;
  readonly color: boolean;
  /** Where progress lines go; stderr on a terminal by default. */
  readonly progress?: (message: string) => void;
  /** Where notes go (kinds skipped for a missing API); always stderr by default, a CronJob's log should show them. */
  readonly note?: (message: string) => void;
}

function parseFailOn(value: string | undefined, fromConfig: FailOn | undefined): FailOn {
  if (value === undefined) return fromConfig ?? 'deny';
  if (!(FAIL_ON_LEVELS as readonly string[]).includes(value)) {
    throw new TollgateError(`--fail-on must be one of ${FAIL_ON_LEVELS.join(', ')} (got "${value}")`);
  }
  return value as FailOn;
}

/** The API server caps a page at what it allows; 1..10000 keeps a page's memory bounded and sane. */
export function parsePageSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    throw new TollgateError(`--page-size must be a whole number of objects from 1 to 10000 (got "${value}")`);
  }
  return size;
}

export const DEFAULT_METRICS_PORT = 9090;
export const DEFAULT_METRICS_HOST = '0.0.0.0';

export interface AuditRun {
  readonly result: AuditResult;
  readonly report: CheckResult;
  readonly written: WriteSummary | null;
}

interface AuditSetup {
  readonly targets: readonly OutputTarget[];
  readonly pageSize: number;
  readonly failOn: FailOn;
  readonly policy: AuditPolicy;
  readonly cluster: Cluster;
}

/** Everything that can reject the user's input, checked and loaded before the cluster is read or anything written. */
async function setUp(options: AuditCommandOptions, targets: readonly OutputTarget[]): Promise<AuditSetup> {
  // The Kubernetes client is an optional dependency, loaded only here.
  requirePackages('audit', AUDIT_PACKAGES);
  const { Cluster } = await import('../audit/cluster.js');
  const now = resolveNow(options.now);
  const pageSize = parsePageSize(options.pageSize);
  const requestTimeoutMs = options.requestTimeout
    ? parseDurationMs(options.requestTimeout, '--request-timeout')
    : DEFAULT_REQUEST_TIMEOUT_MS;
  const loaded = loadConfig(options.config);
  const settings = prepareSettings(loaded);
  const failOn = parseFailOn(options.failOn, loaded.config.fail_on);
  const bundle = await loadPolicyBundle({ bundle: options.bundle, policy: options.policy });
  const inventory = options.inventory === undefined ? undefined : readInventoryFile(options.inventory, now);
  // The catalog's offers and the inventory are the same for every object: passed to the policy once, not with
  // each object's input (the prepare stage hands out these very objects).
  const engine = await PolicyEngine.load(
    bundle,
    { ...loaded.config },
    { catalog: settings.acceleratorOffers(), ...(inventory ? { inventory } : {}) },
  );
  const policy: AuditPolicy = { engine, settings, ...(inventory ? { inventory } : {}) };
  const cluster = new Cluster({
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
    requestTimeoutMs,
  });
  return { targets, pageSize, failOn, policy, cluster };
}

/** One audit: judge, write the PolicyReports (all or nothing), then the outputs. */
async function auditOnce(setup: AuditSetup, options: AuditCommandOptions): Promise<AuditRun> {
  const { cluster, policy, pageSize } = setup;
  // --now pins the clock; otherwise each run of --interval sees its own time (exemptions expire).
  const now = resolveNow(options.now);
  const say = options.progress ?? progress;
  const result = await runClusterAudit({
    cluster,
    policy,
    now,
    pageSize,
    namespaces: { only: options.namespace ?? [], exclude: options.excludeNamespace ?? [] },
    progress: say,
  });
  const note = options.note ?? ((message: string) => process.stderr.write(`tollgate: note: ${message}\n`));
  result.notes.forEach((message) => note(message));
  let written: WriteSummary | null = null;
  if (options.policyReports === true) {
    const reports = buildPolicyReports(result, policy.engine.rules, now);
    const only = options.namespace ?? [];
    written = await writePolicyReports(cluster, reports, { scope: only.length > 0 ? only : null, pageSize });
    say(`PolicyReports: ${written.created} created, ${written.updated} updated, ${written.deleted} stale deleted`);
  }
  const report: CheckResult = {
    decision: result.decision,
    rules: policy.engine.rules,
    resources: result.resources,
    source: { file: result.cluster, kind: 'admission' },
    tool: { name: 'tollgate', version: TOLLGATE_VERSION, informationUri: TOLLGATE_URI },
    failOn: setup.failOn,
    color: useColor(process.stdout, options.color),
  };
  writeOutputs(setup.targets, report);
  return { result, report, written };
}

/** The whole command once, returned for tests and the benchmark; `runAudit` adds the exit code. */
export async function auditCluster(options: AuditCommandOptions): Promise<AuditRun> {
  const setup = await setUp(options, parseOutputTargets(options.format));
  return auditOnce(setup, options);
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_METRICS_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TollgateError(`--metrics-port must be 0-65535 (got "${value}")`);
  return port;
}

/**
 * --interval: audit every interval until SIGTERM/SIGINT (or `signal`), serving /metrics. Outputs go to files
 * only (rewritten after each run); the log is one JSON line per run on stdout.
 */
export async function auditEvery(options: AuditCommandOptions, signal: AbortSignal, onListening?: (port: number) => void): Promise<number> {
  const intervalMs = parseInterval(options.interval ?? '');
  if (intervalMs === null) {
    throw new TollgateError(`--interval must be a duration of at least 1s, with ms, s, m or h (got "${options.interval ?? ''}")`);
  }
  const targets = options.format.length === 0 ? [] : parseOutputTargets(options.format);
  const toStdout = targets.find((target) => target.file === null);
  if (toStdout !== undefined) {
    throw new TollgateError(`--interval writes outputs to files only: give --format ${toStdout.format}=FILE (the log goes to stdout)`);
  }
  const port = parsePort(options.metricsPort);
  const setup = await setUp(options, targets);
  const metrics = new AuditMetrics();
  const server = await startMetricsServer(options.metricsHost ?? DEFAULT_METRICS_HOST, port, () => metrics.render());
  onListening?.(server.port);
  const logger = jsonLogger('info');
  logger.log('info', 'audit loop started', { cluster: setup.cluster.name, intervalMs, metricsPort: server.port });
  try {
    await runAuditLoop({
      intervalMs,
      run: async () => (await auditOnce(setup, { ...options, progress: () => undefined })).result,
      metrics,
      log: (level, message, fields) => logger.log(level, message, fields),
      signal,
    });
  } finally {
    await server.close();
  }
  logger.log('info', 'audit loop stopped', {});
  return 0;
}

function untilSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return controller.signal;
}

export async function runAudit(options: AuditCommandOptions): Promise<number> {
  if (options.interval !== undefined) return auditEvery(options, untilSignal());
  const { report } = await auditCluster(options);
  return failingFindings(report).length > 0 ? 1 : 0;
}

export function registerAudit(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('audit')
    .description('Judge what already runs in a Kubernetes cluster with the admission policies (the same bundle and tollgate.yaml).')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: the in-cluster service account, else $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option('-n, --namespace <name>', 'audit only this namespace (repeatable; default: every namespace the webhook judges)', collect)
    .option(
      '--exclude-namespace <name>',
      'also leave out this namespace (repeatable; kube-system, tollgate-system and namespaces labelled tollgate.io/skip=true always are)',
      collect,
    )
    .option('--page-size <n>', `objects per list request (limit/continue; default ${DEFAULT_PAGE_SIZE}); bounds memory on large clusters`)
    .option(
      '--request-timeout <ms>',
      `give up on an API request after this long, ms or with s (default ${DEFAULT_REQUEST_TIMEOUT_MS / 1000} s)`,
    )
    .option(
      '-c, --config <file>',
      'tollgate.yaml with environments, rule settings, exemptions and kubernetes.namespaces (default: ./tollgate.yaml if present)',
    )
    .option('--bundle <file>', 'evaluate a prebuilt wasm bundle (from `tollgate build`) instead of the built-in rules')
    .option('--policy <dir>', 'also compile and apply the Rego in DIR with the built-in library (repeatable; needs the opa CLI)', collect)
    .option('--inventory <file>', 'model inventory (YAML/JSON): workloads naming a model (tollgate.io/model) pass the review gates')
    .option(
      '-f, --format <format[=file]>',
      'output format: text, json, sarif, junit, github, markdown; add =FILE to write a file (repeatable)',
      collect,
    )
    .option('--fail-on <level>', 'exit 1 on: deny (any violation, default), a severity (critical|high|medium|low|info) or never')
    .option('--now <time>', 'the time policies see, RFC 3339 or YYYY-MM-DD (default: now)')
    .option(
      '--policy-reports',
      'write one wgpolicyk8s.io/v1alpha2 PolicyReport per audited namespace (and delete stale ones Tollgate wrote)',
    )
    .option(
      '--interval <duration>',
      'keep running: audit every DURATION (e.g. 10m, 1h) until SIGTERM, serving /metrics; outputs to files only',
    )
    .option('--metrics-port <port>', `with --interval, port of GET /metrics and /healthz (default ${DEFAULT_METRICS_PORT})`)
    .option('--metrics-host <address>', `with --interval, address to serve metrics on (default ${DEFAULT_METRICS_HOST})`)
    .option('--no-color', 'no ANSI colours in text output (also NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Kinds: Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, KServe InferenceServices and
Kubeflow PyTorchJobs (a kind whose API the cluster does not serve is skipped with a note). An object controlled
by another judged kind (a Deployment's ReplicaSets and Pods, a CronJob's Jobs) is judged once, at its owner.
Each object is judged as the webhook would judge its creation now: same prepare stage, bundle and config.

Addresses are Kind/namespace/name. PolicyReports are named tollgate-audit and labelled
app.kubernetes.io/managed-by=tollgate; every write is first sent as a server-side dry run, so a fault
(RBAC, schema) changes nothing.

Long-running (--interval, e.g. as a Deployment): one JSON log line per run on stdout; a cluster fault fails
that run only. GET /metrics: tollgate_audit_violations{namespace,rule}, tollgate_audit_warnings{namespace,rule},
tollgate_audit_objects_seen{kind}, tollgate_audit_objects_judged{kind}, tollgate_audit_last_run_timestamp_seconds,
tollgate_audit_last_run_duration_seconds, tollgate_audit_runs_total{result}. SIGTERM/SIGINT: finish the run, exit 0.

Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage, input or cluster error (unreachable API
server, rejected credentials, a forbidden list, a timeout: one line naming the cluster and what was read).

Examples:
  tollgate audit --context prod-eu --config tollgate.yaml
  tollgate audit -n ml-dev -n ml-prod -f text -f sarif=audit.sarif
  tollgate audit --config /etc/tollgate/tollgate.yaml --policy-reports --format json   # in a pod (deploy/audit-cronjob.yaml)`,
    )
    .action(async (options: Omit<AuditCommandOptions, 'format'> & { format?: string[] }) => {
      await run(() => runAudit({ ...options, format: options.format ?? [] }));
    });
}
