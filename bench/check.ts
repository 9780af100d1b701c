/**
 * `npm run bench` (bench/check.ts [sizes...]): figures for `tollgate check` on generated plans of
 * 1k, 10k and 50k resources — CLI wall time and peak RSS, engine evaluation time, and its ratio to a
 * bare JSON.parse of the same file (the floor); `opa eval` and conftest on the same input where they
 * are installed. Prints a table; asserts nothing (targets are read by people, not by tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpa } from '../src/compiler/opa-cli.js';
import { readBundleFile } from '../src/engine/bundle.js';
import { PolicyEngine } from '../src/engine/policy-engine.js';
import { parsePlan } from '../src/inputs/terraform/index.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';
import { builtinBundlePath, builtinPolicyDir, localToolsDir, packageRoot } from '../src/package-paths.js';
import { generatePlan } from './generate-plan.js';

const outDir = fileURLToPath(new URL('./out/', import.meta.url));
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('no values to take the median of');
  return middle;
}

function timeMs(action: () => void, runs = RUNS): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    action();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function tool(name: string): string | null {
  const local = join(localToolsDir, name);
  if (existsSync(local)) return local;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  return found || null;
}

function cliRun(plan: string): { wallMs: number; rssMiB: number; exit: number | null } {
  const samples: Array<{ wallMs: number; rssMiB: number; exit: number | null }> = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        './bench/rss-hook.mjs',
        'bin/tollgate.js',
        'check',
        '--plan',
        plan,
        '--format',
        `json=${join(outDir, 'result.json')}`,
        '--fail-on',
        'never',
      ],
      { cwd: packageRoot, encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const rss = /bench-max-rss-kib=(\d+)/.exec(result.stderr)?.[1];
    if (result.status !== 0) process.stderr.write(result.stderr);
    samples.push({ wallMs, rssMiB: rss ? Number(rss) / 1024 : NaN, exit: result.status });
  }
  const middle = samples.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)];
  if (middle === undefined) throw new Error('no runs to take the median of');
  return middle;
}

function externalMs(command: string, args: string[]): number | null {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: packageRoot, encoding: 'utf8', maxBuffer: 512 << 20 });
    if (result.status !== 0 && result.status !== 1) {
      process.stderr.write(`bench: ${command} failed: ${result.stderr.slice(0, 500)}\n`);
      return null;
    }
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
  // The built-in config and catalog, loaded once as `tollgate check` loads them per run.
  const settings = prepareSettings({ file: null, config: {} });
  settings.catalog();
  const opa = (() => {
    try {
      return findOpa();
    } catch {
      return null;
    }
  })();
  const conftest = tool('conftest');
  let metaDir: string | null = null;
  if (opa) {
    metaDir = join(outDir, 'meta');
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/write-rule-meta.ts', metaDir], { cwd: packageRoot });
  }
  const rows: string[][] = [];
  for (const size of sizes.length > 0 ? sizes : [1_000, 10_000, 50_000]) {
    const planFile = join(outDir, `plan-${size}.json`);
    if (!existsSync(planFile)) writeFileSync(planFile, generatePlan(size));
    const text = readFileSync(planFile, 'utf8');
    const parseMs = timeMs(() => {
      JSON.parse(text);
    });
    let plan = parsePlan(text, planFile);
    const normaliseMs = timeMs(() => {
      plan = parsePlan(text, planFile);
    });
    // Prepared as `tollgate check` prepares them, so the engine sees the same input as in the CLI.
    const request = { subject: { kind: 'plan' as const, plan, source: planFile }, settings, now: '2026-11-23T00:00:00Z' };
    let input = await prepare(request);
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      input = await prepare(request);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const pricingMs = median(samples);
    let findings = 0;
    const evaluateMs = timeMs(() => {
      const decision = engine.evaluate(input);
      findings = decision.violations.length + decision.warnings.length;
    });
    const cli = cliRun(planFile);
    let opaMs: number | null = null;
    if (opa && metaDir) {
      const inputFile = join(outDir, `input-${size}.json`);
      writeFileSync(inputFile, JSON.stringify(input));
      opaMs = externalMs(opa, [
        'eval',
        '--format',
        'json',
        '--data',
        builtinPolicyDir,
        '--data',
        metaDir,
        '--ignore',
        'wasm-capabilities.json',
        '--ignore',
        '*_test.rego',
        '--ignore',
        'tollgate.tar.gz',
        '--input',
        inputFile,
        'data.tollgate.decision',
      ]);
    }
    const conftestMs = conftest
      ? externalMs(conftest, ['test', '--no-color', '--output', 'json', '--policy', join(packageRoot, 'bench', 'conftest'), planFile])
      : null;
    rows.push([
      size.toLocaleString('en-US'),
      `${(text.length / 2 ** 20).toFixed(1)} MiB`,
      `${cli.wallMs.toFixed(0)} ms`,
      `${cli.rssMiB.toFixed(0)} MiB`,
      `${parseMs.toFixed(0)} ms`,
      `${normaliseMs.toFixed(0)} ms`,
      `${pricingMs.toFixed(0)} ms`,
      `${evaluateMs.toFixed(0)} ms`,
      `${(evaluateMs / parseMs).toFixed(2)}×`,
      String(findings),
      opaMs === null ? 'n/a' : `${opaMs.toFixed(0)} ms`,
      conftestMs === null ? 'n/a' : `${conftestMs.toFixed(0)} ms`,
    ]);
  }
  const header = [
    'resources',
    'plan size',
    'CLI wall',
    'CLI peak RSS',
    'JSON.parse',
    'normalise',
    'prepare',
    'engine eval',
    'eval/parse',
    'findings',
    'opa eval',
    'conftest',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
  console.log(`tollgate check benchmark (median of ${RUNS}; node ${process.version})`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    'opa eval: topdown on the same normalised input and Rego (includes compile); conftest: bench/conftest rules on the raw plan.',
  );
}

await main();
