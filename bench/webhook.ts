/**
 * `node --import tsx bench/webhook.ts`: admission latency of `tollgate serve` under a fixed request rate,
 * beside the floor (a trivial Node HTTPS server answering a constant allow on the same machine and TLS).
 * autocannon sends a realistic GPU Deployment AdmissionReview for BENCH_SECONDS (default 30) at each rate
 * (default 500 and 2000 req/s, `overallRate`). autocannon paces per second, not per request: each connection sends
 * its share of a second's requests back to back, each as soon as the previous answer arrives, then waits for the
 * next second, so a rate is a burst of `connections` requests in flight until the second's count is answered, and
 * the percentiles measure how fast a server works through that queue. BENCH_LOAD=open sends each request at its own
 * evenly spaced time instead and counts its latency from then (bench/open-loop.ts): the latency at that rate.
 * Both servers run in their own process so load generation does not share their event loop. Each row
 * prints p50/p99, the rate served, and the server's CPU time per request (its processes' user + system time
 * from /proc over the run, workers included) beside the load generator's (autocannon runs in this process, on the same
 * cores), with the ratios to the floor and the machine, and under it how long each server held its event loop and
 * paused for garbage collection over the run (bench/loop-hook.mjs).
 * BENCH_ROUNDS=N measures each rate N times, the two servers taking turns, and prints the median p99 ratio;
 * BENCH_WORKERS=N|auto runs `serve --workers`; --quick: 5 s at 2,000 req/s only; BENCH_CPU_PROF=dir profiles serve;
 * BENCH_SERVE='node arguments' runs serve from them instead of bin/tollgate.js (e.g. `--import tsx entry.mjs`, an
 * entry that runs another copy's src/cli/main.ts, to compare two versions without a build); BENCH_SPLIT=0 skips
 * the in-process steps below.
 * Then the CPU and heap allocation of each step of a request outside TLS and HTTP (parse, prepare, evaluation by batch
 * size, all but the evaluation together, and the whole path), measured in this process with the same modules.
 * Targets (read by people): p99 within 1.5× the floor at 2,000 req/s with every request served.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, tmpdir, type } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openLoop } from './open-loop.js';
import { median } from './median.js';
import { parseWorkers } from '../src/webhook/workers.js';

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
const quick = process.argv.includes('--quick');
const seconds = Number(process.env['BENCH_SECONDS'] ?? (quick ? 5 : 30));
const rates = (process.env['BENCH_RATES'] ?? (quick ? '2000' : '500,2000')).split(',').map(Number);
const workers = process.env['BENCH_WORKERS'] ?? '1';
/**
 * BENCH_ROUNDS=N: N measured runs per rate, tollgate and the floor taking turns, and the median of the per-round
 * p99 ratios: a single 30-second p99 on two shared cores moves by a factor of two from run to run, the floor's too.
 */
const roundCount = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 1));
/** BENCH_LOAD=open: requests sent at evenly spaced times (bench/open-loop.ts) instead of autocannon's bursts. */
const openLoad = process.env['BENCH_LOAD'] === 'open';
/** Connections the open-loop generator may open: enough that none waits for one below a few hundred ms of queueing. */
const OPEN_LOOP_CONNECTIONS = 64;
/** BENCH_CPU_PROF=dir: the serve process (the primary; workers are forked with the same flags) writes a V8 CPU profile there on exit. */
const profileDir = process.env['BENCH_CPU_PROF'];
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = Number(process.env['BENCH_CLK_TCK'] ?? 100);

