/**
 * The JUnit output against the Jenkins JUnit schema (test/output/schemas/junit-10.xsd, source noted in the file),
 * validated by libxml2's xmllint, a real XSD validator. Without xmllint the suite skips with a message; in CI
 * (.ci/run installs libxml2-utils) a missing xmllint fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/output/junit.js';
import type { CheckResult } from '../../src/output/check-result.js';
import { HOSTILE_MESSAGE, cleanReport, sampleReport } from './sample-report.js';

const XSD = fileURLToPath(new URL('schemas/junit-10.xsd', import.meta.url));
const xmllintPresent = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string): { ok: boolean; output: string } {
  const file = join(dir, 'report.xml');
  writeFileSync(file, xml, 'utf8');
  const result = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const withHostileWarning: CheckResult = {
  ...sampleReport,
  paths: { root: '/repo', cwd: '/repo/infra-live' },
  decision: {
    ...sampleReport.decision,
    warnings: sampleReport.decision.warnings.map((warning) => ({ ...warning, message: HOSTILE_MESSAGE })),
  },
};

describe.skipIf(!xmllintPresent)('junit output against the Jenkins JUnit XSD (xmllint)', () => {
  it.each([
    ['the sample report', sampleReport],
    ['a clean report', cleanReport],
    ['hostile warning text, paths from a subdirectory', withHostileWarning],
  ])('validates %s', (_name, report) => {
    const { ok, output } = validate(renderJunit(report));
    expect(output).toContain('validates');
    expect(ok).toBe(true);
  });

  it('is a live check: an attribute the schema does not have fails it', () => {
    const broken = renderJunit(sampleReport).replace('<testsuites ', '<testsuites skipped="1" ');
    const { ok, output } = validate(broken);
    expect(output).toContain("attribute 'skipped': The attribute 'skipped' is not allowed");
    expect(ok).toBe(false);
  });
});

if (!xmllintPresent) {
  if (process.env.CI === 'true') {
    it('has xmllint in CI (.ci/run installs libxml2-utils)', () => {
      expect(xmllintPresent).toBe(true);
    });
  } else {
    it.skip('xmllint is not installed (apt-get install libxml2-utils), so JUnit is not validated against the Jenkins XSD', () => undefined);
  }
}
