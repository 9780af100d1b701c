/**
 * Tags of a Kubernetes object in the Terraform sense: the namespace's mapping from config
 * (`kubernetes.namespaces[ns]`, authoritative, else `kubernetes.namespaces["*"]`, a default the labels override), so
 * `team`, `environment`, `cost-center` and `data-classification` mean the same as cloud tags.
 */
import type { KubernetesSettings } from '../../config/config.js';
import { stringAt, type JsonObject } from './object-shape.js';

/** Names the model a workload serves or trains, `<id>@<version>`, for the review gate. */
export const MODEL_REFERENCE_KEY = 'tollgate.io/model';

/** The namespace's mapping from config, read in place: tagsOf copies it into the tags it builds. */
function namespaceMapping(settings: KubernetesSettings | undefined, namespace: string | null): Readonly<Record<string, string>> {
  const namespaces = settings?.namespaces ?? {};
  return (namespace !== null ? namespaces[namespace] : undefined) ?? namespaces['*'] ?? {};
}

/**
 * `{ ...first, ...second }`. Object.assign makes the same object (the same keys in the same order) at a tenth of the
 * cost: V8 spreads a second object whose keys overlap the first's through its slow path, and leaves the result in a
 * form that is slow to add the model key to (about 2.7 µs against 0.1 µs per review). The exception is an own
 * `__proto__` key, which a spread copies and an assignment does not; only the config's mapping can have one.
 */
function merged(first: Readonly<Record<string, string>>, second: Readonly<Record<string, string>>): Record<string, string> {
  if (Object.hasOwn(first, '__proto__') || Object.hasOwn(second, '__proto__')) return { ...first, ...second };
  return Object.assign({}, first, second);
}

/**
 * A namespace the config maps by name is the trust boundary: its environment, team and classification win
 * over the object's own labels, so a Pod in a dev namespace labelled `environment: prod` is still dev (and
 * cannot claim prod's limits). The catch-all `"*"` mapping is only a default that labels may override.
 * `labels` are the object's own, as stringMap reads them (the caller reads them once for all its uses).
 */
export function tagsOf(
  object: JsonObject,
  labels: Readonly<Record<string, string>>,
  settings: KubernetesSettings | undefined,
  namespace: string | null,
): Record<string, string> {
  const mappedByName = namespace !== null && settings?.namespaces?.[namespace] !== undefined;
  const mapping = namespaceMapping(settings, namespace);
  const tags = mappedByName ? merged(labels, mapping) : merged(mapping, labels);
  // Label values cannot hold "@", so the model reference usually comes as an annotation.
  const modelReference = stringAt(object, 'metadata', 'annotations', MODEL_REFERENCE_KEY);
  if (modelReference !== null && tags[MODEL_REFERENCE_KEY] === undefined) tags[MODEL_REFERENCE_KEY] = modelReference;
  return tags;
}