/** The fields of /proc/<pid>/stat after the command name (in parentheses, and it may contain spaces); null when gone. */
function procStat(id: string): string[] | null {
  try {
    const text = readFileSync(`/proc/${id}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** A process and its direct children (the serve workers), with their stat fields, from /proc; empty elsewhere. */
function processTree(pid: number): Array<{ readonly pid: number; readonly fields: string[] }> {
  if (!existsSync('/proc')) return [];
  const found: Array<{ readonly pid: number; readonly fields: string[] }> = [];
  for (const id of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const fields = procStat(id);
    // fields[1] is the parent pid.
    if (fields !== null && (id === String(pid) || fields[1] === String(pid))) found.push({ pid: Number(id), fields });
  }
  return found;
}

/** CPU time (ms) of a process and its direct children (the serve workers), from /proc; NaN elsewhere. */
function cpuMs(pid: number): number {
  const tree = processTree(pid);
  // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)).
  const ticks = tree.reduce((sum, { fields }) => sum + Number(fields[11]) + Number(fields[12]), 0);
  return tree.length > 0 ? (ticks * 1000) / CLOCK_TICKS : NaN;
}

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

/** What bench/loop-hook.mjs saw in one server process over one window. */
interface LoopWindow {
  readonly pid: number;
  /** Intervals of a 1 ms timer: 1 ms is an idle loop; more is how long the loop was held. */
  readonly delay: { readonly p50Ms: number; readonly p99Ms: number; readonly p999Ms: number; readonly maxMs: number };
  /** CPU time between two ticks of the 1 ms timer: how long a turn of the loop held it, whatever the machine's load. */
  readonly turnCpu: { readonly p99Ms: number; readonly p999Ms: number; readonly maxMs: number };
  readonly minorGc: GcPauses;
  readonly majorGc: GcPauses;
}
interface GcPauses {
  readonly count: number;
  readonly totalMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

interface RunningServer {
  readonly child: ChildProcess;
  readonly port: number;
  /** The `bench-loop` lines printed so far, parsed. */
  readonly loopLines: LoopWindow[];
}

const LOOP_HOOK = join(root, 'bench/loop-hook.mjs');
const LOOP_PREFIX = 'bench-loop ';

/**
 * Spawns a server process with the loop hook and resolves with its port once it prints its "listening" line (and
 * is ready). Its stderr is passed on, except the hook's lines, which are kept.
 */
function startServer(args: string[], readyPattern: RegExp): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', LOOP_HOOK, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const loopLines: LoopWindow[] = [];
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(LOOP_PREFIX)) loopLines.push(JSON.parse(line.slice(LOOP_PREFIX.length)) as LoopWindow);
        else process.stderr.write(`${line}\n`);
      }
    });
    let output = '';
    let port = 0;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      port ||= Number(/"msg":"listening".*?"port":(\d+)/.exec(output)?.[1] ?? 0);
      if (port && readyPattern.test(output)) {
        child.stdout.off('data', onData);
        child.stdout.resume(); // keep draining decision logs, as a log collector would
        resolve({ child, port, loopLines });
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

/**
 * Ends the hook's current window in the server and each of its workers and returns what each saw (an empty list
 * where /proc is missing). The first call after start-up only starts the window a run is measured over.
 */
async function loopWindow(server: RunningServer): Promise<LoopWindow[]> {
  const pids = processTree(server.child.pid ?? 0).map(({ pid }) => pid);
  const before = server.loopLines.length;
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  const deadline = performance.now() + 5_000;
  while (server.loopLines.length < before + pids.length && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return server.loopLines.slice(before);
}

/** One figure for a run: the worst process's loop percentiles and pauses, the pauses counted over all of them. */
function describeLoop(windows: readonly LoopWindow[]): string {
  if (windows.length === 0) return 'loop n/a';
  const worst = (pick: (window: LoopWindow) => number): number => Math.max(...windows.map(pick));
  const sum = (pick: (window: LoopWindow) => number): number => windows.reduce((total, window) => total + pick(window), 0);
  return [
    `loop p50/p99/p99.9/max ${worst((w) => w.delay.p50Ms)}/${worst((w) => w.delay.p99Ms)}/${worst((w) => w.delay.p999Ms)}/${worst((w) => w.delay.maxMs)} ms`,
    `turn CPU p99/p99.9/max ${worst((w) => w.turnCpu.p99Ms)}/${worst((w) => w.turnCpu.p999Ms)}/${worst((w) => w.turnCpu.maxMs)} ms`,
    `minor GC ${sum((w) => w.minorGc.count)} × (${sum((w) => w.minorGc.totalMs)} ms, p99 ${worst((w) => w.minorGc.p99Ms)}, max ${worst((w) => w.minorGc.maxMs)})`,
    `major GC ${sum((w) => w.majorGc.count)} × (${sum((w) => w.majorGc.totalMs)} ms, max ${worst((w) => w.majorGc.maxMs)})`,
  ].join(', ');
}

async function measure(port: number, ca: Buffer, rate: number): Promise<AutocannonResult> {
  if (openLoad) return openLoop({ port, path: '/validate', ca, body: review, rate, seconds, connections: OPEN_LOOP_CONNECTIONS });
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

/** Requests per second of the warm-up runs. */
const WARM_UP_RATE = 1_000;

/**
 * Requests each serve process answers before it is measured. A fresh process took 1.0 ms of CPU per request over
 * its first 3,000, 0.5 ms over the next 3,000 and 0.35-0.39 ms after that (V8 optimising the prepare stage and
 * tiering up the policy's wasm); workers each warm up on their share of the requests.
 */
const WARM_UP_REQUESTS_PER_PROCESS = 8_000;

/** The serve processes that answer requests: the workers, or the one process. */
function servingProcesses(): number {
  return parseWorkers(workers);
}

async function warmUp(port: number, ca: Buffer, seconds: number): Promise<void> {
  await autocannon({
    url: `https://127.0.0.1:${port}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: review,
    connections: 10,
    duration: seconds,
    overallRate: WARM_UP_RATE,
    tlsOptions: { ca },
  });
}

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

