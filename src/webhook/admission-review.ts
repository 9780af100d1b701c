/**
 * AdmissionReview `admission.k8s.io/v1`: reading the request the API server sends and writing the response
 * it expects. Anything that is not a v1 AdmissionReview with a request uid is a `MalformedReviewError`: the
 * server answers 400, because a response must echo the uid and there is none to echo (the API server then
 * applies the webhook's failurePolicy).
 */
import { isObject, stringAt, type JsonObject } from '../inputs/kubernetes/object-shape.js';
import type { AdmissionFacts } from '../model/resource.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export type Operation = AdmissionFacts['operation'];
const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly name: string | null;
  readonly namespace: string | null;
  readonly operation: Operation;
  readonly username: string | null;
  /** The object after the change; null for DELETE. */
  readonly object: unknown;
  readonly dryRun: boolean;
}

export interface AdmissionStatus {
  readonly code: number;
  readonly reason?: string;
  readonly message: string;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
}

export class MalformedReviewError extends Error {
  override readonly name = 'MalformedReviewError';
}

function groupVersionKindOf(value: unknown): GroupVersionKind {
  return {
    group: stringAt(value, 'group') ?? '',
    version: stringAt(value, 'version') ?? '',
    kind: stringAt(value, 'kind') ?? '',
  };
}

/** "apps/v1/Deployment", "v1/Pod": the admission facts' spelling of a kind. */
export function kindName(kind: GroupVersionKind): string {
  return [kind.group, kind.version, kind.kind].filter((part) => part !== '').join('/');
}

export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) throw new MalformedReviewError('expected an AdmissionReview object');
  if (body['kind'] !== 'AdmissionReview' || body['apiVersion'] !== ADMISSION_API_VERSION) {
    throw new MalformedReviewError(
      `expected kind AdmissionReview, apiVersion ${ADMISSION_API_VERSION} (got kind ${JSON.stringify(body['kind'] ?? null)}, apiVersion ${JSON.stringify(body['apiVersion'] ?? null)}); register the webhook with admissionReviewVersions: [v1]`,
    );
  }
  const request = body['request'];
  if (!isObject(request)) throw new MalformedReviewError('AdmissionReview has no request');
  const uid = stringAt(request, 'uid');
  if (uid === null) throw new MalformedReviewError('AdmissionReview request has no uid');
  const operation = request['operation'];
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) {
    throw new MalformedReviewError(`AdmissionReview request has operation ${JSON.stringify(operation ?? null)}; expected one of ${OPERATIONS.join(', ')}`);
  }
  return {
    uid,
    kind: groupVersionKindOf(request['kind']),
    name: stringAt(request, 'name'),
    namespace: stringAt(request, 'namespace'),
    operation: operation as Operation,
    username: stringAt(request, 'userInfo', 'username'),
    object: request['object'] ?? null,
    dryRun: request['dryRun'] === true,
  };
}

export function admissionReview(response: AdmissionResponse): JsonObject {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
