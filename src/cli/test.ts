/**
 * `tollgate test [DIR]`: run a team's Rego unit tests with the built-in library, the wasm capabilities and the
 * rule METADATA, as `tollgate build` and `check --policy` compile them (the OPA CLI's `opa test` does the work).
 * Exit 0 when every test passes (and coverage meets --threshold), 1 when one fails, 2 on bad input.
 */
import type { Command } from 'commander';
import { runRegoTests, regoTestsPassed } from '../compiler/rego-tests.js';
import { TollgateError } from '../model/errors.js';
import { REGO_TEST_FORMATS, renderRegoTests, type RegoTestFormat } from '../output/rego-tests.js';

export interface TestCommandOptions {
  readonly run?: string;
  readonly verbose: boolean;
  readonly coverage: boolean;
  readonly threshold?: string;
  readonly format: string;
}

/** Where a team keeps its rules when no directory is named: `policies/`, as `tollgate init --rule` writes it. */
export const DEFAULT_TEST_DIR = 'policies';

function parseFormat(value: string): RegoTestFormat {
  const format = REGO_TEST_FORMATS.find((name) => name === value);
  if (format === undefined) throw new TollgateError(`--format must be one of ${REGO_TEST_FORMATS.join(', ')} (got "${value}")`);
  return format;
}

function parseThreshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const threshold = Number(value);
  if (value.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new TollgateError(`--threshold must be a percentage from 0 to 100 (got "${value}")`);
  }
  return threshold;
}

function parseRun(value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch {
    throw new TollgateError(`--run is not a valid regular expression: ${value}`);
  }
}

export async function runTest(dir: string | undefined, options: TestCommandOptions): Promise<number> {
  const format = parseFormat(options.format);
  const threshold = parseThreshold(options.threshold);
  const run = parseRun(options.run);
  const result = await runRegoTests({
    dir: dir ?? DEFAULT_TEST_DIR,
    ...(run ? { run } : {}),
    coverage: options.coverage,
    ...(threshold === undefined ? {} : { threshold }),
  });
  process.stdout.write(renderRegoTests(result, format, options.verbose));
  if (result.coverage && !result.coverage.met && format !== 'text') {
    process.stderr.write(`tollgate: coverage ${result.coverage.percent.toFixed(1)}% is under --threshold ${String(threshold)}%\n`);
  }
  return regoTestsPassed(result) ? 0 : 1;
}

export function registerTest(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('test')
    .argument('[dir]', `directory of your rules and their *_test.rego files (default ${DEFAULT_TEST_DIR}/)`)
    .description(
      'Run your Rego unit tests (*_test.rego) with the built-in library (data.tollgate.lib.* and its test fixtures), the same ' +
        'wasm capabilities, Rego v1 and METADATA checks as `build` and `check --policy`. Needs the OPA CLI: ' +
        '$TOLLGATE_OPA, else .tools/bin/opa in a checkout, else `opa` on PATH. Exit 1 when a test fails, 2 on bad input.',
    )
    .option('-r, --run <regex>', 'run only tests whose name (data.<package>.<test>) matches')
    .option('-v, --verbose', 'list passing tests and every file’s coverage too', false)
    .option('-c, --coverage', 'report how many lines of your policies (not the tests) the tests reach', false)
    .option('--threshold <percent>', 'fail when coverage is under this percentage (implies --coverage)')
    .option('-f, --format <format>', `output format: ${REGO_TEST_FORMATS.join(', ')}`, 'text')
    .action(async (dir: string | undefined, options: TestCommandOptions) => {
      await run(() => runTest(dir, options));
    });
}
