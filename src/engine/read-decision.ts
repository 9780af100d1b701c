/**
 * Turns the raw result set of `tollgate/decision` into a typed PolicyDecision: checks the shape a
 * custom policy might get wrong, fills optional fields, and sorts every list so the same input
 * always gives byte-identical output.
 *
 * The engine evaluates the compact form when the bundle has it (tollgate/compact_decision and the sliced and
 * batched entrypoints, policies/decision.rego): each violation and warning is [rule id, the finding as its rule
 * stated it], and `rules` states each of those rules' severity and remediation once. An item is spelled out here
 * as tollgate/decision spells it out: what the finding states wins, and what it leaves out comes from its rule's
 * settings, so the two forms give the same Finding. Items of the full form are read as they are.
 */
import { TollgateError } from '../model/errors.js';
import {
  BUDGET_STATUSES,
  SEVERITIES,
  type BudgetFact,
  type BudgetStatus,
  type DecisionFacts,
  type Enforcement,
  type ExemptedFinding,
  type Finding,
  type PolicyDecision,
  type Recommendation,
  type SavingsFact,
  type Severity,
} from '../model/decision.js';

type Raw = Record<string, unknown>;

function record(value: unknown): Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

function string(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function list(value: unknown, field: string, source: string): Raw[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TollgateError(`the decision's ${field} must be an array, got ${typeof value}`, { file: source });
  }
  return value.map(record);
}

function finding(raw: Raw): Finding {
  return findingOf(raw.rule, raw, raw.severity, raw.remediation);
}

function findingOf(rule: unknown, raw: Raw, rawSeverity: unknown, remediation: unknown): Finding {
  const severity = string(rawSeverity) as Severity;
  return {
    rule: string(rule),
    severity: SEVERITIES.includes(severity) ? severity : 'medium',
    resource: string(raw.resource),
    message: string(raw.message),
    remediation: string(remediation),
    indeterminate: raw.indeterminate === true,
    evidence: record(raw.evidence),
  };
}

/** A compact item, [rule id, finding]: the finding's own severity and remediation, else its rule's settings. */
function compactFinding(item: readonly unknown[], rules: Raw): Finding {
  const [rule, value] = item;
  const raw = record(value);
  const settings = typeof rule === 'string' && Object.hasOwn(rules, rule) ? record(rules[rule]) : {};
  return findingOf(
    rule,
    raw,
    Object.hasOwn(raw, 'severity') ? raw.severity : settings.severity,
    Object.hasOwn(raw, 'remediation') ? raw.remediation : settings.remediation,
  );
}

/** A decision's violations or warnings, compact items or full ones, as Findings. */
function findings(value: unknown, field: string, source: string, rules: Raw): Finding[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TollgateError(`the decision's ${field} must be an array, got ${typeof value}`, { file: source });
  }
  return value.map((item: unknown) => (Array.isArray(item) ? compactFinding(item, rules) : finding(record(item))));
}

function recommendation(raw: Raw): Recommendation {
  const savings = typeof raw.monthly_savings_usd === 'number' ? raw.monthly_savings_usd : 0;
  return {
    rule: string(raw.rule),
    resource: string(raw.resource),
    message: string(raw.message),
    monthly_savings_usd: Math.round(savings * 100) / 100,
    evidence: record(raw.evidence),
  };
}

function exempted(raw: Raw): ExemptedFinding {
  return {
    rule: string(raw.rule),
    resource: string(raw.resource),
    reason: string(raw.reason),
    owner: string(raw.owner),
    expires: string(raw.expires),
  };
}

function nullableNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

const ENFORCEMENTS: readonly Enforcement[] = ['deny', 'warn', 'off'];

