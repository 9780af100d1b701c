/**
 * The kinds the audit lists: every kind the admission webhook judges (the rules of deploy/webhook.yaml, which
 * are the workload kinds of src/inputs/kubernetes/workload-kinds.ts), with the REST path to list them. A test
 * holds this table, workload-kinds.ts and deploy/webhook.yaml together.
 */
import { qualifiedKind } from '../inputs/kubernetes/object-shape.js';

export interface JudgedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in REST paths ("pods", "inferenceservices"). */
  readonly plural: string;
  /** Custom resources may not be installed; then the kind is skipped with a note. Built-in kinds always are. */
  readonly optional: boolean;
}

export const JUDGED_KINDS: readonly JudgedKind[] = [
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', optional: false },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', optional: false },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', optional: false },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', optional: false },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', optional: false },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', optional: false },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', optional: false },
  { group: 'serving.kserve.io', version: 'v1beta1', kind: 'InferenceService', plural: 'inferenceservices', optional: true },
  { group: 'kubeflow.org', version: 'v1', kind: 'PyTorchJob', plural: 'pytorchjobs', optional: true },
];

/** "apps/v1", "v1". */
export function apiVersionOf(kind: Pick<JudgedKind, 'group' | 'version'>): string {
  return kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
}

/** "/api/v1", "/apis/apps/v1": the group version's discovery document. */
export function groupVersionPath(kind: Pick<JudgedKind, 'group' | 'version'>): string {
  return kind.group === '' ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
}

/** The list path, across all namespaces (namespace null) or in one. */
export function listPath(kind: JudgedKind, namespace: string | null): string {
  const base = groupVersionPath(kind);
  return namespace === null ? `${base}/${kind.plural}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
}

/** "Deployment.apps", as workload-kinds.ts keys it. */
export function qualifiedName(kind: JudgedKind): string {
  return qualifiedKind(kind.kind, kind.group);
}

const JUDGED = new Set(JUDGED_KINDS.map(qualifiedName));

/** Whether an object of this apiVersion and kind is one the audit judges (any version of the group). */
export function isJudgedKind(apiVersion: string, kind: string): boolean {
  const slash = apiVersion.indexOf('/');
  return JUDGED.has(qualifiedKind(kind, slash === -1 ? '' : apiVersion.slice(0, slash)));
}
