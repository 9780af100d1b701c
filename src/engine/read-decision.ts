/**
 * Turns the raw result set of `tollgate/decision` into a typed PolicyDecision: checks the shape a
 * custom policy might get wrong, fills optional fields, and sorts every list so the same input
 * always gives byte-identical output.
 */
import { TollgateError } from '../model/errors.js';
import {
  SEVERITIES,
  type ExemptedFinding,
  type Finding,
  type PolicyDecision,
  type Recommendation,
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
  const severity = string(raw.severity) as Severity;
  return {
    rule: string(raw.rule),
    severity: SEVERITIES.includes(severity) ? severity : 'medium',
    resource: string(raw.resource),
    message: string(raw.message),
    remediation: string(raw.remediation),
    indeterminate: raw.indeterminate === true,
    evidence: record(raw.evidence),
  };
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
  return {
    violations: list(result.violations, 'violations', source).map(finding).sort(byRuleResourceMessage),
    warnings: list(result.warnings, 'warnings', source).map(finding).sort(byRuleResourceMessage),
    recommendations: list(result.recommendations, 'recommendations', source)
      .map(recommendation)
      .sort((a, b) => b.monthly_savings_usd - a.monthly_savings_usd || byRuleResourceMessage(a, b)),
    exempted: list(result.exempted, 'exempted', source).map(exempted).sort(byRuleResourceMessage),
  };
}
