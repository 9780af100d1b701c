/**
 * Never a silent pass, across the three clouds: every element of a list is judged and priced, a value set
 * but unknown until apply is indeterminate (absent falls back), values are compared as providers write them,
 * and an instance type the tables do not know is indeterminate, never "no GPU".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { Decision, Finding } from '../../src/model/decision.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { change, planText, type ChangeSpec } from './helpers.js';

const config = parseConfig(
  `
default_environment: dev
environments:
  dev:
    gpu: { max_per_instance: 1, allowed_models: [T4, L4, A10G, A10] }
    instance_families: { deny: [p5, p6-b200, a3, NDisr_H100_v5] }
    allowed_regions: [us-east-1, us-central1, eastus]
  prod:
    gpu: { max_per_instance: 8, allowed_models: [H100, A100, H200] }
`,
  'tollgate.yaml',
);
const settings = prepareSettings({ file: 'tollgate.yaml', config });
const now = '2026-06-01T00:00:00Z';
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
});

const providers = {
  provider_config: {
    aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } },
    google: { name: 'google', expressions: { region: { constant_value: 'us-central1' } } },
    azurerm: { name: 'azurerm', expressions: {} },
  },
};

/** A plan of one resource; `configured` lists the attributes its configuration sets (for absent vs unknown). */
async function judge(spec: ChangeSpec, configured: readonly string[] = []): Promise<{ input: PolicyInput; decision: Decision }> {
  const [type, name] = spec.address.split('.') as [string, string];
  const expressions = Object.fromEntries(configured.map((attribute) => [attribute, { references: ['aws_vpc.x.region'] }]));
  const configuration = {
    ...providers,
    root_module: {
      resources: [
        {
          address: spec.address,
          mode: 'managed',
          type,
          name,
          provider_config_key: type.split('_')[0] === 'google' ? 'google' : type.split('_')[0],
          expressions,
        },
      ],
    },
  };
  const plan = parsePlan(planText([change(spec)], configuration), 'plan.json');
  const input = await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, settings, now });
  return { input, decision: engine.evaluate(input) };
}

function findings(decision: Decision, rule: string): Finding[] {
  return [...decision.violations, ...decision.warnings].filter((finding) => finding.rule === rule);
}

const dev = { environment: 'dev' };

