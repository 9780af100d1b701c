/**
 * A pull-request comment or job summary: the verdict as a heading; then what the change costs (the monthly
 * delta and the costliest changes), where the budgets stand and the savings on offer, ranked by dollars, since
 * that is what a reviewer weighs first; then violations in a table, and warnings and exemptions in
 * collapsible sections.
 *
 * It must fit GitHub's comment limit, so tables are cut to the same number of rows until it does, each with a
 * "… and N more" note. A hidden marker lets a bot find and update its own comment.
 */
import type { BudgetFact, Finding } from '../model/decision.js';
import type { CheckResult } from './check-result.js';
import {
  BUDGET_STATUS_TEXT,
  budgetEnforcementNote,
  budgetLabel,
  budgetRows,
  costAssumptions,
  costChanges,
  COSTLIEST_CHANGES_SHOWN,
  formatMoney,
  formatMoneyDelta,
  formatPercent,
  monthlyCostLine,
  rankedRecommendations,
  savingsTotal,
  unpricedResources,
  type BudgetLabel,
} from './costs.js';
import { failingFindings, formatUsd, formatUsdDelta, isPassing, plural, sortedDecision, summaryCounts } from './check-result.js';
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
  const clean = stripControlCharacters(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\t/g, ' ');
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
  /** The first rows, at least as many as can ever be shown (see MAX_SHOWN_ROWS). */
  readonly rows: readonly string[][];
  /** Rows in all, shown or not (default: rows.length). */
  readonly count?: number;
  /** Row appended after the (possibly cut) rows, e.g. a total. */
  readonly footer?: readonly string[];
}

/**
 * A shown row is a line of at least five characters ("| x |" and its line break), so a comment of `maxLength`
 * characters never shows more rows of one table than this: the rows after them are neither escaped nor tried.
 */
function maxShownRows(maxLength: number): number {
  return Math.floor(maxLength / 5) + 1;
}

function renderTable(table: Table, rowLimit: number): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const shown = table.rows.slice(0, rowLimit);
  const lines = [line(table.header), line(table.header.map(() => '---')), ...shown.map(line)];
  if (table.footer) lines.push(line(table.footer));
  const hidden = (table.count ?? table.rows.length) - shown.length;
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

function heading(report: CheckResult): string {
  const { violations } = report.decision;
  if (!isPassing(report)) {
    const failing = failingFindings(report).length;
    const what =
      report.failOn === 'deny' ? plural(violations.length, 'violation') : `${plural(failing, 'violation')} at ${report.failOn} or above`;
    return `## ❌ Tollgate: ${what}`;
  }
  return violations.length > 0
    ? `## ✅ Tollgate passed (${plural(violations.length, 'violation')}, fail on: ${report.failOn})`
    : '## ✅ Tollgate passed';
}

/** Cost lines shown however short the comment must be: the costliest changes are a fixed top ten. */
function costSection(report: CheckResult): string[] {
  const headline = monthlyCostLine(report);
  if (headline === null) return [];
  const lines = ['### 💵 Cost', '', `**${headline}**`, ''];
  const changes = costChanges(report.resources);
  if (changes.length > 0) {
    const shown = changes.slice(0, COSTLIEST_CHANGES_SHOWN);
    const title = changes.length > shown.length ? `The ${shown.length} largest of ${changes.length} cost changes` : 'Cost changes';
    lines.push(
      `${title}, per month:`,
      '',
      ...renderTable(
        {
          header: ['Resource', 'Type', 'Before', 'After', 'Delta'],
          rows: shown.map((c) => [
            codeCell(c.address),
            codeCell(c.type),
            formatUsd(c.monthlyBefore),
            formatUsd(c.monthlyAfter),
            formatUsdDelta(c.monthlyDelta),
          ]),
        },
        shown.length,
      ),
      '',
    );
  }
  const unpriced = unpricedResources(report.resources);
  if (unpriced.length > 0) {
    const named = unpriced.slice(0, 5).map((u) => `${codeCell(u.address)} (${escapeCell(u.reason)})`);
    const more = unpriced.length > named.length ? `, and ${unpriced.length - named.length} more` : '';
    lines.push(
      `⚠️ ${plural(unpriced.length, 'resource')} could not be priced and ${unpriced.length === 1 ? 'is' : 'are'} not in the totals: ${named.join(', ')}${more}.`,
      '',
    );
  }
  lines.push(`_Assumes ${costAssumptions(report) ?? ''}._`, '');
  return lines;
}

const BUDGET_STATUS_ICON: Readonly<Record<BudgetLabel, string>> = {
  deny: '❌',
  warn: '⚠️',
  indeterminate: '❔',
  exempted: '🛡️',
  ok: '✅',
};

function budgetCells(row: BudgetFact): string[] {
  const money = (amount: number | null) => (amount === null ? '—' : formatMoney(amount, row.currency));
  const forecast =
    row.forecast_remaining === null ? 'unknown' : `${money(row.forecast_remaining)}${row.forecast_is_run_rate ? ' (run rate)' : ''}`;
  let planDelta = 'not priced';
  if (row.plan_prorated_delta !== null && row.plan_monthly_delta !== null && row.days_left !== null && row.days_in_month !== null) {
    planDelta = `${formatMoneyDelta(row.plan_prorated_delta, row.currency)} (${row.days_left}/${row.days_in_month} of ${formatMoneyDelta(row.plan_monthly_delta, row.currency)})`;
  } else if (row.plan_monthly_delta !== null) {
    planDelta = `${formatMoneyDelta(row.plan_monthly_delta, row.currency)} / month`;
  }
  const label = budgetLabel(row);
  return [
    `${codeCell(row.name)} (${money(row.amount)})`,
    money(row.month_to_date),
    forecast,
    planDelta,
    money(row.projected),
    row.percent_of_amount === null ? '—' : formatPercent(row.percent_of_amount),
    `${BUDGET_STATUS_ICON[label]} ${BUDGET_STATUS_TEXT[label]}${escapeCell(budgetEnforcementNote(row))}`,
  ];
}

