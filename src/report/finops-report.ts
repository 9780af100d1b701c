/**
 * The nightly FinOps report: the facts from history and the decision Rego returns on them (the policy input,
 * subject "report", is built by src/prepare/), arranged for the renderers. Pure: no I/O here.
 */
import type { Decision, Finding, Recommendation } from '../model/decision.js';
import type { ReportFacts } from './report-facts.js';

export interface BudgetStatus {
  readonly budget: string;
  readonly amount: number;
  readonly currency: string;
  readonly monthToDate: number | null;
  readonly forecast: number | null;
  readonly percentOfBudget: number | null;
  readonly daysLeft: number;
}

export interface FinOpsReport {
  readonly generatedFor: string;
  readonly facts: ReportFacts;
  readonly budgets: readonly BudgetStatus[];
  readonly anomalies: readonly Finding[];
  readonly expiringExemptions: readonly Finding[];
  readonly recommendations: readonly Recommendation[];
  readonly violations: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly decision: Decision;
}

export function assembleReport(facts: ReportFacts, decision: Decision, budgets: ReadonlyArray<{ name: string; amount: number }>): FinOpsReport {
  const findings = [...decision.violations, ...decision.warnings];
  return {
    generatedFor: facts.today,
    facts,
    budgets: facts.spend.map((summary) => {
      const amount = budgets.find((budget) => budget.name === summary.budget)?.amount ?? 0;
      const forecast = summary.monthToDate === null ? null : summary.monthToDate + (summary.forecastRemaining ?? 0);
      return {
        budget: summary.budget,
        amount,
        currency: summary.currency,
        monthToDate: summary.monthToDate,
        forecast: forecast === null ? null : Math.round(forecast * 100) / 100,
        percentOfBudget: forecast === null || amount <= 0 ? null : Math.round((forecast / amount) * 1000) / 10,
        daysLeft: summary.daysLeft,
      };
    }),
    anomalies: findings.filter((finding) => finding.rule === 'TG-ANO-001'),
    expiringExemptions: findings.filter((finding) => finding.rule === 'TG-CFG-002' || finding.rule === 'TG-CFG-001'),
    recommendations: [...decision.recommendations].sort(
      (a, b) => b.monthly_savings_usd - a.monthly_savings_usd || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
    ),
    violations: decision.violations,
    warnings: decision.warnings,
    decision,
  };
}

export function money(value: number | null, currency: string): string {
  if (value === null) return 'unknown';
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}