describe('every element of a list is judged', () => {
  it.each([
    {
      cloud: 'aws',
      what: 'EKS node group whose second instance type is an 8-GPU H100',
      spec: {
        address: 'aws_eks_node_group.gpu',
        type: 'aws_eks_node_group',
        name: 'gpu',
        after: {
          instance_types: ['g5.xlarge', 'p5.48xlarge'],
          scaling_config: [{ desired_size: 1, min_size: 1, max_size: 2 }],
          capacity_type: 'ON_DEMAND',
          tags: dev,
          tags_all: dev,
        },
      },
      named: 'p5.48xlarge',
      model: 'H100',
    },
    {
      cloud: 'aws',
      what: 'SageMaker endpoint whose second production variant is a p4d',
      spec: {
        address: 'aws_sagemaker_endpoint_configuration.serve',
        type: 'aws_sagemaker_endpoint_configuration',
        name: 'serve',
        after: {
          production_variants: [
            { variant_name: 'a', instance_type: 'ml.g5.xlarge', initial_instance_count: 1 },
            { variant_name: 'b', instance_type: 'ml.p4d.24xlarge', initial_instance_count: 1 },
          ],
          tags: dev,
          tags_all: dev,
        },
      },
      named: 'ml.p4d.24xlarge',
      model: 'A100',
    },
    {
      cloud: 'gcp',
      what: 'instance with a T4 block and an A100 block',
      spec: {
        address: 'google_compute_instance.train',
        type: 'google_compute_instance',
        name: 'train',
        after: {
          machine_type: 'n1-standard-8',
          zone: 'us-central1-a',
          labels: dev,
          terraform_labels: dev,
          guest_accelerator: [
            { type: 'nvidia-tesla-t4', count: 1 },
            { type: 'nvidia-tesla-a100', count: 2 },
          ],
        },
      },
      named: 'n1-standard-8',
      model: 'A100',
    },
    {
      cloud: 'azure',
      what: 'AKS node pool of a size Azure returns in upper case',
      spec: {
        address: 'azurerm_kubernetes_cluster_node_pool.gpu',
        type: 'azurerm_kubernetes_cluster_node_pool',
        name: 'gpu',
        after: { vm_size: 'STANDARD_ND96ISR_H100_V5', node_count: 1, location: 'eastus', tags: dev },
      },
      named: 'STANDARD_ND96ISR_H100_V5',
      model: 'H100',
    },
  ])('$cloud: $what fires the GPU rules naming it', async ({ spec, named, model }) => {
    const { decision } = await judge(spec);
    const models = findings(decision, 'TG-GPU-002').filter((f) => !f.indeterminate);
    expect(models.map((f) => f.message).join('\n')).toContain(`"${model}"`);
    const counts = findings(decision, 'TG-GPU-001').filter((f) => !f.indeterminate);
    expect(counts.length).toBeGreaterThan(0);
    expect([...counts, ...models].some((f) => f.message.includes(named) || f.evidence['compute.instanceType'] === named)).toBe(true);
  });

  it('an Azure size in upper case has its family and is judged by the family deny list', async () => {
    const { input, decision } = await judge({
      address: 'azurerm_linux_virtual_machine.vm',
      type: 'azurerm_linux_virtual_machine',
      name: 'vm',
      after: { size: 'STANDARD_ND96ISR_H100_V5', location: 'eastus', tags: dev },
    });
    expect(input.resources[0]?.compute?.family).toBe('NDisr_H100_v5');
    expect(findings(decision, 'TG-INS-001').some((f) => !f.indeterminate)).toBe(true);
  });

  it('EKS alternatives are priced at the dearest and say so', async () => {
    const { input } = await judge({
      address: 'aws_eks_node_group.gpu',
      type: 'aws_eks_node_group',
      name: 'gpu',
      after: {
        instance_types: ['g5.xlarge', 'g5.12xlarge'],
        scaling_config: [{ desired_size: 2, min_size: 1, max_size: 2 }],
        capacity_type: 'ON_DEMAND',
        tags: dev,
        tags_all: dev,
      },
    });
    const cost = input.resources[0]?.cost;
    expect(cost?.sources.join(' ')).toContain(
      'priced at the dearest of 2 alternative instance types (g5.xlarge, g5.12xlarge): g5.12xlarge',
    );
    expect(input.resources[0]?.compute?.variants?.map((v) => v.instanceType)).toEqual(['g5.xlarge', 'g5.12xlarge']);
    expect(input.resources[0]?.compute?.variantsRun).toBe('one-of');
  });

  it('SageMaker variants are priced as the sum of every variant', async () => {
    const { input } = await judge({
      address: 'aws_sagemaker_endpoint_configuration.serve',
      type: 'aws_sagemaker_endpoint_configuration',
      name: 'serve',
      after: {
        production_variants: [
          { variant_name: 'a', instance_type: 'ml.g5.xlarge', initial_instance_count: 1 },
          { variant_name: 'b', instance_type: 'ml.g5.12xlarge', initial_instance_count: 2 },
        ],
        tags: dev,
        tags_all: dev,
      },
    });
    expect(input.resources[0]?.compute?.variants?.map((v) => [v.instanceType, v.instanceCount])).toEqual([
      ['ml.g5.xlarge', 1],
      ['ml.g5.12xlarge', 2],
    ]);
    expect(input.resources[0]?.cost?.instances).toBe(3);
  });
});

