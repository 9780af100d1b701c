/**
 * Vertex AI serving capacity is judged like any other GPU or TPU machine: a deployment resource pool's
 * machine_spec names the machine type and the accelerators it attaches (Vertex's AcceleratorType enum), and an
 * accelerator the tables do not know is indeterminate, never "no GPU".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { lookupVertexAcceleratorType } from '../../src/model/instance-specs.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { Finding } from '../../src/model/decision.js';
import { change, planText } from './helpers.js';

const config = parseConfig(
  `
default_environment: dev
environments:
  dev:
    gpu: { max_per_instance: 1, allowed_models: [T4, L4] }
`,
  'tollgate.yaml',
);
const settings = prepareSettings({ file: 'tollgate.yaml', config });
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
});

function pool(machineSpec: Record<string, unknown>) {
  return change({
    address: 'google_vertex_ai_deployment_resource_pool.serve',
    type: 'google_vertex_ai_deployment_resource_pool',
    name: 'serve',
    after: {
      name: 'serve',
      region: 'us-central1',
      dedicated_resources: [{ machine_spec: [machineSpec], min_replica_count: 1, max_replica_count: 2 }],
    },
  });
}

async function gpuFindings(machineSpec: Record<string, unknown>): Promise<Finding[]> {
  const plan = parsePlan(planText([pool(machineSpec)]), 'plan.json');
  const decision = engine.evaluate(
    await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, settings, now: '2026-11-01T00:00:00Z' }),
  );
  return [...decision.violations, ...decision.warnings].filter((f) => f.rule.startsWith('TG-GPU-'));
}

describe('Vertex AI accelerator types', () => {
  it.each([
    ['NVIDIA_TESLA_T4', 'T4', 16],
    ['NVIDIA_L4', 'L4', 24],
    ['NVIDIA_A100_80GB', 'A100', 80],
    ['NVIDIA_H100_80GB', 'H100', 80],
    ['NVIDIA_H100_MEGA_80GB', 'H100', 80],
    ['NVIDIA_H200_141GB', 'H200', 141],
    ['NVIDIA_B200', 'B200', 180],
    ['TPU_V5_LITEPOD', 'TPU v5e', 16],
    ['TPU_V4_POD', 'TPU v4', 32],
  ])('%s is %s with %d GiB, with its source', (type, model, memoryGiB) => {
    expect(lookupVertexAcceleratorType(type)).toEqual({ model, memoryGiB, source: expect.stringContaining('vertex-ai') as unknown });
  });

  it('an enum value the tables do not know is null (unknown)', () => {
    expect(lookupVertexAcceleratorType('NVIDIA_GB300')).toBeNull();
  });
});

describe('a Vertex AI deployment resource pool is judged', () => {
  it('eight H100 in dev break both the count and the model limits', async () => {
    const found = await gpuFindings({ machine_type: 'a3-highgpu-8g', accelerator_type: 'NVIDIA_H100_80GB', accelerator_count: 8 });
    expect(found.map((f) => [f.rule, f.indeterminate]).sort()).toEqual([
      ['TG-GPU-001', false],
      ['TG-GPU-002', false],
    ]);
  });

  it('one L4 in dev passes', async () => {
    expect(await gpuFindings({ machine_type: 'g2-standard-8', accelerator_type: 'NVIDIA_L4', accelerator_count: 1 })).toEqual([]);
  });

  it('an accelerator type the tables do not know is indeterminate', async () => {
    const found = await gpuFindings({ machine_type: 'a4x-highgpu-4g', accelerator_type: 'NVIDIA_GB300', accelerator_count: 4 });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.indeterminate || f.rule === 'TG-GPU-001')).toBe(true);
    expect(found.some((f) => f.rule === 'TG-GPU-002' && f.indeterminate)).toBe(true);
  });
});
