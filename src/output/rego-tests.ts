/**
 * `tollgate test` results as text (OPA's own layout: failures with their place, then the counts), JSON, or JUnit
 * XML (one <testsuite> per Rego package, one <testcase> per test, with `file` and `line`) for CI test tabs.
 */
import type { RegoTestCase, RegoTestRun } from '../compiler/rego-tests.js';
import { escapeXmlAttribute, escapeXmlText } from './junit.js';

export type RegoTestFormat = 'text' | 'json' | 'junit';
export const REGO_TEST_FORMATS: readonly RegoTestFormat[] = ['text', 'json', 'junit'];

interface Counts {
  readonly total: number;
  readonly pass: number;
  readonly fail: number;
  readonly error: number;
  readonly skip: number;
}

function counts(cases: readonly RegoTestCase[]): Counts {
  const of = (outcome: RegoTestCase['outcome']): number => cases.filter((test) => test.outcome === outcome).length;
  return { total: cases.length, pass: of('pass'), fail: of('fail'), error: of('error'), skip: of('skip') };
}

const LABEL: Readonly<Record<RegoTestCase['outcome'], string>> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIPPED' };

function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

function ranges(lines: ReadonlyArray<{ start: number; end: number }>): string {
  return lines.map(({ start, end }) => (start === end ? String(start) : `${start}-${end}`)).join(', ');
}

export function renderRegoTestsText(run: RegoTestRun, verbose: boolean): string {
  const out: string[] = [];
  for (const test of run.cases) {
    if (!verbose && (test.outcome === 'pass' || test.outcome === 'skip')) continue;
    out.push(`${test.file}:${test.line}: ${test.package}.${test.name}: ${LABEL[test.outcome]} (${test.durationMs} ms)`);
    if (test.error !== undefined) out.push(`  ${test.error}`);
    for (const line of test.output.trimEnd().split('\n')) if (line !== '') out.push(`  ${line}`);
  }
  const c = counts(run.cases);
  if (out.length > 0) out.push('-'.repeat(80));
  out.push(`PASS: ${c.pass}/${c.total}`);
  if (c.fail > 0) out.push(`FAIL: ${c.fail}/${c.total}`);
  if (c.error > 0) out.push(`ERROR: ${c.error}/${c.total}`);
  if (c.skip > 0) out.push(`SKIPPED: ${c.skip}/${c.total}`);
  const coverage = run.coverage;
  if (coverage) {
    const threshold = coverage.threshold === null ? '' : ` (threshold ${percent(coverage.threshold)}${coverage.met ? '' : ', NOT MET'})`;
    out.push(`COVERAGE: ${percent(coverage.percent)} of the policy lines${threshold}`);
    for (const file of coverage.files) {
      if (!verbose && file.notCoveredLines === 0) continue;
      const missed = file.notCovered.length > 0 ? `; not covered: lines ${ranges(file.notCovered)}` : '';
      out.push(`  ${file.file}: ${percent(file.percent)}${missed}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderRegoTestsJson(run: RegoTestRun): string {
  const c = counts(run.cases);
  const document = {
    tests: run.cases.map((test) => ({
      package: test.package,
      name: test.name,
      file: test.file,
      line: test.line,
      result: test.outcome,
      duration_ms: test.durationMs,
      ...(test.output === '' ? {} : { output: test.output }),
      ...(test.error === undefined ? {} : { error: test.error }),
    })),
    summary: { total: c.total, passed: c.pass, failed: c.fail, errored: c.error, skipped: c.skip },
    ...(run.coverage
      ? {
          coverage: {
            percent: Number(run.coverage.percent.toFixed(2)),
            threshold: run.coverage.threshold,
            met: run.coverage.met,
            files: run.coverage.files.map((file) => ({
              file: file.file,
              percent: Number(file.percent.toFixed(2)),
              covered_lines: file.coveredLines,
              not_covered_lines: file.notCoveredLines,
              not_covered: file.notCovered,
            })),
          },
        }
      : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function testcase(test: RegoTestCase): string {
  const head = `    <testcase${attributes({ classname: test.package, name: test.name, file: test.file, line: test.line, time: seconds(test.durationMs) })}`;
  const output = test.output === '' ? '' : `\n      <system-out>${escapeXmlText(test.output)}</system-out>`;
  const where = `${test.file}:${test.line}`;
  switch (test.outcome) {
    case 'pass':
      return output === '' ? `${head}/>` : `${head}>${output}\n    </testcase>`;
    case 'skip':
      return `${head}>\n      <skipped${attributes({ message: 'skipped (todo_ test)' })}/>${output}\n    </testcase>`;
    case 'fail':
      return `${head}>\n      <failure${attributes({ message: `${test.name} failed`, type: 'fail' })}>${escapeXmlText(where)}</failure>${output}\n    </testcase>`;
    case 'error':
      return `${head}>\n      <error${attributes({ message: test.error ?? 'error', type: 'error' })}>${escapeXmlText(where)}</error>${output}\n    </testcase>`;
  }
}

export function renderRegoTestsJunit(run: RegoTestRun): string {
  const byPackage = new Map<string, RegoTestCase[]>();
  for (const test of run.cases) byPackage.set(test.package, [...(byPackage.get(test.package) ?? []), test]);
  const all = counts(run.cases);
  const totalMs = run.cases.reduce((sum, test) => sum + test.durationMs, 0);
  const suites = [...byPackage.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, cases]) => {
      const c = counts(cases);
      const ms = cases.reduce((sum, test) => sum + test.durationMs, 0);
      const head = `  <testsuite${attributes({ name, tests: c.total, failures: c.fail, errors: c.error, skipped: c.skip, time: seconds(ms) })}>`;
      return [head, ...cases.map(testcase), '  </testsuite>'].join('\n');
    });
  const root = `<testsuites${attributes({ name: 'tollgate test', tests: all.total, failures: all.fail, errors: all.error, time: seconds(totalMs) })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', root, ...suites, '</testsuites>', ''].join('\n');
}

export function renderRegoTests(run: RegoTestRun, format: RegoTestFormat, verbose: boolean): string {
  if (format === 'json') return renderRegoTestsJson(run);
  if (format === 'junit') return renderRegoTestsJunit(run);
  return renderRegoTestsText(run, verbose);
}