describe('a type the tables do not know is unknown, never "no GPU"', () => {
  it.each([
    {
      cloud: 'aws',
      spec: {
        address: 'aws_instance.x',
        type: 'aws_instance',
        name: 'x',
        after: { instance_type: 'p9.96xlarge', tags: dev, tags_all: dev },
      },
      type: 'p9.96xlarge',
    },
    {
      cloud: 'gcp',
      spec: {
        address: 'google_compute_instance.x',
        type: 'google_compute_instance',
        name: 'x',
        after: { machine_type: 'a9-megagpu-8g', zone: 'us-central1-a', labels: dev },
      },
      type: 'a9-megagpu-8g',
    },
    {
      cloud: 'azure',
      spec: {
        address: 'azurerm_linux_virtual_machine.x',
        type: 'azurerm_linux_virtual_machine',
        name: 'x',
        after: { size: 'Standard_ND128isr_X900_v9', location: 'eastus', tags: dev },
      },
      type: 'Standard_ND128isr_X900_v9',
    },
  ])('$cloud: $type is indeterminate for both GPU rules, naming it', async ({ spec, type }) => {
    const { decision } = await judge(spec);
    for (const rule of ['TG-GPU-001', 'TG-GPU-002']) {
      const found = findings(decision, rule);
      expect(found.length, rule).toBeGreaterThan(0);
      expect(found.every((f) => f.indeterminate)).toBe(true);
      expect(found[0]?.message).toContain(`instance type "${type}"`);
      expect(found[0]?.message).toContain('src/model/instance-specs.ts');
    }
  });

  it.each([
    ['aws', 'p6-b200.48xlarge', 'B200', 8],
    ['aws', 'inf1.6xlarge', 'Inferentia', 4],
    ['aws', 'trn2.48xlarge', 'Trainium2', 16],
    ['gcp', 'a3-ultragpu-8g', 'H200', 8],
    ['gcp', 'a4-highgpu-8g', 'B200', 8],
    ['gcp', 'ct5lp-hightpu-4t', 'TPU v5e', 4],
    ['gcp', 'ct5p-hightpu-4t', 'TPU v5p', 4],
    ['gcp', 'ct6e-standard-8t', 'TPU v6e', 8],
    ['azure', 'Standard_ND96isr_H200_v5', 'H200', 8],
    ['azure', 'standard_nd96isr_mi300x_v5', 'MI300X', 8],
  ] as const)('%s %s carries %s × %d', async (cloud, type, model, count) => {
    const { lookupInstanceSpec } = await import('../../src/model/instance-specs.js');
    const spec = lookupInstanceSpec(cloud, type);
    expect(spec?.accelerator).toMatchObject({ model, count });
    expect(spec?.source).toMatch(/^https:\/\//);
  });
});

describe('absent is not unknown', () => {
  it.each([
    {
      cloud: 'aws',
      attribute: 'region',
      spec: {
        address: 'aws_s3_bucket.b',
        type: 'aws_s3_bucket',
        name: 'b',
        after: { bucket: 'b', tags: dev, tags_all: dev },
        afterUnknown: { region: true },
      },
    },
    {
      cloud: 'gcp',
      attribute: 'location',
      spec: {
        address: 'google_storage_bucket.b',
        type: 'google_storage_bucket',
        name: 'b',
        after: { name: 'b', labels: dev },
        afterUnknown: { location: true },
      },
    },
    {
      cloud: 'azure',
      attribute: 'location',
      spec: {
        address: 'azurerm_storage_account.s',
        type: 'azurerm_storage_account',
        name: 's',
        after: { name: 's', tags: dev },
        afterUnknown: { location: true },
      },
    },
  ])('$cloud: a $attribute set to a value unknown until apply is unknown, and TG-REG-001 is indeterminate', async ({ spec, attribute }) => {
    const set = await judge(spec, [attribute]);
    expect(set.input.resources[0]?.region).toBeNull();
    const regional = findings(set.decision, 'TG-REG-001');
    expect(regional.length).toBeGreaterThan(0);
    expect(regional.every((f) => f.indeterminate)).toBe(true);
  });

  it('an AWS region the resource does not set falls back to the provider region', async () => {
    const { input } = await judge({
      address: 'aws_s3_bucket.b',
      type: 'aws_s3_bucket',
      name: 'b',
      after: { bucket: 'b', tags: dev, tags_all: dev },
      afterUnknown: { region: true },
    });
    expect(input.resources[0]?.region).toBe('us-east-1');
  });

  it('an environment tag unknown until apply is not the default environment: the GPU rules are indeterminate', async () => {
    const { decision } = await judge({
      address: 'aws_instance.x',
      type: 'aws_instance',
      name: 'x',
      after: { instance_type: 'p4d.24xlarge', tags: {}, tags_all: {} },
      afterUnknown: { tags: { environment: true }, tags_all: true },
    });
    const gpu = findings(decision, 'TG-GPU-002');
    expect(gpu.length).toBeGreaterThan(0);
    expect(gpu.every((f) => f.indeterminate)).toBe(true);
    expect(gpu[0]?.message).toContain('environment of aws_instance.x is unknown until apply');
  });
});

describe('values as providers write them', () => {
  it.each([
    ['Disabled', '1.0'],
    ['1.2', '1.2'],
    ['TLS1_3', '1.3'],
  ])('azurerm_mssql_server minimum_tls_version = %s reads as %s', async (written, expected) => {
    const { input } = await judge({
      address: 'azurerm_mssql_server.db',
      type: 'azurerm_mssql_server',
      name: 'db',
      after: { minimum_tls_version: written, location: 'eastus', tags: dev },
    });
    expect(input.resources[0]?.transport?.minTlsVersion).toBe(expected);
  });

  it('a storage account minimum TLS the reader cannot parse is unknown, not the default', async () => {
    const { input } = await judge({
      address: 'azurerm_storage_account.s',
      type: 'azurerm_storage_account',
      name: 's',
      after: { min_tls_version: 'TLS9_9x', location: 'eastus', tags: dev },
    });
    expect(input.resources[0]?.transport?.minTlsVersion).toBe('9.9');
    const { input: garbled } = await judge({
      address: 'azurerm_storage_account.s',
      type: 'azurerm_storage_account',
      name: 's',
      after: { min_tls_version: 'legacy', location: 'eastus', tags: dev },
    });
    expect(garbled.resources[0]?.transport?.minTlsVersion).toBeNull();
  });

  it('Azure ML low priority is spot whatever its case', async () => {
    const { input } = await judge({
      address: 'azurerm_machine_learning_compute_cluster.c',
      type: 'azurerm_machine_learning_compute_cluster',
      name: 'c',
      after: {
        vm_size: 'STANDARD_NC24ADS_A100_V4',
        vm_priority: 'lowpriority',
        location: 'eastus',
        scale_settings: [{ min_node_count: 0, max_node_count: 2 }],
        tags: dev,
      },
    });
    expect(input.resources[0]?.compute).toMatchObject({ spot: true, family: 'NCads_A100_v4', accelerator: { model: 'A100', count: 1 } });
  });
});
