/**
 * `npm run bench [-- --quick] [sizes...]`: `tollgate check` end to end beside its peers, in one run.
 *
 * For the 24-resource demo plan and generated plans of 1k, 10k, 50k and 100k resources, each with few
 * findings and with a finding on most resources: the CLI's wall time and peak RSS; the floor processes
 * (`node -e 0`, and node `JSON.parse`-ing the same plan file); conftest v0.69 with equivalent rules on the
 * raw plan (bench/conftest; installed into .tools/bin from the Go module proxy when missing and Go is
 * there); `opa eval` (topdown) of the same Rego on the same prepared input; and the ratios. Runs are
 * interleaved, so load on a shared machine hits every column alike. Prints a Markdown table and the
 * machine; asserts nothing (targets are read by people, not by tests). --quick: 24, 1k and 10k, one run.
 * --demo: the demo plan alone (the small-plan target), e.g. `npm run bench -- --quick --demo`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpa } from '../src/compiler/opa-cli.js';
import { loadConfig } from '../src/config/config.js';
import { readPlanFile } from '../src/inputs/terraform/index.js';
import { builtinPolicyDir, localToolsDir, packageRoot, toolVersionsPath } from '../src/package-paths.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';
import { generatePlan, type FindingRate } from './generate-plan.js';
import { median } from './median.js';

const outDir = fileURLToPath(new URL('./out/', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const demoOnly = args.includes('--demo');
const RUNS = quick ? 1 : 3;
const DEMO = join(packageRoot, 'fixtures', 'plans', 'aws-ml-platform.json');
const sizes = args.map(Number).filter((n) => n > 0);
const planSizes = sizes.length > 0 ? sizes : quick ? [1_000, 10_000] : [1_000, 10_000, 50_000, 100_000];
/** At or below this many resources a plan is "small": its floor is a bare `node -e 0`. */
const SMALL = 100;

interface Case {
  readonly label: string;
  readonly file: string;
  readonly resources: number;
}

interface Sample {
  readonly wallMs: number;
  /** User + system CPU time (from GNU time), steadier than wall time on a loaded machine. */
  readonly cpuMs: number;
  readonly rssMiB: number;
}