/** A budget fact; a name, an amount and a known status are required, the rest is what the policy gave. */
function budgetFact(raw: Raw, source: string): BudgetFact {
  const status = raw.status as BudgetStatus;
  if (typeof raw.name !== 'string' || typeof raw.amount !== 'number' || !BUDGET_STATUSES.includes(status)) {
    throw new TollgateError(
      `the decision's facts.budgets entries need a name, an amount and a status (${BUDGET_STATUSES.join(', ')}); got ${JSON.stringify(raw).slice(0, 200)}`,
      { file: source },
    );
  }
  const scope = Object.fromEntries(
    Object.entries(record(raw.scope)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const enforcement = raw.enforcement as Enforcement;
  return {
    name: raw.name,
    scope,
    amount: raw.amount,
    currency: typeof raw.currency === 'string' ? raw.currency : 'USD',
    warn_at: nullableNumber(raw.warn_at) ?? 0,
    deny_at: nullableNumber(raw.deny_at) ?? 0,
    warn_threshold: nullableNumber(raw.warn_threshold) ?? 0,
    deny_threshold: nullableNumber(raw.deny_threshold) ?? 0,
    month_to_date: nullableNumber(raw.month_to_date),
    forecast_remaining: nullableNumber(raw.forecast_remaining),
    forecast_is_run_rate: raw.forecast_is_run_rate === true,
    days_left: nullableNumber(raw.days_left),
    days_in_month: nullableNumber(raw.days_in_month),
    spend_sources: strings(raw.spend_sources),
    plan_estimated: raw.plan_estimated === true,
    plan_monthly_delta: nullableNumber(raw.plan_monthly_delta),
    plan_prorated_delta: nullableNumber(raw.plan_prorated_delta),
    unpriced_resources: nullableNumber(raw.unpriced_resources) ?? 0,
    unknown_scope_resources: nullableNumber(raw.unknown_scope_resources) ?? 0,
    projected: nullableNumber(raw.projected),
    percent_of_amount: nullableNumber(raw.percent_of_amount),
    status,
    message: string(raw.message),
    rule: typeof raw.rule === 'string' ? raw.rule : null,
    enforcement: ENFORCEMENTS.includes(enforcement) ? enforcement : null,
    exempted: raw.exempted === true,
  };
}

function savingsFact(value: unknown): SavingsFact | null {
  const raw = record(value);
  if (typeof raw.monthly_savings_usd !== 'number' || typeof raw.recommendations !== 'number') return null;
  return { recommendations: raw.recommendations, monthly_savings_usd: Math.round(raw.monthly_savings_usd * 100) / 100 };
}

/**
 * decision.facts (schemas/decision.schema.json): the known facts typed, any other fact a custom policy
 * publishes kept as given. Budgets keep the policy's order (config order).
 */
function facts(value: unknown, source: string): DecisionFacts {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new TollgateError(`the decision's facts must be an object, got ${Array.isArray(value) ? 'array' : typeof value}`, {
      file: source,
    });
  }
  const raw = record(value);
  return {
    ...raw,
    budgets: list(raw.budgets, 'facts.budgets', source).map((item) => budgetFact(item, source)),
    savings: savingsFact(raw.savings),
  };
}

/** Code-unit order: unlike localeCompare it is the same under every locale and ICU build, and faster. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const byRuleResourceMessage = (
  a: { rule: string; resource: string; message?: string },
  b: { rule: string; resource: string; message?: string },
): number => compare(a.resource, b.resource) || compare(a.rule, b.rule) || compare(a.message ?? '', b.message ?? '');

export function readDecision(resultSet: unknown, source: string): PolicyDecision {
  if (!Array.isArray(resultSet) || resultSet.length === 0) {
    throw new TollgateError('the policy produced no decision: tollgate/decision is undefined for this input', {
      file: source,
    });
  }
  const result = record(record(resultSet[0]).result);
  const rules = record(result.rules);
  return {
    violations: findings(result.violations, 'violations', source, rules).sort(byRuleResourceMessage),
    warnings: findings(result.warnings, 'warnings', source, rules).sort(byRuleResourceMessage),
    recommendations: list(result.recommendations, 'recommendations', source)
      .map(recommendation)
      .sort((a, b) => b.monthly_savings_usd - a.monthly_savings_usd || byRuleResourceMessage(a, b)),
    exempted: list(result.exempted, 'exempted', source).map(exempted).sort(byRuleResourceMessage),
    facts: facts(result.facts, source),
  };
}
