/**
 * Machine-readable decision: deterministic (keys sorted recursively, lists in a stable order, no timestamps),
 * so that the same input gives byte-identical output and two runs can be diffed.
 */
import type { ModelReference, PlanCost, Resource, ResourceCost, SpendSummary } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
import { compareStrings, isPassing, sortedDecision } from './check-result.js';
import { collectChunks, writeJsonChunks, writeJsonChunksAt, WrittenJson, type ChunkSink, type JsonLayout } from './json-chunks.js';

/**
 * What identifies a priced resource in billing data, so `tollgate report --estimates` can join the estimate to
 * actual spend: its cloud ids when the plan knows them (id, arn), its tags and its model reference.
 */
export interface JsonCostIdentity {
  readonly address: string;
  readonly type: string;
  readonly provider: string;
  readonly cloud_ids: readonly string[];
  readonly tags: Readonly<Record<string, string>> | null;
  readonly model: ModelReference | null;
}

/** The plan's cost: totals, and the estimate of every priced resource (by address). */
export interface JsonCosts extends PlanCost {
  readonly resources: ReadonlyArray<ResourceCost & JsonCostIdentity>;
}

/** The resource's ids as the cloud bills them (id, arn), when known before apply. */
function cloudIds(values: Readonly<Record<string, unknown>>): string[] {
  const ids: string[] = [];
  for (const key of CLOUD_ID_KEYS) {
    const value = values[key];
    if (typeof value === 'string' && value !== '') ids.push(value);
  }
  return ids;
}

const CLOUD_ID_KEYS = ['id', 'arn'] as const;

/** The document `renderJson` writes; `tollgate` is the version of the tool that wrote it. */
export interface JsonReport {
  readonly tollgate: string;
  readonly source: CheckResult['source'];
  readonly bundleRevision: string;
  readonly inputDigest: string;
  readonly summary: {
    readonly violations: number;
    readonly warnings: number;
    readonly recommendations: number;
    readonly exempted: number;
    readonly resources: number;
    readonly passed: boolean;
  };
  readonly violations: CheckResult['decision']['violations'];
  readonly warnings: CheckResult['decision']['warnings'];
  readonly recommendations: CheckResult['decision']['recommendations'];
  readonly exempted: CheckResult['decision']['exempted'];
  /** What the policies computed besides findings (budgets, the savings total), as the decision gives them. */
  readonly facts: CheckResult['decision']['facts'];
  /** Present when the plan was priced. */
  readonly costs?: JsonCosts;
  /** Present when budgets are configured. */
  readonly spend?: readonly SpendSummary[];
}

function jsonCosts(priced: readonly Resource[], costs: PlanCost | undefined): JsonCosts | undefined {
  if (!costs) return undefined;
  const resources: Array<ResourceCost & JsonCostIdentity> = [];
  for (const resource of priced) {
    const cost = resource.cost;
    if (!cost) continue;
    // Member by member, in the order the report sorts them to, so writing it sorts nothing: one row per priced
    // resource, and a spread of the cost into each took V8's slow path.
    resources.push({
      address: resource.address,
      cloud_ids: cloudIds(resource.values),
      currency: cost.currency,
      hourlyOnDemand: cost.hourlyOnDemand,
      hourlySpot: cost.hourlySpot,
      hoursPerMonth: cost.hoursPerMonth,
      instances: cost.instances,
      model: resource.model ?? null,
      monthlyAfter: cost.monthlyAfter,
      monthlyBefore: cost.monthlyBefore,
      monthlyDelta: cost.monthlyDelta,
      provider: resource.provider,
      sources: cost.sources,
      tags: resource.tags,
      type: resource.type,
      unpriced: cost.unpriced,
    });
  }
  return { ...costs, resources: resources.sort((a, b) => compareStrings(a.address, b.address)) };
}

const LAYOUT: JsonLayout = { indent: 2, sortKeys: true };

/** The costs member of the JSON reports of these costs and resources, written ahead (writeJsonCostsAhead). */
const costsWrittenAhead = new WeakMap<PlanCost, { readonly resources: readonly Resource[]; readonly text: WrittenJson }>();

/**
 * Writes the JSON report's costs ahead of the rest of the report, for a report of these resources and costs: what
 * the report holds that does not depend on the decision, written while the slice workers still evaluate (most of a
 * report with few findings: 5.3 of its 6.8 MB at 10,000 resources). The report written for the same resources and
 * costs copies the text in.
 */
export function writeJsonCostsAhead(resources: readonly Resource[], costs: PlanCost | undefined): void {
  const value = jsonCosts(resources, costs);
  if (value === undefined || costs === undefined) return;
  const chunks: string[] = [];
  // The costs are a member of the report's top-level object: one level deep.
  writeJsonChunksAt(value, 1, (chunk) => chunks.push(chunk), LAYOUT);
  costsWrittenAhead.set(costs, { resources, text: new WrittenJson(chunks) });
}

export function toJsonReport(report: CheckResult): JsonReport {
  return jsonReport(report, jsonCosts(report.resources, report.costs));
}

/** The JSON report with its costs as given: the value, or its text written ahead. */
function jsonReport<Costs>(report: CheckResult, costs: Costs): Omit<JsonReport, 'costs'> & { readonly costs: Costs } {
  const decision = sortedDecision(report.decision, 'rule');
  return {
    tollgate: report.tool.version,
    source: report.source,
    bundleRevision: decision.bundleRevision,
    inputDigest: decision.inputDigest,
    summary: {
      violations: decision.violations.length,
      warnings: decision.warnings.length,
      recommendations: decision.recommendations.length,
      exempted: decision.exempted.length,
      resources: report.resources.length,
      passed: isPassing(report),
    },
    violations: decision.violations,
    warnings: decision.warnings,
    recommendations: decision.recommendations,
    exempted: decision.exempted,
    facts: decision.facts,
    costs,
    spend: report.spend,
  };
}

/** The JSON report, keys sorted, two-space indented, written to `sink` in chunks. */
export function streamJson(report: CheckResult, sink: ChunkSink): void {
  const ahead = report.costs === undefined ? undefined : costsWrittenAhead.get(report.costs);
  const costs = ahead?.resources === report.resources ? ahead.text : jsonCosts(report.resources, report.costs);
  writeJsonChunks(jsonReport(report, costs), sink, LAYOUT);
  sink('\n');
}

export function renderJson(report: CheckResult): string {
  return collectChunks((sink) => streamJson(report, sink));
}
