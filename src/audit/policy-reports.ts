/**
 * The audit's findings as `PolicyReport` objects (wgpolicyk8s.io/v1alpha2, the Policy Report API of the
 * Kubernetes Policy working group), one per namespace, so that existing report tooling and dashboards show
 * them beside other engines' reports.
 *
 * A violation is a "fail" result, a warning "warn", an exempted finding "skip"; an indeterminate finding keeps
 * its verdict and says so in its properties. Recommendations are advice, not results, and are left out.
 *
 * Writing is all or nothing as far as the API allows: every report is computed first; then every create,
 * update and delete is sent as a server-side dry run (which checks RBAC, the schema and admission); only when
 * all of them pass are they sent for real. Tollgate owns the reports it labels
 * `app.kubernetes.io/managed-by: tollgate` and deletes those no longer backed by an audited namespace.
 */
import { arrayAt, isObject, stringAt, type JsonObject } from '../inputs/kubernetes/object-shape.js';
import type { ExemptedFinding, Finding, RuleDoc } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
import type { AuditedObject, AuditResult } from './audit-run.js';
import type { Cluster } from './cluster.js';
import { listPages } from './list-pages.js';

export const POLICY_REPORT_GROUP = 'wgpolicyk8s.io';
export const POLICY_REPORT_VERSION = 'v1alpha2';
export const POLICY_REPORT_API_VERSION = `${POLICY_REPORT_GROUP}/${POLICY_REPORT_VERSION}`;
/** The one report Tollgate keeps in each audited namespace. */
export const POLICY_REPORT_NAME = 'tollgate-audit';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'tollgate';

const API_BASE = `/apis/${POLICY_REPORT_GROUP}/${POLICY_REPORT_VERSION}`;

export type PolicyReportResultKind = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface PolicyReportResult {
  readonly source: 'tollgate';
  readonly policy: string;
  readonly rule: string;
  readonly category?: string;
  readonly severity?: string;
  readonly result: PolicyReportResultKind;
  readonly scored: true;
  readonly message: string;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly resources: ReadonlyArray<{ apiVersion: string; kind: string; name: string; namespace: string; uid?: string }>;
  readonly properties?: Readonly<Record<string, string>>;
}

export interface PolicyReport {
  readonly apiVersion: typeof POLICY_REPORT_API_VERSION;
  readonly kind: 'PolicyReport';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly resourceVersion?: string;
  };
  readonly summary: Readonly<Record<PolicyReportResultKind, number>>;
  readonly results: readonly PolicyReportResult[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function reference(object: AuditedObject): PolicyReportResult['resources'][number] {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
    ...(object.uid !== null ? { uid: object.uid } : {}),
  };
}

/**
 * One PolicyReport per namespace with at least one judged object (a namespace with no findings gets a report
 * with no results: audited and clean). Results are sorted, so the same audit writes the same reports.
 */
export function buildPolicyReports(result: AuditResult, rules: readonly RuleDoc[], now: string): PolicyReport[] {
  const byAddress = new Map(result.objects.map((object) => [object.address, object]));
  const areas = new Map(rules.map((rule) => [rule.id, rule.area]));
  const seconds = Math.floor(Date.parse(now) / 1000);
  const perNamespace = new Map<string, PolicyReportResult[]>();
  for (const object of result.objects) if (!perNamespace.has(object.namespace)) perNamespace.set(object.namespace, []);
  const add = (resource: string, entry: Omit<PolicyReportResult, 'source' | 'scored' | 'timestamp' | 'resources' | 'category'>): void => {
    const object = byAddress.get(resource);
    // Every finding is about an object the audit judged; one that is not would be lost, which is a bug.
    if (object === undefined) throw new Error(`finding for ${resource}, which the audit did not judge`);
    const area = areas.get(entry.policy);
    perNamespace.get(object.namespace)?.push({
      source: 'tollgate',
      ...entry,
      ...(area !== undefined ? { category: area } : {}),
      scored: true,
      timestamp: { seconds, nanos: 0 },
      resources: [reference(object)],
    });
  };
  const finding = (item: Finding, verdict: 'fail' | 'warn'): void => {
    add(item.resource, {
      policy: item.rule,
      rule: item.rule,
      severity: item.severity,
      result: verdict,
      message: item.message,
      ...(item.indeterminate ? { properties: { indeterminate: 'true' } } : {}),
    });
  };
  result.decision.violations.forEach((item) => finding(item, 'fail'));
  result.decision.warnings.forEach((item) => finding(item, 'warn'));
  result.decision.exempted.forEach((item: ExemptedFinding) =>
    add(item.resource, {
      policy: item.rule,
      rule: item.rule,
      result: 'skip',
      message: `exempted: ${item.reason}`,
      ...(item.expires ? { properties: { expires: item.expires } } : {}),
    }),
  );
  return [...perNamespace.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([namespace, results]) => {
      const sorted = results.sort(
        (a, b) =>
          compare(a.resources[0]?.kind ?? '', b.resources[0]?.kind ?? '') ||
          compare(a.resources[0]?.name ?? '', b.resources[0]?.name ?? '') ||
          compare(a.policy, b.policy) ||
          compare(a.result, b.result) ||
          compare(a.message, b.message),
      );
      const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
      for (const entry of sorted) summary[entry.result] += 1;
      return {
        apiVersion: POLICY_REPORT_API_VERSION,
        kind: 'PolicyReport' as const,
        metadata: {
          name: POLICY_REPORT_NAME,
          namespace,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
          annotations: { 'tollgate.io/bundle-revision': result.decision.bundleRevision, 'tollgate.io/audited-at': now },
        },
        summary,
        results: sorted,
      };
    });
}