/** Reviews each in-process step runs before it is measured, as a server does in its first seconds under load. */
const WARM_UP_REVIEWS = 8_000;

/**
 * CPU µs per call of `step`, over `count` calls after `warmUpCalls` (default a fifth as many). A step of plain
 * JavaScript needs thousands of calls before V8 has optimised it: measured after a few hundred, preparing a review
 * cost four times what it costs in a server that has been answering for a while.
 */
function cpuMicros(count: number, step: () => void, warmUpCalls = count / 5): number {
  for (let i = 0; i < warmUpCalls; i += 1) step();
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) step();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/**
 * Heap kB allocated per call of `step`: the growth of the used heap over windows of `perWindow` calls, the median of
 * the windows that saw no garbage collection. A window with a collection shows the heap shrinking (a scavenge frees
 * the young generation's garbage, megabytes, more than a window allocates), so only growing windows are kept; what
 * `step` keeps alive counts as allocated, and external memory (ArrayBuffers) does not.
 */
function heapKilobytes(perWindow: number, step: () => void, windows = 15): number {
  const grown: number[] = [];
  for (let window = 0; window < 4 * windows && grown.length < windows; window += 1) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < perWindow; i += 1) step();
    const after = process.memoryUsage().heapUsed;
    if (after > before) grown.push((after - before) / perWindow / 1024);
  }
  grown.sort((a, b) => a - b);
  return grown[Math.floor(grown.length / 2)] ?? NaN;
}

/** One line of the in-process figures: CPU µs and heap kB per review. */
function stepLine(name: string, micros: number, kilobytes: number, note = ''): string {
  return `${name.padEnd(46)}${`${micros.toFixed(0)} µs`.padStart(8)}${`${kilobytes.toFixed(1)} kB`.padStart(10)} per review${note}`;
}

/**
 * Where a request's CPU goes outside TLS and HTTP, measured in this process through the same modules the server
 * runs (the fixture config and the built-in bundle): parsing the body, preparing the admission input, evaluating
 * it at each batch size, everything but the evaluation together (parse, prepare, verdict, decision log line
 * formatted, metrics, response JSON), and the whole path with the evaluation, as the server does it for a batch;
 * each with the heap it allocates, which is what the server's young-generation collections are paid for.
 */
