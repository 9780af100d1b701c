/**
 * `node --import tsx bench/check-stages.ts [--runs N] PLAN [FORMAT...]`: the CPU time of each stage of one
 * `tollgate check`, in one fresh process, as the CLI runs them: read and parse the plan, normalise it, price and
 * prepare the input, load the engine, evaluate, render and write each format. A stage's figure includes the
 * garbage collection it caused. Prints one JSON line. With `--runs N` it runs N fresh processes one after another
 * and prints each one's line, then the median (and the range) of every stage: a first run in a process is what a
 * check pays, and on a shared machine one run says little.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyBundle } from '../src/cli/policy-source.js';
import { parseOutputTargets, writeOutputs } from '../src/cli/outputs.js';
import { loadConfig } from '../src/config/config.js';
import { PolicyEngine } from '../src/engine/policy-engine.js';
import { normalisePlan } from '../src/inputs/terraform/normalise.js';
import { readPlanText } from '../src/inputs/terraform/plan-file.js';
import { parseJsonText } from '../src/inputs/terraform/plan-json.js';
import { PlanShape } from '../src/inputs/terraform/plan-shape.js';
import type { CheckResult } from '../src/output/index.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
if (runsFlag !== -1) {
  const runs = Number(args[runsFlag + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('usage: check-stages.ts [--runs N] PLAN [FORMAT...]');
  args.splice(runsFlag, 2);
  printMedians(runEach(runs, args));
  process.exit(0);
}

/** Each run's stages, from a fresh process started as this one was (same Node options, so under tsx too). */
function runEach(runs: number, rest: readonly string[]): Array<Record<string, number>> {
  const results: Array<Record<string, number>> = [];
  for (let run = 0; run < runs; run++) {
    const line = execFileSync(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...rest], { encoding: 'utf8' }).trim();
    process.stdout.write(`${line}\n`);
    results.push(JSON.parse(line) as Record<string, number>);
  }
  return results;
}

function printMedians(results: ReadonlyArray<Record<string, number>>): void {
  const medians: Record<string, string> = {};
  for (const stage of Object.keys(results[0] ?? {})) {
    const values = results.map((result) => result[stage] ?? 0).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)] ?? 0;
    medians[stage] = `${median} (${values[0] ?? 0}-${values[values.length - 1] ?? 0})`;
  }
  process.stdout.write(`median of ${results.length} (range): ${JSON.stringify(medians)}\n`);
}

const [planFile, ...formats] = args;
if (planFile === undefined) throw new Error('usage: check-stages.ts [--runs N] PLAN [FORMAT...]');
const stages: Record<string, number> = {};
let last = process.cpuUsage();
function lap(name: string): void {
  const now = process.cpuUsage();
  stages[name] = Math.round((now.user - last.user + now.system - last.system) / 1000);
  last = process.cpuUsage();
}

const loaded = loadConfig(undefined);
const settings = prepareSettings(loaded, {});
lap('config');
const text = readPlanText(planFile, 1 << 30);
lap('read');
const document = parseJsonText(text, planFile);
lap('parse');
const plan = normalisePlan(document, new PlanShape(text, planFile));
lap('normalise');
const input = await prepare({
  subject: { kind: 'plan', plan, source: planFile, environment: null },
  sources: { spendFiles: [] },
  settings,
  now: '2025-06-01T00:00:00Z',
});
lap('prepare');
const engine = await PolicyEngine.load(await loadPolicyBundle({}), { ...loaded.config });
lap('engine load');
const decision = engine.evaluate(input);
lap('evaluate');
const out = mkdtempSync(join(tmpdir(), 'check-stages-'));
const report: CheckResult = {
  decision,
  rules: engine.rules,
  resources: input.resources,
  source: { file: planFile, kind: 'terraform-plan' },
  tool: { name: 'tollgate', version: 'bench', informationUri: 'https://example.invalid' },
  failOn: 'never',
  color: false,
  ...(input.costs ? { costs: input.costs } : {}),
  paths: { root: process.cwd(), cwd: process.cwd() },
};
for (const format of formats.length > 0 ? formats : ['json']) {
  writeOutputs(parseOutputTargets([`${format}=${join(out, format)}`]), report);
  lap(`write ${format}`);
}
rmSync(out, { recursive: true });
process.stdout.write(`${JSON.stringify(stages)}\n`);
