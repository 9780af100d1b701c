/** `tollgate serve --workers N` through real HTTPS: N processes share the port, every request is served, SIGTERM drains all. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWorkers } from '../../src/webhook/workers.js';
import { repoRoot, tollgate } from '../cli/run-cli.js';
import { get, post } from './https-client.js';
import { gpuDeploymentReview } from './reviews.js';
import { FIXTURE_CONFIG, freePort, httpGet } from './test-server.js';
import { makeTlsFiles, type TlsFiles } from './tls-files.js';

const bin = join(repoRoot, 'bin', 'tollgate.js');

interface LogLine {
  readonly msg: string;
  readonly worker?: number;
  readonly port?: number;
  readonly uid?: string;
}

/** The sum of every series of a metric in an exposition text. */
function sumOf(text: string, metric: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('tollgate serve --workers', () => {
  let dir: string;
  let tls: TlsFiles;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-serve-workers-'));
    tls = makeTlsFiles(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a count, auto, and refuses anything else', () => {
    expect(parseWorkers(undefined)).toBe(1);
    expect(parseWorkers('3')).toBe(3);
    expect(parseWorkers('auto')).toBeGreaterThanOrEqual(1);
    for (const bad of ['0', '-1', '1.5', 'many', '65']) expect(() => parseWorkers(bad)).toThrow(/--workers must be auto or a whole number/);
  });

  it('a start-up mistake is one line and exit 2, however many workers', () => {
    const missing = tollgate([
      'serve',
      '--workers',
      '3',
      '--cert',
      'missing.pem',
      '--key',
      'missing.key',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/missing\.pem: TLS certificate not found/)]);
    const zero = tollgate(['serve', '--workers', '0', '--cert', tls.certFile, '--key', tls.keyFile]);
    expect(zero.code).toBe(2);
    expect(zero.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/--workers must be/)]);
  });

  it('two workers share the port, both judge requests, the metrics port counts both, and SIGTERM stops both cleanly', async () => {
    const metricsPort = await freePort();
    const args = ['serve', '--workers', '2', '--cert', tls.certFile, '--key', tls.keyFile, '--host', '127.0.0.1', '--port', '0'];
    args.push('--metrics-host', '127.0.0.1', '--metrics-port', String(metricsPort));
    const child: ChildProcess = spawn(process.execPath, [bin, ...args, '--config', FIXTURE_CONFIG], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let exitCode: number | null | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
    const lines = (): LogLine[] =>
      stdout
        .trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as LogLine);
    try {
      // Generous: a loaded 2-core CI machine runs several test files at once.
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('"msg":"serving with workers"')) {
        if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`server did not start: ${stdout} ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const listening = lines().filter((line) => line.msg === 'listening');
      expect(new Set(listening.map((line) => line.worker))).toEqual(new Set([1, 2]));
      const port = listening[0]?.port ?? 0;
      expect(new Set(listening.map((line) => line.port))).toEqual(new Set([port]));
      expect((await get(port, tls.ca, '/readyz')).status).toBe(200);

      // A new connection per request: the primary hands connections to the workers in turn.
      const replies = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const uid = `workers-${i}`;
          const reply = await post(port, tls.ca, { ...gpuDeploymentReview, request: { ...gpuDeploymentReview.request, uid } });
          return { uid, status: reply.status, review: reply.json() as { response?: { uid?: string; allowed?: boolean } } };
        }),
      );
      for (const reply of replies) {
        expect(reply.status).toBe(200);
        expect(reply.review.response?.uid).toBe(reply.uid);
        expect(typeof reply.review.response?.allowed).toBe('boolean');
      }
      const deadlineLogs = Date.now() + 10_000;
      while (lines().filter((line) => line.msg === 'admission decision').length < 12 && Date.now() < deadlineLogs) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const decisions = lines().filter((line) => line.msg === 'admission decision');
      expect(decisions).toHaveLength(12);
      expect(new Set(decisions.map((line) => line.worker))).toEqual(new Set([1, 2]));

      // The primary serves the metrics port: both workers' counts, summed (each worker alone saw fewer than 12).
      const scrape = await httpGet(metricsPort, '/metrics');
      expect(scrape.status).toBe(200);
      const perWorker = [1, 2].map((worker) => decisions.filter((line) => line.worker === worker).length);
      expect(Math.max(...perWorker)).toBeLessThan(12);
      expect(sumOf(scrape.text, 'tollgate_admission_requests_total')).toBe(12);
      expect(sumOf(scrape.text, 'tollgate_admission_duration_seconds_count')).toBe(12);
      // One revision served by both: the info gauge reads 1, not 2.
      expect(scrape.text).toMatch(/^tollgate_bundle_info\{revision="[^"]+"\} 1$/m);
      expect(scrape.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect((await httpGet(metricsPort, '/healthz')).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const stoppedWorkers = lines().filter((line) => line.msg === 'stopped' && line.worker !== undefined);
    expect(new Set(stoppedWorkers.map((line) => line.worker))).toEqual(new Set([1, 2]));
    expect(lines().at(-1)?.msg).toBe('stopped');
  });
});
