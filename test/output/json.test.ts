import { describe, expect, it } from 'vitest';
import { renderJson, type JsonReport } from '../../src/output/json.js';
import { expectGolden } from './golden.js';
import { HOSTILE_MESSAGE, cleanReport, sampleReport } from './sample-report.js';

function parse(text: string): JsonReport {
  return JSON.parse(text) as JsonReport;
}

function keysAreSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysAreSorted);
  if (value === null || typeof value !== 'object') return true;
  const keys = Object.keys(value);
  return keys.join('\u0000') === [...keys].sort().join('\u0000') && Object.values(value).every(keysAreSorted);
}

describe('json renderer', () => {
  it('matches the golden file', () => {
    expectGolden('sample.json', renderJson(sampleReport));
  });

  it('is 2-space indented JSON with a trailing newline and keys sorted at every depth', () => {
    const text = renderJson(sampleReport);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toMatch(/^\{\n {2}"bundleRevision"/);
    expect(keysAreSorted(JSON.parse(text))).toBe(true);
  });

  it('summarises the decision', () => {
    expect(parse(renderJson(sampleReport)).summary).toEqual({
      violations: 4,
      warnings: 5,
      recommendations: 2,
      exempted: 1,
      resources: 9,
      passed: false,
    });
    expect(parse(renderJson(cleanReport)).summary.passed).toBe(true);
  });

  it('carries what reproduces the decision, and no timestamp', () => {
    const report = parse(renderJson(sampleReport));
    expect(report.tollgate).toBe('0.1.0');
    expect(report.bundleRevision).toBe('b3f1c2a9d4e5');
    expect(report.inputDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.source).toEqual({ file: 'plans/ml-platform.json', kind: 'terraform-plan' });
    expect(renderJson(sampleReport)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  it('orders findings by rule, then resource, then message', () => {
    const { warnings } = parse(renderJson(sampleReport));
    expect(warnings.map((w) => `${w.rule} ${w.resource}`)).toEqual([
      'TG-BUD-001 aws_eks_node_group.gpu',
      'TG-ENC-001 aws_ebs_volume.scratch',
      'TG-TAG-001 aws_ebs_volume.scratch',
      'TG-TAG-001 aws_s3_bucket.datasets',
      'TG-TAG-001 module.training.aws_instance.trainer[0]',
    ]);
  });

  it('keeps messages exactly as the policy wrote them (JSON escaping is enough)', () => {
    const { warnings } = parse(renderJson(sampleReport));
    expect(warnings.map((w) => w.message)).toContain(HOSTILE_MESSAGE);
  });
});
