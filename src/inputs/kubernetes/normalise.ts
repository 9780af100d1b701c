/**
 * A Kubernetes object → one `Resource` in the same model as a Terraform resource, so the same rules judge
 * both. Workload kinds (workload-kinds.ts) become compute: the accelerators the pods ask for, the machine
 * type, region and capacity type their node selection pins, and the replica count. Every other kind becomes
 * kind "other" with its labels as tags. Never throws: a malformed object yields nulls.
 */
import type { KubernetesSettings } from '../../config/config.js';
import type { Accelerator, ChangeAction, Compute, ModelReference, Resource } from '../../model/resource.js';
import { acceleratorOf, acceleratorRequestOf } from './accelerators.js';
import { nodeSelectionOf } from './node-selection.js';
import { groupOf, isObject, objectAt, qualifiedKind, stringAt, stringMap, type JsonObject } from './object-shape.js';
import { instancePlacementOf, regionOf, spotOf } from './placement.js';
import { redactedValues } from './redact.js';
import { tagsOf } from './tags.js';
import { statedCheckpointing } from '../checkpointing.js';
import { modelReferenceOf } from '../model-reference.js';
import { hasCheckpointVolume } from './checkpoint-volumes.js';
import { workloadKinds, type PodComponent, type WorkloadKind } from './workload-kinds.js';

export interface ObjectContext {
  /** Namespace of the request; wins over metadata.namespace (the API server fills it in on create). */
  readonly namespace?: string | null;
  /** Name of the request; objects created with generateName have none in metadata yet. */
  readonly name?: string | null;
  /** Kind from the request (`{group, kind}`), used when the object itself does not state it. */
  readonly kind?: { readonly group: string; readonly kind: string } | null;
  readonly action?: ChangeAction;
  readonly settings?: KubernetesSettings;
}

/** Namespace used for a manifest that states none, as kubectl does. */
export const DEFAULT_NAMESPACE = 'default';

