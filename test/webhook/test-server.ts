/** Starts the webhook in-process on 127.0.0.1:0 with real TLS files and the real compiled bundle. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinBundlePath } from '../../src/package-paths.js';
import type { Logger, LogFields, LogLevel } from '../../src/webhook/logger.js';
import { WebhookMetrics } from '../../src/webhook/metrics.js';
import { PolicyState } from '../../src/webhook/policy-state.js';
import { DEFAULT_TIMEOUTS, startWebhookServer, type RunningWebhook, type ServerTimeouts } from '../../src/webhook/server.js';
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
  readonly policy: PolicyState;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  readonly configFile?: string;
  /** Model inventory; the fixture one by default, `null` for none. */
  readonly inventoryFile?: string | null;
  readonly bundleFile?: string;
  readonly maxBodyBytes?: number;
  readonly evalTimeoutMs?: number;
  readonly timeouts?: Partial<ServerTimeouts>;
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
  });
  return {
    webhook,
    port: webhook.port,
    tls,
    dir,
    logs,
    logText: () => logs.map((line) => JSON.stringify({ level: line.level, msg: line.message, ...line.fields })).join('\n'),
    metrics,
    policy,
    async stop() {
      await webhook.shutdown();
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
