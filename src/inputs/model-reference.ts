/**
 * Which model version a resource serves, from its tags, labels or annotations. Shared by every input
 * reader (Terraform tags, Kubernetes labels and annotations) so a reference means the same everywhere.
 *
 *   tollgate.io/model: fraud-detector@7      AWS tags, Kubernetes annotations
 *   tollgate-model:    fraud-detector--7     GCP labels and Azure tags (no "/" in keys; GCP values allow
 *                                            only lower-case letters, digits, "_" and "-"), Kubernetes labels
 *
 * Inventory ids may not contain "--" (schemas/inventory.schema.json), so the first "--" splits id from version.
 */

import type { ModelReference } from '../model/resource.js';
import { hasKeyOfLength } from './key-lengths.js';

export type { ModelReference } from '../model/resource.js';

/** Keys that carry a reference, in order of precedence; compared case-insensitively. */
export const MODEL_REFERENCE_KEYS: readonly string[] = ['tollgate.io/model', 'tollgate-model'];

const KEY_LENGTHS: ReadonlySet<number> = new Set(MODEL_REFERENCE_KEYS.map((key) => key.length));

/** Separators between id and version, in the order they are tried. */
const SEPARATORS: readonly string[] = ['@', '--'];

/** Parses "<id>@<version>" or "<id>--<version>"; a bare id has no version; an empty value is no reference. */
export function parseModelReference(value: string): ModelReference | null {
  const text = value.trim();
  if (text === '') return null;
  for (const separator of SEPARATORS) {
    const at = text.indexOf(separator);
    if (at > 0) {
      const version = text.slice(at + separator.length);
      return { id: text.slice(0, at), version: version === '' ? null : version };
    }
  }
  return { id: text, version: null };
}

/**
 * The reference in the first map (tags; or labels, then annotations) that has one of MODEL_REFERENCE_KEYS;
 * null when none does. Unknown maps (null) are skipped: "unknown" is not a reference.
 */
export function modelReferenceOf(...maps: ReadonlyArray<Readonly<Record<string, string>> | null | undefined>): ModelReference | null {
  for (const map of maps) {
    // Most maps name no model: one look at their keys' lengths spares them a lower-cased copy of every key per key.
    if (!map || !hasKeyOfLength(map, KEY_LENGTHS)) continue;
    for (const key of MODEL_REFERENCE_KEYS) {
      const entry = Object.entries(map).find(([name]) => name.toLowerCase() === key);
      const reference = entry === undefined ? null : parseModelReference(entry[1]);
      if (reference !== null) return reference;
    }
  }
  return null;
}
