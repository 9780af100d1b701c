import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/decision.js';
import { escapeXmlAttribute, escapeXmlText, renderJunit } from '../../src/output/junit.js';
import type { CheckResult } from '../../src/output/check-result.js';
import { expectGolden } from './golden.js';
import { HOSTILE_MESSAGE, cleanReport, sampleReport } from './sample-report.js';
import { checkXml, textOf } from './xml-check.js';
import { present } from '../present.js';

function elements(xml: string, name: string) {
  return checkXml(xml).elements.filter((e) => e.name === name);
}

describe('junit renderer', () => {
  it('matches the golden file', () => {
    expectGolden('sample.junit.xml', renderJunit(sampleReport));
  });

  it.each([
    ['the sample report', sampleReport],
    ['a clean report', cleanReport],
  ])('writes well-formed XML for %s', (_name, report) => {
    const xml = renderJunit(report);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(checkXml(xml).problems).toEqual([]);
  });

  it('has one suite per rule, sorted by id, and counts that add up', () => {
    const xml = renderJunit(sampleReport);
    const suites = elements(xml, 'testsuite');
    expect(suites.map((s) => s.attributes.name?.split(':')[0])).toEqual([...sampleReport.rules.map((r) => r.id)].sort());
    expect(elements(xml, 'testsuites')[0]?.attributes).toEqual({ name: 'tollgate', tests: '13', failures: '4', errors: '0', time: '0' });
    const sum = (key: string) => suites.reduce((total, s) => total + Number(s.attributes[key]), 0);
    expect(sum('tests')).toBe(elements(xml, 'testcase').length);
    expect(sum('failures')).toBe(elements(xml, 'failure').length);
    expect(sum('skipped')).toBe(elements(xml, 'skipped').length);
  });

  it('fails the case of a denied resource, with the severity as type', () => {
    const xml = renderJunit(sampleReport);
    expect(xml).toContain(
      '<testcase classname="TG-REG-001" name="aws_sagemaker_endpoint.llm" file="infra/serving.tf" line="3" time="0">\n' +
        '      <failure message="Region us-west-1 is not approved for restricted data (allowed: eu-west-1)" type="critical">',
    );
  });

  it('skips exempted and warned-about cases, notes recommendations, passes rules with no findings', () => {
    const xml = renderJunit(sampleReport);
    const skipped = elements(xml, 'skipped');
    expect(skipped.find((e) => e.attributes.type === 'exempted')?.attributes.message).toBe(
      'exempted until 2027-01-31 (owner data-platform@example.com): Data residency waiver DPO-2026-17 (mirror of public datasets only)',
    );
    // Warnings show in GitLab's and Jenkins' summaries as skipped cases with their message, without failing the build.
    expect(skipped.filter((e) => e.attributes.type === 'warning').map((e) => e.attributes.message)).toContain(
      'warning [low]: Missing cost-allocation tags: cost-center, env',
    );
    expect(textOf(xml, 'system-out').some((out) => out.startsWith('WARN [low] aws_s3_bucket.datasets: Missing'))).toBe(true);
    expect(textOf(xml, 'system-out').some((out) => out.includes('(saves $1,234.56/month)'))).toBe(true);
    expect(xml).toContain('<testcase classname="TG-REV-001" name="no findings" time="0"/>');
  });

  it('names the declaring file (relative to the repository root) on every case about a resource', () => {
    const xml = renderJunit({ ...sampleReport, paths: { root: '/repo', cwd: '/repo/live' } });
    const cases = elements(xml, 'testcase').filter((c) => c.attributes.name !== 'no findings');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(c.attributes.file, c.attributes.name).toMatch(/^live\//);
    const bucket = cases.find((c) => c.attributes.classname === 'TG-ENC-001' && c.attributes.name === 'aws_s3_bucket.datasets');
    expect(bucket?.attributes).toMatchObject({ file: 'live/infra/storage.tf', line: '12' });
    const undeclared = cases.find((c) => c.attributes.name === 'aws_ebs_volume.scratch');
    expect(undeclared?.attributes.file).toBe('live/plans/ml-platform.json');
    expect(undeclared?.attributes).not.toHaveProperty('line');
  });

  it('puts warnings beside a failure in the same case', () => {
    const extraWarning: Finding = {
      ...present(sampleReport.decision.violations[0], 'a sample violation'),
      message: 'also unknown',
      indeterminate: true,
    };
    const report: CheckResult = {
      ...sampleReport,
      decision: { ...sampleReport.decision, warnings: [extraWarning] },
    };
    const xml = renderJunit(report);
    expect(checkXml(xml).problems).toEqual([]);
    expect(xml).toMatch(/<\/failure>\n {6}<system-out>WARN \[high\] aws_s3_bucket\.datasets: also unknown/);
  });

  it('survives hostile strings in every position', () => {
    const hostile = `${HOSTILE_MESSAGE} ]]> \uFFFE \uD800 "'`;
    const finding: Finding = {
      ...present(sampleReport.decision.violations[0], 'a sample violation'),
      rule: hostile,
      resource: hostile,
      message: hostile,
      remediation: hostile,
    };
    const report: CheckResult = {
      ...sampleReport,
      rules: [{ ...present(sampleReport.rules[0], 'a sample rule'), id: hostile, title: hostile }],
      decision: { ...sampleReport.decision, violations: [finding] },
    };
    const xml = renderJunit(report);
    expect(checkXml(xml).problems).toEqual([]);
    const failure = elements(xml, 'failure')[0];
    // Forbidden characters are dropped; everything else round-trips.
    const expected = hostile.replace(/[\u0001\u001b\uFFFE\uD800]/g, '');
    expect(failure?.attributes.message).toBe(expected);
    const hostileCases = elements(xml, 'testcase').filter((e) => e.attributes.classname === expected);
    expect(hostileCases.map((e) => e.attributes.name)).toEqual([expected]);
    expect(textOf(xml, 'failure')[0]).toContain(expected);
  });

  it.each([
    ['<a & b>', '&lt;a &amp; b&gt;'],
    ['say "hi" it\'s', 'say &quot;hi&quot; it&apos;s'],
    ['line\nbreak\ttab\rret', 'line&#10;break&#9;tab&#13;ret'],
    ['bell\u0001esc\u001b nul\u0000', 'bellesc nul'],
    ['emoji 🚀 kept', 'emoji 🚀 kept'],
  ])('escapes the attribute value %j', (raw, escaped) => {
    expect(escapeXmlAttribute(raw)).toBe(escaped);
  });

  it.each(['<a><b></a></b>', '<a x="1" x="2"/>', '<a>1 < 2</a>', '<a x="<"/>', '<a>\u0001</a>', '<a/><b/>', '<a>'])(
    'relies on a check that rejects %j',
    (xml) => {
      expect(checkXml(xml).problems).not.toEqual([]);
    },
  );

  it('escapes every character as the full escaping does, whether or not the text is plain', () => {
    // The full escaping, written out: most text is plain and skips it, so each character is checked on both paths.
    const dropped = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
    const text = (t: string) => t.replace(dropped, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const attribute = (t: string) =>
      text(t).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
    const samples = ['\uD83D\uDE80', '\uD83D', '\uDE80x', '\uFFFE', '\uFFFF', '\uE000', '\uD7FF'];
    for (let code = 0; code < 0x80; code++) samples.push(String.fromCharCode(code));
    for (const sample of samples) {
      for (const raw of [sample, `plain ${sample} text`]) {
        expect(escapeXmlText(raw)).toBe(text(raw));
        expect(escapeXmlAttribute(raw)).toBe(attribute(raw));
      }
    }
  });

  it('keeps line breaks in text content', () => {
    expect(escapeXmlText('a\nb <c> & d')).toBe('a\nb &lt;c&gt; &amp; d');
  });
});