/** Wall time and peak RSS of one process (peak RSS from GNU time's report when it is there). */
function run(command: string, commandArgs: string[], okStatuses: readonly number[] = [0]): Sample | null {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const start = process.hrtime.bigint();
  const result = timeBin
    ? spawnSync(timeBin, ['-f', 'bench-max-rss-kib=%M bench-cpu-s=%U+%S', command, ...commandArgs], {
        cwd: packageRoot,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      })
    : spawnSync(command, commandArgs, { cwd: packageRoot, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status === null || !okStatuses.includes(result.status)) {
    process.stderr.write(
      `bench: ${command} ${commandArgs.slice(0, 3).join(' ')} failed (${result.status}): ${result.stderr.slice(-500)}\n`,
    );
    return null;
  }
  const rss = /bench-max-rss-kib=(\d+)/.exec(result.stderr)?.[1];
  const cpu = /bench-cpu-s=([\d.]+)\+([\d.]+)/.exec(result.stderr);
  const cpuMs = cpu === null ? NaN : (Number(cpu[1]) + Number(cpu[2])) * 1000;
  return { wallMs, cpuMs, rssMiB: rss === undefined ? NaN : Number(rss) / 1024 };
}

function tool(name: string): string | null {
  const local = join(localToolsDir, name);
  if (existsSync(local)) return local;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  return found || null;
}

function pinnedVersion(name: string): string | null {
  const line = readFileSync(toolVersionsPath, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line === undefined ? null : line.slice(name.length + 1).trim();
}

/** conftest from .tools/bin or PATH; else built once from the Go module proxy at the pinned version. */
function conftest(): string | null {
  const found = tool('conftest');
  if (found !== null) return found;
  const version = pinnedVersion('CONFTEST_VERSION');
  if (version === null || tool('go') === null) return null;
  process.stderr.write(`bench: building conftest ${version} with go install into .tools/bin (first time only, a few minutes)\n`);
  // A throwaway main module asks the proxy for exactly this version (as scripts/install-tools.sh does for Regal).
  const work = mkdtempSync(join(tmpdir(), 'tollgate-conftest-'));
  try {
    const steps: Array<[string, string[]]> = [
      ['go', ['mod', 'init', 'tollgate.local/conftest-install']],
      ['go', ['get', `github.com/open-policy-agent/conftest@${version}`]],
      ['go', ['install', 'github.com/open-policy-agent/conftest']],
    ];
    for (const [command, stepArgs] of steps) {
      const result = spawnSync(command, stepArgs, { cwd: work, encoding: 'utf8', env: { ...process.env, GOBIN: localToolsDir } });
      if (result.status !== 0) {
        process.stderr.write(`bench: could not build conftest: ${result.stderr.slice(-500)}\n`);
        return null;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tool('conftest');
}

function machine(): string {
  const cores = cpus();
  const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(1);
  return (
    `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${gib(totalmem())} GiB RAM (${gib(freemem())} free), ` +
    `${type()} ${release()}, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the start`
  );
}

async function preparedInput(file: string): Promise<string> {
  const settings = prepareSettings(loadConfig(undefined));
  const input = await prepare({
    subject: { kind: 'plan', plan: await readPlanFile(file, { maxBytes: 2 ** 31 }), source: file, environment: null },
    sources: { spendFiles: [] },
    settings,
    now: '2026-11-23T00:00:00Z',
  });
  return JSON.stringify(input);
}

function cases(): Case[] {
  const list: Case[] = [{ label: 'demo (24)', file: DEMO, resources: 24 }];
  for (const size of demoOnly ? [] : planSizes) {
    for (const rate of ['few', 'most'] as const satisfies readonly FindingRate[]) {
      const file = join(outDir, `plan-${size}-${rate}.json`);
      if (!existsSync(file)) writeFileSync(file, generatePlan(size, rate));
      list.push({ label: `${size.toLocaleString('en-US')}, ${rate === 'few' ? 'few findings' : 'most resources'}`, file, resources: size });
    }
  }
  return list;
}

const ms = (value: number): string =>
  Number.isNaN(value) ? 'n/a' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
const ratio = (a: number, b: number): string => (Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : `${(a / b).toFixed(2)}×`);

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const description = machine();
  const opa = (() => {
    try {
      return findOpa();
    } catch {
      return null;
    }
  })();
  const conftestBin = conftest();
  let metaDir: string | null = null;
  if (opa) {
    metaDir = join(outDir, 'meta');
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/write-rule-meta.ts', metaDir], { cwd: packageRoot });
  }
  const rows: string[][] = [];
  for (const c of cases()) {
    const resultFile = join(outDir, 'result.json');
    const inputFile = join(outDir, 'input.json');
    if (opa) writeFileSync(inputFile, await preparedInput(c.file));
    const samples: Record<'cli' | 'nodeE0' | 'parse' | 'conftest' | 'opa', Sample[]> = {
      cli: [],
      nodeE0: [],
      parse: [],
      conftest: [],
      opa: [],
    };
    const add = (key: keyof typeof samples, sample: Sample | null): void => {
      if (sample !== null) samples[key].push(sample);
    };
    for (let i = 0; i < RUNS; i++) {
      add(
        'cli',
        run(process.execPath, ['bin/tollgate.js', 'check', '--plan', c.file, '--format', `json=${resultFile}`, '--fail-on', 'never']),
      );
      add('nodeE0', run(process.execPath, ['-e', '0']));
      add('parse', run(process.execPath, ['-e', 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))', c.file]));
      if (conftestBin) {
        add(
          'conftest',
          run(conftestBin, ['test', '--no-color', '--output', 'json', '--policy', join(packageRoot, 'bench', 'conftest'), c.file], [0, 1]),
        );
      }
      if (opa && metaDir) {
        const ignore = ['--ignore', 'wasm-capabilities.json', '--ignore', '*_test.rego', '--ignore', 'tollgate.tar.gz'];
        add(
          'opa',
          run(opa, [
            'eval',
            '--format',
            'json',
            '--data',
            builtinPolicyDir,
            '--data',
            metaDir,
            ...ignore,
            '--input',
            inputFile,
            'data.tollgate.decision',
          ]),
        );
      }
    }
    const wall = (key: keyof typeof samples): number => median(samples[key].map((s) => s.wallMs));
    const cpu = (key: keyof typeof samples): number => median(samples[key].map((s) => s.cpuMs));
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { summary?: { violations?: number; warnings?: number } };
    const findings = (result.summary?.violations ?? 0) + (result.summary?.warnings ?? 0);
    const cli = wall('cli');
    const floorKey = c.resources <= SMALL ? 'nodeE0' : 'parse';
    const floor = wall(floorKey);
    rows.push([
      c.label,
      `${(readFileSync(c.file).byteLength / 2 ** 20).toFixed(1)} MiB`,
      findings.toLocaleString('en-US'),
      ms(cli),
      `${median(samples.cli.map((s) => s.rssMiB)).toFixed(0)} MiB`,
      ms(wall('nodeE0')),
      ms(wall('parse')),
      ratio(cli, floor),
      ms(wall('conftest')),
      ratio(cli, wall('conftest')),
      ms(wall('opa')),
      `${ms(cpu('cli'))} / ${ms(cpu(floorKey))} / ${ms(cpu('conftest'))}`,
      `${ratio(cpu('cli'), cpu(floorKey))} / ${ratio(cpu('cli'), cpu('conftest'))}`,
    ]);
    process.stderr.write(`bench: ${c.label} done\n`);
  }
  const header = [
    'plan (resources)',
    'size',
    'findings',
    'CLI wall',
    'CLI peak RSS',
    '`node -e 0`',
    'node `JSON.parse`',
    'CLI / floor',
    'conftest',
    'CLI / conftest',
    '`opa eval`',
    'CPU: CLI / floor / conftest',
    'CPU: CLI / floor, CLI / conftest',
  ];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  console.log(`tollgate check benchmark: median of ${RUNS} run(s), interleaved; ${description}`);
  console.log('');
  console.log(line(header));
  console.log(line(header.map((_, i) => (i === 0 ? '---' : '---:'))));
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log(
    `Floor: \`node -e 0\` for plans of up to ${SMALL} resources, else node \`JSON.parse\`-ing the same plan file. ` +
      'conftest: bench/conftest (6 rules equivalent to the built-in encryption, TLS and tag rules) on the raw plan. ' +
      '`opa eval`: topdown, the same Rego on the same prepared input (compile included). ' +
      'CPU: user + system time of the same runs, steadier than wall time on a loaded machine.',
  );
}

await main();
