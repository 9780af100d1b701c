/**
 * Runs a team's Rego unit tests (`*_test.rego`) with the real OPA CLI, the way `tollgate build` compiles them:
 * together with the built-in library (its helpers and test fixtures included), the wasm capabilities, Rego v1,
 * and the rule docs from every METADATA block as data.tollgate.meta. Only the team's own tests run; the
 * built-in tests are loaded for their fixtures but are not run, and built-in files do not count towards coverage.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TollgateError } from '../model/errors.js';
import { builtinPolicyDir, wasmCapabilitiesPath } from '../package-paths.js';
import { collectRuleDocs, generatedData, pointAtSources } from './build-bundle.js';
import { findOpa, opaFailure, runOpaStatus } from './opa-cli.js';
import { isPolicySource, listPolicyFiles } from './source-revision.js';

export type RegoTestOutcome = 'pass' | 'fail' | 'error' | 'skip';

export interface RegoTestCase {
  /** `data.<package>`, as OPA names it. */
  readonly package: string;
  readonly name: string;
  /** The test's file, relative to the working directory when it lies below it. */
  readonly file: string;
  readonly line: number;
  readonly outcome: RegoTestOutcome;
  readonly durationMs: number;
  /** What the test printed (`print(...)`). */
  readonly output: string;
  readonly error?: string;
}

