import { describe, expect, it } from 'vitest';
import { renderJson, type JsonReport } from '../../src/output/json.js';
import { expectGolden } from './golden.js';
import { HOSTILE_MESSAGE, cleanReport, costedReport, sampleReport, shuffledReport } from './sample-report.js';

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

describe('json renderer: costs and spend', () => {
  const json = renderJson(costedReport);

  it('matches the golden file', () => {
    expectGolden('sample.costs.json', json);
  });

  it('has the totals, every priced resource by address, and the spend per budget', () => {
    const report = JSON.parse(json) as JsonReport;
    expect(report.costs).toMatchObject({ monthlyBefore: 8321.12, monthlyAfter: 86407.18, monthlyDelta: 78086.06, unpricedResources: 1 });
    expect(report.costs?.resources.map((r) => r.address)).toEqual([
      'aws_ebs_volume.scratch',
      'aws_eks_node_group.gpu',
      'aws_s3_bucket.datasets',
      'aws_sagemaker_endpoint.llm',
      'module.training.aws_instance.trainer[0]',
    ]);
    const trainer = report.costs?.resources.find((r) => r.address.endsWith('trainer[0]'));
    // 1 instance × $98.32/h × 730 h.
    expect(trainer?.monthlyAfter).toBe(71773.6); // 1 instance × $98.32/h × 730 h
    expect(report.spend?.map((s) => [s.budget, s.monthToDate])).toEqual([
      ['ml-platform', 31200.5],
      ['research', 12000],
      ['serving', null],
    ]);
    expect(renderJson({ ...shuffledReport(costedReport), costs: costedReport.costs, spend: costedReport.spend })).toBe(json);
  });

  it('leaves costs and spend out when there are none', () => {
    const report = JSON.parse(renderJson(sampleReport)) as Record<string, unknown>;
    expect(report).not.toHaveProperty('costs');
    expect(report).not.toHaveProperty('spend');
  });
});
