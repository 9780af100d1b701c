/**
 * Kubernetes objects arrive as untyped JSON (AdmissionReview `object`, a parsed manifest). These readers
 * turn "whatever is there" into plain values without throwing, so a malformed object degrades to
 * "not stated" (null) instead of an error: admission must answer every request.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

const EMPTY: JsonObject = Object.freeze({});

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function objectAt(value: unknown, ...path: string[]): JsonObject {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : EMPTY;
}

export function arrayAt(value: unknown, ...path: string[]): readonly unknown[] {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return Array.isArray(current) ? current : [];
}

export function stringAt(value: unknown, ...path: string[]): string | null {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return typeof current === 'string' && current !== '' ? current : null;
}

/** A count from a replicas field or a resource quantity ("4", 4); null unless a non-negative integer. */
export function countOf(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(number) && number >= 0 ? number : null;
}

/** String-valued entries of a label/annotation/nodeSelector map; other values are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') result[key] = entry;
    else if (typeof entry === 'number' || typeof entry === 'boolean') result[key] = String(entry);
  }
  return result;
}

/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "" (the core group). */
export function groupOf(apiVersion: string | null): string {
  if (apiVersion === null) return '';
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** The kind as Kubernetes names resources across groups: "Pod", "Deployment.apps", "InferenceService.serving.kserve.io". */
export function qualifiedKind(kind: string, group: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}
