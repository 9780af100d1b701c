/**
 * `node --import tsx bench/audit.ts`: time and peak RSS of `tollgate audit` (the built CLI, dist/) over
 * BENCH_PODS Pods (default 10,000) served by a local HTTPS API server, at each page size of BENCH_PAGE_SIZES
 * (default 500 and 5000), beside the floor: a plain Node process that reads the same pages and parses them,
 * judging nothing. The server is the recording fake of test/audit/ (paginated lists, discovery, the real
 * client's TLS and token), in its own process so only the audit's memory is measured; the real kube-apiserver
 * is exercised by test/e2e/audit.sh, but filling it with 10,000 Pods one request at a time takes minutes.
 * One Pod in ten asks for an A100 in ml-dev (a violation); the rest are compliant L4 Pods in ml-prod.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);

async function serve(pods: number): Promise<void> {
  const { PODS, startFakeApiServer } = await import('../test/audit/fake-apiserver.js');
  const { gpuPod } = await import('../test/audit/workloads.js');
  const server = await startFakeApiServer();
  server.namespace('ml-dev');
  server.namespace('ml-prod');
  for (let i = 0; i < pods; i += 1) {
    server.add(
      PODS,
      i % 10 === 0 ? gpuPod('ml-dev', `train-a100-${i}`, 'nvidia-tesla-a100') : gpuPod('ml-prod', `serve-l4-${i}`, 'nvidia-l4'),
    );
  }
  process.stdout.write(`${JSON.stringify({ kubeconfig: server.kubeconfig, url: server.url, ca: server.tls.caFile })}\n`);
  process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

/** Reads every page of /api/v1/pods and parses it: what any client pays before judging anything. */
const FLOOR = `
const https = require('node:https');
const { readFileSync } = require('node:fs');
const [url, ca, pageSize] = process.argv.slice(1);
const get = (path) => new Promise((resolve, reject) => {
  https.get(url + path, { ca: readFileSync(ca), headers: { authorization: 'Bearer audit-test-token' } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
  }).on('error', reject);
});
(async () => {
  let token = '', count = 0;
  do {
    const page = await get('/api/v1/pods?limit=' + pageSize + (token ? '&continue=' + token : ''));
    count += page.items.length;
    token = page.metadata.continue ?? '';
  } while (token);
  process.stderr.write('objects=' + count + '\\n');
})();
`;

interface Figures {
  readonly seconds: number;
  readonly rssMiB: number;
  readonly detail: string;
}

function measure(args: readonly string[]): Figures {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-hook.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /bench-max-rss-kib=(\d+)/.exec(result.stderr)?.[1];
  if (rss === undefined || (result.status !== 0 && result.status !== 1)) throw new Error(`run failed (${result.status}): ${result.stderr}`);
  return { seconds, rssMiB: Number(rss) / 1024, detail: result.stderr.split('\n').find((line) => line.startsWith('objects=')) ?? '' };
}

async function main(): Promise<void> {
  const pods = Number(process.env['BENCH_PODS'] ?? 10_000);
  const pageSizes = (process.env['BENCH_PAGE_SIZES'] ?? '500,5000').split(',').map(Number);
  const server = spawn(process.execPath, ['--import', 'tsx', self, '--serve', String(pods)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`the API server exited (${code})`)));
  });
  const { kubeconfig, url, ca } = JSON.parse(first) as { kubeconfig: string; url: string; ca: string };
  const out = mkdtempSync(join(tmpdir(), 'tollgate-bench-audit-'));
  try {
    console.log(`tollgate audit over ${pods.toLocaleString('en-US')} Pods from a local HTTPS API server (${url}), node ${process.version}`);
    console.log('run                                   page size   seconds   objects/s   peak RSS MiB   findings');
    for (const pageSize of pageSizes) {
      const floor = measure(['-e', FLOOR, url, ca, String(pageSize)]);
      console.log(
        `floor: read and parse the pages       ${String(pageSize).padStart(9)}   ${floor.seconds.toFixed(2).padStart(7)}   ${Math.round(
          pods / floor.seconds,
        )
          .toString()
          .padStart(9)}   ${floor.rssMiB.toFixed(0).padStart(12)}   (${floor.detail})`,
      );
      const json = join(out, `audit-${pageSize}.json`);
      const audit = measure([
        join(root, 'bin/tollgate.js'),
        'audit',
        '--kubeconfig',
        kubeconfig,
        '--config',
        join(root, 'fixtures/k8s/tollgate.yaml'),
        '--page-size',
        String(pageSize),
        '--now',
        '2026-11-23',
        '--fail-on',
        'never',
        '--format',
        `json=${json}`,
      ]);
      const summary = (JSON.parse(readFileSync(json, 'utf8')) as { summary: { violations: number; resources: number } }).summary;
      console.log(
        `tollgate audit (judge every Pod)      ${String(pageSize).padStart(9)}   ${audit.seconds.toFixed(2).padStart(7)}   ${Math.round(
          pods / audit.seconds,
        )
          .toString()
          .padStart(9)}   ${audit.rssMiB.toFixed(0).padStart(12)}   ${summary.violations} violations in ${summary.resources} objects`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]));
else await main();
