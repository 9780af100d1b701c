/**
 * Tags of a Kubernetes object in the Terraform sense: the namespace's mapping from config
 * (`kubernetes.namespaces[ns]`, else `kubernetes.namespaces["*"]`) with the object's own labels over it, so
 * `team`, `environment`, `cost-center` and `data-classification` mean the same as cloud tags.
 */
import type { KubernetesSettings } from '../../config/config.js';
import { objectAt, stringAt, stringMap, type JsonObject } from './object-shape.js';

/** Names the model a workload serves or trains, `<id>@<version>`, for the review gate. */
export const MODEL_REFERENCE_KEY = 'tollgate.io/model';

export function namespaceTags(settings: KubernetesSettings | undefined, namespace: string | null): Record<string, string> {
  const namespaces = settings?.namespaces ?? {};
  const mapped = (namespace !== null ? namespaces[namespace] : undefined) ?? namespaces['*'] ?? {};
  return { ...mapped };
}

export function tagsOf(object: JsonObject, settings: KubernetesSettings | undefined, namespace: string | null): Record<string, string> {
  const tags = { ...namespaceTags(settings, namespace), ...stringMap(objectAt(object, 'metadata', 'labels')) };
  // Label values cannot hold "@", so the model reference usually comes as an annotation.
  const modelReference = stringAt(object, 'metadata', 'annotations', MODEL_REFERENCE_KEY);
  if (modelReference !== null && tags[MODEL_REFERENCE_KEY] === undefined) tags[MODEL_REFERENCE_KEY] = modelReference;
  return tags;
}