async function cpuSplit(): Promise<string[]> {
  const { PolicyState } = await import('../src/webhook/policy-state.js');
  type ServedPolicy = NonNullable<InstanceType<typeof PolicyState>['current']>;
  const { WebhookMetrics } = await import('../src/webhook/metrics.js');
  const { AdmissionHandler, policyInputFor } = await import('../src/webhook/admission-handler.js');
  const { parseAdmissionReview } = await import('../src/webhook/admission-review.js');
  const { jsonLogger } = await import('../src/webhook/logger.js');
  const { MAX_REVIEWS_PER_EVALUATION } = await import('../src/webhook/review-batcher.js');
  const quiet = { log: (): void => undefined };
  const metrics = new WebhookMetrics({ defaultMetrics: false });
  const state = new PolicyState({ configFile: join(root, 'fixtures/k8s/tollgate.yaml') }, quiet, metrics);
  const policy = await state.load();
  const request = parseAdmissionReview(JSON.parse(review));
  const input = policyInputFor(request, policy, new Date());
  const count = quick ? 1_000 : 4_000;
  const parse = (): unknown => parseAdmissionReview(JSON.parse(review));
  const prepare = (): unknown => policyInputFor(request, policy, new Date());
  const lines = [
    stepLine('parse body (JSON.parse + AdmissionReview)', cpuMicros(count, parse, WARM_UP_REVIEWS), heapKilobytes(50, parse)),
    stepLine('prepare admission input', cpuMicros(count, prepare, WARM_UP_REVIEWS), heapKilobytes(50, prepare)),
  ];
  // The batch sizes take turns, a few evaluations each, so that a busy machine slows them alike. Evaluated as the
  // server evaluates them, without input digests.
  const withoutDigests = { inputDigests: false } as const;
  const sizes = [1, 2, 4, 8, 16];
  const warmBatch = Array.from({ length: MAX_REVIEWS_PER_EVALUATION }, () => input);
  for (let i = 0; i < WARM_UP_REVIEWS / MAX_REVIEWS_PER_EVALUATION; i += 1) policy.engine.evaluateBatch(warmBatch, withoutDigests);
  const used = new Map<number, number>();
  const reviewsPerTurn = 48;
  const turns = Math.ceil(count / reviewsPerTurn);
  for (let turn = 0; turn < turns; turn += 1) {
    for (const size of sizes) {
      const inputs = Array.from({ length: size }, () => input);
      const micros = cpuMicros(Math.ceil(reviewsPerTurn / size), () => policy.engine.evaluateBatch(inputs, withoutDigests)) / size;
      if (turn >= turns / 5) used.set(size, (used.get(size) ?? 0) + micros);
    }
  }
  for (const size of sizes) {
    const perReview = (used.get(size) ?? NaN) / (turns - Math.ceil(turns / 5));
    const inputs = Array.from({ length: size }, () => input);
    const kilobytes = heapKilobytes(Math.ceil(48 / size), () => policy.engine.evaluateBatch(inputs, withoutDigests)) / size;
    const chosen = size === MAX_REVIEWS_PER_EVALUATION ? ' (the server batch size)' : '';
    lines.push(stepLine(`evaluate, ${String(size).padStart(2)} per evaluation`, perReview, kilobytes, chosen));
  }
  // Everything but the evaluation, measured with the policy's decisions computed beforehand: a batch's bodies
  // parsed and admitted, then decided (each prepared, its verdict, decision log line, metrics) and answered.
  const batch = MAX_REVIEWS_PER_EVALUATION;
  const decisions = policy.engine.evaluateBatch(Array.from({ length: batch }, () => input));
  const decided: ServedPolicy = { ...policy, engine: { evaluateBatch: () => decisions } as unknown as ServedPolicy['engine'] };
  const answer = (served: ServedPolicy) => {
    const handler = new AdmissionHandler({
      policy: () => served,
      metrics,
      logger: jsonLogger('info', () => undefined),
      evalTimeoutMs: 60_000,
    });
    return (): void => {
      const pending = Array.from({ length: batch }, () => handler.admit(JSON.parse(review), performance.now()));
      for (const answered of handler.decide(pending)) JSON.stringify(answered);
    };
  };
  const allButEvaluation = answer(decided);
  lines.push(
    stepLine(
      'all but evaluation (parse, prepare, verdict,',
      cpuMicros(Math.ceil(count / batch), allButEvaluation, WARM_UP_REVIEWS / batch) / batch,
      heapKilobytes(4, allButEvaluation) / batch,
    ),
    '  log line, metrics, response JSON)',
  );
  const wholePath = answer(policy);
  lines.push(
    stepLine(
      `the whole path, ${batch} per evaluation`,
      cpuMicros(Math.ceil(count / batch), wholePath, WARM_UP_REVIEWS / batch) / batch,
      heapKilobytes(2, wholePath) / batch,
    ),
  );
  return lines;
}

interface Measured {
  readonly name: string;
  readonly result: AutocannonResult;
  readonly cpuPerRequestMs: number;
  readonly generatorMs: number;
  readonly loop: string;
}

/** Each server loaded at the rate in turn, with its CPU per request, the load generator's, and its event loop's figures. */
async function measureInTurn(rate: number, ca: Buffer, servers: ReadonlyArray<readonly [string, RunningServer]>): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const [name, server] of servers) {
    const pid = server.child.pid ?? 0;
    await loopWindow(server);
    const cpuBefore = cpuMs(pid);
    // autocannon runs in this process: its CPU is what sending the load takes from the same cores.
    const generatorBefore = process.cpuUsage();
    const result = await measure(server.port, ca, rate);
    const generator = process.cpuUsage(generatorBefore);
    const requests = Math.max(1, result.requests.total);
    const cpuPerRequestMs = (cpuMs(pid) - cpuBefore) / requests;
    const generatorMs = (generator.user + generator.system) / 1000 / requests;
    measured.push({ name, result, cpuPerRequestMs, generatorMs, loop: describeLoop(await loopWindow(server)) });
  }
  return measured;
}

