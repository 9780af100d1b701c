/**
 * `tollgate audit --interval`: runs again and again against the recording API server, serving /metrics with the
 * last successful run's findings by namespace and rule, objects seen, last run time and duration; a cluster
 * fault fails one run (counted, figures kept) and the loop goes on; the signal ends it with exit 0.
 */
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseInterval } from '../../src/audit/audit-loop.js';
import { auditEvery, type AuditCommandOptions } from '../../src/cli/audit.js';
import { TollgateError } from '../../src/model/errors.js';
import { PODS, startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';
import { FIXTURE_CONFIG, NOW, gpuPod } from './workloads.js';

let server: FakeApiServer;
let forbidPods = false;

function scrape(port: number, path = '/metrics'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function until(port: number, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await scrape(port);
    if (pattern.test(body)) return body;
    if (Date.now() > deadline) throw new Error(`metrics never matched ${String(pattern)}:\n${body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function options(overrides: Partial<AuditCommandOptions> = {}): AuditCommandOptions {
  return {
    kubeconfig: server.kubeconfig,
    config: FIXTURE_CONFIG,
    format: [],
    now: NOW,
    color: false,
    note: () => undefined,
    interval: '1s',
    metricsPort: '0',
    metricsHost: '127.0.0.1',
    ...overrides,
  };
}

beforeAll(async () => {
  server = await startFakeApiServer({
    intercept: (request) =>
      forbidPods && request.path === '/api/v1/pods' ? { status: 403, body: { message: 'pods is forbidden' } } : undefined,
  });
  server.namespace('ml-dev');
  server.add(PODS, gpuPod('ml-dev', 'forbidden-a100', 'nvidia-tesla-a100'), gpuPod('ml-dev', 'allowed-l4', 'nvidia-l4'));
});
afterAll(() => server.stop());

describe('tollgate audit --interval', () => {
  it('serves the last run at /metrics, survives a failed run, and stops on the signal', async () => {
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const controller = new AbortController();
    let port = 0;
    const listening = new Promise<void>((resolve) => {
      void auditEvery(options(), controller.signal, (bound) => {
        port = bound;
        resolve();
      }).then((code) => (exitCode = code));
    });
    let exitCode: number | null = null;
    try {
      await listening;
      expect((await scrape(port, '/healthz')).status).toBe(200);
      const first = await until(port, /tollgate_audit_runs_total\{result="success"\} [1-9]/);
      expect(first).toContain('tollgate_audit_violations{namespace="ml-dev",rule="TG-GPU-002"} 1');
      expect(first).toContain('tollgate_audit_objects_seen{kind="Pod"} 2');
      expect(first).toContain('tollgate_audit_objects_judged{kind="Pod"} 2');
      expect(first).toMatch(/^tollgate_audit_last_run_timestamp_seconds \d+(\.\d+)?$/m);
      expect(first).toMatch(/^tollgate_audit_last_run_duration_seconds \d+(\.\d+)?$/m);
      expect(first).toContain('# TYPE tollgate_audit_runs_total counter');

      forbidPods = true;
      const failed = await until(port, /tollgate_audit_runs_total\{result="failure"\} [1-9]/);
      // The figures stay those of the last success.
      expect(failed).toContain('tollgate_audit_violations{namespace="ml-dev",rule="TG-GPU-002"} 1');
      const lines = log.mock.calls.map(([line]) => String(line));
      expect(
        lines.some(
          (line) => line.includes('"msg":"audit run failed; the next run tries again"') && line.includes('cannot list Pod objects'),
        ),
      ).toBe(true);
      forbidPods = false;
      await until(port, /tollgate_audit_runs_total\{result="success"\} [2-9]/);
    } finally {
      controller.abort();
      await vi.waitFor(() => expect(exitCode).toBe(0), { timeout: 20_000 });
      log.mockRestore();
      forbidPods = false;
    }
    await expect(scrape(port)).rejects.toThrow();
  }, 90_000);

  it('refuses an output to stdout and a bad interval before reading the cluster', async () => {
    const before = server.requests.length;
    const signal = new AbortController().signal;
    await expect(auditEvery(options({ format: ['json'] }), signal)).rejects.toThrow(
      new TollgateError('--interval writes outputs to files only: give --format json=FILE (the log goes to stdout)'),
    );
    await expect(auditEvery(options({ interval: '5' }), signal)).rejects.toThrow(
      '--interval must be a duration of at least 1s, with ms, s, m or h (got "5")',
    );
    expect(server.requests.length).toBe(before);
  });

  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1500ms', 1500],
    ['999ms', null],
    ['10', null],
    ['-1m', null],
  ])('parseInterval(%s) = %s', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });
});
