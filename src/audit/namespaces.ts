/**
 * Which namespaces the audit judges: the same ones the admission webhook is called for. deploy/webhook.yaml's
 * namespaceSelector leaves out kube-system and tollgate-system and every namespace labelled
 * `tollgate.io/skip: "true"` (a test holds the two together); `--namespace` narrows the audit to some
 * namespaces and `--exclude-namespace` leaves more out.
 */
import { isObject, stringAt, stringMap } from '../inputs/kubernetes/object-shape.js';
import { TollgateError } from '../model/errors.js';
import type { Cluster } from './cluster.js';
import { listPages } from './list-pages.js';

/** Never judged by the webhook, so never by the audit: Tollgate and the control plane can always be repaired. */
export const EXCLUDED_NAMESPACES: readonly string[] = ['kube-system', 'tollgate-system'];

/** A namespace label only a cluster admin can set (it takes the right to update namespaces). */
export const SKIP_LABEL = 'tollgate.io/skip';

export interface NamespaceOptions {
  /** `--namespace`: only these (empty: every namespace). */
  readonly only?: readonly string[];
  /** `--exclude-namespace`: these as well as the built-in exclusions. */
  readonly exclude?: readonly string[];
}

export interface NamespaceSelection {
  /** The namespaces judged, sorted. */
  readonly selected: readonly string[];
  /** Namespaces present but left out, with why ("labelled tollgate.io/skip=true"), sorted by name. */
  readonly skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** True when `--namespace` narrowed the audit: objects are then listed namespace by namespace. */
  readonly narrowed: boolean;
}

/** Why a namespace is left out, or null when it is judged. */
export function exclusionOf(name: string, labels: Readonly<Record<string, string>>, options: NamespaceOptions): string | null {
  if (EXCLUDED_NAMESPACES.includes(name)) return 'excluded from admission (deploy/webhook.yaml)';
  if (labels[SKIP_LABEL] === 'true') return `labelled ${SKIP_LABEL}=true`;
  if ((options.exclude ?? []).includes(name)) return 'given to --exclude-namespace';
  return null;
}

export async function selectNamespaces(cluster: Cluster, pageSize: number, options: NamespaceOptions): Promise<NamespaceSelection> {
  const only = options.only ?? [];
  const selected: string[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  const present = new Set<string>();
  for await (const page of listPages(cluster, '/api/v1/namespaces', 'list Namespaces', pageSize)) {
    for (const item of page) {
      if (!isObject(item)) continue;
      const name = stringAt(item, 'metadata', 'name');
      if (name === null) continue;
      present.add(name);
      if (only.length > 0 && !only.includes(name)) continue;
      const reason = exclusionOf(name, stringMap(isObject(item['metadata']) ? item['metadata']['labels'] : undefined), options);
      if (reason === null) selected.push(name);
      else skipped.push({ name, reason });
    }
  }
  const missing = only.filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new TollgateError(`cluster ${cluster.name}: --namespace ${missing.join(', ')}: no such namespace`);
  }
  return {
    selected: selected.sort(),
    skipped: skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    narrowed: only.length > 0,
  };
}
