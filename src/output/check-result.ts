/**
 * What every renderer receives: the decision plus the context needed to present it
 * (rule docs, the evaluated resources, where the input came from, what fails the build).
 * Also the small pure facts several formats share: ordering, counting, the verdict.
 */
import type { Decision, ExemptedFinding, Finding, Recommendation, RuleDoc, Severity } from '../model/decision.js';
import { SEVERITIES, type FailOn } from '../model/decision.js';
import type { PlanCost, Resource, SpendSummary } from '../model/resource.js';
import { isAbsolute, relative, resolve } from 'node:path';

export type SourceKind = 'terraform-plan' | 'admission' | 'report';

export interface CheckResult {
  readonly decision: Decision;
  /** Docs for every rule in the bundle (SARIF rules array, help text, JUnit suites). */
  readonly rules: readonly RuleDoc[];
  /** The normalised resources evaluated (locations, counting, grouping). */
  readonly resources: readonly Resource[];
  readonly source: { readonly file: string; readonly kind: SourceKind };
  readonly tool: { readonly name: 'tollgate'; readonly version: string; readonly informationUri: string };
  readonly failOn: FailOn;
  /** Only the text renderer uses it; the CLI decides (TTY, NO_COLOR, FORCE_COLOR). */
  readonly color: boolean;
  /** The plan's cost totals, when the plan was priced (resources then carry `cost`). */
  readonly costs?: PlanCost;
  /** Spend per configured budget, when budgets are configured (the figures per budget are decision.facts.budgets). */
  readonly spend?: readonly SpendSummary[];
  /**
   * Where the report's paths are relative to: file paths in the input are relative to `cwd`; SARIF, annotations,
   * JUnit and Code Quality give them relative to `root` (the repository), which is what code hosts place by.
   * Absent: paths are written as given.
   */
  readonly paths?: { readonly root: string; readonly cwd: string };
  /** Keeps SARIF uploads of several jobs apart (`automationDetails.id`); default "tollgate". */
  readonly category?: string;
}

/** Whether a finding was denied or only warned about. */
export type FindingKind = 'violation' | 'warning';

/** 0 for critical, 4 for info: lower is more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** The findings that make the build fail under `failOn`; empty means the check passes. */
export function failingFindings(report: Pick<CheckResult, 'decision' | 'failOn'>): readonly Finding[] {
  const { decision, failOn } = report;
  if (failOn === 'never') return [];
  if (failOn === 'deny') return decision.violations;
  const threshold = severityRank(failOn);
  return decision.violations.filter((finding) => severityRank(finding.severity) <= threshold);
}

export function isPassing(report: Pick<CheckResult, 'decision' | 'failOn'>): boolean {
  return failingFindings(report).length === 0;
}

/**
 * Plain code-unit comparison: unlike localeCompare it does not depend on the ICU build or the locale,
 * which deterministic output needs.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Compare by several string keys in turn. */
export function compareBy<T>(...keys: ReadonlyArray<(item: T) => string>): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const order = compareStrings(key(a), key(b));
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** The key lists are ordered by: resource first (text, grouping by resource) or rule first (JSON, SARIF, JUnit). */
export type FindingOrder = 'resource' | 'rule';

interface Addressed {
  readonly rule: string;
  readonly resource: string;
}

/**
 * Resource and rule in the given order, then the text; the last key (the whole item as canonical JSON) only
 * breaks ties so that a shuffled decision renders to the same bytes.
 */
function comparator<T extends Addressed>(order: FindingOrder, text: (item: T) => string): (a: T, b: T) => number {
  const byResource = (item: T) => item.resource;
  const byRule = (item: T) => item.rule;
  const primary = order === 'resource' ? [byResource, byRule] : [byRule, byResource];
  return compareBy<T>(...primary, text, (item) => canonicalJson(item));
}

export function compareFindings(order: FindingOrder): (a: Finding, b: Finding) => number {
  return comparator<Finding>(order, (f) => f.message);
}

