import { describe, expect, it } from 'vitest';
import { normaliseKubernetesObject, parseManifests, REDACTED } from '../../src/inputs/kubernetes/index.js';
import type { KubernetesSettings } from '../../src/config/config.js';

const settings: KubernetesSettings = {
  region: 'us-east-1',
  namespaces: { 'ml-dev': { environment: 'dev', team: 'research' }, '*': { environment: 'sandbox' } },
};

const gpuContainer = (gpus: number | string, resource = 'nvidia.com/gpu') => ({
  name: 'main',
  image: 'trainer:1',
  resources: { limits: { [resource]: gpus } },
});

function podSpec(extra: Record<string, unknown> = {}, containers: unknown[] = [gpuContainer(1)]) {
  return { containers, ...extra };
}

const template = (spec: unknown) => ({ metadata: { labels: { app: 'x' } }, spec });

describe('workload kinds', () => {
  it.each([
    ['Pod', { apiVersion: 'v1', kind: 'Pod', spec: podSpec() }, 'instance', 1],
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 3, template: template(podSpec()) } }, 'instance', 3],
    ['Deployment without replicas', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: template(podSpec()) } }, 'instance', 1],
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { replicas: 2, template: template(podSpec()) } }, 'instance', 2],
    ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { replicas: 4, template: template(podSpec()) } }, 'instance', 4],
    ['DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: template(podSpec()) } }, 'instance', null],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', spec: { parallelism: 5, template: template(podSpec()) } }, 'training', 5],
    [
      'CronJob',
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        spec: { schedule: '@daily', jobTemplate: { spec: { parallelism: 2, template: template(podSpec()) } } },
      },
      'training',
      2,
    ],
    [
      'InferenceService',
      {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        spec: {
          predictor: { minReplicas: 2, model: { modelFormat: { name: 'pytorch' }, resources: { limits: { 'nvidia.com/gpu': 1 } } } },
        },
      },
      'endpoint',
      2,
    ],
    [
      'PyTorchJob',
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        spec: {
          pytorchReplicaSpecs: {
            Master: { replicas: 1, template: template(podSpec()) },
            Worker: { replicas: 3, template: template(podSpec()) },
          },
        },
      },
      'training',
      4,
    ],
  ])('%s is compute with role %s and %s instances', (_name, object, role, instances) => {
    const resource = normaliseKubernetesObject({ metadata: { name: 'w', namespace: 'ml-dev' }, ...object }, { settings });
    expect(resource.kind).toBe('compute');
    expect(resource.provider).toBe('kubernetes');
    expect(resource.compute?.role).toBe(role);
    expect(resource.compute?.instanceCount).toBe(instances);
    expect(resource.compute?.accelerator?.count).toBe(1);
    expect(resource.address).toBe(`${object.kind}/ml-dev/w`);
    expect(resource.taggable).toBe(true);
  });

  it.each([
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ml-dev' }, data: { a: 'b' } }],
    [
      'an unknown custom resource',
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'c', namespace: 'ml-dev' },
        spec: { containers: [gpuContainer(8)] },
      },
    ],
    [
      'a Deployment of an unknown group',
      { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'c', namespace: 'ml-dev' } },
    ],
  ])('%s is kind other, never an error', (_name, object) => {
    const resource = normaliseKubernetesObject(object, { settings });
    expect(resource.kind).toBe('other');
    expect(resource.compute).toBeNull();
    expect(resource.tags).toMatchObject({ environment: 'dev', team: 'research' });
  });

  it.each([null, 'text', 42, [], { kind: 'Pod' }, { kind: 'Pod', spec: 'nonsense' }])('malformed object %j degrades to nulls', (object) => {
    expect(() => normaliseKubernetesObject(object, { settings })).not.toThrow();
  });
});

describe('KServe InferenceService', () => {
  const isvc = (predictor: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'llm', namespace: 'ml-dev' },
    spec: { predictor, ...extra },
  });

  it('reads the framework shorthand and the KServe accelerator annotation', () => {
    const resource = normaliseKubernetesObject({
      ...isvc({ tensorflow: { storageUri: 'gs://m', resources: { limits: { 'nvidia.com/gpu': 1 } } } }),
      metadata: { name: 'tf', annotations: { 'serving.kserve.io/gke-accelerator': 'nvidia-tesla-t4' } },
    });
    expect(resource.compute?.accelerator).toEqual({ model: 'T4', count: 1, memoryGiB: 16 });
    expect(resource.compute?.role).toBe('endpoint');
  });

  it('a node label naming the accelerator wins over the same key in the object annotations', () => {
    const resource = normaliseKubernetesObject({
      ...isvc({
        nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
        tensorflow: { storageUri: 'gs://m', resources: { limits: { 'nvidia.com/gpu': 1 } } },
      }),
      metadata: { name: 'tf', annotations: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' } },
    });
    expect(resource.compute?.accelerator).toMatchObject({ model: 'L4', count: 1 });
  });

  it('the component with the most accelerators speaks for placement; instances add up', () => {
    const resource = normaliseKubernetesObject(
      isvc(
        { minReplicas: 2, nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' }, containers: [gpuContainer(2)] },
        { transformer: { containers: [{ name: 't', image: 't' }] } },
      ),
    );
    expect(resource.compute?.accelerator).toMatchObject({ model: 'L4', count: 2 });
    expect(resource.compute?.instanceCount).toBe(3);
  });
});

