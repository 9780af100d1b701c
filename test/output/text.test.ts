import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/output/text.js';
import { expectGolden } from './golden.js';
import { cleanReport, costedReport, sampleReport, shuffledReport } from './sample-report.js';

describe('text renderer', () => {
  it('matches the golden file', () => {
    expectGolden('sample.txt', renderText(sampleReport));
  });

  it('matches the golden file in colour', () => {
    expectGolden('sample.color.txt', renderText({ ...sampleReport, color: true }));
  });

  it('uses ANSI colours only when asked to', () => {
    expect(renderText(sampleReport)).not.toContain('\u001b');
    expect(renderText({ ...sampleReport, color: true })).toContain('\u001b[31m✖ DENY\u001b[39m');
  });

  it('ends with the summary and the verdict', () => {
    const lines = renderText(sampleReport).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('4 violations, 5 warnings, 2 recommendations, 1 exempted in 9 resources — FAIL');
    expect(renderText(cleanReport).trimEnd().split('\n').at(-1)).toBe('0 violations, 0 warnings, 0 exempted in 9 resources — PASS');
    expect(renderText({ ...sampleReport, failOn: 'never' })).toMatch(/— PASS\n$/);
  });

  it('groups findings by resource, in address order, with type and location', () => {
    const headings = renderText(sampleReport)
      .split('\n')
      .filter((line) => /^[a-z]/.test(line) && !line.startsWith('tollgate '));
    expect(headings).toEqual([
      'aws_ebs_volume.scratch  aws_ebs_volume',
      'aws_eks_node_group.gpu  aws_eks_node_group  infra/eks.tf:21',
      'aws_lb_listener.api  aws_lb_listener  infra/serving.tf:58',
      'aws_s3_bucket.datasets  aws_s3_bucket  infra/storage.tf:12',
      'aws_sagemaker_endpoint.llm  aws_sagemaker_endpoint  infra/serving.tf:3',
      'module.training.aws_instance.trainer[0]  aws_instance  modules/training/main.tf:7',
    ]);
  });

  it('marks denials, warnings and undecidable findings apart, remediation indented', () => {
    const text = renderText(sampleReport);
    expect(text).toContain('  ✖ DENY  TG-REG-001  critical  Region us-west-1 is not approved');
    expect(text).toContain('  ⚠ WARN  TG-TAG-001  low       Missing cost-allocation tags: team');
    expect(text).toContain('  ℹ WARN  TG-ENC-001  high      Encryption of the volume is not known from the plan (indeterminate)');
    expect(text).toContain('\n      → Deploy the endpoint in eu-west-1.\n');
  });

  it('lists recommendations with their savings and the exemptions after the findings', () => {
    const text = renderText(sampleReport);
    expect(text).toContain('Recommendations (could save $4,334.76/month)');
    expect(text).toContain('TG-SAV-001  module.training.aws_instance.trainer[0]  $1,234.56/month');
    expect(text).toMatch(/Exempted\n {2}○ TG-REG-001 {2}aws_s3_bucket\.eu_mirror {2}Data residency waiver/);
    expect(text.indexOf('Recommendations')).toBeLessThan(text.indexOf('Exempted'));
  });

  it('keeps a hostile message on one line, without control characters', () => {
    const text = renderText(sampleReport);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    // A CI runner would read a line starting with "::" as a workflow command.
    for (const line of text.split('\n')) expect(line.trim().startsWith('::')).toBe(false);
    expect(text).toContain('a:b ↵ ::error::injected @org/admins');
  });
});

describe('text renderer: costs and budgets', () => {
  const text = renderText(costedReport);

  it('matches the golden file', () => {
    expectGolden('sample.costs.txt', text);
  });

  it('sums the cost up in one line and each budget in one line, before the verdict', () => {
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain(
      'Monthly cost: $8,321.12 → $86,407.18 (+$78,086.06)  (1 resource unpriced; 730 h/month, on-demand prices unless a resource runs on spot, price catalog as of 2026-11-01)',
    );
    expect(lines).toContain(
      '  ml-platform: spent $31,200.50 + forecast $11,346.19 + plan +$1,104.15 = $43,650.84, 93.9% of $46,500.00  NEAR BUDGET',
    );
    expect(lines).toContain('  serving: spent unknown + forecast unknown + plan +$589.84  INDETERMINATE');
    expect(lines.at(-1)).toMatch(/FAIL$/);
  });

  it('does not depend on the order of its input', () => {
    expect(renderText({ ...shuffledReport(costedReport), costs: costedReport.costs, spend: costedReport.spend })).toBe(text);
  });
});
