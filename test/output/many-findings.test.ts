import { describe, expect, it } from 'vitest';
import type { Finding, Recommendation } from '../../src/model/decision.js';
import type { CheckResult } from '../../src/output/check-result.js';
import { renderGithub } from '../../src/output/github.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/output/markdown.js';
import { renderText } from '../../src/output/text.js';
import { sampleDecision, sampleReport } from './sample-report.js';

/**
 * A 100,000-resource plan where most resources break a rule or two has about 150,000 findings: more than a
 * JavaScript call can take as arguments (Math.max(...widths), lines.push(...rows) overflow the stack).
 */
const COUNT = 200_000;

const [violation] = sampleDecision.violations;
const [recommendation] = sampleDecision.recommendations;
if (violation === undefined || recommendation === undefined) throw new Error('the sample decision has no violation or recommendation');

const violations: Finding[] = Array.from({ length: COUNT }, (_, i) => ({ ...violation, resource: `aws_s3_bucket.b[${i}]` }));
const recommendations: Recommendation[] = Array.from({ length: COUNT }, (_, i) => ({
  ...recommendation,
  resource: `aws_instance.t[${i}]`,
}));
const report: CheckResult = { ...sampleReport, decision: { ...sampleDecision, violations, warnings: [], recommendations } };

describe(`renderers given ${COUNT.toLocaleString('en')} findings`, () => {
  it('text lists every finding', () => {
    const text = renderText(report);
    expect(text.split('\n').filter((line) => line.includes(violation.message))).toHaveLength(COUNT);
  });

  it('markdown still fits a comment', () => {
    const markdown = renderMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown).toMatch(/… and \d+ more/);
  });

  it('github annotations are written', () => {
    expect(renderGithub(report)).toContain('::error');
  });
});
