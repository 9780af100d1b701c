/**
 * The namespace is the trust boundary: a mapped namespace's environment wins over the object's labels, MIG
 * slices are accelerators of their GPU, every pod template is judged, and an UPDATE that only lets a
 * deletion finish (finalizers removed) is admitted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { normaliseKubernetesObject } from '../../src/inputs/kubernetes/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import { onlyRemovesFinalizers, parseAdmissionReview } from '../../src/webhook/admission-review.js';

const config = parseConfig(
  `
environments:
  dev:
    gpu: { max_per_instance: 1, allowed_models: [T4, L4] }
  prod:
    gpu: { max_per_instance: 8, allowed_models: [H100, A100] }
kubernetes:
  namespaces:
    sandbox: { environment: dev, team: research }
    "*": { environment: prod }
`,
  'tollgate.yaml',
);
const settings = prepareSettings({ file: 'tollgate.yaml', config });
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
});

function pod(labels: Record<string, string>, limits: Record<string, number>, nodeSelector: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels },
    spec: { nodeSelector, containers: [{ name: 'c', image: 'i', resources: { limits } }] },
  };
}

function admit(namespace: string, object: unknown) {
  const input = prepare({
    subject: {
      kind: 'admission',
      request: {
        uid: '1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        name: 'p',
        namespace,
        operation: 'CREATE',
        username: 'u',
        object,
        dryRun: false,
      },
    },
    settings,
    now: '2026-06-01T00:00:00Z',
  });
  return { input, decision: engine.evaluate(input) };
}

describe('the namespace is the trust boundary', () => {
  it.each([
    { label: 'prod', expected: 'dev' },
    { label: 'PROD', expected: 'dev' },
  ])('a Pod in the dev namespace labelled environment: $label stays $expected', ({ label }) => {
    const { input, decision } = admit(
      'sandbox',
      pod({ environment: label, team: 'other' }, { 'nvidia.com/gpu': 2 }, { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' }),
    );
    expect(input.resources[0]?.tags).toMatchObject({ environment: 'dev', team: 'research' });
    expect(decision.violations.map((f) => f.rule)).toEqual(expect.arrayContaining(['TG-GPU-001', 'TG-GPU-002']));
  });

  it('the catch-all mapping is only a default: labels may set the environment there', () => {
    const { input } = admit('elsewhere', pod({ environment: 'dev' }, {}));
    expect(input.resources[0]?.tags).toMatchObject({ environment: 'dev' });
  });
});

describe('MIG slices are accelerators of their GPU model', () => {
  it.each([
    [{ 'nvidia.com/mig-1g.10gb': 2 }, 2],
    [{ 'nvidia.com/mig-3g.40gb': 1, 'nvidia.com/mig-1g.10gb': 1 }, 2],
    [{ 'nvidia.com/gpu': 1, 'nvidia.com/mig-1g.5gb': 1 }, 2],
  ])('%j counts %d accelerators of the node GPU', (limits, count) => {
    const resource = normaliseKubernetesObject(pod({}, limits, { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }), {
      namespace: 'sandbox',
    });
    expect(resource.compute?.accelerator).toMatchObject({ model: 'A100', count });
  });

  it('a MIG slice in the dev namespace is judged against dev GPU models', () => {
    const { decision } = admit('sandbox', pod({}, { 'nvidia.com/mig-1g.10gb': 1 }, { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' }));
    expect(decision.violations.map((f) => f.rule)).toContain('TG-GPU-002');
  });
});

describe('every pod template is judged', () => {
  it('a Job-like object with two components yields one variant each', () => {
    const resource = normaliseKubernetesObject(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          replicas: 2,
          template: { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': 1 } } }] } },
        },
      },
      { namespace: 'sandbox' },
    );
    expect(resource.compute?.variants).toEqual([
      { instanceType: null, family: null, instanceCount: 2, accelerators: [{ model: null, count: 1, memoryGiB: null }] },
    ]);
  });
});

describe('an UPDATE that only removes finalizers from an object being deleted', () => {
  const deleting = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', deletionTimestamp: '2026-06-01T00:00:00Z', finalizers: ['a', 'b'], resourceVersion: '1' },
    spec: { containers: [] },
  };
  const review = (object: unknown, oldObject: unknown, operation = 'UPDATE') =>
    parseAdmissionReview({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, operation, object, oldObject },
    });

  it.each([
    [
      'removes one finalizer',
      { ...deleting, metadata: { ...deleting.metadata, finalizers: ['b'], resourceVersion: '2' } },
      deleting,
      'UPDATE',
      true,
    ],
    ['removes every finalizer', { ...deleting, metadata: { ...deleting.metadata, finalizers: undefined } }, deleting, 'UPDATE', true],
    [
      'also changes the spec',
      { ...deleting, metadata: { ...deleting.metadata, finalizers: [] }, spec: { containers: [{ name: 'x' }] } },
      deleting,
      'UPDATE',
      false,
    ],
    [
      'is not being deleted',
      { ...deleting, metadata: { name: 'p', finalizers: ['b'] } },
      { ...deleting, metadata: { name: 'p', finalizers: ['a', 'b'] } },
      'UPDATE',
      false,
    ],
    ['adds a finalizer', { ...deleting, metadata: { ...deleting.metadata, finalizers: ['a', 'b', 'c'] } }, deleting, 'UPDATE', false],
    ['is a CREATE', deleting, null, 'CREATE', false],
  ])('%s → admitted without judging: %s', (_what, object, oldObject, operation, admitted) => {
    expect(onlyRemovesFinalizers(review(object, oldObject, operation))).toBe(admitted);
  });
});
