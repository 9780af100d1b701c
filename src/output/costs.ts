/**
 * The cost facts the renderers share: the costliest changes of a priced plan, what could not be priced, the
 * budget table (the budget rules' verdict, with figures from their evidence or, for budgets they had nothing
 * to say about, from the spend summary), and savings ranked by dollars. Pure and ordered, so every format
 * shows the same rows in the same order. Amounts stay unrounded here; renderers round once, when printing.
 */
import type { Finding, Recommendation } from '../model/decision.js';
import type { Resource, SpendSummary } from '../model/resource.js';
import type { BudgetLine, CheckResult } from './check-result.js';
import { compareBy, compareStrings, formatUsd, formatUsdDelta } from './check-result.js';

export const COSTLIEST_CHANGES_SHOWN = 10;

export interface CostChange {
  readonly address: string;
  readonly type: string;
  readonly monthlyBefore: number;
  readonly monthlyAfter: number;
  readonly monthlyDelta: number;
}

/** Priced resources whose monthly cost changes, largest change (either way) first. */
export function costChanges(resources: readonly Resource[]): CostChange[] {
  const changes: CostChange[] = [];
  for (const resource of resources) {
    const cost = resource.cost;
    if (!cost || cost.monthlyBefore === null || cost.monthlyAfter === null || cost.monthlyDelta === null) continue;
    if (Math.round(cost.monthlyDelta * 100) === 0) continue;
    changes.push({
      address: resource.address,
      type: resource.type,
      monthlyBefore: cost.monthlyBefore,
      monthlyAfter: cost.monthlyAfter,
      monthlyDelta: cost.monthlyDelta,
    });
  }
  return changes.sort(
    (a, b) => Math.abs(b.monthlyDelta) - Math.abs(a.monthlyDelta) || compareStrings(a.address, b.address),
  );
}

export interface UnpricedResource {
  readonly address: string;
  readonly reason: string;
}

export function unpricedResources(resources: readonly Resource[]): UnpricedResource[] {
  return resources
    .filter((resource) => resource.cost && resource.cost.unpriced !== null)
    .map((resource) => ({ address: resource.address, reason: resource.cost?.unpriced ?? '' }))
    .sort(compareBy<UnpricedResource>((item) => item.address));
}

