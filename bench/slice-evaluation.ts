/**
 * `node --import tsx bench/slice-evaluation.ts [--rounds N] [--config FILE] [--bundle FILE]... PLAN`: the CPU time of one slice's
 * evaluation (tollgate/resource_findings over the plan's first 1,000 resources) and of reading its result as the
 * engine does, for each bundle given (default: the built-in one), in one process with the bundles' rounds
 * interleaved, so two builds of the policies are compared under the same load. Prints each bundle's medians and
 * ranges, and the size of the result's JSON text. Without --config, the built-in defaults (no environments).
 */
import { loadPolicyBundle } from '../src/cli/policy-source.js';
import { loadConfig } from '../src/config/config.js';
import { readBundleFile, type Bundle } from '../src/engine/bundle.js';
import { loadPolicySync, type Policy } from '../src/engine/opa-wasm.js';
import { pagesFor, SLICE_ENTRYPOINT, SLICE_RESOURCES } from '../src/engine/policy-engine.js';
import { readDecision } from '../src/engine/read-decision.js';
import { encodeResources, frameOf } from '../src/engine/sliced-input.js';
import { normalisePlan } from '../src/inputs/terraform/normalise.js';
import { readPlanText } from '../src/inputs/terraform/plan-file.js';
import { parseJsonText } from '../src/inputs/terraform/plan-json.js';
import { PlanShape } from '../src/inputs/terraform/plan-shape.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';

const args = process.argv.slice(2);
let rounds = 10;
let configFile: string | undefined;
const bundleFiles: string[] = [];
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--rounds') rounds = Number(args[++i]);
  else if (arg === '--bundle') bundleFiles.push(args[++i] ?? '');
  else if (arg === '--config') configFile = args[++i];
  else if (arg !== undefined) rest.push(arg);
}
const [planFile] = rest;
if (planFile === undefined || !Number.isInteger(rounds) || rounds < 1) {
  throw new Error('usage: slice-evaluation.ts [--rounds N] [--config FILE] [--bundle FILE]... PLAN');
}

const loaded = loadConfig(configFile);
const text = readPlanText(planFile, 1 << 30);
const plan = normalisePlan(parseJsonText(text, planFile), new PlanShape(text, planFile));
const input = await prepare({
  subject: { kind: 'plan', plan, source: planFile, environment: null },
  sources: { spendFiles: [] },
  settings: prepareSettings(loaded, {}),
  now: '2025-06-01T00:00:00Z',
});
const frame = frameOf(input as unknown as Record<string, unknown>);
const run = encodeResources(input.resources, 0, Math.min(SLICE_RESOURCES, input.resources.length), false);
const encoder = new TextEncoder();
const sliceBytes = new Uint8Array([
  ...encoder.encode('{"resources":['),
  ...run,
  ...encoder.encode(frame.rest === '' ? ']}' : `],${frame.rest}}`),
]);

interface Subject {
  readonly name: string;
  readonly policy: Policy;
  readonly entrypoint: number;
  readonly evaluate: number[];
  readonly read: number[];
  resultBytes: number;
}

/** Node's WebAssembly global; the ES lib typings in use do not declare it. */
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

function subjectOf(name: string, bundle: Bundle): Subject {
  const module = new wasm.Module(bundle.wasm);
  const policy = loadPolicySync(module, pagesFor(sliceBytes.byteLength));
  const tollgate = { ...((bundle.data.tollgate as Record<string, unknown> | undefined) ?? {}), config: { ...loaded.config } };
  policy.setData({ ...bundle.data, tollgate });
  const entrypoint = policy.entrypoints[SLICE_ENTRYPOINT];
  if (entrypoint === undefined) throw new Error(`${name} has no ${SLICE_ENTRYPOINT}`);
  return { name, policy, entrypoint, evaluate: [], read: [], resultBytes: 0 };
}

const subjects =
  bundleFiles.length === 0
    ? [subjectOf('built-in', await loadPolicyBundle({}))]
    : bundleFiles.map((file) => subjectOf(file, readBundleFile(file)));

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

for (let round = 0; round < rounds; round++) {
  for (const subject of subjects) {
    const start = process.cpuUsage();
    const resultSet = subject.policy.evaluate(sliceBytes.slice().buffer, subject.entrypoint);
    subject.evaluate.push(cpuMs(start));
    const reading = process.cpuUsage();
    const decision = readDecision(resultSet, subject.name);
    subject.read.push(cpuMs(reading));
    subject.resultBytes = JSON.stringify(resultSet).length;
    if (round === 0) process.stdout.write(`${subject.name}: ${decision.violations.length + decision.warnings.length} findings\n`);
  }
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${median.toFixed(1)} ms (${(sorted[0] ?? 0).toFixed(1)}-${(sorted[sorted.length - 1] ?? 0).toFixed(1)})`;
}

for (const subject of subjects) {
  process.stdout.write(
    `${subject.name}: evaluate ${summary(subject.evaluate)}, read ${summary(subject.read)}, result ${subject.resultBytes} characters of JSON\n`,
  );
}
