/**
 * `node --import tsx bench/webhook.ts`: admission latency of `tollgate serve` under a fixed request rate,
 * beside the floor (a trivial Node HTTPS server answering a constant allow on the same machine and TLS).
 * autocannon sends a realistic GPU Deployment AdmissionReview for BENCH_SECONDS (default 30) at each rate
 * (default 500 and 2000 req/s, `overallRate`, so latencies are corrected for coordinated omission).
 * Both servers run in their own process so load generation does not share their event loop.
 * Targets (read by people): p99 < 5 ms at 2,000 req/s, within 2x of the floor.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Histogram {
  readonly p50: number;
  readonly p99: number;
  readonly average: number;
  readonly max: number;
}
interface AutocannonResult {
  readonly latency: Histogram;
  readonly requests: { readonly average: number; readonly total: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}
interface AutocannonOptions {
  readonly url: string;
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly duration: number;
  readonly overallRate: number;
  readonly tlsOptions: { readonly ca: Buffer };
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

// autocannon ships no type declarations; this is the part of its API the bench uses.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env['BENCH_SECONDS'] ?? 30);
const rates = (process.env['BENCH_RATES'] ?? '500,2000').split(',').map(Number);
const review = readFileSync(join(root, 'fixtures/k8s/admission/gpu-deployment.json'), 'utf8');

const FLOOR_SERVER = `
const { createServer } = require('node:https');
const { readFileSync } = require('node:fs');
const [cert, key] = process.argv.slice(1);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const uid = JSON.parse(Buffer.concat(chunks).toString()).request.uid;
    const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function makeCertificate(dir: string): { cert: string; key: string; ca: Buffer } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  return { cert, key, ca: readFileSync(cert) };
}

/** Spawns a server process and resolves with its port once it prints its "listening" line (and is ready). */
function startServer(args: string[], readyPattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    let port = 0;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      port ||= Number(/"msg":"listening".*?"port":(\d+)/.exec(output)?.[1] ?? 0);
      if (port && readyPattern.test(output)) {
        child.stdout.off('data', onData);
        child.stdout.resume(); // keep draining decision logs, as a log collector would
        resolve({ child, port });
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

async function measure(port: number, ca: Buffer, rate: number): Promise<AutocannonResult> {
  return autocannon({
    url: `https://127.0.0.1:${port}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: review,
    connections: Math.max(10, Math.ceil(rate / 100)),
    duration: seconds,
    overallRate: rate,
    tlsOptions: { ca },
  });
}

async function warmUp(port: number, ca: Buffer): Promise<void> {
  await autocannon({
    url: `https://127.0.0.1:${port}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: review,
    connections: 10,
    duration: 3,
    overallRate: 1000,
    tlsOptions: { ca },
  });
}

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const tls = makeCertificate(dir);
  const webhook = await startServer(
    [
      'bin/tollgate.js',
      'serve',
      '--cert',
      tls.cert,
      '--key',
      tls.key,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--config',
      'fixtures/k8s/tollgate.yaml',
    ],
    /"msg":"policy loaded"/,
  );
  const floor = await startServer(['-e', FLOOR_SERVER, tls.cert, tls.key], /"msg":"listening"/);
  const rows: string[] = [];
  try {
    // Warm up both (JIT, wasm tier-up) for a few seconds before measuring.
    for (const server of [webhook, floor]) await warmUp(server.port, tls.ca);
    for (const rate of rates) {
      for (const [name, server] of [
        ['tollgate serve', webhook],
        ['floor (constant allow)', floor],
      ] as const) {
        const result = await measure(server.port, tls.ca, rate);
        rows.push(
          [
            name.padEnd(24),
            `${rate} req/s`.padEnd(12),
            `p50 ${fmt(result.latency.p50)}`.padEnd(14),
            `p99 ${fmt(result.latency.p99)}`.padEnd(14),
            `max ${fmt(result.latency.max)}`.padEnd(15),
            `${result.requests.average.toFixed(0)} req/s served`.padEnd(20),
            `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
          ].join(' '),
        );
        process.stdout.write(`${rows[rows.length - 1]}\n`);
      }
    }
  } finally {
    webhook.child.kill('SIGTERM');
    floor.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nwebhook bench: ${seconds} s per run, body ${review.length} bytes (fixtures/k8s/admission/gpu-deployment.json)\n${rows.join('\n')}\n`,
  );
}

await main();
