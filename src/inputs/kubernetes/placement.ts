/**
 * Where a pod lands, as far as its spec pins it: the machine type, the region and whether the capacity is
 * spot. Read from the well-known node labels of EKS, GKE, AKS and Karpenter; anything not pinned is null.
 */
import { instanceFamily, lookupInstanceSpec, type InstanceSpec, type SpecProvider } from '../../model/instance-specs.js';
import type { NodeSelection } from './node-selection.js';

const INSTANCE_TYPE_LABELS = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'] as const;
const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'] as const;

/** Capacity-type labels and what their values say about spot (undefined: the value says nothing). */
const SPOT_LABELS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  'eks.amazonaws.com/capacityType': { SPOT: true, ON_DEMAND: false },
  'karpenter.sh/capacity-type': { spot: true, 'on-demand': false, reserved: false },
  'cloud.google.com/gke-spot': { true: true, false: false },
  'cloud.google.com/gke-preemptible': { true: true, false: false },
  'kubernetes.azure.com/scalesetpriority': { spot: true, regular: false },
};

/** SPOT_LABELS as a list, made once: every workload review reads it. */
const SPOT_LABEL_ENTRIES = Object.entries(SPOT_LABELS);

export interface InstancePlacement {
  readonly instanceType: string | null;
  readonly family: string | null;
  readonly spec: InstanceSpec | null;
}

const SPEC_PROVIDERS: readonly SpecProvider[] = ['aws', 'gcp', 'azure'];

/** The provider an unknown machine type most likely belongs to, by its spelling, for the family name. */
function providerBySpelling(instanceType: string): SpecProvider {
  if (/^(Standard|Basic)_/i.test(instanceType)) return 'azure';
  return instanceType.includes('.') ? 'aws' : 'gcp';
}

function firstLabel(selection: NodeSelection, labels: readonly string[]): string | null {
  for (const label of labels) {
    const value = selection.labels[label];
    if (value !== undefined && value !== '') return value;
  }
  return null;
}

export function instancePlacementOf(selection: NodeSelection): InstancePlacement {
  const instanceType = firstLabel(selection, INSTANCE_TYPE_LABELS);
  if (instanceType === null) return { instanceType: null, family: null, spec: null };
  for (const provider of SPEC_PROVIDERS) {
    const spec = lookupInstanceSpec(provider, instanceType);
    if (spec) return { instanceType, family: instanceFamily(provider, instanceType), spec };
  }
  return { instanceType, family: instanceFamily(providerBySpelling(instanceType), instanceType), spec: null };
}

export function regionOf(selection: NodeSelection, defaultRegion: string | null): string | null {
  return firstLabel(selection, REGION_LABELS) ?? defaultRegion;
}

/**
 * Spot when a capacity-type label pins spot nodes, or when the pod tolerates a spot-only taint (AKS and GKE
 * taint spot nodes, so tolerating the taint is how a workload opts into them); false when a label pins
 * on-demand capacity; null when the spec does not say.
 */
export function spotOf(selection: NodeSelection): boolean | null {
  for (const [label, meaning] of SPOT_LABEL_ENTRIES) {
    const value = selection.labels[label];
    if (value !== undefined && meaning[value] !== undefined) return meaning[value];
  }
  for (const toleration of selection.tolerations) {
    const meaning = toleration.key === null ? undefined : SPOT_LABELS[toleration.key];
    if (meaning === undefined) continue;
    if (toleration.operator === 'Exists' || (toleration.value !== null && meaning[toleration.value] === true)) return true;
  }
  return null;
}
