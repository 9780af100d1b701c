/**
 * A quick test before a case-insensitive key search: a tag, label or annotation map can hold one of a few
 * well-known keys (tollgate.io/model, tollgate.io/checkpointing) in any case only if it has a key of the same
 * length (lower-casing keeps the length of any key that becomes one of them). Nearly every map of a large plan
 * has none, and is then not searched key by key.
 */

/** Whether the map has an own key of one of these lengths. */
export function hasKeyOfLength(map: Readonly<Record<string, unknown>>, lengths: ReadonlySet<number>): boolean {
  for (const name in map) if (lengths.has(name.length) && Object.hasOwn(map, name)) return true;
  return false;
}
