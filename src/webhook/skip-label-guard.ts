/**
 * The guard on the opt-out label. A namespace labelled `tollgate.io/skip: "true"` is not judged (the workload
 * webhook's namespaceSelector leaves it out), so the label itself must be protected, as Gatekeeper protects
 * `admission.gatekeeper.sh/ignore` with its `check-ignore-label` webhook: a second webhook entry sends Namespace
 * CREATE and UPDATE here, and a namespace may carry the label (whatever its value) only when it is on the allowed
 * list (`serve --allow-skip-namespace`; kube-system always). Removing the label is always allowed.
 *
 * This is the webhook protecting its own switch, not a policy about workloads, so it is decided here and not in
 * Rego: it must hold whatever bundle is served, and it needs no policy loaded to answer.
 */
import type { AdmissionRequest, AdmissionResponse } from './admission-review.js';

export const DEFAULT_SKIP_LABEL = 'tollgate.io/skip';

/** Namespaces that may always carry the label: the cluster's own. The chart adds its release namespace. */
export const ALWAYS_ALLOWED_SKIP_NAMESPACES: readonly string[] = ['kube-system'];

export interface SkipLabelGuardOptions {
  readonly label: string;
  readonly allowedNamespaces: readonly string[];
}

export interface SkipLabelVerdict {
  readonly response: AdmissionResponse;
  /** Why it was allowed or denied, for the decision log. */
  readonly reason: 'not-a-namespace' | 'delete' | 'no-label' | 'allowed-namespace' | 'label-not-allowed';
}

function labelsOf(object: unknown): Readonly<Record<string, unknown>> {
  if (typeof object !== 'object' || object === null) return {};
  const metadata = (object as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return {};
  const labels = (metadata as { labels?: unknown }).labels;
  return typeof labels === 'object' && labels !== null ? (labels as Record<string, unknown>) : {};
}

function nameOf(request: AdmissionRequest): string {
  if (request.name !== null && request.name !== '') return request.name;
  const metadata = (request.object as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof metadata?.name === 'string' ? metadata.name : '';
}

export class SkipLabelGuard {
  private readonly allowed: ReadonlySet<string>;

  constructor(private readonly options: SkipLabelGuardOptions) {
    this.allowed = new Set([...ALWAYS_ALLOWED_SKIP_NAMESPACES, ...options.allowedNamespaces]);
  }

  get label(): string {
    return this.options.label;
  }

  judge(request: AdmissionRequest): SkipLabelVerdict {
    const allow = (reason: SkipLabelVerdict['reason']): SkipLabelVerdict => ({ response: { uid: request.uid, allowed: true }, reason });
    // The webhook entry selects only Namespaces; anything else sent here is not this guard's business.
    if (request.kind.group !== '' || request.kind.kind !== 'Namespace') return allow('not-a-namespace');
    if (request.operation === 'DELETE') return allow('delete');
    if (!Object.hasOwn(labelsOf(request.object), this.options.label)) return allow('no-label');
    const name = nameOf(request);
    if (this.allowed.has(name)) return allow('allowed-namespace');
    return {
      reason: 'label-not-allowed',
      response: {
        uid: request.uid,
        allowed: false,
        status: {
          code: 403,
          reason: 'Forbidden',
          message:
            `Tollgate: namespace "${name}" may not carry the label ${this.options.label}, which turns off Tollgate's checks ` +
            `for every workload in it. Remove the label, or have a cluster admin allow this namespace ` +
            `(chart value webhook.allowSkipNamespaces, or tollgate serve --allow-skip-namespace ${name}).`,
        },
        auditAnnotations: { decision: 'denied', rules: 'none', 'skip-label': this.options.label },
      },
    };
  }
}
