import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { catalogFromDocument, estimatePlanCost, loadCatalog, type CatalogDocument } from '../../src/pricing/index.js';
import { change, planText } from '../terraform/helpers.js';
import type { Resource } from '../../src/model/resource.js';

const catalog = loadCatalog();

function resourcesOf(...changes: unknown[]): Resource[] {
  return parsePlan(planText(changes), 'plan.json').resources;
}

const eksPool = (type: string, desired: number | null, extra: Record<string, unknown> = {}) => ({
  instance_types: [type],
  scaling_config: [{ min_size: 1, max_size: 10, desired_size: desired }],
  capacity_type: 'ON_DEMAND',
  ...extra,
});
const withRegion = (region: string, values: Record<string, unknown>) => ({ ...values, arn: `arn:aws:eks:${region}:1:x`, region });

// Hand-computed: price per hour × 730 h × instances (+ storage per GB-month).
const priced: Array<[name: string, change: unknown, monthly: number, instances: number | null, hourly: number | null]> = [
  [
    'p4d.24xlarge node group × 2 in us-east-1',
    change({
      address: 'aws_eks_node_group.p4d',
      type: 'aws_eks_node_group',
      name: 'p4d',
      after: withRegion('us-east-1', eksPool('p4d.24xlarge', 2)),
    }),
    21.9576 * 730 * 2, // 32058.096
    2,
    21.9576,
  ],
  [
    'GKE a2-highgpu-1g pool with 3 nodes (GPU in the machine price)',
    change({
      address: 'google_container_node_pool.a100',
      type: 'google_container_node_pool',
      name: 'a100',
      after: { location: 'us-central1', node_count: 3, node_config: [{ machine_type: 'a2-highgpu-1g' }] },
    }),
    8044.965, // 3.6735 × 730 × 3
    3,
    3.6735,
  ],
  [
    'EBS gp3 500 GB volume in us-east-1',
    change({
      address: 'aws_ebs_volume.scratch',
      type: 'aws_ebs_volume',
      name: 'scratch',
      after: { availability_zone: 'us-east-1a', size: 500, type: 'gp3' },
    }),
    40, // 0.08 × 500
    null,
    null,
  ],
  [
    'EBS volume without a type (provider default gp2)',
    change({
      address: 'aws_ebs_volume.old',
      type: 'aws_ebs_volume',
      name: 'old',
      after: { availability_zone: 'eu-west-1a', size: 100 },
      afterUnknown: { type: true },
    }),
    11, // 0.11 × 100
    null,
    null,
  ],
  [
    'n1-standard-4 with 2 attached T4 GPUs and a 100 GB pd-balanced boot disk',
    change({
      address: 'google_compute_instance.t4',
      type: 'google_compute_instance',
      name: 't4',
      after: {
        zone: 'us-central1-a',
        machine_type: 'n1-standard-4',
        guest_accelerator: [{ type: 'nvidia-tesla-t4', count: 2 }],
        boot_disk: [{ initialize_params: [{ size: 100, type: 'pd-balanced' }] }],
      },
    }),
    (0.19 + 2 * 0.35) * 730 + 0.1 * 100, // 649.7 + 10
    1,
    0.89,
  ],
  [
    'TPU v5e with 8 chips',
    change({
      address: 'google_tpu_v2_vm.tpu',
      type: 'google_tpu_v2_vm',
      name: 'tpu',
      after: { zone: 'us-central1-a', accelerator_type: 'v5litepod-8' },
    }),
    7008, // 8 chips × 1.20 × 730
    1,
    9.6,
  ],
  [
    'SageMaker endpoint configuration: two variants at hosting prices',
    change({
      address: 'aws_sagemaker_endpoint_configuration.llm',
      type: 'aws_sagemaker_endpoint_configuration',
      name: 'llm',
      after: {
        region: 'us-east-1',
        production_variants: [
          { variant_name: 'a', instance_type: 'ml.g5.xlarge', initial_instance_count: 2 },
          { variant_name: 'b', instance_type: 'ml.m5.large', initial_instance_count: 1 },
        ],
      },
    }),
    1.408 * 730 * 2 + 0.115 * 730, // 2055.68 + 83.95
    3,
    null,
  ],
  [
    'Azure Premium SSD of 200 GiB billed at the P15 (256 GiB) tier',
    change({
      address: 'azurerm_managed_disk.d',
      type: 'azurerm_managed_disk',
      name: 'd',
      after: { location: 'East US', disk_size_gb: 200, storage_account_type: 'Premium_LRS' },
    }),
    34.56,
    null,
    null,
  ],
];