export function compareRecommendations(order: FindingOrder): (a: Recommendation, b: Recommendation) => number {
  return comparator<Recommendation>(order, (r) => r.message);
}

export function compareExempted(order: FindingOrder): (a: ExemptedFinding, b: ExemptedFinding) => number {
  return comparator<ExemptedFinding>(order, (e) => e.reason);
}

export function sorted<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return [...items].sort(compare);
}

/**
 * The items in `order` (as sorted with comparator(order, text) sorts them), found in linear time when the list is
 * already so ordered, or ordered by the other key first (the order the engine gives its lists in): either way each
 * item is strictly after the one before it in the order's keys, so no tie is left for the canonical JSON to break
 * and that order is the only sorted one. Otherwise, a full sort, by the comparator's chain of key functions (140,000
 * findings in rule order: 60 ms sorted, 35 ms found).
 */
function inOrder<T extends Addressed>(items: readonly T[], order: FindingOrder, text: (item: T) => string): T[] {
  const first = order === 'resource' ? resourceOf : ruleOf;
  const second = order === 'resource' ? ruleOf : resourceOf;
  if (strictlyIncreasing(items, first, second, text)) return [...items];
  // Grouped by the first key, each group keeping the list's order: ordered if every group is by the second key and the text.
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = first(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  const keys = [...groups.keys()];
  const grouped: T[] = [];
  for (const group of groups.values()) {
    if (!strictlyIncreasing(group, first, second, text)) return sorted(items, comparator(order, text));
  }
  keys.sort(compareStrings);
  for (const key of keys) for (const item of groups.get(key) ?? []) grouped.push(item);
  return grouped;
}

function resourceOf(item: Addressed): string {
  return item.resource;
}

function ruleOf(item: Addressed): string {
  return item.rule;
}

/** Whether each item comes strictly after the one before it by these keys, in turn. */
function strictlyIncreasing<T>(
  items: readonly T[],
  first: (item: T) => string,
  second: (item: T) => string,
  third: (item: T) => string,
): boolean {
  for (let i = 1; i < items.length; i++) {
    const before = items[i - 1] as T;
    const item = items[i] as T;
    const order =
      compareStrings(first(before), first(item)) ||
      compareStrings(second(before), second(item)) ||
      compareStrings(third(before), third(item));
    if (order >= 0) return false;
  }
  return true;
}

/**
 * Decisions already sorted, by the decision and the order: several formats render one decision, and sorting a
 * decision with thousands of findings once per format was a large part of writing them. Decisions are not changed
 * once made (their type is read-only), so a sorted copy stays valid for as long as the decision lives.
 */
const sortedDecisions = new WeakMap<Decision, Partial<Record<FindingOrder, Decision>>>();

/** A decision with every list in a stable order. */
export function sortedDecision(decision: Decision, order: FindingOrder): Decision {
  let byOrder = sortedDecisions.get(decision);
  if (byOrder === undefined) {
    byOrder = {};
    sortedDecisions.set(decision, byOrder);
  }
  return (byOrder[order] ??= sortDecision(decision, order));
}

function sortDecision(decision: Decision, order: FindingOrder): Decision {
  return {
    ...decision,
    violations: inOrder(decision.violations, order, messageOf),
    warnings: inOrder(decision.warnings, order, messageOf),
    recommendations: inOrder(decision.recommendations, order, messageOf),
    exempted: inOrder(decision.exempted, order, (item) => item.reason),
  };
}

function messageOf(item: { readonly message: string }): string {
  return item.message;
}

/** A value with object keys sorted recursively (array order is kept: it may mean something). */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareStrings(a, b));
    return Object.fromEntries(entries.map(([key, item]) => [key, withSortedKeys(item)]));
  }
  return value;
}

