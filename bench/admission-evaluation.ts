/**
 * `node --import tsx bench/admission-evaluation.ts [--rounds N] [--batch N] [--review FILE] [--bundle FILE]...`:
 * the CPU time per review of the webhook's batched evaluation (tollgate/batch_decisions, as the server calls it:
 * no input digests) for each bundle given (default: the built-in one), loaded as `serve` loads it with
 * fixtures/k8s/tollgate.yaml. The bundles' rounds are interleaved in one process, so two builds of the policies
 * are compared under the same load. Prints each bundle's median and range in µs per review, and fails when the
 * bundles' decisions differ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyInputFor } from '../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../src/webhook/admission-review.js';
import { WebhookMetrics } from '../src/webhook/metrics.js';
import { PolicyState, type ServedPolicy } from '../src/webhook/policy-state.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
let rounds = 30;
let batch = 16;
let reviewFile = join(root, 'fixtures/k8s/admission/gpu-deployment.json');
const bundleFiles: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = args[i + 1] ?? '';
  if (arg === '--rounds') rounds = Number(value);
  else if (arg === '--batch') batch = Number(value);
  else if (arg === '--review') reviewFile = value;
  else if (arg === '--bundle') bundleFiles.push(value);
  else throw new Error(`unknown argument ${String(arg)}`);
  i += 1;
}
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(batch) || batch < 1) {
  throw new Error('usage: admission-evaluation.ts [--rounds N] [--batch N] [--review FILE] [--bundle FILE]...');
}

/** Evaluations per round: enough reviews that a round's CPU time is well above the clock's resolution. */
const EVALUATIONS_PER_ROUND = Math.ceil(800 / batch);
/** Evaluations before measuring, while V8 tiers up the policy's wasm code. */
const WARM_UP_EVALUATIONS = Math.ceil(8_000 / batch);

interface Subject {
  readonly name: string;
  readonly policy: ServedPolicy;
  readonly micros: number[];
}

const quiet = { log: (): void => undefined };
const review = readFileSync(reviewFile, 'utf8');

async function subjectOf(name: string, bundleFile: string | undefined): Promise<Subject> {
  const sources = { configFile: join(root, 'fixtures/k8s/tollgate.yaml'), ...(bundleFile === undefined ? {} : { bundleFile }) };
  const state = new PolicyState(sources, quiet, new WebhookMetrics({ defaultMetrics: false }));
  return { name, policy: await state.load(), micros: [] };
}

const subjects =
  bundleFiles.length === 0 ? [await subjectOf('built-in', undefined)] : await Promise.all(bundleFiles.map((file) => subjectOf(file, file)));

const withoutDigests = { inputDigests: false } as const;
const now = new Date('2026-01-01T00:00:00Z');
const inputsOf = (subject: Subject) => {
  const request = parseAdmissionReview(JSON.parse(review));
  return Array.from({ length: batch }, () => policyInputFor(request, subject.policy, now));
};

// Compared without the bundle revision, which names the build.
const decisions = subjects.map((subject) =>
  JSON.stringify(subject.policy.engine.evaluateBatch(inputsOf(subject), withoutDigests).map(({ bundleRevision: _, ...rest }) => rest)),
);
for (const [i, decision] of decisions.entries()) {
  if (decision !== decisions[0]) throw new Error(`${subjects[i]?.name ?? ''} decides otherwise than ${subjects[0]?.name ?? ''}`);
}

for (const subject of subjects) {
  const inputs = inputsOf(subject);
  for (let i = 0; i < WARM_UP_EVALUATIONS; i++) subject.policy.engine.evaluateBatch(inputs, withoutDigests);
}

for (let round = 0; round < rounds; round++) {
  for (const subject of subjects) {
    const inputs = inputsOf(subject);
    const start = process.cpuUsage();
    for (let i = 0; i < EVALUATIONS_PER_ROUND; i++) subject.policy.engine.evaluateBatch(inputs, withoutDigests);
    const used = process.cpuUsage(start);
    subject.micros.push((used.user + used.system) / (EVALUATIONS_PER_ROUND * batch));
  }
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${median.toFixed(1)} µs (${(sorted[0] ?? 0).toFixed(1)}-${(sorted[sorted.length - 1] ?? 0).toFixed(1)})`;
}

process.stdout.write(`${batch} reviews per evaluation, ${rounds} rounds of ${EVALUATIONS_PER_ROUND} evaluations; decisions identical\n`);
for (const subject of subjects) process.stdout.write(`${subject.name}: ${summary(subject.micros)} of CPU per review\n`);
