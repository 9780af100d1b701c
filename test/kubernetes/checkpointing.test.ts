/**
 * The checkpointing remedy of TG-SAV-CKPT works in Kubernetes and in Terraform: a spot training workload that
 * states it checkpoints (annotation, label, tag) or mounts durable checkpoint storage passes; one that shows
 * neither is warned; in Terraform a resource whose tags say nothing stays indeterminate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { Finding } from '../../src/model/decision.js';
import { change, planText } from '../terraform/helpers.js';

const config = parseConfig('default_environment: dev\n', 'tollgate.yaml');
const settings = prepareSettings({ file: 'tollgate.yaml', config });
const now = '2026-11-01T00:00:00Z';
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
});

const spotNodes = { 'karpenter.sh/capacity-type': 'spot', 'node.kubernetes.io/instance-type': 'g5.xlarge' };
const trainer = { name: 'train', image: 'train:1', resources: { limits: { 'nvidia.com/gpu': 1 } } };

function job(options: { annotations?: Record<string, string>; volumes?: unknown[]; mounts?: unknown[] }) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'finetune', ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec: {
      template: {
        spec: {
          nodeSelector: spotNodes,
          containers: [{ ...trainer, volumeMounts: options.mounts ?? [] }],
          volumes: options.volumes ?? [],
          restartPolicy: 'Never',
        },
      },
    },
  };
}

function checkpointFindings(object: Record<string, unknown>): Finding[] {
  const input = prepare({
    subject: {
      kind: 'admission',
      request: {
        uid: '1',
        kind: { group: 'batch', version: 'v1', kind: 'Job' },
        name: 'finetune',
        namespace: 'ml',
        operation: 'CREATE',
        username: 'dev@example.com',
        object,
        dryRun: false,
      },
    },
    settings,
    now,
  });
  const decision = engine.evaluate(input);
  return [...decision.violations, ...decision.warnings].filter((f) => f.rule === 'TG-SAV-CKPT');
}

describe('TG-SAV-CKPT in Kubernetes', () => {
  it.each([
    { what: 'no annotation and no checkpoint volume', object: job({}), expected: [false] },
    {
      what: 'the tollgate.io/checkpointing annotation',
      object: job({ annotations: { 'tollgate.io/checkpointing': 'true' } }),
      expected: [],
    },
    {
      what: 'the earlier tollgate.dev/checkpointing spelling',
      object: job({ annotations: { 'tollgate.dev/checkpointing': 'True' } }),
      expected: [],
    },
    {
      what: 'a checkpoint volume on a PersistentVolumeClaim',
      object: job({
        volumes: [{ name: 'checkpoints', persistentVolumeClaim: { claimName: 'ckpt' } }],
        mounts: [{ name: 'checkpoints', mountPath: '/ckpt' }],
      }),
      expected: [],
    },
    {
      what: 'a CSI object-storage volume mounted at a checkpoint path',
      object: job({
        volumes: [{ name: 'bucket', csi: { driver: 'gcsfuse.csi.storage.gke.io', volumeAttributes: { bucketName: 'ckpts' } } }],
        mounts: [{ name: 'bucket', mountPath: '/mnt/checkpoints' }],
      }),
      expected: [],
    },
    {
      what: 'a checkpoint emptyDir, which dies with the node',
      object: job({ volumes: [{ name: 'checkpoints', emptyDir: {} }], mounts: [{ name: 'checkpoints', mountPath: '/checkpoints' }] }),
      expected: [false],
    },
    {
      what: 'an annotation saying it does not, despite a volume',
      object: job({
        annotations: { 'tollgate.io/checkpointing': 'false' },
        volumes: [{ name: 'checkpoints', persistentVolumeClaim: { claimName: 'ckpt' } }],
      }),
      expected: [false],
    },
  ])('$what', ({ object, expected }) => {
    expect(checkpointFindings(object).map((f) => f.indeterminate)).toEqual(expected);
  });

  it('a PyTorchJob whose worker template says it checkpoints passes', () => {
    const template = {
      metadata: { annotations: { 'tollgate.io/checkpointing': 'true' } },
      spec: { nodeSelector: spotNodes, containers: [trainer] },
    };
    const object = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'finetune' },
      spec: { pytorchReplicaSpecs: { Worker: { replicas: 2, template } } },
    };
    expect(checkpointFindings(object)).toEqual([]);
  });
});

describe('TG-SAV-CKPT in Terraform', () => {
  async function findings(tags: Record<string, string>): Promise<Finding[]> {
    const plan = parsePlan(
      planText([
        change({
          address: 'aws_eks_node_group.train',
          type: 'aws_eks_node_group',
          name: 'train',
          after: {
            capacity_type: 'SPOT',
            instance_types: ['g5.xlarge'],
            scaling_config: [{ desired_size: 2, min_size: 0, max_size: 4 }],
            tags,
            tags_all: tags,
          },
        }),
      ]),
      'plan.json',
    );
    const decision = engine.evaluate(await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, settings, now }));
    return [...decision.violations, ...decision.warnings].filter((f) => f.rule === 'TG-SAV-CKPT');
  }

  it.each([
    [{ workload: 'training' }, [true]],
    [{ workload: 'training', 'tollgate.io/checkpointing': 'true' }, []],
    [{ workload: 'training', 'tollgate.io/checkpointing': 'false' }, [false]],
  ])('tags %j', async (tags, expected) => {
    expect((await findings(tags)).map((f) => f.indeterminate)).toEqual(expected);
  });
});
