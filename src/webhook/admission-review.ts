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
  /** The object before the change, for UPDATE (and DELETE); absent or null otherwise. */
  readonly oldObject?: unknown;
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

function describeJsonType(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
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
    throw new MalformedReviewError(
      `AdmissionReview request has operation ${JSON.stringify(operation ?? null)}; expected one of ${OPERATIONS.join(', ')}`,
    );
  }
  // A CREATE or UPDATE is about an object; without one there is nothing to judge, and allowing it would be
  // a silent pass. DELETE and CONNECT carry no object.
  if ((operation === 'CREATE' || operation === 'UPDATE') && !isObject(request['object'])) {
    throw new MalformedReviewError(`AdmissionReview ${operation} request has no object (got ${describeJsonType(request['object'])})`);
  }
  return {
    uid,
    kind: groupVersionKindOf(request['kind']),
    name: stringAt(request, 'name'),
    namespace: stringAt(request, 'namespace'),
    operation: operation as Operation,
    username: stringAt(request, 'userInfo', 'username'),
    object: request['object'] ?? null,
    oldObject: request['oldObject'] ?? null,
    dryRun: request['dryRun'] === true,
  };
}

function finalizersOf(object: unknown): string[] | null {
  const metadata = isObject(object) ? object['metadata'] : undefined;
  if (!isObject(metadata)) return null;
  const finalizers = metadata['finalizers'];
  if (finalizers === undefined || finalizers === null) return [];
  return Array.isArray(finalizers) && finalizers.every((f): f is string => typeof f === 'string') ? finalizers : null;
}

function withoutFinalizers(object: JsonObject): unknown {
  const metadata = object['metadata'] as JsonObject;
  const { finalizers: _finalizers, resourceVersion: _version, managedFields: _fields, generation: _generation, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** Canonical JSON (sorted keys) for comparing two objects. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  // Values come from parsed JSON, where only a missing value (undefined) has no JSON text of its own.
  return value === undefined ? 'null' : JSON.stringify(value);
}

/**
 * An UPDATE whose only change is to remove finalizers from an object that is being deleted (it has a
 * deletionTimestamp). Controllers do this to let a deletion finish; denying it would leave the object stuck
 * in Terminating, and the change adds no cost or exposure, so it is admitted without judging the object.
 */
export function onlyRemovesFinalizers(request: AdmissionRequest): boolean {
  if (request.operation !== 'UPDATE') return false;
  const { object, oldObject } = request;
  if (!isObject(object) || !isObject(oldObject)) return false;
  if (stringAt(object, 'metadata', 'deletionTimestamp') === null) return false;
  const after = finalizersOf(object);
  const before = finalizersOf(oldObject);
  if (after === null || before === null || after.length >= before.length) return false;
  if (!after.every((finalizer) => before.includes(finalizer))) return false;
  return canonical(withoutFinalizers(object)) === canonical(withoutFinalizers(oldObject));
}

export function admissionReview(response: AdmissionResponse): JsonObject {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
