import { describe, expect, it } from 'vitest';
import { readDecision } from '../../src/engine/read-decision.js';
import type { Decision, Finding } from '../../src/model/decision.js';
import { assembleReport } from '../../src/report/finops-report.js';
import type { ReportFacts } from '../../src/report/report-facts.js';
import { sampleBudgets, sampleRules } from '../output/sample-report.js';
import { present } from '../present.js';

const facts: ReportFacts = {
  currency: 'USD',
  today: '2026-11-23',
  firstDay: null,
  lastDay: null,
  sources: [],
  series: [],
  spend: [],
  monthToDate: 0,
  costBasis: { shown: 'effective', label: 'effective', effective_month_to_date: 0, billed_month_to_date: 0 },
  currencies: [],
  freshness: [],
  showback: {
    month: '2026-11',
    previous_month: '2026-10',
    complete_through: '2026-11-22',
    team_tag: 'team',
    totals: { month_to_date: 0, previous_month_to_date: 0, previous_month: 0 },
    by_team: [],
    by_cloud: [],
    by_service: [],
    by_model: [],
  },
  accelerators: { total: 0, unknown: 0, unknown_types: [] },
  estimates: null,
  budgetDays: [],
  gpuByTeam: [],
  gpuByModel: [],
  topDrivers: [],
  forecasts: [],
};

function finding(rule: string): Finding {
  return { rule, severity: 'low', resource: `r:${rule}`, message: rule, remediation: '', indeterminate: false, evidence: {} };
}

const decision: Decision = {
  violations: [finding('X-SPIKE-1')],
  warnings: [finding('X-STALE-1'), finding('X-OTHER-1')],
  recommendations: [],
  exempted: [],
  facts: { budgets: sampleBudgets, savings: null },
  bundleRevision: 'r',
  inputDigest: 'd',
};

describe('assembleReport', () => {
  it('groups findings by their rules’ report_section, whatever the rule ids', () => {
    const sampleRule = present(sampleRules[0], 'a sample rule');
    const rules = [
      { ...sampleRule, id: 'X-SPIKE-1', reportSection: 'anomalies' as const },
      { ...sampleRule, id: 'X-STALE-1', reportSection: 'exemptions' as const },
      { ...sampleRule, id: 'X-OTHER-1' },
    ];
    const report = assembleReport(facts, decision, rules);
    expect(report.anomalies.map((f) => f.rule)).toEqual(['X-SPIKE-1']);
    expect(report.expiringExemptions.map((f) => f.rule)).toEqual(['X-STALE-1']);
  });

  it('takes the budgets from the decision’s facts as they are', () => {
    expect(assembleReport(facts, decision, []).budgets).toBe(sampleBudgets);
  });
});

describe('readDecision facts', () => {
  const result = (facts: unknown) => [{ result: { violations: [], warnings: [], recommendations: [], exempted: [], facts } }];

  it('types the budget facts and keeps other facts as given', () => {
    const budget = { name: 'a', amount: 10, status: 'warn', projected: 9, percent_of_amount: 90, enforcement: 'warn', rule: 'R', extra: 1 };
    const read = readDecision(result({ budgets: [budget], savings: { recommendations: 1, monthly_savings_usd: 2.5 }, custom: [1] }), 'p');
    expect(read.facts.budgets[0]).toMatchObject({
      name: 'a',
      status: 'warn',
      projected: 9,
      month_to_date: null,
      rule: 'R',
      exempted: false,
    });
    expect(read.facts.savings).toEqual({ recommendations: 1, monthly_savings_usd: 2.5 });
    expect(read.facts.custom).toEqual([1]);
  });

  it('has no budgets and no savings total when the policies publish no facts', () => {
    expect(readDecision(result(undefined), 'p').facts).toEqual({ budgets: [], savings: null });
  });

  it.each([
    ['a budget with an unknown status', { budgets: [{ name: 'a', amount: 1, status: 'over' }] }, /facts\.budgets entries need/],
    ['budgets that are not a list', { budgets: {} }, /facts\.budgets must be an array/],
    ['facts that are not an object', [1], /facts must be an object/],
  ])('refuses %s', (_, facts, message) => {
    expect(() => readDecision(result(facts), 'p')).toThrow(message);
  });
});