/** The object's own annotations and labels (string values), read once for everything that looks at them. */
interface ObjectMaps {
  readonly annotations: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

interface ComponentFacts {
  readonly accelerator: Accelerator | null;
  readonly instanceType: string | null;
  readonly family: string | null;
  readonly region: string | null;
  readonly spot: boolean | null;
  readonly replicas: number | null;
}

function componentFacts(component: PodComponent, hints: Readonly<Record<string, string>>, defaultRegion: string | null): ComponentFacts {
  const selection = nodeSelectionOf(component.podSpec);
  const placement = instancePlacementOf(selection);
  return {
    // The node labels win over the object's hints, read in place rather than merged into a copy for every pod template.
    accelerator: acceleratorOf(acceleratorRequestOf(component.podSpec), selection.labels, placement.spec?.accelerator ?? null, hints),
    instanceType: placement.instanceType,
    family: placement.family,
    region: regionOf(selection, defaultRegion),
    spot: spotOf(selection),
    replicas: component.replicas,
  };
}

/**
 * One compute for the whole object: "per instance" limits are about the largest pod, so the component
 * asking for the most accelerators speaks for placement; instances add up over components.
 */
function computeOf(
  workload: WorkloadKind,
  object: JsonObject,
  own: ObjectMaps,
  defaultRegion: string | null,
): { compute: Compute; region: string | null } {
  // Object annotations may name the accelerator (KServe's serving.kserve.io/gke-accelerator).
  const hints = own.annotations;
  const components = workload.components(object);
  const facts = components.map((component) => componentFacts(component, hints, defaultRegion));
  const primary = facts.reduce<ComponentFacts | undefined>(
    (best, current) => (best === undefined || (current.accelerator?.count ?? 0) > (best.accelerator?.count ?? 0) ? current : best),
    undefined,
  );
  const instanceCount =
    facts.length > 0 && facts.every((fact) => fact.replicas !== null)
      ? facts.reduce((total, fact) => total + (fact.replicas ?? 0), 0)
      : null;
  return {
    compute: {
      role: workload.role,
      instanceType: primary?.instanceType ?? null,
      family: primary?.family ?? null,
      instanceCount,
      scaling: null,
      accelerator: primary?.accelerator ?? null,
      spot: primary?.spot ?? null,
      checkpointing: checkpointingOf(own, components),
      // Every pod template (a PyTorchJob's master and workers, a RayCluster's head and worker groups) is a
      // machine shape of its own; the rules judge each, not only the largest.
      variants: facts.map((fact) => ({
        instanceType: fact.instanceType,
        family: fact.family,
        instanceCount: fact.replicas,
        accelerators: fact.accelerator === null ? [] : [fact.accelerator],
      })),
      variantsRun: 'all',
    },
    region: primary?.region ?? defaultRegion,
  };
}

/**
 * Whether the workload resumes from checkpoints: what its annotations or labels state (the object's, then each
 * pod template's), else whether a pod template mounts durable checkpoint storage; a workload that shows
 * neither does not checkpoint (TG-SAV-CKPT warns when it runs on spot capacity).
 */
function checkpointingOf(own: ObjectMaps, components: readonly PodComponent[]): boolean {
  const stated = statedCheckpointing(
    own.annotations,
    own.labels,
    ...components.flatMap((component) => [
      stringMap(objectAt(component.podMetadata ?? {}, 'annotations')),
      stringMap(objectAt(component.podMetadata ?? {}, 'labels')),
    ]),
  );
  return stated ?? components.some((component) => hasCheckpointVolume(component.podSpec));
}

/** The first model reference among the workload's pod templates (annotations, then labels, in component order). */
function podTemplateModel(workload: WorkloadKind, object: JsonObject): ModelReference | null {
  for (const component of workload.components(object)) {
    const metadata = component.podMetadata ?? {};
    const reference = modelReferenceOf(stringMap(objectAt(metadata, 'annotations')), stringMap(objectAt(metadata, 'labels')));
    if (reference !== null) return reference;
  }
  return null;
}

function nameOf(object: JsonObject, context: ObjectContext): string {
  const generateName = stringAt(object, 'metadata', 'generateName');
  const named = [context.name, stringAt(object, 'metadata', 'name')].find((name) => name !== undefined && name !== null && name !== '');
  return named ?? (generateName ? `${generateName}*` : '(unnamed)');
}

export function normaliseKubernetesObject(raw: unknown, context: ObjectContext = {}): Resource {
  const object: JsonObject = isObject(raw) ? raw : {};
  const kind = stringAt(object, 'kind') ?? context.kind?.kind ?? 'Unknown';
  const group = stringAt(object, 'apiVersion') !== null ? groupOf(stringAt(object, 'apiVersion')) : (context.kind?.group ?? '');
  const workload = workloadKinds[qualifiedKind(kind, group)];
  // An empty namespace (the API server's "none given") counts as not stated.
  const stated = [context.namespace, stringAt(object, 'metadata', 'namespace')].find((ns) => ns !== undefined && ns !== null && ns !== '');
  const namespace = stated ?? (workload ? DEFAULT_NAMESPACE : null);
  const name = nameOf(object, context);
  const defaultRegion = context.settings?.region ?? null;
  const metadata = objectAt(object, 'metadata');
  const own: ObjectMaps = { annotations: stringMap(objectAt(metadata, 'annotations')), labels: stringMap(objectAt(metadata, 'labels')) };
  const placed = workload ? computeOf(workload, object, own, defaultRegion) : null;
  const tags = tagsOf(object, own.labels, context.settings, namespace);
  // The same reference convention as cloud tags; label values cannot hold "@", so annotations come first. A
  // workload whose pod template names the model is judged at the workload, as its pods will be.
  const model = modelReferenceOf(own.annotations, tags) ?? (workload ? podTemplateModel(workload, object) : null);
  return {
    address: namespace === null ? `${kind}/${name}` : `${kind}/${namespace}/${name}`,
    type: kind,
    name,
    module: null,
    index: null,
    provider: 'kubernetes',
    providerConfig: null,
    kind: placed ? 'compute' : 'other',
    action: context.action ?? 'create',
    region: placed ? placed.region : null,
    tags,
    taggable: true,
    compute: placed?.compute ?? null,
    encryption: null,
    transport: null,
    unknown: [],
    location: null,
    values: redactedValues(object),
    ...(model === null ? {} : { model }),
  };
}