export interface RegoCoverageFile {
  readonly file: string;
  readonly coveredLines: number;
  readonly notCoveredLines: number;
  readonly percent: number;
  /** Line ranges no test reached, for `--verbose`. */
  readonly notCovered: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

export interface RegoCoverage {
  /** Lines of the team's policies (not its tests) that the tests reached, in percent. */
  readonly percent: number;
  readonly threshold: number | null;
  readonly met: boolean;
  readonly files: readonly RegoCoverageFile[];
}

export interface RegoTestRun {
  readonly dir: string;
  readonly cases: readonly RegoTestCase[];
  /** Null unless coverage was asked for and every test passed (OPA reports no coverage otherwise). */
  readonly coverage: RegoCoverage | null;
}

export interface RegoTestOptions {
  readonly dir: string;
  /** Only tests whose full name (`data.<package>.<test>`) matches. */
  readonly run?: RegExp;
  readonly coverage?: boolean;
  /** Minimum coverage in percent; implies coverage. */
  readonly threshold?: number;
  readonly opa?: string;
  /** Where file names are shown relative to. */
  readonly cwd?: string;
}

/** A run fails on a failed or erroring test, or on coverage under the threshold; skipped tests are only reported. */
export function regoTestsPassed(run: RegoTestRun): boolean {
  return run.cases.every((test) => test.outcome === 'pass' || test.outcome === 'skip') && (run.coverage?.met ?? true);
}

function isRegoTest(name: string): boolean {
  return name.endsWith('_test.rego');
}

/** Policy sources and tests below `dir`, without hidden entries and build artefacts. */
function listRegoFiles(dir: string): string[] {
  return listPolicyFiles(dir, (name) => isPolicySource(name) || isRegoTest(name));
}

/** The package a test file declares (`package a.b["c"]`), or null when the file has none it can read. */
export function declaredPackage(text: string): string | null {
  const match = /^package[ \t]+([^#\r\n]+)/m.exec(text);
  return match?.[1] ? match[1].trim() : null;
}

/** OPA's `--run` is a Go regular expression over `data.<package>.<test>`: this one selects the given packages. */
export function packagesPattern(packages: readonly string[]): string {
  const quoted = [...new Set(packages)].sort().map((name) => `data\\.${name.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}\\.`);
  return `^(?:${quoted.join('|')})[^.]+$`;
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

interface OpaTestResult {
  readonly location?: { readonly file?: string; readonly row?: number };
  readonly package?: string;
  readonly name?: string;
  readonly fail?: boolean;
  readonly skip?: boolean;
  readonly error?: unknown;
  readonly duration?: number;
  readonly output?: string;
}

interface OpaCoverageFile {
  readonly covered_lines?: number;
  readonly not_covered_lines?: number;
  readonly not_covered?: ReadonlyArray<{ readonly start?: { readonly row?: number }; readonly end?: { readonly row?: number } }>;
}

/** OPA reports overlapping ranges for one line (the rule head, then its body): as sorted spans of distinct lines. */
function lineSpans(ranges: NonNullable<OpaCoverageFile['not_covered']>): Array<{ start: number; end: number }> {
  const lines = new Set<number>();
  for (const range of ranges) {
    const start = range.start?.row ?? 0;
    const end = range.end?.row ?? start;
    for (let line = start; line <= end; line++) lines.add(line);
  }
  const spans: Array<{ start: number; end: number }> = [];
  for (const line of [...lines].sort((a, b) => a - b)) {
    const last = spans.at(-1);
    if (last?.end === line - 1) last.end = line;
    else spans.push({ start: line, end: line });
  }
  return spans;
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return JSON.stringify(error);
}

function outcome(result: OpaTestResult): RegoTestOutcome {
  if (result.error !== undefined && result.error !== null) return 'error';
  if (result.fail === true) return 'fail';
  if (result.skip === true) return 'skip';
  return 'pass';
}

export async function runRegoTests(options: RegoTestOptions): Promise<RegoTestRun> {
  const cwd = options.cwd ?? process.cwd();
  const teamDir = resolve(cwd, options.dir);
  if (!existsSync(teamDir)) throw new TollgateError('policy directory not found', { file: options.dir });
  if (!statSync(teamDir).isDirectory())
    throw new TollgateError('expected a directory of .rego files and their tests', { file: options.dir });
  const opa = options.opa ?? findOpa(process.env, undefined, 'test');
  // Testing the built-in library itself: load it once.
  const policyDirs = teamDir === resolve(builtinPolicyDir) ? [teamDir] : [resolve(builtinPolicyDir), teamDir];
  const teamIndex = policyDirs.length - 1;
  const teamFiles = listRegoFiles(teamDir);
  const teamTests = teamFiles.filter((file) => isRegoTest(file));
  if (teamTests.length === 0) throw new TollgateError('no *_test.rego files here to run', { file: options.dir });
  const packages = teamTests.map((file) => declaredPackage(readFileSync(file, 'utf8'))).filter((name) => name !== null);

  // METADATA is checked as `tollgate build` checks it (unknown severity, duplicate rule id: exit 2), and the
  // docs become data.tollgate.meta, which the decision reads.
  const rules = await collectRuleDocs(opa, policyDirs);
  const stage = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  try {
    const roots = policyDirs.length === 1 ? ['team'] : ['builtin', 'team'];
    policyDirs.forEach((dir, index) => {
      for (const file of index === teamIndex ? teamFiles : listRegoFiles(dir)) {
        const target = join(stage, roots[index] ?? 'team', relative(dir, file));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(file, target);
      }
    });
    mkdirSync(join(stage, 'meta', 'tollgate', 'meta'), { recursive: true });
    writeFileSync(join(stage, 'meta', 'tollgate', 'meta', 'data.json'), JSON.stringify(generatedData(rules).tollgate.meta));

    // The policies must compile for the wasm target exactly as `tollgate build` compiles them (a builtin the
    // runtime lacks fails here, naming the file and line); the tests themselves run in OPA's evaluator and may
    // use any builtin, as the built-in library's own tests do.
    const sources = roots.flatMap((root, index) =>
      (index === teamIndex ? teamFiles : listRegoFiles(policyDirs[index] ?? '')).filter((file) => !isRegoTest(file)).length > 0
        ? [root]
        : [],
    );
    const check = await runOpaStatus(opa, ['check', '--capabilities', wasmCapabilitiesPath, '--ignore', '*_test.rego', ...sources], stage);
    if (check.code !== 0) {
      throw pointAtSources(
        opaFailure(check.stdout, check.stderr, 'checking policies', `opa exited with status ${check.code}`),
        roots,
        policyDirs,
      );
    }

    const teamRoot = 'team/';
    const original = (staged: string): string => join(teamDir, staged.slice(teamRoot.length).split('/').join(sep));
    const base = ['test', '--format', 'json', '--run', packagesPattern(packages)];
    const opaRun = async (extra: readonly string[]): Promise<string> => {
      const { stdout, stderr, code } = await runOpaStatus(opa, [...base, ...extra, ...roots, 'meta'], stage);
      if (code === 0 || stdout.trimStart().startsWith('[') || stdout.trimStart().startsWith('{')) return stdout;
      throw pointAtSources(opaFailure(stdout, stderr, 'running Rego tests', `opa exited with status ${code}`), roots, policyDirs);
    };

    const results = JSON.parse(await opaRun([])) as OpaTestResult[];
    const cases = results
      .filter((result) => (result.location?.file ?? '').startsWith(teamRoot))
      .map((result): RegoTestCase => {
        const error = result.error !== undefined && result.error !== null ? { error: errorText(result.error) } : {};
        return {
          package: result.package ?? '',
          name: result.name ?? '',
          file: shown(original(result.location?.file ?? ''), cwd),
          line: result.location?.row ?? 0,
          outcome: outcome(result),
          durationMs: Math.round((result.duration ?? 0) / 1e4) / 100,
          output: result.output ? Buffer.from(result.output, 'base64').toString('utf8') : '',
          ...error,
        };
      })
      .filter((test) => options.run?.test(`${test.package}.${test.name}`) ?? true)
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    if (cases.length === 0) {
      const why = options.run ? `no test matches --run ${options.run.source}` : 'no test_ rules found in the *_test.rego files';
      throw new TollgateError(why, { file: options.dir });
    }

    const wantCoverage = options.coverage === true || options.threshold !== undefined;
    const threshold = options.threshold ?? null;
    let coverage: RegoCoverage | null = null;
    if (wantCoverage && cases.every((test) => test.outcome !== 'fail' && test.outcome !== 'error')) {
      const report = JSON.parse(await opaRun(['--coverage'])) as { files?: Record<string, OpaCoverageFile> };
      const files = Object.entries(report.files ?? {})
        .filter(([file]) => file.startsWith(teamRoot) && !isRegoTest(file))
        .map(([file, entry]): RegoCoverageFile => {
          const covered = entry.covered_lines ?? 0;
          const missed = entry.not_covered_lines ?? 0;
          return {
            file: shown(original(file), cwd),
            coveredLines: covered,
            notCoveredLines: missed,
            percent: covered + missed === 0 ? 100 : (100 * covered) / (covered + missed),
            notCovered: lineSpans(entry.not_covered ?? []),
          };
        })
        .sort((a, b) => a.file.localeCompare(b.file));
      const covered = files.reduce((sum, file) => sum + file.coveredLines, 0);
      const total = files.reduce((sum, file) => sum + file.coveredLines + file.notCoveredLines, 0);
      const percent = total === 0 ? 100 : (100 * covered) / total;
      coverage = { percent, threshold, met: threshold === null || percent >= threshold, files };
    }
    return { dir: options.dir, cases, coverage };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