describe('accelerators and placement', () => {
  const pod = (spec: Record<string, unknown>, containers?: unknown[]) =>
    normaliseKubernetesObject(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ml-dev' }, spec: podSpec(spec, containers) },
      { settings },
    );

  it.each([
    [{ nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB' } }, 'A100'],
    [{ nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' } }, 'T4'],
    [{ nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100' } }, 'A100'],
    [{ nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' } }, 'L4'],
    [{ nodeSelector: { 'karpenter.k8s.aws/instance-gpu-name': 'a10g' } }, 'A10G'],
    [{ nodeSelector: { 'karpenter.k8s.aws/instance-gpu-name': 'l40s' } }, 'L40S'],
    [{ nodeSelector: { 'node.kubernetes.io/instance-type': 'p4d.24xlarge' } }, 'A100'],
    [{ nodeSelector: { 'node.kubernetes.io/instance-type': 'g2-standard-8' } }, 'L4'],
    [
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-H100-80GB-HBM3'] }] },
              ],
            },
          },
        },
      },
      'H100',
    ],
    [{}, null],
    [
      // Two values: the model is not pinned.
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [{ key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4', 'nvidia-tesla-t4'] }],
                },
              ],
            },
          },
        },
      },
      null,
    ],
  ])('model from %j is %s', (spec, model) => {
    expect(pod(spec).compute?.accelerator?.model ?? null).toBe(model);
  });

  it('counts app containers together and init containers one at a time', () => {
    const resource = pod({ initContainers: [gpuContainer(3)] }, [gpuContainer(1), gpuContainer('2')]);
    expect(resource.compute?.accelerator?.count).toBe(3);
    expect(pod({}, [gpuContainer(2), gpuContainer(2)]).compute?.accelerator?.count).toBe(4);
  });

  it('reads requests when there is no limit, and AMD and TPU resources', () => {
    expect(pod({}, [{ name: 'a', resources: { requests: { 'nvidia.com/gpu': '2' } } }]).compute?.accelerator?.count).toBe(2);
    expect(pod({}, [gpuContainer(1, 'amd.com/gpu')]).compute?.accelerator?.count).toBe(1);
    expect(
      pod({ nodeSelector: { 'cloud.google.com/gke-tpu-accelerator': 'tpu-v5-lite-podslice' } }, [gpuContainer(4, 'google.com/tpu')]).compute
        ?.accelerator,
    ).toMatchObject({ model: 'TPU v5e', count: 4 });
  });

  it('has no accelerator when no container asks for one', () => {
    expect(pod({}, [{ name: 'web', image: 'nginx' }]).compute?.accelerator).toBeNull();
  });

  it('reads instance type and family from nodeSelector or single-valued required affinity', () => {
    expect(pod({ nodeSelector: { 'node.kubernetes.io/instance-type': 'g5.12xlarge' } }).compute).toMatchObject({
      instanceType: 'g5.12xlarge',
      family: 'g5',
    });
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['a2-highgpu-1g'] }] },
          ],
        },
      },
    };
    expect(pod({ affinity }).compute).toMatchObject({ instanceType: 'a2-highgpu-1g', family: 'a2' });
    expect(pod({ nodeSelector: { 'node.kubernetes.io/instance-type': 'Standard_NC24ads_A100_v4' } }).compute?.family).toBe('NCads_A100_v4');
  });

  it('region: pinned label, else config kubernetes.region, else null', () => {
    expect(pod({ nodeSelector: { 'topology.kubernetes.io/region': 'europe-west4' } }).region).toBe('europe-west4');
    expect(pod({}).region).toBe('us-east-1');
    const unset = normaliseKubernetesObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec() });
    expect(unset.region).toBeNull();
  });

  it.each([
    [{ nodeSelector: { 'eks.amazonaws.com/capacityType': 'SPOT' } }, true],
    [{ nodeSelector: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' } }, false],
    [{ nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } }, true],
    [{ nodeSelector: { 'cloud.google.com/gke-spot': 'true' } }, true],
    [{ nodeSelector: { 'cloud.google.com/gke-preemptible': 'true' } }, true],
    [{ tolerations: [{ key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }] }, true],
    [{ tolerations: [{ key: 'cloud.google.com/gke-spot', operator: 'Exists' }] }, true],
    [
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }] }],
            },
          },
        },
      },
      true,
    ],
    [{}, null],
  ])('spot from %j is %s', (spec, spot) => {
    expect(pod(spec).compute?.spot).toBe(spot);
  });
});

