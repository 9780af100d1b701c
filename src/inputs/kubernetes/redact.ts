/**
 * The object as `values` for custom policies: without managedFields and status (noise), without the
 * last-applied annotation (a full copy of the object, env values included), with every container env
 * `value` and Secret payload replaced. Admission objects can carry credentials; none may reach the
 * policy input, a log line or a response.
 */
import { isObject, type JsonObject } from './object-shape.js';

export const REDACTED = '(sensitive)';

const DROPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const SECRET_PAYLOAD_KEYS = new Set(['data', 'stringData', 'binaryData']);

function redactEnvEntry(entry: unknown): unknown {
  if (!isObject(entry) || entry['value'] === undefined) return redactDeep(entry);
  return { ...(redactDeep(entry) as JsonObject), value: REDACTED };
}

/**
 * Walks any object: an `env` array anywhere (pod specs, KServe shorthand, CRDs) has its values replaced. Every
 * admission review copies its whole object through here, so it reads the keys alone: Object.entries allocated a
 * key-value pair for every member of the object.
 */
function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (!isObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const entry = value[key];
    const copied = key === 'env' && Array.isArray(entry) ? entry.map(redactEnvEntry) : redactDeep(entry);
    // A member named __proto__ (JSON.parse makes it an own field; a CRD may keep it) stays a field: an assignment
    // would set the copy's prototype instead, and custom policies would never see the member.
    if (key === '__proto__') Object.defineProperty(result, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else result[key] = copied;
  }
  return result;
}

function redactMetadata(metadata: unknown): unknown {
  if (!isObject(metadata)) return metadata;
  const { managedFields: _managedFields, ...rest } = metadata;
  const annotations = isObject(rest['annotations'])
    ? Object.fromEntries(Object.entries(rest['annotations']).filter(([key]) => !DROPPED_ANNOTATIONS.has(key)))
    : rest['annotations'];
  return annotations === undefined ? rest : { ...rest, annotations };
}

export function redactedValues(object: JsonObject): Record<string, unknown> {
  const { status: _status, ...rest } = object;
  const kept: Record<string, unknown> = { ...rest };
  if (kept['metadata'] !== undefined) kept['metadata'] = redactMetadata(kept['metadata']);
  if (object['kind'] === 'Secret') {
    for (const key of SECRET_PAYLOAD_KEYS) if (key in kept) kept[key] = REDACTED;
  }
  return redactDeep(kept) as Record<string, unknown>;
}
