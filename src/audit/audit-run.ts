/**
 * The audit: every judged kind listed page by page in the selected namespaces, each object that no judged
 * kind controls judged as the webhook would judge it, the findings gathered into one decision.
 *
 * Owned objects are judged once, at their owner: a Pod whose controller is a ReplicaSet, a ReplicaSet whose
 * controller is a Deployment, a Job made by a CronJob carry their owner's template, and judging them again
 * would report one problem three times. An object whose controller is a kind Tollgate does not judge (an
 * operator's custom resource) is judged itself: nothing else would.
 *
 * Memory: one page of objects at a time; what is kept per object is its normalised resource without the raw
 * values, its findings and the few fields a PolicyReport names.
 */
import { createHash } from 'node:crypto';
import { arrayAt, isObject, stringAt, type JsonObject } from '../inputs/kubernetes/object-shape.js';
import type { Decision, ExemptedFinding, Finding, Recommendation } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import { TollgateError } from '../model/errors.js';
import type { Cluster } from './cluster.js';
import { AUDIT_BATCH_SIZE, asAdmitted, judgeObjects, type AuditPolicy } from './judge-object.js';
import { apiVersionOf, groupVersionPath, isJudgedKind, JUDGED_KINDS, listPath, type JudgedKind } from './judged-kinds.js';
import { listPages } from './list-pages.js';
import { selectNamespaces, type NamespaceOptions, type NamespaceSelection } from './namespaces.js';

export interface AuditOptions {
  readonly cluster: Cluster;
  readonly policy: AuditPolicy;
  /** RFC 3339 UTC: the clock the policies see. */
  readonly now: string;
  readonly pageSize: number;
  readonly namespaces: NamespaceOptions;
  /** Progress lines for a long run (the CLI writes them to stderr). */
  readonly progress?: (message: string) => void;
  /** Kinds to list; all judged kinds by default (tests narrow it). */
  readonly kinds?: readonly JudgedKind[];
}

/** What a PolicyReport result names about the object. */
export interface AuditedObject {
  readonly address: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | null;
}

export interface KindSummary {
  readonly kind: string;
  readonly apiVersion: string;
  /** False when the cluster does not serve the kind's API (a CRD not installed): skipped with a note. */
  readonly served: boolean;
  readonly listed: number;
  /** Left to their owner (a controller ownerReference to a judged kind). */
  readonly owned: number;
  readonly judged: number;
}

export interface AuditResult {
  readonly cluster: string;
  readonly decision: Decision;
  /** The judged objects' normalised resources, without their raw values. */
  readonly resources: readonly Resource[];
  readonly objects: readonly AuditedObject[];
  readonly kinds: readonly KindSummary[];
  readonly namespaces: NamespaceSelection;
  /** One line each: kinds skipped because their API is not installed. */
  readonly notes: readonly string[];
  readonly durationMs: number;
}

/** The controller ownerReference to a judged kind, when there is one. */
export function judgedController(object: JsonObject): string | null {
  for (const reference of arrayAt(object, 'metadata', 'ownerReferences')) {
    if (!isObject(reference) || reference['controller'] !== true) continue;
    const apiVersion = stringAt(reference, 'apiVersion');
    const kind = stringAt(reference, 'kind');
    if (apiVersion !== null && kind !== null && isJudgedKind(apiVersion, kind)) return `${kind}/${stringAt(reference, 'name') ?? ''}`;
  }
  return null;
}

/** Whether the cluster serves the kind: its group version's discovery document lists the resource. */
async function isServed(cluster: Cluster, kind: JudgedKind): Promise<boolean> {
  const what = `discover ${apiVersionOf(kind)}`;
  const response = await cluster.request('GET', groupVersionPath(kind), what);
  if (response.status === 404) return false;
  if (response.status !== 200) throw cluster.fault(what, response);
  return arrayAt(response.body, 'resources').some((resource) => isObject(resource) && resource['name'] === kind.plural);
}

class DecisionGatherer {
  readonly violations: Finding[] = [];
  readonly warnings: Finding[] = [];
  readonly recommendations: Recommendation[] = [];
  readonly exempted: ExemptedFinding[] = [];
  private savingsCents = 0;
  private readonly digests = createHash('sha256');
  private revision = '';

  add(decision: Decision): void {
    this.violations.push(...decision.violations);
    this.warnings.push(...decision.warnings);
    this.recommendations.push(...decision.recommendations);
    this.exempted.push(...decision.exempted);
    this.savingsCents += Math.round((decision.facts.savings?.monthly_savings_usd ?? 0) * 100);
    this.digests.update(`${decision.inputDigest}\n`);
    this.revision = decision.bundleRevision;
  }

