/**
 * Accelerators a pod asks for: the extended resources device plugins advertise, counted from the containers'
 * limits (requests when no limit), and the model named by the node labels the pod pins.
 */
import { lookupGpuAcceleratorType } from '../../model/instance-specs.js';
import type { Accelerator } from '../../model/resource.js';
import { arrayAt, countOf, objectAt, type JsonObject } from './object-shape.js';

/** Extended resource names of accelerator device plugins. */
export const ACCELERATOR_RESOURCES = ['nvidia.com/gpu', 'amd.com/gpu', 'google.com/tpu'] as const;

/** NVIDIA MIG slices (`nvidia.com/mig-1g.10gb`, ...): each is one accelerator of the GPU it is cut from. */
const MIG_PREFIX = 'nvidia.com/mig-';

/**
 * Accelerators one container asks for, of one resource name; null when it does not ask. MIG slices count as
 * `nvidia.com/gpu`: a slice of an A100 is an A100 to the model and count limits.
 */
function containerCount(container: unknown, resource: string): number | null {
  const limits = objectAt(container, 'resources', 'limits');
  const requests = objectAt(container, 'resources', 'requests');
  let count = countOf(limits[resource] ?? requests[resource]);
  if (resource === 'nvidia.com/gpu') {
    const names = new Set([...Object.keys(limits), ...Object.keys(requests)].filter((name) => name.startsWith(MIG_PREFIX)));
    for (const name of names) {
      const slices = countOf(limits[name] ?? requests[name]);
      if (slices !== null) count = (count ?? 0) + slices;
    }
  }
  return count;
}

/**
 * Accelerators of one resource name a pod needs at once: app containers run together (their sum), init
 * containers one at a time (the largest); the pod holds the larger of the two. Null when nothing asks.
 */
function podCount(podSpec: JsonObject, resource: string): number | null {
  const app = arrayAt(podSpec, 'containers').map((container) => containerCount(container, resource));
  const init = arrayAt(podSpec, 'initContainers').map((container) => containerCount(container, resource));
  if ([...app, ...init].every((count) => count === null)) return null;
  const sum = app.reduce<number>((total, count) => total + (count ?? 0), 0);
  return Math.max(sum, ...init.map((count) => count ?? 0));
}

export interface AcceleratorRequest {
  readonly resource: (typeof ACCELERATOR_RESOURCES)[number];
  readonly count: number;
}

/** The accelerator resource the pod asks most of (a pod rarely mixes kinds). */
export function acceleratorRequestOf(podSpec: JsonObject): AcceleratorRequest | null {
  let best: AcceleratorRequest | null = null;
  for (const resource of ACCELERATOR_RESOURCES) {
    const count = podCount(podSpec, resource);
    if (count !== null && (best === null || count > best.count)) best = { resource, count };
  }
  return best;
}

// Model names as the Resource model spells them; product labels are matched token by token against these
// ("NVIDIA-A100-SXM4-40GB" → A100, "Tesla-T4" → T4, Karpenter's "a10g" → A10G).
const CANONICAL_GPU_MODELS = [
  'H200',
  'H100',
  'A100',
  'A10G',
  'A10',
  'L40S',
  'L40',
  'L4',
  'T4',
  'V100',
  'P100',
  'P4',
  'K80',
  'M60',
  'MI300X',
  'MI250X',
  'MI250',
  'MI210',
  'MI100',
] as const;

function modelFromProductName(name: string): string | null {
  const tokens = new Set(name.toUpperCase().split(/[^A-Z0-9]+/));
  return CANONICAL_GPU_MODELS.find((model) => tokens.has(model)) ?? null;
}

/** GKE TPU node pools: `cloud.google.com/gke-tpu-accelerator`. */
const GKE_TPU_MODELS: Readonly<Record<string, string>> = {
  'tpu-v4-podslice': 'TPU v4',
  'tpu-v5-lite-podslice': 'TPU v5e',
  'tpu-v5-lite-device': 'TPU v5e',
  'tpu-v5p-slice': 'TPU v5p',
  'tpu-v6e-slice': 'TPU v6e',
};

interface ModelHint {
  readonly model: string;
  readonly memoryGiB: number | null;
}

function gkeAccelerator(value: string): ModelHint | null {
  const known = lookupGpuAcceleratorType(value);
  if (known) return known;
  const model = modelFromProductName(value);
  return model ? { model, memoryGiB: null } : null;
}

function productName(value: string): ModelHint | null {
  const model = modelFromProductName(value);
  return model ? { model, memoryGiB: null } : null;
}

/**
 * Node labels (and, for KServe, the object annotation) that name the accelerator model, in order of
 * precedence. Each reads its own vocabulary.
 */
const MODEL_LABELS: ReadonlyArray<readonly [label: string, read: (value: string) => ModelHint | null]> = [
  ['nvidia.com/gpu.product', productName],
  ['cloud.google.com/gke-accelerator', gkeAccelerator],
  ['serving.kserve.io/gke-accelerator', gkeAccelerator],
  ['karpenter.k8s.aws/instance-gpu-name', productName],
  ['cloud.google.com/gke-tpu-accelerator', (value) => (GKE_TPU_MODELS[value] ? { model: GKE_TPU_MODELS[value], memoryGiB: null } : null)],
];

/** The model the labels name; a label missing from `labels` is read from `hints` (the object's annotations). */
export function modelFromLabels(labels: Readonly<Record<string, string>>, hints: Readonly<Record<string, string>> = {}): ModelHint | null {
  for (const [label, read] of MODEL_LABELS) {
    const value = labels[label] ?? hints[label];
    const hint = value === undefined ? null : read(value);
    if (hint) return hint;
  }
  return null;
}

/**
 * The accelerator in the Resource model: the count asked for, the model from the node labels (then the object's
 * annotation hints) or the instance type.
 */
export function acceleratorOf(
  request: AcceleratorRequest | null,
  labels: Readonly<Record<string, string>>,
  instanceAccelerator: { readonly model: string; readonly memoryGiB: number } | null,
  hints: Readonly<Record<string, string>> = {},
): Accelerator | null {
  if (request === null || request.count === 0) return null;
  const hint = modelFromLabels(labels, hints) ?? instanceAccelerator;
  return { model: hint?.model ?? null, count: request.count, memoryGiB: hint?.memoryGiB ?? null };
}