describe('tags, address and values', () => {
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'llm-server',
      labels: { team: 'serving', app: 'llm' },
      annotations: {
        'tollgate.io/model': 'llama-3-8b@3.1.0',
        'kubectl.kubernetes.io/last-applied-configuration': '{"env":"HF_TOKEN=hf_secret"}',
      },
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: {
      template: template({
        containers: [
          {
            name: 'm',
            image: 'vllm',
            env: [
              { name: 'HF_TOKEN', value: 'hf_secret' },
              { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            ],
          },
        ],
      }),
    },
    status: { replicas: 1 },
  };

  it('merges labels with the namespace mapping, which wins as the trust boundary, and keeps the model reference', () => {
    const resource = normaliseKubernetesObject(object, { namespace: 'ml-dev', settings });
    expect(resource.address).toBe('Deployment/ml-dev/llm-server');
    // The object's own `team: serving` label cannot move it out of the namespace's team.
    expect(resource.tags).toEqual({ environment: 'dev', team: 'research', app: 'llm', 'tollgate.io/model': 'llama-3-8b@3.1.0' });
  });

  it("writes the tags in the order of an object spread: the first map's keys, then the keys only the second has", () => {
    // The policy input is compared byte for byte, so the order of the keys is part of it.
    expect(JSON.stringify(normaliseKubernetesObject(object, { namespace: 'ml-dev', settings }).tags)).toBe(
      '{"team":"research","app":"llm","environment":"dev","tollgate.io/model":"llama-3-8b@3.1.0"}',
    );
    expect(JSON.stringify(normaliseKubernetesObject(object, { namespace: 'ml-other', settings }).tags)).toBe(
      '{"environment":"sandbox","team":"serving","app":"llm","tollgate.io/model":"llama-3-8b@3.1.0"}',
    );
  });

  it("keeps a mapping's tag named __proto__ as a tag, as an object spread does", () => {
    const odd = JSON.parse('{"__proto__":"odd","team":"research"}') as Record<string, string>;
    const resource = normaliseKubernetesObject(object, { namespace: 'ml-odd', settings: { namespaces: { 'ml-odd': odd } } });
    expect(JSON.stringify(resource.tags)).toBe('{"team":"research","app":"llm","__proto__":"odd","tollgate.io/model":"llama-3-8b@3.1.0"}');
  });

  it('falls back to the "*" mapping and to namespace default', () => {
    const resource = normaliseKubernetesObject(object, { settings });
    expect(resource.address).toBe('Deployment/default/llm-server');
    expect(resource.tags?.['environment']).toBe('sandbox');
  });

  it('never copies env values, managedFields, status or the last-applied annotation', () => {
    const resource = normaliseKubernetesObject(object, { namespace: 'ml-dev', settings });
    const text = JSON.stringify(resource);
    expect(text).not.toContain('hf_secret');
    expect(text).not.toContain('managedFields');
    expect(text).not.toContain('last-applied');
    expect(resource.values['status']).toBeUndefined();
    expect(text).toContain(REDACTED);
    expect(text).toContain('secretKeyRef');
  });

  it('keeps a member named __proto__ of the object as a member of its values, redacted like any other', () => {
    const odd = JSON.parse(
      '{"apiVersion":"example.com/v1","kind":"Trainer","metadata":{"name":"t","namespace":"x"},' +
        '"spec":{"__proto__":{"env":[{"name":"TOKEN","value":"hf_secret"}],"gpus":8}}}',
    ) as Record<string, unknown>;
    const resource = normaliseKubernetesObject(odd);
    expect(JSON.stringify(resource.values['spec'])).toBe(`{"__proto__":{"env":[{"name":"TOKEN","value":"${REDACTED}"}],"gpus":8}}`);
    expect(Object.getPrototypeOf(resource.values['spec'])).toBe(Object.prototype);
  });

  it('redacts Secret payloads', () => {
    const resource = normaliseKubernetesObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'x' },
      data: { token: 'c2VjcmV0' },
    });
    expect(JSON.stringify(resource)).not.toContain('c2VjcmV0');
  });

  it('names objects created with generateName', () => {
    const resource = normaliseKubernetesObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'job-abc-', namespace: 'x' },
      spec: podSpec(),
    });
    expect(resource.address).toBe('Pod/x/job-abc-*');
  });
});

describe('manifests', () => {
  it('reads multi-document YAML and Lists, skipping empty documents', () => {
    const text =
      '---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n';
    expect(parseManifests(text, 'm.yaml').map((object) => object['kind'])).toEqual(['Pod', 'ConfigMap']);
  });

  it('reports YAML errors with a position', () => {
    expect(() => parseManifests('kind: [unclosed', 'bad.yaml')).toThrow(/bad.yaml|YAML/);
  });
});

describe('model reference for the review gate', () => {
  it.each([
    ['an annotation', { annotations: { 'tollgate.io/model': 'fraud-detector@7' } }],
    ['a label in the label-safe form', { labels: { 'tollgate-model': 'fraud-detector--7' } }],
  ])('is read from %s', (_what, metadata) => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ml-dev', ...metadata }, spec: podSpec() };
    expect(normaliseKubernetesObject(object, { settings }).model).toEqual({ id: 'fraud-detector', version: '7' });
  });

  it('is absent when the object names no model', () => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec() };
    expect('model' in normaliseKubernetesObject(object, { settings })).toBe(false);
  });
});