interface ExistingReport {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string | null;
}

type Write =
  | { readonly verb: 'create'; readonly report: PolicyReport }
  | { readonly verb: 'update'; readonly report: PolicyReport; readonly resourceVersion: string | null }
  | { readonly verb: 'delete'; readonly namespace: string; readonly name: string };

export interface WriteSummary {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
}

async function assertServed(cluster: Cluster): Promise<void> {
  const what = `write PolicyReports (discover ${POLICY_REPORT_API_VERSION})`;
  const response = await cluster.request('GET', API_BASE, what);
  const served =
    response.status === 200 && arrayAt(response.body, 'resources').some((item) => isObject(item) && item['name'] === 'policyreports');
  if (response.status !== 200 && response.status !== 404) throw cluster.fault(what, response);
  if (!served) {
    throw new TollgateError(
      `cluster ${cluster.name}: cannot write PolicyReports: the cluster does not serve ${POLICY_REPORT_API_VERSION} policyreports ` +
        '(install the PolicyReport CRD, or run without --policy-reports)',
    );
  }
}

async function existingReports(cluster: Cluster, namespaces: readonly string[] | null, pageSize: number): Promise<ExistingReport[]> {
  const found: ExistingReport[] = [];
  const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
  for (const namespace of namespaces ?? [null]) {
    const path = namespace === null ? `${API_BASE}/policyreports` : `${API_BASE}/namespaces/${encodeURIComponent(namespace)}/policyreports`;
    const what = `list PolicyReports${namespace === null ? '' : ` in namespace ${namespace}`}`;
    for await (const page of listPages(cluster, path, what, pageSize, { labelSelector: selector })) {
      for (const item of page) {
        const ns = stringAt(item, 'metadata', 'namespace');
        const name = stringAt(item, 'metadata', 'name');
        if (ns !== null && name !== null)
          found.push({ namespace: ns, name, resourceVersion: stringAt(item, 'metadata', 'resourceVersion') });
      }
    }
  }
  return found;
}

function reportPath(namespace: string, name?: string): string {
  const base = `${API_BASE}/namespaces/${encodeURIComponent(namespace)}/policyreports`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

async function send(cluster: Cluster, write: Write, dryRun: boolean): Promise<void> {
  const query = dryRun ? { dryRun: 'All' } : {};
  const label = dryRun ? ' (dry run)' : '';
  switch (write.verb) {
    case 'create': {
      const { namespace, name } = write.report.metadata;
      await cluster.expectOk('POST', reportPath(namespace), `create PolicyReport ${namespace}/${name}${label}`, {
        query,
        body: write.report,
      });
      return;
    }
    case 'update': {
      const { namespace, name } = write.report.metadata;
      const body: JsonObject = {
        ...write.report,
        metadata: { ...write.report.metadata, ...(write.resourceVersion !== null ? { resourceVersion: write.resourceVersion } : {}) },
      };
      await cluster.expectOk('PUT', reportPath(namespace, name), `update PolicyReport ${namespace}/${name}${label}`, { query, body });
      return;
    }
    case 'delete': {
      const what = `delete stale PolicyReport ${write.namespace}/${write.name}${label}`;
      const response = await cluster.request('DELETE', reportPath(write.namespace, write.name), what, { query });
      // Gone already is what a delete wants.
      if (response.status !== 404 && (response.status < 200 || response.status > 299)) throw cluster.fault(what, response);
      return;
    }
  }
}

/**
 * Creates or updates each report and deletes the Tollgate-owned reports no audited namespace backs. With
 * `scope` (the namespaces given to --namespace), only reports in those namespaces are considered.
 */
export async function writePolicyReports(
  cluster: Cluster,
  reports: readonly PolicyReport[],
  options: { readonly scope: readonly string[] | null; readonly pageSize: number },
): Promise<WriteSummary> {
  await assertServed(cluster);
  const existing = await existingReports(cluster, options.scope, options.pageSize);
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  const current = new Map(existing.map((report) => [key(report.namespace, report.name), report]));
  const wanted = new Set(reports.map((report) => key(report.metadata.namespace, report.metadata.name)));
  const writes: Write[] = [
    ...reports.map((report): Write => {
      const found = current.get(key(report.metadata.namespace, report.metadata.name));
      return found === undefined ? { verb: 'create', report } : { verb: 'update', report, resourceVersion: found.resourceVersion };
    }),
    ...existing
      .filter((report) => !wanted.has(key(report.namespace, report.name)))
      .map((report): Write => ({ verb: 'delete', namespace: report.namespace, name: report.name })),
  ];
  for (const write of writes) await send(cluster, write, true);
  for (const write of writes) await send(cluster, write, false);
  return {
    created: writes.filter((write) => write.verb === 'create').length,
    updated: writes.filter((write) => write.verb === 'update').length,
    deleted: writes.filter((write) => write.verb === 'delete').length,
  };
}
