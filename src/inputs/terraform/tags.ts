/**
 * Tags and labels as a flat string map.
 *
 * A tag whose value is unknown until apply is left out of the map (the model's tags are strings) and its
 * path ("tags.team") is in the resource's `unknown` list, so a policy can tell "missing" from "not known yet".
 * A tag map that is unknown as a whole is null.
 */
import type { PlannedValues } from './planned-values.js';

function stringEntries(map: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  // for...in over own keys, in the order Object.entries gives them, without an array of pairs per resource.
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    const value = map[key];
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}

/** Whether a map has any own key, without listing them. */
function hasAnyKey(map: Readonly<Record<string, unknown>>): boolean {
  for (const key in map) if (Object.hasOwn(map, key)) return true;
  return false;
}

export function readTags(values: PlannedValues, path: string): Readonly<Record<string, string>> | null {
  if (values.isUnknown(path)) return null;
  const map = values.record(path);
  return map === null ? {} : stringEntries(map);
}

/**
 * AWS: `tags_all` is tags plus the provider's default_tags. It is often unknown at plan time; then the
 * resource's own tags over the provider's constant default tags give the same answer.
 */
export function readAwsTags(values: PlannedValues, defaultTags: Readonly<Record<string, string>>): Readonly<Record<string, string>> | null {
  const all = values.record('tags_all');
  if (all !== null && !values.hasUnknownWithin('tags_all')) return stringEntries(all);
  const own = readTags(values, 'tags');
  if (own === null) return null;
  return hasAnyKey(defaultTags) ? { ...defaultTags, ...own } : own;
}
