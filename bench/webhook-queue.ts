/**
 * `node --import tsx bench/webhook-queue.ts`: admission latency on one dedicated core, whatever else the machine
 * runs. A Poisson arrival trace at each load (BENCH_LOADS, default 0.4,0.76: the share of the core the server
 * needs, from its CPU per request measured in a warm-up; 0.76 is 2,000 req/s at the 0.38 ms per request of an
 * idle machine; BENCH_REQUESTS per run, default 6000) is replayed through the server's own admission path
 * (JSON.parse, AdmissionHandler.admit and decide with the built-in bundle and fixtures/k8s/tollgate.yaml, the
 * response's JSON) on a virtual clock that each step advances by the CPU time it took. The clock follows the event
 * loop of src/webhook/server.ts: a turn reads and parses every request that has arrived by then, then prepares and
 * judges one batch (at most `cap` requests, oldest first) and writes their answers. TLS and HTTP are a fixed CPU
 * cost per request (BENCH_HTTP_US, default 80 µs: the floor server's CPU per request on an idle machine), half on
 * reading, half on writing.
 *
 * Each batch cap is replayed on the same trace, the caps taking turns BENCH_ROUNDS times (default 3), and the
 * median of each figure is printed. A request's latency is the virtual time from its arrival to the end of its
 * answer's write: what a dedicated core would give, with the queueing a p99 is made of and none of the machine's
 * other load (contention still inflates CPU times, alike for every cap).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdmissionHandler, type PendingReview } from '../src/webhook/admission-handler.js';
import { WebhookMetrics } from '../src/webhook/metrics.js';
import { PolicyState } from '../src/webhook/policy-state.js';
import { jsonLogger } from '../src/webhook/logger.js';
import { MAX_REVIEWS_PER_EVALUATION } from '../src/webhook/review-batcher.js';
import type { JsonObject } from '../src/inputs/kubernetes/object-shape.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const body = readFileSync(join(root, 'fixtures/k8s/admission/gpu-deployment.json'), 'utf8');
const loads = (process.env['BENCH_LOADS'] ?? '0.4,0.76').split(',').map(Number);
const requests = Number(process.env['BENCH_REQUESTS'] ?? 6000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const httpMicros = Number(process.env['BENCH_HTTP_US'] ?? 80);

/** How many requests one evaluation judges at most (the server: MAX_REVIEWS_PER_EVALUATION). */
const CAPS: readonly number[] = [MAX_REVIEWS_PER_EVALUATION, 8, 4];

const quiet = { log: (): void => undefined };
const metrics = new WebhookMetrics({ defaultMetrics: false });
const state = new PolicyState({ configFile: join(root, 'fixtures/k8s/tollgate.yaml') }, quiet, metrics);
await state.load();
let written = 0;
const handler = new AdmissionHandler({
  policy: () => state.current,
  metrics,
  // The decision log line is formatted as the server formats it, and dropped.
  logger: jsonLogger('info', (line) => {
    written += line.length;
  }),
  evalTimeoutMs: 3_600_000,
});

