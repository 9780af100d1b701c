import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/decision.js';
import {
  GITHUB_COMMENT_LIMIT,
  MARKDOWN_MARKER,
  codeCell,
  escapeCell,
  renderMarkdown,
  renderMarkdownWith,
} from '../../src/output/markdown.js';
import type { CheckResult } from '../../src/output/check-result.js';
import { expectGolden } from './golden.js';
import type { Resource } from '../../src/model/resource.js';
import { cleanReport, costedReport, sampleReport } from './sample-report.js';
import { present } from '../present.js';

function manyFindings(count: number): CheckResult {
  const template = present(sampleReport.decision.violations[0], 'a sample violation');
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

  it('folds warnings and exemptions into <details>, and ranks savings by dollars in the open', () => {
    const markdown = renderMarkdown(sampleReport);
    expect(markdown).toContain('<details>\n<summary>⚠️ 5 warnings</summary>\n\n| Rule |');
    expect(tableRows(markdown, '⚠️ 5 warnings')).toHaveLength(5);
    expect(markdown).toContain('### 💰 Savings: 2 recommendations, $4,334.76 / month');
    expect(tableRows(markdown, '💰')).toEqual([
      '| `TG-SAV-002` | `aws_eks_node_group.gpu` | $3,100.20 | The int8 build of llama-3-8b fits an L4 (24 GiB); serving on A100 costs more |',
      '| `TG-SAV-001` | `module.training.aws_instance.trainer[0]` | $1,234.56 | Training job is checkpointed; spot capacity would save about 65% |',
      '|  | **Total** | **$4,334.76** |  |',
    ]);
    expect(tableRows(markdown, '🛡️ 1 exempted')[0]).toContain('Data residency waiver DPO-2026-17');
    expect(markdown.match(/<details>/g)).toHaveLength(2);
    expect(markdown.match(/<\/details>/g)).toHaveLength(2);
  });

  it('keeps a hostile message inside its cell', () => {
    const row = tableRows(renderMarkdown(sampleReport), '⚠️').find((r) => r.includes('injected'));
    expect(row).toBe(
      '| `TG-TAG-001` | low | `module.training.aws_instance.trainer[0]` | ' +
        'Tag "team" = &lt;script&gt;&amp;\'x\'&lt;/script&gt; \\| bell\\[31m red 100%, a:b ::error::injected @\u200borg/admins |',
    );
    // Four cells: the escaped pipe does not split the row.
    expect(present(row, 'the hostile row').split(/(?<!\\)\|/).length - 2).toBe(4);
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

describe('markdown renderer: costs and budgets', () => {
  const markdown = renderMarkdown(costedReport);

  it('matches the golden file', () => {
    expectGolden('sample.costs.md', markdown);
  });

  it('puts the cost section first after the verdict, then budgets, savings, then violations', () => {
    const order = ['## ❌ Tollgate', '### 💵 Cost', '### 📊 Budgets', '### 💰 Savings', '### Violations'].map((h) => markdown.indexOf(h));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(markdown).toContain('**Monthly cost: $8,321.12 → $86,407.18 (+$78,086.06)**');
  });

  it('tables the costliest changes by the size of the change, either way', () => {
    expect(tableRows(markdown, '### 💵 Cost')).toEqual([
      // p5.48xlarge: 1 instance × $98.32/h × 730 h = $71,773.60.
      '| `module.training.aws_instance.trainer[0]` | `aws_instance` | $0.00 | $71,773.60 | +$71,773.60 |',
      '| `aws_eks_node_group.gpu` | `aws_eks_node_group` | $8,281.12 | $12,421.68 | +$4,140.56 |',
      '| `aws_sagemaker_endpoint.llm` | `aws_sagemaker_endpoint` | $0.00 | $2,211.90 | +$2,211.90 |',
      '| `aws_ebs_volume.scratch` | `aws_ebs_volume` | $40.00 | $0.00 | -$40.00 |',
    ]);
    expect(markdown).toContain('⚠️ 1 resource could not be priced and is not in the totals: `aws_s3_bucket.datasets`');
    expect(markdown).toContain('_Assumes 730 h/month, on-demand prices unless a resource runs on spot, price catalog as of 2026-11-01._');
  });

  it('shows only the ten largest changes', () => {
    const many = Array.from({ length: 14 }, (_, i): Resource => ({
      ...present(costedReport.resources[0], 'a costed resource'),
      address: `aws_instance.n${String(i).padStart(2, '0')}`,
      cost: {
        ...present(costedReport.resources[5]?.cost, 'the sixth resource’s cost'),
        monthlyAfter: 100 * (i + 1),
        monthlyDelta: 100 * (i + 1),
      },
    }));
    const rows = tableRows(renderMarkdown({ ...costedReport, resources: many }), '### 💵 Cost');
    expect(rows).toHaveLength(10);
    expect(rows[0]).toContain('`aws_instance.n13`');
    expect(renderMarkdown({ ...costedReport, resources: many })).toContain('The 10 largest of 14 cost changes, per month:');
  });

  it('gives each budget its figures and the rules’ status', () => {
    expect(tableRows(markdown, '### 📊 Budgets')).toEqual([
      // 31,200.50 + 11,346.19 + 4,140.56 × 8/30 (1,104.15) = 43,650.84, 93.9% of 46,500.
      '| `ml-platform` ($46,500.00) | $31,200.50 | $11,346.19 | +$1,104.15 (8/30 of +$4,140.56) | $43,650.84 | 93.9% | ⚠️ near budget |',
      '| `research` ($90,000.00) | $12,000.00 | $4,363.64 (run rate) | +$19,139.63 (8/30 of +$71,773.60) | $35,503.27 | 39.4% | ✅ within budget |',
      '| `serving` ($10,000.00) | — | unknown | +$589.84 (8/30 of +$2,211.90) | — | — | ❔ indeterminate |',
    ]);
    expect(markdown).toContain('Spend from `focus-2026-11.csv`.');
  });

  it('shows an exempted budget, a rule turned off and an unpriced plan as the facts say', () => {
    const [platform, research, serving] = costedReport.decision.facts.budgets;
    const budgets = [
      { ...present(platform, 'the platform budget'), exempted: true },
      { ...present(research, 'the research budget'), status: 'deny' as const, rule: 'TG-BUD-002', enforcement: 'off' as const },
      { ...present(serving, 'the serving budget'), plan_monthly_delta: null, plan_prorated_delta: null },
    ];
    const rows = tableRows(
      renderMarkdown({ ...costedReport, decision: { ...costedReport.decision, facts: { ...costedReport.decision.facts, budgets } } }),
      '### 📊 Budgets',
    );
    expect(rows[0]).toMatch(/\| 🛡️ exempted \|$/);
    expect(rows[1]).toMatch(/\| ❌ over budget \(TG-BUD-002 off\) \|$/);
    expect(rows[2]).toContain('| not priced |');
  });

  it('shows no total when the decision gives none', () => {
    const md = renderMarkdown({
      ...costedReport,
      decision: { ...costedReport.decision, facts: { ...costedReport.decision.facts, savings: null } },
    });
    expect(md).toContain('### 💰 Savings: 2 recommendations\n');
    expect(md).not.toContain('**Total**');
  });

  it('ranks savings by dollars, with the total', () => {
    expect(markdown).toContain('### 💰 Savings: 2 recommendations, $4,334.76 / month');
    expect(tableRows(markdown, '### 💰 Savings').map((row) => row.split(' | ')[2])).toEqual(['$3,100.20', '$1,234.56', '**$4,334.76**']);
  });

  it('leaves the cost sections out when the plan was not priced and no budget is configured', () => {
    const plain = renderMarkdown(sampleReport);
    expect(plain).not.toContain('### 💵 Cost');
    expect(plain).not.toContain('### 📊 Budgets');
  });
});