describe('estimatePlanCost: hand-computed figures', () => {
  it.each(priced)('%s', (_name, planned, monthly, instances, hourly) => {
    const { resources, totals } = estimatePlanCost(resourcesOf(planned), catalog);
    const cost = resources[0]?.cost;
    expect(cost?.unpriced).toBeNull();
    expect(cost?.monthlyAfter).toBeCloseTo(monthly, 6);
    expect(cost?.monthlyBefore).toBe(0);
    expect(cost?.monthlyDelta).toBe(cost?.monthlyAfter);
    expect(cost?.instances).toBe(instances);
    if (hourly === null) expect(cost?.hourlyOnDemand).toBeNull();
    else expect(cost?.hourlyOnDemand).toBeCloseTo(hourly, 6);
    expect(cost?.hoursPerMonth).toBe(730);
    expect(cost?.sources.length).toBeGreaterThan(0);
    expect(totals).toMatchObject({ monthlyBefore: 0, unpricedResources: 0, hoursPerMonth: 730, catalogAsOf: catalog.asOf });
    expect(totals.monthlyAfter).toBeCloseTo(monthly, 6);
  });

  it('prices an update g5.xlarge → g5.2xlarge with its delta', () => {
    const [resource] = estimatePlanCost(
      resourcesOf(
        change({
          address: 'aws_instance.a',
          type: 'aws_instance',
          name: 'a',
          actions: ['update'],
          before: { instance_type: 'g5.xlarge', availability_zone: 'us-east-1a' },
          after: { instance_type: 'g5.2xlarge', availability_zone: 'us-east-1a' },
        }),
      ),
      catalog,
    ).resources;
    expect(resource?.cost).toMatchObject({ monthlyBefore: 734.38, monthlyAfter: 884.76, monthlyDelta: 150.38, unpriced: null });
  });

  it('prices a no-op at the same cost before and after, with no delta', () => {
    const after = { instance_type: 'g5.xlarge', availability_zone: 'us-east-1a' };
    const [resource] = estimatePlanCost(
      resourcesOf(change({ address: 'aws_instance.a', type: 'aws_instance', name: 'a', actions: ['no-op'], before: after, after })),
      catalog,
    ).resources;
    expect(resource?.cost).toMatchObject({ monthlyBefore: 734.38, monthlyAfter: 734.38, monthlyDelta: 0 });
  });

  it('node groups run their desired size, else their minimum', () => {
    const [pool] = estimatePlanCost(
      resourcesOf(
        change({
          address: 'aws_eks_node_group.g',
          type: 'aws_eks_node_group',
          name: 'g',
          after: withRegion('us-east-1', eksPool('g5.xlarge', null)),
          afterUnknown: { scaling_config: [{ desired_size: true }] },
        }),
      ),
      catalog,
    ).resources;
    expect(pool?.cost?.instances).toBe(1);
  });
});

