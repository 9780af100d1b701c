/**
 * sortedDecision orders a decision's lists as a full sort by compareFindings (and its siblings) would, whatever
 * order they come in: the engine's order (resource, rule, text), the other one, shuffled, with ties on every key
 * but the canonical JSON, and with strings whose code-unit order differs from their code-point order.
 */
import { describe, expect, it } from 'vitest';
import type { Decision, ExemptedFinding, Finding, Recommendation } from '../../src/model/decision.js';
import {
  compareExempted,
  compareFindings,
  compareRecommendations,
  sorted,
  sortedDecision,
  type FindingOrder,
} from '../../src/output/check-result.js';

/** A small deterministic generator, so that a failure names the same lists every run. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const RULES = ['TG-TAG-001', 'TG-ENC-001', 'TG-COST-002', 'TG-GPU-001'];
// '\uFFFF' sorts after the surrogate pair of an emoji by code unit, before it by code point.
const RESOURCES = ['aws_s3_bucket.a', 'aws_s3_bucket.B', 'aws_instance.é', 'aws_instance.\uFFFF', 'aws_instance.😀', 'google_x.y[0]'];
const MESSAGES = ['is missing tags', 'is not encrypted', 'costs more than allowed'];

function findingsOf(random: () => number, count: number): Finding[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => ({
    rule: pick(RULES),
    severity: 'high',
    resource: pick(RESOURCES),
    message: pick(MESSAGES),
    remediation: 'fix it',
    indeterminate: false,
    evidence: { index: i % 5 },
  }));
}

/** The engine's order: resource, rule, message (readDecision), ties left as they come. */
function engineOrder<T extends { rule: string; resource: string }>(items: readonly T[], text: (item: T) => string): T[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...items].sort((a, b) => compare(a.resource, b.resource) || compare(a.rule, b.rule) || compare(text(a), text(b)));
}

/** Each combination of rule, resource and message once: a list without ties. */
function distinctFindings(): Finding[] {
  return RULES.flatMap((rule) =>
    RESOURCES.flatMap((resource) =>
      MESSAGES.map((message): Finding => ({
        rule,
        severity: 'low',
        resource,
        message,
        remediation: '',
        indeterminate: false,
        evidence: {},
      })),
    ),
  );
}

function decisionOf(violations: Finding[], recommendations: Recommendation[] = [], exempted: ExemptedFinding[] = []): Decision {
  return {
    violations,
    warnings: [...violations].reverse(),
    recommendations,
    exempted,
    facts: { budgets: [], savings: null },
    bundleRevision: 'test',
    inputDigest: 'sha256:test',
  };
}

const ORDERS: readonly FindingOrder[] = ['rule', 'resource'];

function expectFullSort(decision: Decision, order: FindingOrder): void {
  const result = sortedDecision(decision, order);
  expect(result.violations).toEqual(sorted(decision.violations, compareFindings(order)));
  expect(result.warnings).toEqual(sorted(decision.warnings, compareFindings(order)));
  expect(result.recommendations).toEqual(sorted(decision.recommendations, compareRecommendations(order)));
  expect(result.exempted).toEqual(sorted(decision.exempted, compareExempted(order)));
}

describe('sortedDecision', () => {
  it.each(ORDERS)('in %s order: lists without ties, in the engine order, the other order, reversed and shuffled', (order) => {
    const distinct = distinctFindings();
    const random = randomFrom(7);
    const shuffled = [...distinct].sort(() => random() - 0.5);
    for (const list of [
      engineOrder(distinct, (f) => f.message),
      sorted(distinct, compareFindings('rule')),
      [...distinct].reverse(),
      shuffled,
    ]) {
      expectFullSort(decisionOf(list), order);
    }
    // Subsets in the engine order, where the first resource's rules are not every rule, in order.
    for (let round = 0; round < 20; round++) {
      const subset = distinct.filter(() => random() < 0.3);
      expectFullSort(decisionOf(engineOrder(subset, (f) => f.message)), order);
    }
  });

  it.each(ORDERS)('in %s order: ties on rule, resource and message broken by the whole finding, whatever order they come in', (order) => {
    const random = randomFrom(11);
    for (let round = 0; round < 20; round++) {
      const findings = findingsOf(random, 60);
      // The ties reversed within the engine order: a linear pass that took them as ordered would keep them so.
      const tiesReversed = engineOrder(findings, (f) => f.message).reverse();
      for (const list of [engineOrder(findings, (f) => f.message), tiesReversed, findings]) expectFullSort(decisionOf(list), order);
    }
  });

  it.each(ORDERS)('in %s order: recommendations by message and exemptions by reason, ties included', (order) => {
    const random = randomFrom(23);
    const findings = findingsOf(random, 40);
    const recommendations = findings.map((f, i): Recommendation => ({
      rule: f.rule,
      resource: f.resource,
      message: f.message,
      monthly_savings_usd: i % 3,
      evidence: {},
    }));
    const exempted = findings.map((f, i): ExemptedFinding => ({
      rule: f.rule,
      resource: f.resource,
      reason: f.message,
      owner: `team-${i % 2}`,
      expires: '2027-01-01',
    }));
    expectFullSort(
      decisionOf(
        [],
        engineOrder(recommendations, (r) => r.message),
        engineOrder(exempted, (e) => e.reason),
      ),
      order,
    );
    expectFullSort(decisionOf([], recommendations, exempted), order);
  });
});