/** Runs `step` and returns its CPU time in ms. */
function cpuOf(step: () => void): number {
  const before = process.cpuUsage();
  step();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Arrival times (ms) of a Poisson process at `rate` per second, the same for every schedule of a round. */
function arrivals(rate: number, count: number, seed: number): number[] {
  let state32 = seed >>> 0;
  const random = (): number => {
    // xorshift32: a fixed trace per seed, so every schedule replays the same arrivals.
    state32 ^= state32 << 13;
    state32 ^= state32 >>> 17;
    state32 ^= state32 << 5;
    return ((state32 >>> 0) + 1) / 4294967297;
  };
  const times: number[] = [];
  let time = 0;
  for (let i = 0; i < count; i += 1) {
    time += (-Math.log(random()) * 1000) / rate;
    times.push(time);
  }
  return times;
}

interface Waiting {
  readonly index: number;
  readonly arrivedAt: number;
  readonly pending: PendingReview;
}

interface Run {
  readonly latencies: number[];
  readonly cpuPerRequestMs: number;
  readonly longestTurnMs: number;
}

/** The event loop of the server on the virtual clock, judging at most `cap` requests per evaluation. */
function replay(cap: number, times: readonly number[]): Run {
  const latencies: number[] = new Array<number>(times.length).fill(0);
  const queue: Waiting[] = [];
  let clock = 0;
  let next = 0;
  let busy = 0;
  let longestTurnMs = 0;
  const answers: JsonObject[] = [];
  const spend = (ms: number): void => {
    clock += ms;
    busy += ms;
  };
  while (next < times.length || queue.length > 0) {
    if (queue.length === 0 && (times[next] ?? 0) > clock) clock = times[next] ?? clock;
    const turnStart = clock;
    // Poll: every request that has arrived by now is read and parsed (server.ts: readBody, JSON.parse, admit).
    while (next < times.length && (times[next] ?? Infinity) <= clock) {
      const index = next;
      const arrivedAt = times[index] ?? 0;
      next += 1;
      spend(cpuOf(() => queue.push({ index, arrivedAt, pending: handler.admit(JSON.parse(body), 0) })) + httpMicros / 2000);
    }
    // Check: one batch, oldest first, prepared, judged and answered (review-batcher.ts, then the writes).
    const batch = queue.splice(0, cap);
    if (batch.length > 0) {
      spend(
        cpuOf(() => {
          answers.length = 0;
          for (const review of handler.decide(batch.map(({ pending }) => pending))) answers.push(review);
        }),
      );
      for (const [position, waiting] of batch.entries()) {
        spend(cpuOf(() => (written += JSON.stringify(answers[position]).length)) + httpMicros / 2000);
        latencies[waiting.index] = clock - waiting.arrivedAt;
      }
    }
    longestTurnMs = Math.max(longestTurnMs, clock - turnStart);
  }
  return { latencies, cpuPerRequestMs: busy / times.length, longestTurnMs };
}

const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

// Warm-up: V8 tiers up the policy's wasm and the JavaScript before anything is measured; the server's schedule at a
// low rate then gives the CPU per request that sets the rate of each load.
replay(MAX_REVIEWS_PER_EVALUATION, arrivals(500, 3000, 7));
const cpuPerRequestMs = replay(MAX_REVIEWS_PER_EVALUATION, arrivals(500, 2000, 8)).cpuPerRequestMs;

const lines: string[] = [];
for (const load of loads) {
  const rate = Math.round((load * 1000) / cpuPerRequestMs);
  const figures = new Map<string, Array<{ p50: number; p99: number; max: number; cpu: number; turn: number }>>();
  for (let round = 0; round < rounds; round += 1) {
    const trace = arrivals(rate, requests, 1 + round);
    for (const cap of CAPS) {
      const name = `${cap} per evaluation${cap === MAX_REVIEWS_PER_EVALUATION ? ' (the server)' : ''}`;
      const run = replay(cap, trace);
      const sorted = [...run.latencies].sort((a, b) => a - b);
      const list = figures.get(name) ?? [];
      list.push({
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted.at(-1) ?? NaN,
        cpu: run.cpuPerRequestMs,
        turn: run.longestTurnMs,
      });
      figures.set(name, list);
    }
  }
  for (const [name, list] of figures) {
    const pick = (field: 'p50' | 'p99' | 'max' | 'cpu' | 'turn'): string => median(list.map((figure) => figure[field])).toFixed(2);
    lines.push(
      `load ${load} (${rate} req/s)`.padEnd(24) +
        name.padEnd(42) +
        ` p50 ${pick('p50')} ms  p99 ${pick('p99')} ms  max ${pick('max')} ms  ` +
        `CPU ${pick('cpu')} ms/request  longest turn ${pick('turn')} ms`,
    );
    process.stdout.write(`${lines.at(-1)}\n`);
  }
}
process.stdout.write(
  `\nwebhook queue bench: ${requests} requests per run, median of ${rounds}, TLS and HTTP ${httpMicros} µs per request; ` +
    `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${written > 0 ? 'answers written' : 'nothing written'})\n`,
);
