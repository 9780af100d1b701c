/**
 * The human verdict for a CI log or a terminal: findings grouped by resource, then recommendations and
 * exemptions, then one summary line ending in PASS or FAIL.
 */
import type { BudgetFact, Finding } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import type { CheckResult, FindingKind } from './check-result.js';
import {
  compareBy,
  compareStrings,
  formatUsd,
  isPassing,
  plural,
  resourcesByAddress,
  sortedDecision,
  summaryCounts,
} from './check-result.js';
import {
  BUDGET_STATUS_TEXT,
  budgetEnforcementNote,
  budgetLabel,
  budgetRows,
  costAssumptions,
  formatMoney,
  formatMoneyDelta,
  formatPercent,
  monthlyCostLine,
  rankedRecommendations,
  savingsTotal,
  unpricedResources,
  type BudgetLabel,
} from './costs.js';
import { singleLine } from './sanitize.js';

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green';

const ANSI_CODES: Record<Style, readonly [open: number, close: number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  green: [32, 39],
};

type Paint = (style: Style, text: string) => string;

function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => {
    const [open, close] = ANSI_CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

interface KindedFinding {
  readonly kind: FindingKind;
  readonly finding: Finding;
}

/** Marker, label and colour of a finding line: the marker tells apart what was decided from what was unknown. */
function findingBadge(item: KindedFinding): { marker: string; label: string; style: Style } {
  const label = item.kind === 'violation' ? 'DENY' : 'WARN';
  if (item.finding.indeterminate) return { marker: 'ℹ', label, style: 'cyan' };
  return item.kind === 'violation' ? { marker: '✖', label, style: 'red' } : { marker: '⚠', label, style: 'yellow' };
}

const compareKinded = compareBy<KindedFinding>(
  (item) => item.finding.resource,
  (item) => item.finding.rule,
  // Within one rule and resource, denials before warnings.
  (item) => (item.kind === 'violation' ? '0' : '1'),
);

function resourceHeading(address: string, resource: Resource | undefined, paint: Paint): string {
  const details: string[] = [];
  if (resource) details.push(resource.type);
  if (resource?.location) details.push(`${resource.location.file}:${resource.location.line}`);
  const suffix = details.length > 0 ? `  ${paint('dim', singleLine(details.join('  ')))}` : '';
  return `${paint('bold', singleLine(address))}${suffix}`;
}

/**
 * Violations and warnings, each already in resource order (sortedDecision), merged into one list ordered by
 * compareKinded, then message: the order a stable sort of both lists gives, without sorting them again (a
 * comparison of three keys for every pair the sort compares was most of rendering 100,000 findings). Within one
 * list that order is the list's own; a violation and a warning never tie, since denials come first.
 */
function mergeKinded(violations: readonly Finding[], warnings: readonly Finding[]): KindedFinding[] {
  const items: KindedFinding[] = [];
  let v = 0;
  let w = 0;
  while (v < violations.length || w < warnings.length) {
    const violation = violations[v];
    const warning = warnings[w];
    const left = violation === undefined ? undefined : { kind: 'violation' as const, finding: violation };
    const right = warning === undefined ? undefined : { kind: 'warning' as const, finding: warning };
    if (left !== undefined && (right === undefined || compareItems(left, right) <= 0)) {
      items.push(left);
      v++;
    } else if (right !== undefined) {
      items.push(right);
      w++;
    }
  }
  return items;
}

function compareItems(a: KindedFinding, b: KindedFinding): number {
  return compareKinded(a, b) || compareStrings(a.finding.message, b.finding.message);
}

function findingLines(items: readonly KindedFinding[], ruleWidth: number, paint: Paint): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const { marker, label, style } = findingBadge(item);
    const { finding } = item;
    // The rule's message says why the value is not known; the ℹ badge marks it as undecided.
    const unknown = finding.indeterminate ? paint('dim', ' (indeterminate)') : '';
    lines.push(
      `  ${paint(style, `${marker} ${label}`)}  ${finding.rule.padEnd(ruleWidth)}  ${finding.severity.padEnd(8)}  ` +
        `${singleLine(finding.message)}${unknown}`,
    );
    if (finding.remediation !== '') lines.push(`      ${paint('dim', `→ ${singleLine(finding.remediation)}`)}`);
  }
  return lines;
}