function budgetSection(report: CheckResult): string[] {
  const rows = budgetRows(report);
  if (rows.length === 0) return [];
  const table = renderTable(
    {
      header: ['Budget', 'Spent (month to date)', 'Forecast (rest of month)', 'Plan delta', 'Projected', '% of budget', 'Status'],
      rows: rows.map(budgetCells),
    },
    rows.length,
  );
  const sources = [...new Set((report.spend ?? []).flatMap((s) => s.sources).filter((s) => !s.startsWith('run-rate')))];
  const note =
    sources.length > 0 ? `Spend from ${sources.map((s) => codeCell(s)).join(', ')}.` : 'No spend data was given (`--spend FILE`).';
  return ['### 📊 Budgets', '', ...table, '', note, ''];
}

/** The savings table and its heading, or null when nothing is recommended. */
function savingsSection(report: CheckResult, maxRows: number): { heading: string; table: Table } | null {
  const recommendations = rankedRecommendations(report.decision.recommendations);
  if (recommendations.length === 0) return null;
  const total = savingsTotal(report);
  const table: Table = {
    header: ['Rule', 'Resource', 'Savings / month', 'Recommendation'],
    rows: recommendations
      .slice(0, maxRows)
      .map((r) => [codeCell(r.rule), codeCell(r.resource), formatUsd(r.monthly_savings_usd), escapeCell(r.message)]),
    count: recommendations.length,
    ...(total === null ? {} : { footer: ['', '**Total**', `**${total}**`, ''] }),
  };
  const heading = `### 💰 Savings: ${plural(recommendations.length, 'recommendation')}${total === null ? '' : `, ${total} / month`}`;
  return { heading, table };
}

/**
 * The comment for any number of rows per table. Every cell is escaped once, here: the comment is rendered again
 * for each row limit tried, and a 10,000-finding decision took a second and a half when each try escaped every
 * finding again.
 */
function renderer(report: CheckResult, maxRows: number): (rowLimit: number) => string {
  const decision = sortedDecision(report.decision, 'rule');
  const head = [
    MARKDOWN_MARKER,
    heading(report),
    '',
    `${summaryCounts(report)} · source ${codeCell(report.source.file)} (${report.source.kind}) · ` +
      `bundle ${codeCell(decision.bundleRevision)} · ${report.tool.name} ${report.tool.version}`,
    '',
    ...costSection(report),
    ...budgetSection(report),
  ];
  const savings = savingsSection(report, maxRows);
  const findingHeader = ['Rule', 'Severity', 'Resource', 'Message'];
  const findingTable = (findings: readonly Finding[]): Table | null =>
    findings.length > 0 ? { header: findingHeader, rows: findingRows(findings.slice(0, maxRows)), count: findings.length } : null;
  const violations = findingTable(decision.violations);
  const warnings = findingTable(decision.warnings);
  const exempted: Table | null =
    decision.exempted.length > 0
      ? {
          header: ['Rule', 'Resource', 'Reason', 'Owner', 'Expires'],
          rows: decision.exempted
            .slice(0, maxRows)
            .map((e) => [codeCell(e.rule), codeCell(e.resource), escapeCell(e.reason), escapeCell(e.owner), escapeCell(e.expires)]),
          count: decision.exempted.length,
        }
      : null;
  // Tables are joined as arrays, not pushed as arguments: a call with an argument per row overflows the stack
  // past ~120,000 rows.
  return (rowLimit) => {
    let lines = head;
    if (savings !== null) lines = lines.concat(savings.heading, '', renderTable(savings.table, rowLimit), '');
    if (violations !== null) lines = lines.concat('### Violations', '', renderTable(violations, rowLimit), '');
    if (warnings !== null) {
      lines = lines.concat(collapsible(`⚠️ ${plural(decision.warnings.length, 'warning')}`, renderTable(warnings, rowLimit)));
    }
    if (exempted !== null) lines = lines.concat(collapsible(`🛡️ ${decision.exempted.length} exempted`, renderTable(exempted, rowLimit)));
    return `${lines.join('\n').trimEnd()}\n`;
  };
}

export function renderMarkdownWith(report: CheckResult, options: MarkdownOptions): string {
  const { violations, warnings, recommendations, exempted } = report.decision;
  const longest = Math.max(violations.length, warnings.length, recommendations.length, exempted.length);
  const maxRows = maxShownRows(options.maxLength);
  const render = renderer(report, maxRows);
  if (longest < maxRows) {
    const full = render(longest);
    if (full.length <= options.maxLength) return full;
  }
  // Fewer rows make the text shorter (a cut row is longer than the "… and N more" note that replaces it), so the
  // largest row limit that fits can be found by bisection. With no rows at all it fits unless the limit is absurd.
  // Showing maxRows rows of the longest table cannot fit, so the search starts below it.
  let fits = 0;
  let tooMany = Math.min(longest, maxRows);
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (render(middle).length <= options.maxLength) fits = middle;
    else tooMany = middle;
  }
  return render(fits);
}

export function renderMarkdown(report: CheckResult): string {
  return renderMarkdownWith(report, { maxLength: GITHUB_COMMENT_LIMIT });
}