  decision(revision: string): Decision {
    return {
      violations: this.violations,
      warnings: this.warnings,
      recommendations: this.recommendations,
      exempted: this.exempted,
      // Budgets are facts about one input's spend and plan; an object judged alone has none worth adding up.
      facts: { budgets: [], savings: { recommendations: this.recommendations.length, monthly_savings_usd: this.savingsCents / 100 } },
      bundleRevision: this.revision === '' ? revision : this.revision,
      // The digest of the objects' input digests, in the order the API server listed them.
      inputDigest: `sha256:${this.digests.digest('hex')}`,
    };
  }
}

function slim(resource: Resource): Resource {
  return { ...resource, values: {} };
}

export async function runClusterAudit(options: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const { cluster, policy, now, pageSize } = options;
  const say = options.progress ?? (() => undefined);
  const namespaces = await selectNamespaces(cluster, pageSize, options.namespaces);
  const selected = new Set(namespaces.selected);
  say(`${cluster.name}: ${namespaces.selected.length} namespaces to audit, ${namespaces.skipped.length} left out`);
  const gathered = new DecisionGatherer();
  const resources: Resource[] = [];
  const objects: AuditedObject[] = [];
  const kinds: KindSummary[] = [];
  const notes: string[] = [];
  for (const kind of options.kinds ?? JUDGED_KINDS) {
    const apiVersion = apiVersionOf(kind);
    if (!(await isServed(cluster, kind))) {
      if (!kind.optional) throw new TollgateError(`cluster ${cluster.name}: the API server does not serve ${kind.plural} in ${apiVersion}`);
      notes.push(`${kind.kind} (${apiVersion}) skipped: the cluster does not serve that API (CRD not installed)`);
      kinds.push({ kind: kind.kind, apiVersion, served: false, listed: 0, owned: 0, judged: 0 });
      continue;
    }
    let listed = 0;
    let owned = 0;
    let judged = 0;
    // Narrowed to a few namespaces, one list each; otherwise one list across the cluster, filtered here.
    const scopes = namespaces.narrowed ? namespaces.selected : [null];
    for (const scope of scopes) {
      const what = `list ${kind.kind} objects${scope === null ? '' : ` in namespace ${scope}`}`;
      for await (const page of listPages(cluster, listPath(kind, scope), what, pageSize)) {
        // The page's objects to judge, in the order listed; judged together, a batch per policy evaluation.
        const admitted: Array<{ readonly object: JsonObject; readonly namespace: string }> = [];
        for (const item of page) {
          if (!isObject(item)) continue;
          const namespace = stringAt(item, 'metadata', 'namespace');
          if (namespace === null || !selected.has(namespace)) continue;
          listed += 1;
          if (judgedController(item) !== null) {
            owned += 1;
            continue;
          }
          admitted.push({ object: asAdmitted(item, kind), namespace });
        }
        // One batch at a time: only a batch's inputs (with their raw values) are held at once, whatever the page size.
        for (let start = 0; start < admitted.length; start += AUDIT_BATCH_SIZE) {
          const batch = admitted.slice(start, start + AUDIT_BATCH_SIZE);
          const judgedObjects = judgeObjects(
            batch.map(({ object }) => object),
            kind,
            policy,
            now,
          );
          batch.forEach(({ object, namespace }, index) => {
            const decision = judgedObjects[index]?.decision;
            const resource = judgedObjects[index]?.input.resources[0];
            if (decision === undefined || resource === undefined) throw new Error(`prepare gave no resource for ${kind.kind} ${namespace}`);
            gathered.add(decision);
            resources.push(slim(resource));
            objects.push({
              address: resource.address,
              apiVersion: stringAt(object, 'apiVersion') ?? apiVersion,
              kind: kind.kind,
              namespace,
              name: stringAt(object, 'metadata', 'name') ?? resource.name,
              uid: stringAt(object, 'metadata', 'uid'),
            });
            judged += 1;
          });
        }
      }
    }
    kinds.push({ kind: kind.kind, apiVersion, served: true, listed, owned, judged });
    say(`${kind.kind}: ${listed} listed, ${owned} left to their owner, ${judged} judged`);
  }
  return {
    cluster: cluster.name,
    decision: gathered.decision(policy.engine.revision),
    resources,
    objects,
    kinds,
    namespaces,
    notes,
    durationMs: performance.now() - started,
  };
}