function findingsByResource(report: CheckResult, paint: Paint): string[] {
  const decision = sortedDecision(report.decision, 'resource');
  const items = mergeKinded(decision.violations, decision.warnings);
  // A loop, not Math.max(...widths): a call with an argument per finding overflows the stack past ~120,000 findings.
  let ruleWidth = 0;
  for (const item of items) ruleWidth = Math.max(ruleWidth, item.finding.rule.length);
  const resources = resourcesByAddress(report.resources);

  const groups = new Map<string, KindedFinding[]>();
  for (const item of items) {
    const group = groups.get(item.finding.resource) ?? [];
    group.push(item);
    groups.set(item.finding.resource, group);
  }

  const lines: string[] = [];
  for (const [address, group] of groups) {
    lines.push(resourceHeading(address, resources.get(address), paint));
    for (const line of findingLines(group, ruleWidth, paint)) lines.push(line);
    lines.push('');
  }
  return lines;
}

function recommendationLines(report: CheckResult, paint: Paint): string[] {
  const recommendations = rankedRecommendations(report.decision.recommendations);
  if (recommendations.length === 0) return [];
  const total = savingsTotal(report);
  const lines = [paint('bold', total === null ? 'Recommendations' : `Recommendations (could save ${total}/month)`)];
  for (const r of recommendations) {
    lines.push(
      `  ${paint('cyan', '$')} ${r.rule}  ${singleLine(r.resource)}  ${formatUsd(r.monthly_savings_usd)}/month  ` + singleLine(r.message),
    );
  }
  return [...lines, ''];
}

function exemptionLines(report: CheckResult, paint: Paint): string[] {
  const { exempted } = sortedDecision(report.decision, 'resource');
  if (exempted.length === 0) return [];
  const lines = [paint('bold', 'Exempted')];
  for (const e of exempted) {
    lines.push(
      `  ${paint('dim', '○')} ${e.rule}  ${singleLine(e.resource)}  ${singleLine(e.reason)}` +
        paint('dim', ` (owner ${singleLine(e.owner)}, expires ${singleLine(e.expires)})`),
    );
  }
  return [...lines, ''];
}

/** One line: the plan's monthly cost change, what could not be priced, and what the estimate assumes. */
function costLines(report: CheckResult, paint: Paint): string[] {
  const headline = monthlyCostLine(report);
  if (headline === null) return [];
  const unpriced = unpricedResources(report.resources).length;
  const notes = [...(unpriced > 0 ? [`${plural(unpriced, 'resource')} unpriced`] : []), costAssumptions(report) ?? ''];
  return [`${paint('bold', headline)}  ${paint('dim', `(${notes.join('; ')})`)}`, ''];
}

const BUDGET_STYLE: Readonly<Record<BudgetLabel, Style>> = {
  deny: 'red',
  warn: 'yellow',
  indeterminate: 'cyan',
  exempted: 'dim',
  ok: 'green',
};

function budgetLine(row: BudgetFact, paint: Paint): string {
  const money = (amount: number) => formatMoney(amount, row.currency);
  const parts: string[] = [];
  parts.push(row.month_to_date === null ? 'spent unknown' : `spent ${money(row.month_to_date)}`);
  parts.push(
    row.forecast_remaining === null
      ? 'forecast unknown'
      : `forecast ${money(row.forecast_remaining)}${row.forecast_is_run_rate ? ' (run rate)' : ''}`,
  );
  if (row.plan_prorated_delta !== null) parts.push(`plan ${formatMoneyDelta(row.plan_prorated_delta, row.currency)}`);
  const projection =
    row.projected === null || row.percent_of_amount === null
      ? ''
      : ` = ${money(row.projected)}, ${formatPercent(row.percent_of_amount)} of ${money(row.amount)}`;
  const label = budgetLabel(row);
  const status = paint(BUDGET_STYLE[label], `${BUDGET_STATUS_TEXT[label].toUpperCase()}${budgetEnforcementNote(row)}`);
  return `  ${singleLine(row.name)}: ${parts.join(' + ')}${projection}  ${status}`;
}

function budgetLines(report: CheckResult, paint: Paint): string[] {
  const rows = budgetRows(report);
  if (rows.length === 0) return [];
  return [paint('bold', 'Budgets (this month)'), ...rows.map((row) => budgetLine(row, paint)), ''];
}

function summaryLine(report: CheckResult, paint: Paint): string {
  const verdict = isPassing(report) ? paint('green', 'PASS') : paint('red', 'FAIL');
  return `${summaryCounts(report)} — ${paint('bold', verdict)}`;
}

export function renderText(report: CheckResult): string {
  const paint = painter(report.color);
  const header = paint(
    'dim',
    `${report.tool.name} ${report.tool.version} · ${singleLine(report.source.file)} (${report.source.kind}) · ` +
      `fail on: ${report.failOn} · ${plural(report.rules.length, 'rule')}`,
  );
  const lines = [
    header,
    '',
    ...findingsByResource(report, paint),
    ...recommendationLines(report, paint),
    ...exemptionLines(report, paint),
    ...costLines(report, paint),
    ...budgetLines(report, paint),
    summaryLine(report, paint),
  ];
  return `${lines.join('\n')}\n`;
}
