/**
 * A pull-request comment or job summary: the verdict as a heading, violations in a table, warnings,
 * recommendations (with the total savings) and exemptions in collapsible sections.
 *
 * It must fit GitHub's comment limit, so tables are cut to the same number of rows until it does, each with a
 * "… and N more" note. A hidden marker lets a bot find and update its own comment.
 */
import type { Finding } from '../engine/decision.js';
import type { CheckReport } from './report.js';
import {
  failingFindings,
  formatUsd,
  isPassing,
  plural,
  sortedDecision,
  summaryCounts,
  totalMonthlySavings,
} from './report.js';
import { stripControlCharacters } from './sanitize.js';

export const MARKDOWN_MARKER = '<!-- tollgate-report -->';
/** GitHub rejects issue and PR comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A single cell longer than this is cut, so one enormous message cannot crowd out the rest. */
const MAX_CELL_LENGTH = 500;

export interface MarkdownOptions {
  readonly maxLength: number;
}

/**
 * Text in a table cell: no HTML (a message could close the <details> or inject markup), no cell breaks,
 * no line breaks, no @mentions (the comment would notify whoever is named).
 */
export function escapeCell(text: string): string {
  const clean = stripControlCharacters(text).replace(/\r\n|\r|\n/g, ' ').replace(/\t/g, ' ');
  const cut = clean.length > MAX_CELL_LENGTH ? `${clean.slice(0, MAX_CELL_LENGTH - 1)}…` : clean;
  return cut
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([`*_[\]~])/g, '\\$1')
    .replace(/(^|[^\w])@(?=\w)/g, '$1@\u200b');
}

/** An identifier (rule id, resource address) as inline code in a table cell. */
export function codeCell(text: string): string {
  const clean = stripControlCharacters(text).replace(/[\r\n\t]/g, ' ');
  // Backslash escapes do not work inside code spans, but GFM still splits cells at a bare "|" there; "\|" is
  // the documented way to keep it. A backtick in the text needs a longer fence.
  const fence = clean.includes('`') ? '`` ' : '`';
  const closing = fence === '`` ' ? ' ``' : '`';
  return `${fence}${clean.replace(/\|/g, '\\|')}${closing}`;
}

interface Table {
  readonly header: readonly string[];
  readonly rows: readonly string[][];
  /** Row appended after the (possibly cut) rows, e.g. a total. */
  readonly footer?: readonly string[];
}

function renderTable(table: Table, rowLimit: number): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const shown = table.rows.slice(0, rowLimit);
  const lines = [line(table.header), line(table.header.map(() => '---')), ...shown.map(line)];
  if (table.footer) lines.push(line(table.footer));
  const hidden = table.rows.length - shown.length;
  if (hidden > 0) lines.push('', `… and ${hidden} more`);
  return lines;
}

function findingRows(findings: readonly Finding[]): string[][] {
  return findings.map((f) => [
    codeCell(f.rule),
    f.severity,
    codeCell(f.resource),
    `${escapeCell(f.message)}${f.indeterminate ? ' _(indeterminate)_' : ''}`,
  ]);
}

function collapsible(summary: string, body: readonly string[]): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

function heading(report: CheckReport): string {
  const { violations } = report.decision;
  if (!isPassing(report)) {
    const failing = failingFindings(report).length;
    const what =
      report.failOn === 'deny'
        ? plural(violations.length, 'violation')
        : `${plural(failing, 'violation')} at ${report.failOn} or above`;
    return `## ❌ Tollgate: ${what}`;
  }
  return violations.length > 0
    ? `## ✅ Tollgate passed (${plural(violations.length, 'violation')}, fail on: ${report.failOn})`
    : '## ✅ Tollgate passed';
}

function render(report: CheckReport, rowLimit: number): string {
  const decision = sortedDecision(report.decision, 'rule');
  const lines = [
    MARKDOWN_MARKER,
    heading(report),
    '',
    `${summaryCounts(report)} · source ${codeCell(report.source.file)} (${report.source.kind}) · ` +
      `bundle ${codeCell(decision.bundleRevision)} · ${report.tool.name} ${report.tool.version}`,
    '',
  ];
  const findingHeader = ['Rule', 'Severity', 'Resource', 'Message'];

  if (decision.violations.length > 0) {
    const table = renderTable({ header: findingHeader, rows: findingRows(decision.violations) }, rowLimit);
    lines.push('### Violations', '', ...table, '');
  }
  if (decision.warnings.length > 0) {
    const table = renderTable({ header: findingHeader, rows: findingRows(decision.warnings) }, rowLimit);
    lines.push(...collapsible(`⚠️ ${plural(decision.warnings.length, 'warning')}`, table));
  }
  if (decision.recommendations.length > 0) {
    const total = formatUsd(totalMonthlySavings(decision.recommendations));
    const table = renderTable(
      {
        header: ['Rule', 'Resource', 'Savings / month', 'Recommendation'],
        rows: decision.recommendations.map((r) => [
          codeCell(r.rule),
          codeCell(r.resource),
          formatUsd(r.monthly_savings_usd),
          escapeCell(r.message),
        ]),
        footer: ['', '**Total**', `**${total}**`, ''],
      },
      rowLimit,
    );
    const summary = `💰 ${plural(decision.recommendations.length, 'recommendation')}: save ${total} / month`;
    lines.push(...collapsible(summary, table));
  }
  if (decision.exempted.length > 0) {
    const table = renderTable(
      {
        header: ['Rule', 'Resource', 'Reason', 'Owner', 'Expires'],
        rows: decision.exempted.map((e) => [
          codeCell(e.rule),
          codeCell(e.resource),
          escapeCell(e.reason),
          escapeCell(e.owner),
          escapeCell(e.expires),
        ]),
      },
      rowLimit,
    );
    lines.push(...collapsible(`🛡️ ${decision.exempted.length} exempted`, table));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderMarkdownWith(report: CheckReport, options: MarkdownOptions): string {
  const { violations, warnings, recommendations, exempted } = report.decision;
  const longest = Math.max(violations.length, warnings.length, recommendations.length, exempted.length);
  const full = render(report, longest);
  if (full.length <= options.maxLength) return full;
  // Fewer rows make the text shorter (a cut row is longer than the "… and N more" note that replaces it), so the
  // largest row limit that fits can be found by bisection. With no rows at all it fits unless the limit is absurd.
  let fits = 0;
  let tooMany = longest;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (render(report, middle).length <= options.maxLength) fits = middle;
    else tooMany = middle;
  }
  return render(report, fits);
}

export function renderMarkdown(report: CheckReport): string {
  return renderMarkdownWith(report, { maxLength: GITHUB_COMMENT_LIMIT });
}