describe('estimatePlanCost: unpriced is not free', () => {
  it.each([
    ['an unknown SKU', { instance_type: 'g9.xlarge', availability_zone: 'us-east-1a' }, 'no price for g9.xlarge in us-east-1'],
    [
      'a region the catalog does not list',
      { instance_type: 'g5.xlarge', availability_zone: 'me-south-1a' },
      'no price for g5.xlarge in me-south-1',
    ],
    ['an instance type unknown until apply', { availability_zone: 'us-east-1a' }, 'instance type unknown until apply or not stated'],
  ])('%s gives null amounts, a reason, and is counted', (_name, after, reason) => {
    const { resources, totals } = estimatePlanCost(
      resourcesOf(
        change({ address: 'aws_instance.a', type: 'aws_instance', name: 'a', after }),
        change({
          address: 'aws_ebs_volume.v',
          type: 'aws_ebs_volume',
          name: 'v',
          after: { availability_zone: 'us-east-1a', size: 10, type: 'gp3' },
        }),
      ),
      catalog,
    );
    expect(resources[0]?.cost).toMatchObject({
      monthlyAfter: null,
      monthlyBefore: 0,
      monthlyDelta: null,
      hourlyOnDemand: null,
      unpriced: reason,
    });
    expect(totals).toMatchObject({ unpricedResources: 1, monthlyAfter: 0.8, monthlyDelta: 0.8 });
  });

  it('usage-priced storage is unpriced with a reason', () => {
    const [bucket] = estimatePlanCost(
      resourcesOf(change({ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', name: 'b', after: { bucket: 'b', region: 'us-east-1' } })),
      catalog,
    ).resources;
    expect(bucket?.cost?.unpriced).toMatch(/billed per GB stored/);
    expect(bucket?.cost?.monthlyAfter).toBeNull();
  });

  it('an update whose prior state cannot be priced is left out of the totals on both sides', () => {
    const { resources, totals } = estimatePlanCost(
      resourcesOf(
        change({
          address: 'aws_instance.a',
          type: 'aws_instance',
          name: 'a',
          actions: ['update'],
          before: { instance_type: 'x9.huge', availability_zone: 'us-east-1a' },
          after: { instance_type: 'g5.xlarge', availability_zone: 'us-east-1a' },
        }),
      ),
      catalog,
    );
    expect(resources[0]?.cost).toMatchObject({
      monthlyBefore: null,
      monthlyAfter: 734.38,
      monthlyDelta: null,
      unpriced: 'before the change: no price for x9.huge in us-east-1',
    });
    expect(totals).toMatchObject({ monthlyBefore: 0, monthlyAfter: 0, unpricedResources: 1 });
  });

  it('resources that cost nothing by themselves get no cost', () => {
    const { resources, totals } = estimatePlanCost(
      resourcesOf(
        change({ address: 'aws_lb_listener.l', type: 'aws_lb_listener', name: 'l', after: { protocol: 'HTTPS', port: 443 } }),
        change({ address: 'aws_launch_template.t', type: 'aws_launch_template', name: 't', after: { instance_type: 'g5.xlarge' } }),
        change({ address: 'aws_iam_policy.p', type: 'aws_iam_policy', name: 'p', after: {} }),
      ),
      catalog,
    );
    for (const resource of resources) expect(resource).not.toHaveProperty('cost');
    expect(totals.unpricedResources).toBe(0);
  });
});

describe('estimatePlanCost: spot', () => {
  it('prices spot capacity at the spot price and reports it', () => {
    const [pool] = estimatePlanCost(
      resourcesOf(
        change({
          address: 'aws_eks_node_group.s',
          type: 'aws_eks_node_group',
          name: 's',
          after: withRegion('us-west-2', eksPool('g5.xlarge', 3, { capacity_type: 'SPOT' })),
        }),
      ),
      catalog,
    ).resources;
    expect(pool?.cost).toMatchObject({ hourlyOnDemand: 1.006, hourlySpot: 0.668, instances: 3 });
    expect(pool?.cost?.monthlyAfter).toBeCloseTo(0.668 * 730 * 3, 6);
  });

  it('gives on-demand resources their spot price for recommendations', () => {
    const [pool] = estimatePlanCost(
      resourcesOf(
        change({
          address: 'aws_eks_node_group.s',
          type: 'aws_eks_node_group',
          name: 's',
          after: withRegion('us-west-2', eksPool('p5.48xlarge', 1)),
        }),
      ),
      catalog,
    ).resources;
    expect(pool?.cost).toMatchObject({ hourlyOnDemand: 55.04, hourlySpot: 21.04, monthlyAfter: 40179.2 });
  });

  it('falls back to on-demand (an upper bound, said so) where the spot price is unknown', () => {
    const [pool] = estimatePlanCost(
      resourcesOf(
        change({
          address: 'aws_eks_node_group.s',
          type: 'aws_eks_node_group',
          name: 's',
          after: withRegion('us-east-1', eksPool('g5.xlarge', 1, { capacity_type: 'SPOT' })),
        }),
      ),
      catalog,
    ).resources;
    expect(pool?.cost).toMatchObject({ monthlyAfter: 734.38, hourlySpot: null });
    expect(pool?.cost?.sources).toContain('spot price not in the catalog: priced at on-demand (an upper bound)');
  });
});

describe('estimatePlanCost: hours of use', () => {
  const plan = () =>
    resourcesOf(
      change({
        address: 'module.train.aws_instance.worker[0]',
        type: 'aws_instance',
        name: 'worker',
        index: 0,
        moduleAddress: 'module.train',
        after: {
          instance_type: 'g5.xlarge',
          availability_zone: 'us-east-1a',
          root_block_device: [{ volume_size: 100, volume_type: 'gp3' }],
        },
      }),
      change({
        address: 'aws_instance.web',
        type: 'aws_instance',
        name: 'web',
        after: { instance_type: 'g5.xlarge', availability_zone: 'us-east-1a' },
      }),
    );

  it.each([
    ['the default 730 h', {}, [734.38 + 8, 734.38]],
    ['hoursPerMonth', { hoursPerMonth: 720 }, [724.32 + 8, 724.32]],
    ['a ** glob across segments (instance hours only; disks bill all month)', { usage: { 'module.train.**': 100 } }, [100.6 + 8, 734.38]],
    ['a * glob within one segment does not cross modules', { usage: { '*.web': 10, 'aws_instance.*': 20 } }, [734.38 + 8, 10.06]],
    ['an exact address wins over a glob', { usage: { '**': 1, 'aws_instance.web': 0 } }, [1.006 + 8, 0]],
  ])('%s', (_name, options, expected) => {
    const { resources } = estimatePlanCost(plan(), catalog, options);
    expect(resources.map((resource) => resource.cost?.monthlyAfter)).toEqual(expected.map((value) => Math.round(value * 1e6) / 1e6));
  });

  it.each([{ hoursPerMonth: 0 }, { hoursPerMonth: Number.NaN }, { usage: { x: -1 } }])('rejects %j', (options) => {
    expect(() => estimatePlanCost(plan(), catalog, options)).toThrow(/hours/);
  });
});

describe('estimatePlanCost: money without float drift', () => {
  const dime: CatalogDocument = {
    version: 1,
    currency: 'USD',
    asOf: '2026-01-01',
    sources: { test: { title: 'test figures' } },
    instances: [{ provider: 'aws', type: 't9.dime', prices: { 'us-east-1': { onDemand: 0.1, source: 'test', asOf: '2026-01-01' } } }],
    accelerators: [],
    storage: [],
  };

  it('1000 resources at $0.10 sum to exactly $100', () => {
    const changes = Array.from({ length: 1000 }, (_, i) =>
      change({
        address: `aws_instance.d[${i}]`,
        type: 'aws_instance',
        name: 'd',
        index: i,
        after: { instance_type: 't9.dime', availability_zone: 'us-east-1a' },
      }),
    );
    const { totals } = estimatePlanCost(resourcesOf(...changes), catalogFromDocument(dime, 'dime.json'), { usage: { '**': 1 } });
    expect(totals.monthlyAfter).toBe(100);
    expect(totals.monthlyDelta).toBe(100);
    let naive = 0;
    for (let i = 0; i < 1000; i++) naive += 0.1;
    expect(naive).not.toBe(100); // what the integer arithmetic avoids
  });
});

describe('estimatePlanCost: the input JSON', () => {
  it('gives each priced resource its cost as the last member, as a copy with the cost added would have it', () => {
    // Fixture plans with prior states (before), model references and companions, whose optional members come last.
    for (const file of ['aws-ml-platform.json', 'gcp-ml-platform.json', 'azure-ml-platform.json', 'ml-serving.json']) {
      const { resources } = parsePlan(readFileSync(new URL(`../../fixtures/plans/${file}`, import.meta.url), 'utf8'), file);
      const unpriced = resources.map((resource) => structuredClone(resource));
      const estimate = estimatePlanCost(resources, catalog);
      expect(estimate.resources.some((resource) => resource.cost !== undefined)).toBe(true);
      estimate.resources.forEach((resource, i) => {
        const expected = resource.cost === undefined ? unpriced[i] : { ...unpriced[i], cost: resource.cost };
        expect(JSON.stringify(resource), `${file}: ${resource.address}`).toBe(JSON.stringify(expected));
      });
    }
  });
});
