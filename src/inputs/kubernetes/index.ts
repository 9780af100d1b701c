/** Kubernetes objects → the normalised Resource model. */
export { normaliseKubernetesObject, DEFAULT_NAMESPACE, type ObjectContext } from './normalise.js';
export { parseManifests } from './manifests.js';
export { MODEL_REFERENCE_KEY } from './tags.js';
export { REDACTED } from './redact.js';
export { workloadKinds } from './workload-kinds.js';
