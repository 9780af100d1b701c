import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/decision.js';
import {
  GITHUB_COMMENT_LIMIT,
  MARKDOWN_MARKER,
  codeCell,
  escapeCell,
  renderMarkdown,
  renderMarkdownWith,
} from '../../src/output/markdown.js';
import type { CheckReport } from '../../src/output/report.js';
import { expectGolden } from './golden.js';
import { cleanReport, sampleReport } from './sample-report.js';

function manyFindings(count: number): CheckReport {
  const template = sampleReport.decision.violations[0]!;
  const violations: Finding[] = Array.from({ length: count }, (_, i) => ({
    ...template,
    resource: `aws_s3_bucket.bucket_${String(i).padStart(5, '0')}`,
    message: `Bucket number ${i} is not encrypted at rest; it holds training shards for the ${i % 7}th experiment`.repeat(2),
  }));
  return { ...sampleReport, decision: { ...sampleReport.decision, violations, warnings: [...violations].slice(0, count / 2) } };
}

/** Rows of the first table that follows a heading or summary containing `title`. */
function tableRows(markdown: string, title: string): string[] {
  const after = markdown.slice(markdown.indexOf(title));
  const lines = after.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| ---'));
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

describe('markdown renderer', () => {
  it('matches the golden file', () => {
    expectGolden('sample.md', renderMarkdown(sampleReport));
  });

  it('starts with the hidden marker and the verdict', () => {
    const [marker, heading] = renderMarkdown(sampleReport).split('\n');
    expect(marker).toBe(MARKDOWN_MARKER);
    expect(heading).toBe('## ❌ Tollgate: 4 violations');
    expect(renderMarkdown(cleanReport).split('\n')[1]).toBe('## ✅ Tollgate passed');
    expect(renderMarkdown({ ...sampleReport, failOn: 'never' }).split('\n')[1]).toBe(
      '## ✅ Tollgate passed (4 violations, fail on: never)',
    );
    expect(renderMarkdown({ ...sampleReport, failOn: 'high' }).split('\n')[1]).toBe('## ❌ Tollgate: 3 violations at high or above');
  });

  it('tables the violations with rule, severity, resource and message', () => {
    const rows = tableRows(renderMarkdown(sampleReport), '### Violations');
    expect(rows).toHaveLength(4);
    expect(rows).toContain(
      '| `TG-REG-001` | critical | `aws_sagemaker_endpoint.llm` | Region us-west-1 is not approved for restricted data (allowed: eu-west-1) |',
    );
  });

  it('folds warnings, recommendations and exemptions into <details>', () => {
    const markdown = renderMarkdown(sampleReport);
    expect(markdown).toContain('<details>\n<summary>⚠️ 5 warnings</summary>\n\n| Rule |');
    expect(tableRows(markdown, '⚠️ 5 warnings')).toHaveLength(5);
    expect(markdown).toContain('<summary>💰 2 recommendations: save $4,334.76 / month</summary>');
    expect(tableRows(markdown, '💰')).toEqual([
      '| `TG-SAV-001` | `module.training.aws_instance.trainer[0]` | $1,234.56 | Training job is checkpointed; spot capacity would save about 65% |',
      '| `TG-SAV-002` | `aws_eks_node_group.gpu` | $3,100.20 | The int8 build of llama-3-8b fits an L4 (24 GiB); serving on A100 costs more |',
      '|  | **Total** | **$4,334.76** |  |',
    ]);
    expect(tableRows(markdown, '🛡️ 1 exempted')[0]).toContain('Data residency waiver DPO-2026-17');
    expect(markdown.match(/<details>/g)).toHaveLength(3);
    expect(markdown.match(/<\/details>/g)).toHaveLength(3);
  });

  it('keeps a hostile message inside its cell', () => {
    const row = tableRows(renderMarkdown(sampleReport), '⚠️').find((r) => r.includes('injected'));
    expect(row).toBe(
      '| `TG-TAG-001` | low | `module.training.aws_instance.trainer[0]` | ' +
        "Tag \"team\" = &lt;script&gt;&amp;'x'&lt;/script&gt; \\| bell\\[31m red 100%, a:b ::error::injected @\u200borg/admins |",
    );
    // Four cells: the escaped pipe does not split the row.
    expect(row!.split(/(?<!\\)\|/).length - 2).toBe(4);
  });

  it.each([
    ['a | b', 'a \\| b'],
    ['line\nbreak', 'line break'],
    ['</details><img src=x>', '&lt;/details&gt;&lt;img src=x&gt;'],
    ['*bold* _it_ `code` [link](x)', '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x)'],
    ['ping @team, mail a@b.c', 'ping @\u200bteam, mail a@b.c'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapes the cell %j', (raw, escaped) => {
    expect(escapeCell(raw)).toBe(escaped);
  });

  it('cuts a single enormous cell', () => {
    const cell = escapeCell('x'.repeat(100_000));
    expect(cell.length).toBeLessThanOrEqual(500);
    expect(cell.endsWith('…')).toBe(true);
  });

  it.each([
    ['aws_s3_bucket.a', '`aws_s3_bucket.a`'],
    ['module.m["a|b"].x', '`module.m["a\\|b"].x`'],
    ['weird`name', '`` weird`name ``'],
  ])('writes the identifier %j as code', (raw, code) => {
    expect(codeCell(raw)).toBe(code);
  });

  it("stays under GitHub's comment limit, saying how many rows it left out", () => {
    const report = manyFindings(3000);
    const markdown = renderMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const shown = tableRows(markdown, '### Violations').length;
    expect(shown).toBeGreaterThan(50);
    expect(markdown).toContain(`… and ${3000 - shown} more`);
    expect(markdown).toContain(`<summary>⚠️ 1500 warnings</summary>`);
    expect(markdown.startsWith(MARKDOWN_MARKER)).toBe(true);
    expect(markdown.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('uses as many rows as fit the limit it is given', () => {
    const report = manyFindings(40);
    const limit = 8_000;
    const markdown = renderMarkdownWith(report, { maxLength: limit });
    expect(markdown.length).toBeLessThanOrEqual(limit);
    const shown = tableRows(markdown, '### Violations').length;
    expect(renderMarkdownWith(report, { maxLength: markdown.length - 1 }).length).toBeLessThan(markdown.length);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
    expect(markdown).toContain(`… and ${40 - shown} more`);
  });

  it('does not truncate what fits', () => {
    expect(renderMarkdown(sampleReport)).not.toContain('… and');
  });
});
