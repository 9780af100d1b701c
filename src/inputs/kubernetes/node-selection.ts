/**
 * The node labels a pod spec pins: `nodeSelector`, plus required node affinity that admits exactly one value
 * for a key in every term (`In` with one value). Preferred affinity does not pin anything, so it is ignored.
 */
import { arrayAt, isObject, objectAt, stringAt, stringMap, type JsonObject } from './object-shape.js';

export interface Toleration {
  readonly key: string | null;
  readonly operator: string | null;
  readonly value: string | null;
}

export interface NodeSelection {
  /** Label → the one value a node must carry. */
  readonly labels: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** Keys a single required term pins to one value. */
function pinnedByTerm(term: unknown): Map<string, string> {
  const pinned = new Map<string, string>();
  for (const expression of arrayAt(term, 'matchExpressions')) {
    const key = stringAt(expression, 'key');
    const values = arrayAt(expression, 'values');
    if (key !== null && stringAt(expression, 'operator') === 'In' && values.length === 1 && typeof values[0] === 'string') {
      pinned.set(key, values[0]);
    }
  }
  return pinned;
}

/** Terms are ORed: a key is pinned only when every term pins it to the same value. */
function pinnedByRequiredAffinity(podSpec: JsonObject): Record<string, string> {
  const terms = arrayAt(podSpec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
  if (terms.length === 0) return {};
  const [first, ...rest] = terms.map(pinnedByTerm);
  const result: Record<string, string> = {};
  for (const [key, value] of first ?? new Map<string, string>()) {
    if (rest.every((term) => term.get(key) === value)) result[key] = value;
  }
  return result;
}

export function nodeSelectionOf(podSpec: JsonObject): NodeSelection {
  const labels = { ...pinnedByRequiredAffinity(podSpec), ...stringMap(objectAt(podSpec, 'nodeSelector')) };
  const tolerations = arrayAt(podSpec, 'tolerations')
    .filter(isObject)
    .map((toleration) => ({
      key: stringAt(toleration, 'key'),
      operator: stringAt(toleration, 'operator'),
      value: stringAt(toleration, 'value'),
    }));
  return { labels, tolerations };
}