/** Compact JSON with sorted keys: the same value always gives the same string. */
export function canonicalJson(value: unknown): string {
  // JSON.stringify gives undefined for undefined (and functions), whatever its typings say.
  const text = JSON.stringify(withSortedKeys(value)) as string | undefined;
  return text ?? 'null';
}

/** Each resource list's index, made once however many formats are rendered (a report's resources are not changed). */
const indexedResources = new WeakMap<readonly Resource[], ReadonlyMap<string, Resource>>();

export function resourcesByAddress(resources: readonly Resource[]): ReadonlyMap<string, Resource> {
  let index = indexedResources.get(resources);
  if (index === undefined) {
    index = new Map(resources.map((resource) => [resource.address, resource]));
    indexedResources.set(resources, index);
  }
  return index;
}

export function rulesById(rules: readonly RuleDoc[]): ReadonlyMap<string, RuleDoc> {
  return new Map(rules.map((rule) => [rule.id, rule]));
}

/** A path as a relative URI/annotation path wants it: forward slashes, no leading "./". */
export function toForwardSlashes(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/**
 * A file of the input as the repository sees it: relative to `paths.root`, forward slashes. A file outside the
 * repository keeps its absolute path (a code host cannot place it, but a person can still find it).
 */
export function repositoryPath(report: Pick<CheckResult, 'paths'>, file: string): string {
  if (report.paths === undefined) return toForwardSlashes(file);
  // Every finding is placed, mostly in the same few files: each file's path is worked out once per report.
  let known = repositoryPaths.get(report.paths);
  if (known === undefined) {
    known = new Map();
    repositoryPaths.set(report.paths, known);
  }
  let path = known.get(file);
  if (path === undefined) {
    path = relativeToRoot(report.paths, file);
    known.set(file, path);
  }
  return path;
}

/** Paths already made relative, by the report's `paths` (its root and working directory) and the file. */
const repositoryPaths = new WeakMap<NonNullable<CheckResult['paths']>, Map<string, string>>();

function relativeToRoot(paths: NonNullable<CheckResult['paths']>, file: string): string {
  const absolute = resolve(paths.cwd, file);
  const inRepository = relative(paths.root, absolute);
  if (inRepository === '' || inRepository.startsWith('..') || isAbsolute(inRepository)) return toForwardSlashes(absolute);
  return toForwardSlashes(inRepository);
}

/**
 * Where a finding about a resource is shown: the file and line that declare it, else the input file with no
 * line. The path is relative to the repository root.
 */
export function placeOf(
  report: Pick<CheckResult, 'paths' | 'source'>,
  resource: Resource | undefined,
): { file: string; line: number | null } {
  if (resource?.location) return { file: repositoryPath(report, resource.location.file), line: Math.max(1, resource.location.line) };
  return { file: repositoryPath(report, report.source.file), line: null };
}

/** "$1,234.56", independent of the locale and ICU data; negative amounts as "-$12.00". */
export function formatUsd(amount: number): string {
  const cents = Math.round(Math.abs(amount) * 100);
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (cents % 100).toString().padStart(2, '0');
  return `${amount < 0 && cents !== 0 ? '-' : ''}$${whole}.${fraction}`;
}

/** A change of cost with its sign: "+$1,234.56", "-$12.00", "$0.00". */
export function formatUsdDelta(amount: number): string {
  const text = formatUsd(amount);
  return text.startsWith('-') || text === '$0.00' ? text : `+${text}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** "3 violations, 5 warnings, 1 exempted in 17 resources" — shared by text, markdown and github. */
export function summaryCounts(report: CheckResult): string {
  const { decision } = report;
  const parts = [plural(decision.violations.length, 'violation'), plural(decision.warnings.length, 'warning')];
  if (decision.recommendations.length > 0) parts.push(plural(decision.recommendations.length, 'recommendation'));
  parts.push(`${decision.exempted.length} exempted`);
  return `${parts.join(', ')} in ${plural(report.resources.length, 'resource')}`;
}
