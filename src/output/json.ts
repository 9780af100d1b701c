/**
 * Machine-readable decision: deterministic (keys sorted recursively, lists in a stable order, no timestamps),
 * so that the same input gives byte-identical output and two runs can be diffed.
 */
import type { ModelReference, PlanCost, Resource, ResourceCost, SpendSummary } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
import { compareStrings, isPassing, sortedDecision } from './check-result.js';
import { collectChunks, MemberList, writeJsonChunks, type ChunkSink, type MemberSink } from './json-chunks.js';

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

/** A resource the plan's pricing gave a cost. */
type PricedResource = Resource & { readonly cost: ResourceCost };

/** The costs as written: the priced resources' rows are written from the resources, one at a time (costRow). */
type WrittenCosts = PlanCost & { readonly resources: MemberList<PricedResource> };

function jsonCosts(report: CheckResult): WrittenCosts | undefined {
  if (!report.costs) return undefined;
  const priced = report.resources.filter((resource): resource is PricedResource => resource.cost !== undefined);
  return {
    ...report.costs,
    resources: new MemberList(
      priced.sort((a, b) => compareStrings(a.address, b.address)),
      costRow,
    ),
  };
}

/** A priced resource's row of the costs (ResourceCost & JsonCostIdentity), member by member in the report's sorted order. */
function costRow(resource: PricedResource, row: MemberSink): void {
  const { cost } = resource;
  row.member('address', resource.address);
  row.member('cloud_ids', cloudIds(resource.values));
  row.member('currency', cost.currency);
  row.member('hourlyOnDemand', cost.hourlyOnDemand);
  row.member('hourlySpot', cost.hourlySpot);
  row.member('hoursPerMonth', cost.hoursPerMonth);
  row.member('instances', cost.instances);
  row.member('model', resource.model ?? null);
  row.member('monthlyAfter', cost.monthlyAfter);
  row.member('monthlyBefore', cost.monthlyBefore);
  row.member('monthlyDelta', cost.monthlyDelta);
  row.member('provider', resource.provider);
  row.member('sources', cost.sources);
  row.member('tags', resource.tags);
  row.member('type', resource.type);
  row.member('unpriced', cost.unpriced);
}

/** The document `renderJson` writes (a JsonReport once written). */
function jsonDocument(report: CheckResult): Omit<JsonReport, 'costs'> & { readonly costs?: WrittenCosts } {
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
    costs: jsonCosts(report),
    spend: report.spend,
  };
}

/** The JSON report, keys sorted, two-space indented, written to `sink` in chunks. */
export function streamJson(report: CheckResult, sink: ChunkSink): void {
  writeJsonChunks(jsonDocument(report), sink, { indent: 2, sortKeys: true });
  sink('\n');
}

export function renderJson(report: CheckResult): string {
  return collectChunks((sink) => streamJson(report, sink));
}