/** "121.5%": one decimal, none when it is zero, as the budget rules' messages write it. */
export function formatPercent(percent: number): string {
  return `${(Math.round(percent * 10) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}

/** "Monthly cost: $12,400.00 → $18,950.00 (+$6,550.00)". */
export function monthlyCostLine(report: CheckResult): string | null {
  const costs = report.costs;
  if (!costs) return null;
  return `Monthly cost: ${formatUsd(costs.monthlyBefore)} → ${formatUsd(costs.monthlyAfter)} (${formatUsdDelta(costs.monthlyDelta)})`;
}

/** What the estimate assumes, in one sentence. */
export function costAssumptions(report: CheckResult): string | null {
  const costs = report.costs;
  if (!costs) return null;
  return `${costs.hoursPerMonth} h/month, on-demand prices unless a resource runs on spot, price catalog as of ${costs.catalogAsOf}`;
}

export type BudgetStatus = 'over' | 'warn' | 'indeterminate' | 'exempted' | 'ok' | 'no data';

export interface BudgetRow {
  readonly name: string;
  readonly currency: string;
  readonly amount: number;
  readonly spent: number | null;
  readonly forecast: number | null;
  /** The forecast is a run-rate projection, not forecast rows. */
  readonly forecastIsRunRate: boolean;
  /** The plan's monthly change in scope, and the part of it falling in the rest of the month. */
  readonly planMonthlyDelta: number | null;
  readonly planProratedDelta: number | null;
  readonly daysLeft: number | null;
  readonly daysInMonth: number | null;
  readonly projected: number | null;
  readonly percentOfAmount: number | null;
  readonly status: BudgetStatus;
  /** The budget rule's message, when it had something to say. */
  readonly message: string | null;
}

const BUDGET_RULE = /^TG-BUD-/;

function budgetResource(name: string): string {
  return `budget:${name}`;
}

function numberIn(evidence: Readonly<Record<string, unknown>> | undefined, key: string): number | null {
  const value = evidence?.[key];
  return typeof value === 'number' ? value : null;
}

/** The budget rules' finding about a budget, and whether it denied. */
function budgetFinding(report: CheckResult, name: string): { finding: Finding; denied: boolean } | null {
  const about = (finding: Finding) =>
    BUDGET_RULE.test(finding.rule) && (finding.resource === budgetResource(name) || finding.evidence.budget === name);
  const violation = report.decision.violations.find(about);
  if (violation) return { finding: violation, denied: true };
  const warning = report.decision.warnings.find(about);
  return warning ? { finding: warning, denied: false } : null;
}

function statusOf(found: { finding: Finding; denied: boolean } | null, exempted: boolean, spend: SpendSummary | undefined): BudgetStatus {
  if (found) {
    if (found.finding.indeterminate) return 'indeterminate';
    return found.finding.rule === 'TG-BUD-002' ? 'over' : 'warn';
  }
  if (exempted) return 'exempted';
  return spend?.monthToDate === null || spend === undefined ? 'no data' : 'ok';
}

function budgetRow(report: CheckResult, line: BudgetLine): BudgetRow {
  const spend = report.spend?.find((summary) => summary.budget === line.name);
  const found = budgetFinding(report, line.name);
  const exempted = report.decision.exempted.some((e) => BUDGET_RULE.test(e.rule) && e.resource === budgetResource(line.name));
  const evidence = found?.finding.evidence;

  const spent = numberIn(evidence, 'month_to_date') ?? spend?.monthToDate ?? null;
  const forecast = numberIn(evidence, 'forecast_remaining') ?? spend?.forecastRemaining ?? null;
  const daysLeft = numberIn(evidence, 'days_left') ?? spend?.daysLeft ?? null;
  const daysInMonth = numberIn(evidence, 'days_in_month') ?? spend?.daysInMonth ?? null;
  const planMonthlyDelta = numberIn(evidence, 'plan_monthly_delta') ?? line.planMonthlyDelta;
  // The rules prorate the plan's monthly change to the days left; the same arithmetic for rows they skipped.
  const planProratedDelta =
    numberIn(evidence, 'plan_prorated_delta') ??
    (planMonthlyDelta !== null && daysLeft !== null && daysInMonth ? (planMonthlyDelta * daysLeft) / daysInMonth : null);
  const projected =
    numberIn(evidence, 'projected') ?? (spent === null ? null : spent + (forecast ?? 0) + (planProratedDelta ?? 0));
  const percentOfAmount = numberIn(evidence, 'percent_of_amount') ?? (projected === null ? null : (projected / line.amount) * 100);
  return {
    name: line.name,
    currency: line.currency,
    amount: line.amount,
    spent,
    forecast,
    // billing/spend-summary.ts names a run-rate projection among the sources.
    forecastIsRunRate: spend?.sources.some((source) => source.startsWith('run-rate')) ?? false,
    planMonthlyDelta,
    planProratedDelta,
    daysLeft,
    daysInMonth,
    projected,
    percentOfAmount,
    status: statusOf(found, exempted, spend),
    message: found?.finding.message ?? null,
  };
}

/** One row per configured budget, in config order. */
export function budgetRows(report: CheckResult): BudgetRow[] {
  return (report.budgets ?? []).map((line) => budgetRow(report, line));
}

export const BUDGET_STATUS_TEXT: Readonly<Record<BudgetStatus, string>> = {
  over: 'over budget',
  warn: 'near budget',
  indeterminate: 'indeterminate',
  exempted: 'exempted',
  ok: 'within budget',
  'no data': 'no spend data',
};

/** Money in a budget's currency: "$1,234.56" for USD, "1,234.56 EUR" otherwise (no rates are applied). */
export function formatMoney(amount: number, currency: string): string {
  if (currency === 'USD') return formatUsd(amount);
  return `${formatUsd(amount).replace('$', '')} ${currency}`;
}

export function formatMoneyDelta(amount: number, currency: string): string {
  const text = formatMoney(amount, currency);
  return text.startsWith('-') || Math.round(amount * 100) === 0 ? text : `+${text}`;
}

/** Savings first by dollars (largest first), then by rule and resource so equal amounts keep one order. */
export function rankedRecommendations(recommendations: readonly Recommendation[]): Recommendation[] {
  const byName = compareBy<Recommendation>(
    (r) => r.rule,
    (r) => r.resource,
    (r) => r.message,
  );
  return [...recommendations].sort(
    (a, b) => Math.round(b.monthly_savings_usd * 100) - Math.round(a.monthly_savings_usd * 100) || byName(a, b),
  );
}
