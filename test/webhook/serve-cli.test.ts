/** The real CLI: `node bin/tollgate.js serve`, its help, start-up errors and graceful shutdown on SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from '../cli/run-cli.js';
import { get } from './https-client.js';
import { gpuDeploymentReview } from './reviews.js';
import { FIXTURE_CONFIG, FIXTURE_INVENTORY, freePort, httpGet } from './test-server.js';
import { makeTlsFiles, type TlsFiles } from './tls-files.js';

const bin = join(repoRoot, 'bin', 'tollgate.js');

describe('tollgate serve (CLI)', () => {
  let dir: string;
  let tls: TlsFiles;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-serve-cli-'));
    tls = makeTlsFiles(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help documents every flag', () => {
    const result = tollgate(['serve', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--cert',
      '--key',
      '--port',
      '--host',
      '--config',
      '--inventory',
      '--bundle',
      '--policy',
      '--max-body',
      '--eval-timeout',
      '--log-level',
      '--metrics-port',
      '--metrics-host',
      '--skip-label',
      '--allow-skip-namespace',
    ]) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('default 8443');
    expect(result.stdout).toContain('default 0.0.0.0');
    expect(result.stdout).toMatch(/default 9090;\s+0\s+turns\s+it\s+off/);
  });

  it.each([
    [['--cert', 'missing.pem', '--key', 'missing.key'], /missing\.pem: TLS certificate not found/],
    [['--cert', 'c', '--key', 'k', '--port', 'eighty'], /--port must be/],
    [['--cert', 'c', '--key', 'k', '--max-body', 'lots'], /--max-body must be/],
    [['--cert', 'c', '--key', 'k', '--log-level', 'loud'], /--log-level must be/],
    [['--cert', 'c', '--key', 'k', '--metrics-port', 'ninety'], /--metrics-port must be 0-65535, 0 to turn it off/],
    [['--cert', 'c', '--key', 'k', '--allow-skip-namespace', 'Not_A_Namespace'], /--allow-skip-namespace must be a namespace name/],
    [['--cert', 'c', '--key', 'k', '--skip-label', 'a b'], /--skip-label must be a Kubernetes label key/],
  ])('start-up mistakes exit 2 with one line: %j', (args, message) => {
    const port = args.includes('--port') ? [] : ['--port', '0'];
    const metricsPort = args.includes('--metrics-port') ? [] : ['--metrics-port', '0'];
    const result = tollgate(['serve', '--host', '127.0.0.1', ...port, ...metricsPort, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('a port in use and a host that is not this machine are exit 2 with one line', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      for (const [host, hostPort, message] of [
        ['127.0.0.1', port, /cannot listen on 127\.0\.0\.1:\d+ \(--host, --port\): the port is already in use/],
        ['not a host!', '0', /cannot listen on not a host!:0 \(--host, --port\): the host name does not resolve/],
      ] as const) {
        const result = tollgate([
          'serve',
          '--cert',
          tls.certFile,
          '--key',
          tls.keyFile,
          '--host',
          host,
          '--port',
          hostPort,
          '--metrics-port',
          '0',
        ]);
        expect(result.code).toBe(2);
        expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
      }
      const metricsInUse = tollgate([
        'serve',
        '--cert',
        tls.certFile,
        '--key',
        tls.keyFile,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--metrics-host',
        '127.0.0.1',
        '--metrics-port',
        port,
      ]);
      expect(metricsInUse.code).toBe(2);
      expect(metricsInUse.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/cannot serve metrics on 127\.0\.0\.1:\d+ \(--metrics-port\): EADDRINUSE/),
      ]);
    } finally {
      blocker.close();
    }
  });

  it('a corrupt bundle stops start-up with exit 2', () => {
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
      '--bundle',
      FIXTURE_CONFIG,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('corrupt bundle');
  });

  it('on SIGTERM stops accepting, finishes the request in flight and exits 0', async () => {
    const metricsPort = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [
        bin,
        'serve',
        '--cert',
        tls.certFile,
        '--key',
        tls.keyFile,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--config',
        FIXTURE_CONFIG,
        '--inventory',
        FIXTURE_INVENTORY,
        '--metrics-host',
        '127.0.0.1',
        '--metrics-port',
        String(metricsPort),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let exitCode: number | null | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
    // Generous: a loaded 2-core CI machine runs several test files at once.
    const deadline = Date.now() + 45_000;
    while (!stdout.includes('"msg":"policy loaded"')) {
      if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`server did not start: ${stdout} ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const port = Number(/"msg":"listening".*"port":(\d+)/.exec(stdout)?.[1]);
    expect((await get(port, tls.ca, '/readyz')).status).toBe(200);
    expect((await httpGet(metricsPort, '/healthz')).status).toBe(200);
    expect((await httpGet(metricsPort, '/metrics')).text).toMatch(/^tollgate_bundle_info\{revision="[^"]+"\} 1$/m);

    // A request in flight: headers and half the body sent before SIGTERM, the rest after.
    const body = JSON.stringify(gpuDeploymentReview);
    const half = Math.floor(body.length / 2);
    const reply = new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect({ host: '127.0.0.1', port, ca: tls.ca, servername: 'localhost' }, () => {
        socket.write(
          `POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
        );
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => socket.write(body.slice(half)), 300);
        }, 200);
      });
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    const answer = await reply;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"allowed":true');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"msg":"shutting down: finishing in-flight requests","inFlight":1');
    expect(stdout).toContain('"msg":"stopped"');
    // Every stdout line is a JSON object.
    for (const line of stdout.trim().split('\n')) expect((): unknown => JSON.parse(line)).not.toThrow();
  });
});
