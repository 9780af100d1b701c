/**
 * `node --import tsx bench/audit.ts`: time and peak RSS of `tollgate audit` (the built CLI, dist/) over
 * BENCH_PODS Pods (default 10,000) served by a local HTTPS API server, at each page size of BENCH_PAGE_SIZES
 * (default 500 and 5000), beside the floor: a plain Node process that reads the same pages and parses them,
 * judging nothing. The server is the recording fake of test/audit/ (paginated lists, discovery, the real
 * client's TLS and token), in its own process so only the audit's memory is measured; the real kube-apiserver
 * is exercised by test/e2e/audit.sh, but filling it with 10,000 Pods one request at a time takes minutes.
 * One Pod in ten asks for an A100 in ml-dev (a violation); the rest are compliant L4 Pods in ml-prod.
 * Each row prints wall time, CPU time (user + system) and peak RSS. A second table judges the same Pods in this
 * process, already prepared, one by one through `evaluate` (the whole input each time, as the audit did before
 * batching) and at several batch sizes (objects per evaluation of tollgate/batch_decisions): the CPU per object
 * that chose the audit's batch size (src/audit/judge-object.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
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
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  readonly detail: string;
}

/** Loaded into each measured process beside rss-hook.mjs: its CPU time (user + system) on exit. */
const CPU_HOOK = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nbench-cpu-us=' + (u.user + u.system) + '\\n'); });",
)}`;

function measure(args: readonly string[]): Figures {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-hook.mjs'), '--import', CPU_HOOK, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /bench-max-rss-kib=(\d+)/.exec(result.stderr)?.[1];
  const cpu = /bench-cpu-us=(\d+)/.exec(result.stderr)?.[1];
  if (rss === undefined || cpu === undefined || (result.status !== 0 && result.status !== 1)) {
    throw new Error(`run failed (${result.status}): ${result.stderr}`);
  }
  return {
    seconds,
    cpuSeconds: Number(cpu) / 1e6,
    rssMiB: Number(rss) / 1024,
    detail: result.stderr.split('\n').find((line) => line.startsWith('objects=')) ?? '',
  };
}

/**
 * CPU per object of judging the bench's Pods in this process at each batch size, the objects prepared once
 * beforehand (the same prepare stage, settings and bundle as the audit), after a warm-up.
 */
async function judgeByBatchSize(pods: number, sizes: readonly number[]): Promise<void> {
  const { gpuPod } = await import('../test/audit/workloads.js');
  const { JUDGED_KINDS } = await import('../src/audit/judged-kinds.js');
  const { policyInputForObject } = await import('../src/audit/judge-object.js');
  const { loadConfig } = await import('../src/config/config.js');
  const { prepareSettings } = await import('../src/prepare/index.js');
  const { readBundleFile } = await import('../src/engine/bundle.js');
  const { PolicyEngine } = await import('../src/engine/policy-engine.js');
  const { builtinBundlePath } = await import('../src/package-paths.js');
  const loaded = loadConfig(join(root, 'fixtures/k8s/tollgate.yaml'));
  const settings = prepareSettings(loaded);
  const engine = await PolicyEngine.load(
    readBundleFile(builtinBundlePath),
    { ...loaded.config },
    { catalog: settings.acceleratorOffers() },
  );
  const kind = JUDGED_KINDS.find((candidate) => candidate.kind === 'Pod');
  if (kind === undefined) throw new Error('Pods are not judged');
  const inputs = Array.from({ length: pods }, (_, i) =>
    policyInputForObject(
      i % 10 === 0 ? gpuPod('ml-dev', `train-a100-${i}`, 'nvidia-tesla-a100') : gpuPod('ml-prod', `serve-l4-${i}`, 'nvidia-l4'),
      kind,
      { engine, settings },
      '2026-11-23T00:00:00Z',
    ),
  );
  const judge = (size: number): number => {
    const before = process.cpuUsage();
    for (let start = 0; start < inputs.length; start += size) engine.evaluateBatch(inputs.slice(start, start + size));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / inputs.length;
  };
  judge(32);
  console.log(`\njudging ${pods.toLocaleString('en-US')} prepared Pods in this process (policy evaluation only)`);
  console.log('objects per evaluation   CPU µs per object');
  const alone = (): number => {
    const before = process.cpuUsage();
    for (const input of inputs) engine.evaluate(input);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / inputs.length;
  };
  console.log(`  evaluate, one by one   ${alone().toFixed(0).padStart(17)}`);
  for (const size of sizes) console.log(`${String(size).padStart(22)}   ${judge(size).toFixed(0).padStart(17)}`);
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
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log('run                                   page size   seconds   CPU s   objects/s   peak RSS MiB   findings');
    for (const pageSize of pageSizes) {
      const floor = measure(['-e', FLOOR, url, ca, String(pageSize)]);
      console.log(
        `floor: read and parse the pages       ${String(pageSize).padStart(9)}   ${floor.seconds.toFixed(2).padStart(7)}   ${floor.cpuSeconds.toFixed(2).padStart(5)}   ${Math.round(
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
        `tollgate audit (judge every Pod)      ${String(pageSize).padStart(9)}   ${audit.seconds.toFixed(2).padStart(7)}   ${audit.cpuSeconds.toFixed(2).padStart(5)}   ${Math.round(
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
  await judgeByBatchSize(Math.min(pods, 2_000), [1, 4, 8, 16, 32, 64, 128, 512]);
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]));
else await main();