function rowOf(name: string, rate: number, ratio: number, { result, cpuPerRequestMs, generatorMs }: Measured): string {
  return [
    name.padEnd(30),
    `${rate} req/s`.padEnd(12),
    `p50 ${fmt(result.latency.p50)}`.padEnd(14),
    `p99 ${fmt(result.latency.p99)}`.padEnd(14),
    `(${ratio.toFixed(2)}× floor p99)`.padEnd(19),
    `max ${fmt(result.latency.max)}`.padEnd(15),
    `${result.requests.average.toFixed(0)} req/s served (${((100 * result.requests.average) / rate).toFixed(1)}%)`.padEnd(30),
    `CPU ${cpuPerRequestMs.toFixed(3)} ms/request`.padEnd(26),
    `(load generator ${generatorMs.toFixed(3)})`.padEnd(26),
    `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
  ].join(' ');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const tls = makeCertificate(dir);
  const webhook = await startServer(
    [
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
      ...(process.env['BENCH_SERVE'] ?? 'bin/tollgate.js').split(' '),
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
      '--workers',
      workers,
    ],
    workers === '1' ? /"msg":"policy loaded"/ : /"msg":"serving with workers"/,
  );
  const floor = await startServer(['-e', FLOOR_SERVER, tls.cert, tls.key], /"msg":"listening"/);
  const rows: string[] = [];
  try {
    // Warm up both (JIT, wasm tier-up) before measuring: serve for as long as its processes need, the floor 3 s.
    await warmUp(webhook.port, tls.ca, Math.ceil((WARM_UP_REQUESTS_PER_PROCESS * servingProcesses()) / WARM_UP_RATE));
    await warmUp(floor.port, tls.ca, 3);
    for (const rate of rates) {
      const ratios: number[] = [];
      const p99s: Array<{ readonly tollgate: number; readonly floor: number }> = [];
      /** The rounds in which tollgate served the whole rate (autocannon's average within one request a second). */
      let servedRounds = 0;
      for (let round = 1; round <= roundCount; round++) {
        const measured = await measureInTurn(rate, tls.ca, [
          [`tollgate serve (${workers === '1' ? '1 process' : `--workers ${workers}`})`, webhook],
          ['floor (constant allow)', floor],
        ]);
        const [tollgateResult, floorResult] = measured;
        if (tollgateResult !== undefined && floorResult !== undefined) {
          ratios.push(tollgateResult.result.latency.p99 / floorResult.result.latency.p99);
          p99s.push({ tollgate: tollgateResult.result.latency.p99, floor: floorResult.result.latency.p99 });
          if (tollgateResult.result.requests.average >= rate - 1) servedRounds++;
        }
        for (const row of measured) {
          const ratio = floorResult === undefined ? NaN : row.result.latency.p99 / floorResult.result.latency.p99;
          rows.push(rowOf(roundCount > 1 ? `${row.name}, round ${round}` : row.name, rate, ratio, row), `${''.padEnd(31)}${row.loop}`);
          process.stdout.write(`${rows.slice(-2).join('\n')}\n`);
        }
      }
      if (roundCount > 1) {
        rows.push(
          `${rate} req/s over ${roundCount} rounds: p99 / floor p99 median ${median(ratios).toFixed(2)}× ` +
            `(${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}); p99 median ${fmt(median(p99s.map((p) => p.tollgate)))} ` +
            `against the floor's ${fmt(median(p99s.map((p) => p.floor)))}; every request served in ${servedRounds} of ${roundCount} rounds`,
        );
        process.stdout.write(`${rows.at(-1) ?? ''}\n`);
      }
    }
  } finally {
    webhook.child.kill('SIGTERM');
    floor.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${type()} ${release()}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
  const split = process.env['BENCH_SPLIT'] === '0' ? [] : await cpuSplit();
  process.stdout.write(
    `\nwebhook bench: ${seconds} s per run, ${openLoad ? 'open-loop load (evenly spaced requests)' : "autocannon's per-second bursts"}, body ${review.length} bytes (fixtures/k8s/admission/gpu-deployment.json); ${machine}\n${rows.join('\n')}\n` +
      `\nCPU and heap allocated per request outside TLS and HTTP, in this process (the same modules, config and bundle as the server):\n${split.join('\n')}\n`,
  );
}

await main();
