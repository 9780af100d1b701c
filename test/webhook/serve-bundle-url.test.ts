/**
 * `tollgate serve --bundle-url` through the real CLI over real HTTPS: the bundle comes from a local HTTPS server
 * signed by a private CA, with a bearer token; the webhook is unready until it arrives, and the decision for the
 * same AdmissionReview changes when the server publishes a new bundle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from '../cli/run-cli.js';
import { builtinBundleAs, startBundleServer, type BundleServer } from './bundle-server.js';
import { get, post } from './https-client.js';
import { gpuDeploymentReview } from './reviews.js';
import { eventually } from './test-server.js';
import { makeTlsFiles, type TlsFiles } from './tls-files.js';

const bin = join(repoRoot, 'bin', 'tollgate.js');

/** A port free now, for the plain-HTTP metrics server (--metrics-port 0 turns it off rather than picking one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function metricsText(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

interface Review {
  response: { allowed: boolean; warnings?: string[] };
}

describe('tollgate serve --bundle-url', () => {
  let dir: string;
  let tls: TlsFiles;
  let bundles: BundleServer;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-serve-bundle-'));
    tls = makeTlsFiles(dir);
    bundles = await startBundleServer(tls);
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    await bundles.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['--bundle-poll', '5s'], /^tollgate: --bundle-poll needs --bundle-url\n$/],
    [['--bundle-url', 'https://127.0.0.1:1/b', '--bundle', 'x.tar.gz'], /^tollgate: use one of --bundle-url, --bundle or --policy/],
    [['--bundle-url', 'ftp://127.0.0.1/b'], /^tollgate: --bundle-url must be an http:\/\/ or https:\/\/ URL \(got ftp:\)\n$/],
    [['--bundle-url', 'https://127.0.0.1:1/b', '--bundle-ca', 'missing-ca.pem'], /^tollgate: missing-ca\.pem: CA certificate not found\n$/],
  ])('flag mistakes exit 2 with one line: %j', (args, message) => {
    const result = tollgate([
      'serve',
      '--cert',
      tls.certFile,
      '--key',
      tls.keyFile,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
      ...args,
    ]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('is unready until the first bundle arrives, then changes its decision when a new bundle is published', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'bundle-reader\n');
    bundles.reply({ status: 503 });
    let stdout = '';
    let stderr = '';
    const metricsPort = await freePort();
    child = spawn(
      process.execPath,
      [
        bin,
        'serve',
        ...['--cert', tls.certFile, '--key', tls.keyFile, '--host', '127.0.0.1', '--port', '0'],
        ...['--metrics-host', '127.0.0.1', '--metrics-port', String(metricsPort)],
        ...['--bundle-url', bundles.url, '--bundle-ca', tls.caFile, '--bundle-token-file', tokenFile, '--bundle-poll', '200ms'],
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await eventually(() => stdout.includes('"msg":"listening"'), 45_000, `listening (${stderr})`);
    const port = Number(/"msg":"listening".*"port":(\d+)/.exec(stdout)?.[1]);
    await eventually(() => stdout.includes('bundle fetch failed'), 20_000, 'a failed first fetch');
    expect(stdout).toContain('"error":"HTTP 503 Service Unavailable"');
    expect((await get(port, tls.ca, '/readyz')).status).toBe(503);

    bundles.reply({ status: 200, body: builtinBundleAs('rev-deny'), etag: '"deny"' });
    await eventually(async () => (await get(port, tls.ca, '/readyz')).status === 200, 30_000, 'ready');
    const denied = (await post(port, tls.ca, gpuDeploymentReview)).json() as Review;
    expect(denied.response.allowed).toBe(false);
    expect(await metricsText(metricsPort)).toContain('tollgate_bundle_info{revision="rev-deny"} 1');

    bundles.reply({ status: 200, body: builtinBundleAs('rev-warn', 'warn'), etag: '"warn"' });
    await eventually(async () => (await metricsText(metricsPort)).includes('revision="rev-warn"'), 30_000, 'the new revision');
    const allowed = (await post(port, tls.ca, gpuDeploymentReview)).json() as Review;
    expect(allowed.response.allowed).toBe(true);
    expect(allowed.response.warnings?.length).toBeGreaterThan(0);

    const fetches = bundles.requests.filter((request) => request.headers.authorization === 'Bearer bundle-reader');
    expect(fetches.length).toBe(bundles.requests.length);
    expect(bundles.requests.some((request) => request.headers['if-none-match'] === '"deny"')).toBe(true);
    const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  });
});
