/**
 * The table of workload kinds Tollgate understands: for each, the compute role and where its pod specs
 * live. Adding a kind is one entry. A kind not in the table has no pod template and is judged as kind
 * "other" (never an error).
 */
import type { ComputeRole } from '../../model/resource.js';
import { arrayAt, countOf, isObject, objectAt, type JsonObject } from './object-shape.js';

/** One pod shape the workload runs, and how many copies of it (null: not stated, e.g. a DaemonSet). */
export interface PodComponent {
  /** "pod", "template", "predictor", "Worker", ...: where in the object the pod spec was found. */
  readonly name: string;
  readonly podSpec: JsonObject;
  readonly replicas: number | null;
  /**
   * The labels and annotations its pods get (the pod template's metadata; a KServe component's own `labels` and
   * `annotations`), where a model reference may be written for the pods rather than for the object.
   */
  readonly podMetadata?: JsonObject;
}

export interface WorkloadKind {
  readonly role: ComputeRole;
  readonly components: (object: JsonObject) => readonly PodComponent[];
}

/** Deployment, StatefulSet, ReplicaSet: spec.template with spec.replicas (the API defaults it to 1). */
function replicatedTemplate(object: JsonObject): readonly PodComponent[] {
  const spec = objectAt(object, 'spec');
  const replicas = spec['replicas'] === undefined ? 1 : countOf(spec['replicas']);
  return [{ name: 'template', podSpec: objectAt(spec, 'template', 'spec'), replicas, podMetadata: objectAt(spec, 'template', 'metadata') }];
}

/** A Job spec: pods run `parallelism` at a time (the API defaults it to 1). */
function jobComponents(jobSpec: JsonObject): readonly PodComponent[] {
  const replicas = jobSpec['parallelism'] === undefined ? 1 : countOf(jobSpec['parallelism']);
  return [
    { name: 'template', podSpec: objectAt(jobSpec, 'template', 'spec'), replicas, podMetadata: objectAt(jobSpec, 'template', 'metadata') },
  ];
}

/** The KServe predictor frameworks whose shorthand block is a container (`predictor.<framework>`). */
const KSERVE_MODEL_BLOCKS = [
  'model',
  'sklearn',
  'xgboost',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'pmml',
  'lightgbm',
  'paddle',
  'huggingface',
] as const;

/**
 * A KServe component (predictor, transformer, explainer) is a pod spec plus the shorthand blocks, which are
 * containers KServe expands; folding them into `containers` lets one reader count their accelerators.
 */
function kserveComponent(name: string, component: JsonObject): PodComponent {
  const shorthand = KSERVE_MODEL_BLOCKS.map((key) => component[key]).filter(isObject);
  const explainers = name === 'explainer' ? ['art', 'alibi'].map((key) => component[key]).filter(isObject) : [];
  const podSpec: JsonObject = { ...component, containers: [...arrayAt(component, 'containers'), ...shorthand, ...explainers] };
  const replicas = component['minReplicas'] === undefined ? 1 : countOf(component['minReplicas']);
  // KServe's ComponentExtensionSpec: `labels` and `annotations` are added to the component's pods.
  const podMetadata: JsonObject = { labels: objectAt(component, 'labels'), annotations: objectAt(component, 'annotations') };
  return { name, podSpec, replicas, podMetadata };
}

function inferenceServiceComponents(object: JsonObject): readonly PodComponent[] {
  const spec = objectAt(object, 'spec');
  return (['predictor', 'transformer', 'explainer'] as const)
    .filter((name) => isObject(spec[name]))
    .map((name) => kserveComponent(name, objectAt(spec, name)));
}

function pyTorchJobComponents(object: JsonObject): readonly PodComponent[] {
  const replicaSpecs = objectAt(object, 'spec', 'pytorchReplicaSpecs');
  return Object.entries(replicaSpecs)
    .filter(([, replicaSpec]) => isObject(replicaSpec))
    .map(([name, replicaSpec]) => ({
      name,
      podSpec: objectAt(replicaSpec, 'template', 'spec'),
      podMetadata: objectAt(replicaSpec, 'template', 'metadata'),
      replicas: (replicaSpec as JsonObject)['replicas'] === undefined ? 1 : countOf((replicaSpec as JsonObject)['replicas']),
    }));
}

/** Keyed by qualified kind (`Kind.group`, bare `Kind` for the core group). */
export const workloadKinds: Readonly<Record<string, WorkloadKind>> = {
  Pod: { role: 'instance', components: (object) => [{ name: 'pod', podSpec: objectAt(object, 'spec'), replicas: 1 }] },
  'Deployment.apps': { role: 'instance', components: replicatedTemplate },
  'StatefulSet.apps': { role: 'instance', components: replicatedTemplate },
  'ReplicaSet.apps': { role: 'instance', components: replicatedTemplate },
  // One pod per matching node; how many nodes match is not in the object.
  'DaemonSet.apps': {
    role: 'instance',
    components: (object) => [
      {
        name: 'template',
        podSpec: objectAt(object, 'spec', 'template', 'spec'),
        replicas: null,
        podMetadata: objectAt(object, 'spec', 'template', 'metadata'),
      },
    ],
  },
  'Job.batch': { role: 'training', components: (object) => jobComponents(objectAt(object, 'spec')) },
  'CronJob.batch': { role: 'training', components: (object) => jobComponents(objectAt(object, 'spec', 'jobTemplate', 'spec')) },
  'InferenceService.serving.kserve.io': { role: 'endpoint', components: inferenceServiceComponents },
  'PyTorchJob.kubeflow.org': { role: 'training', components: pyTorchJobComponents },
};
