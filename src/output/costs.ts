/**
 * The cost facts the renderers share: the costliest changes of a priced plan, what could not be priced, the
 * budget table (the decision's budget facts, as the rules computed them), and savings ranked by dollars. Pure and ordered, so every format
 * shows the same rows in the same order. Amounts stay unrounded here; renderers round once, when printing.
 */
import type { BudgetFact, BudgetStatus, Recommendation } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
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
    if (!cost) continue;
    if (cost.monthlyBefore === null || cost.monthlyAfter === null || cost.monthlyDelta === null) continue;
    if (Math.round(cost.monthlyDelta * 100) === 0) continue;
    changes.push({
      address: resource.address,
      type: resource.type,
      monthlyBefore: cost.monthlyBefore,
      monthlyAfter: cost.monthlyAfter,
      monthlyDelta: cost.monthlyDelta,
    });
  }
  return changes.sort((a, b) => Math.abs(b.monthlyDelta) - Math.abs(a.monthlyDelta) || compareStrings(a.address, b.address));
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

/**
 * The budget table's rows: the decision's budget facts as the rules published them (every configured budget,
 * in config order). Nothing is computed here.
 */
export function budgetRows(report: CheckResult): readonly BudgetFact[] {
  return report.decision.facts.budgets;
}

/** What the table says about a budget: the rules' verdict, or that an exemption covers it. */
export type BudgetLabel = BudgetStatus | 'exempted';

export function budgetLabel(fact: BudgetFact): BudgetLabel {
  return fact.exempted ? 'exempted' : fact.status;
}

export const BUDGET_STATUS_TEXT: Readonly<Record<BudgetLabel, string>> = {
  deny: 'over budget',
  warn: 'near budget',
  indeterminate: 'indeterminate',
  exempted: 'exempted',
  ok: 'within budget',
};

/** " (rule off)" when tollgate.yaml turned off the rule that reported the budget, else "". */
export function budgetEnforcementNote(fact: BudgetFact): string {
  return fact.enforcement === 'off' ? ` (${fact.rule ?? 'rule'} off)` : '';
}

/** Money in a budget's currency: "$1,234.56" for USD, "1,234.56 EUR" otherwise (no rates are applied). */
export function formatMoney(amount: number, currency: string): string {
  if (currency === 'USD') return formatUsd(amount);
  return `${formatUsd(amount).replace('$', '')} ${currency}`;
}

export function formatMoneyDelta(amount: number, currency: string): string {
  const text = formatMoney(amount, currency);
  return text.startsWith('-') || Math.round(amount * 100) === 0 ? text : `+${text}`;
}

/** "$4,334.76": the recommendations' monthly total as the decision sums it; null when it does not say. */
export function savingsTotal(report: CheckResult): string | null {
  const savings = report.decision.facts.savings;
  return savings === null ? null : formatUsd(savings.monthly_savings_usd);
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
