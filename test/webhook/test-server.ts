/** Starts the webhook in-process on 127.0.0.1:0 with real TLS files and the real compiled bundle. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startMetricsServer, type MetricsServer } from '../../src/metrics-server.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import type { Logger, LogFields, LogLevel } from '../../src/webhook/logger.js';
import { WebhookMetrics } from '../../src/webhook/metrics.js';
import { PolicyState } from '../../src/webhook/policy-state.js';
import { DEFAULT_TIMEOUTS, startWebhookServer, type RunningWebhook, type ServerTimeouts } from '../../src/webhook/server.js';
import { DEFAULT_SKIP_LABEL, SkipLabelGuard } from '../../src/webhook/skip-label-guard.js';
import { makeTlsFiles, type TlsFiles } from './tls-files.js';

export const FIXTURE_CONFIG = new URL('../../fixtures/k8s/tollgate.yaml', import.meta.url).pathname;
export const FIXTURE_INVENTORY = new URL('../../fixtures/k8s/inventory.yaml', import.meta.url).pathname;

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

export interface TestServer {
  readonly webhook: RunningWebhook;
  readonly port: number;
  readonly tls: TlsFiles;
  readonly dir: string;
  readonly logs: LogLine[];
  /** Every log line as the JSON logger would write it, for "no secret in the logs" checks. */
  readonly logText: () => string;
  readonly metrics: WebhookMetrics;
  /** The plain-HTTP metrics port, as `serve --metrics-port` starts it. */
  readonly metricsPort: number;
  /** GET /metrics on the metrics port: the exposition text. */
  scrape(): Promise<string>;
  readonly policy: PolicyState;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 now (for a CLI flag where 0 means "off"). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A plain-HTTP GET on 127.0.0.1. */
export function httpGet(port: number, path: string): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'] ?? '',
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

export interface TestServerOptions {
  readonly configFile?: string;
  /** Model inventory; the fixture one by default, `null` for none. */
  readonly inventoryFile?: string | null;
  readonly bundleFile?: string;
  readonly maxBodyBytes?: number;
  readonly evalTimeoutMs?: number;
  readonly timeouts?: Partial<ServerTimeouts>;
  /** Namespaces allowed to carry the skip label (kube-system always is). */
  readonly allowSkipNamespaces?: readonly string[];
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-webhook-'));
  const tls = makeTlsFiles(dir);
  const logs: LogLine[] = [];
  const logger: Logger = { log: (level, message, fields = {}) => void logs.push({ level, message, fields }) };
  const metrics = new WebhookMetrics();
  const policy = new PolicyState(
    {
      bundleFile: options.bundleFile ?? builtinBundlePath,
      configFile: options.configFile ?? FIXTURE_CONFIG,
      ...(options.inventoryFile === null ? {} : { inventoryFile: options.inventoryFile ?? FIXTURE_INVENTORY }),
    },
    logger,
    metrics,
  );
  await policy.load();
  policy.watch(100);
  const webhook = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    certFile: tls.certFile,
    keyFile: tls.keyFile,
    maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    evalTimeoutMs: options.evalTimeoutMs ?? 2_000,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    watchIntervalMs: 100,
    policy,
    metrics,
    logger,
    skipLabelGuard: new SkipLabelGuard({
      label: DEFAULT_SKIP_LABEL,
      allowedNamespaces: options.allowSkipNamespaces ?? ['tollgate-system'],
    }),
  });
  const metricsServer: MetricsServer = await startMetricsServer('127.0.0.1', 0, () => metrics.render());
  return {
    webhook,
    port: webhook.port,
    tls,
    dir,
    logs,
    logText: () => logs.map((line) => JSON.stringify({ level: line.level, msg: line.message, ...line.fields })).join('\n'),
    metrics,
    metricsPort: metricsServer.port,
    scrape: async () => (await httpGet(metricsServer.port, '/metrics')).text,
    policy,
    async stop() {
      await Promise.all([webhook.shutdown(), metricsServer.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
