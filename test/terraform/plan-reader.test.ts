import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import type { Resource } from '../../src/model/resource.js';
import { change, planText } from './helpers.js';

function only(text: string): Resource {
  const plan = parsePlan(text, 'plan.json');
  const [only, ...rest] = plan.resources;
  expect(rest).toHaveLength(0);
  if (only === undefined) throw new Error('the plan has no resource');
  return only;
}

describe('actions', () => {
  it.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['no-op'], 'no-op'],
    [['read'], 'read'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
  ])('%j → %s', (actions, expected) => {
    const text = planText([change({ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', name: 'b', actions, after: { bucket: 'b' } })]);
    expect(only(text).action).toBe(expected);
  });

  it.each([[['delete']], [['forget']]])('%j is skipped and counted as deleted', (actions) => {
    const plan = parsePlan(
      planText([change({ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', name: 'b', actions, after: null })]),
      'plan.json',
    );
    expect(plan.resources).toEqual([]);
    expect(plan.skipped.deleted).toBe(1);
  });

  it('skips data sources', () => {
    const plan = parsePlan(
      planText([
        change({ address: 'data.aws_caller_identity.me', mode: 'data', type: 'aws_caller_identity', name: 'me', actions: ['read'] }),
      ]),
      'p.json',
    );
    expect(plan.resources).toEqual([]);
    expect(plan.skipped.deleted).toBe(0);
  });
});

describe('addresses', () => {
  it.each([
    ['aws_instance.web', undefined, undefined, null, null],
    ['aws_instance.web[2]', undefined, 2, null, 2],
    ['aws_instance.web["blue.1"]', undefined, 'blue.1', null, 'blue.1'],
    ['module.a.module.b.aws_instance.web', 'module.a.module.b', undefined, 'module.a.module.b', null],
    ['module.a["x"].module.b[0].aws_instance.web[3]', 'module.a["x"].module.b[0]', 3, 'module.a["x"].module.b[0]', 3],
    // Older files leave out module_address and index: both come from the address.
    ['module.a["x"].aws_instance.web["k"]', undefined, undefined, 'module.a["x"]', 'k'],
  ])('%s', (address, moduleAddress, index, module, expectedIndex) => {
    const resource = only(
      planText([
        change({
          address,
          type: 'aws_instance',
          name: 'web',
          ...(moduleAddress ? { moduleAddress } : {}),
          ...(index !== undefined ? { index } : {}),
          after: { instance_type: 't3.micro' },
        }),
      ]),
    );
    expect(resource).toMatchObject({ address, module, index: expectedIndex, type: 'aws_instance', name: 'web' });
  });
});

describe('unknown and sensitive values', () => {
  const text = planText([
    change({
      address: 'aws_ebs_volume.v',
      type: 'aws_ebs_volume',
      name: 'v',
      after: { encrypted: true, size: 10, tags: { environment: 'prod' }, password: 'Super-Secret-Value-1' },
      afterUnknown: { kms_key_id: true, arn: true, tags: { team: true } },
      afterSensitive: { password: true },
    }),
  ]);

  it('makes an unknown value null in values and in every derived field, and lists its path', () => {
    const resource = only(text);
    expect(resource.values['kms_key_id']).toBeNull();
    expect((resource.values['tags'] as Record<string, unknown>)['team']).toBeNull();
    expect(resource.encryption).toEqual({ atRest: true, customerManagedKey: null, keyId: null });
    expect(resource.unknown).toEqual(expect.arrayContaining(['kms_key_id', 'arn', 'tags.team']));
    // An unknown tag is not a string: it is left out of tags, and its path says why.
    expect(resource.tags).toEqual({ environment: 'prod' });
  });

  it('replaces sensitive values and never lets the secret through', () => {
    const resource = only(text);
    expect(resource.values['password']).toBe('(sensitive)');
    expect(JSON.stringify(resource)).not.toContain('Super-Secret-Value-1');
  });

  it('makes a wholly unknown tag map null', () => {
    const resource = only(
      planText([
        change({
          address: 'aws_s3_bucket.b',
          type: 'aws_s3_bucket',
          name: 'b',
          after: { bucket: 'b' },
          afterUnknown: { tags: true, tags_all: true },
        }),
      ]),
    );
    expect(resource.tags).toBeNull();
  });

  it('keeps values that are only in after_unknown (after is null)', () => {
    const resource = only(
      planText([
        change({
          address: 'aws_cloudfront_distribution.c',
          type: 'aws_cloudfront_distribution',
          name: 'c',
          after: null,
          afterUnknown: { logging_config: [{ bucket: true }] },
        }),
      ]),
    );
    expect(resource.values).toEqual({ logging_config: [{ bucket: null }] });
    expect(resource.unknown).toEqual(['logging_config.0.bucket']);
  });
});

describe('providers and regions', () => {
  const configuration = {
    provider_config: {
      aws: { name: 'aws', expressions: { region: { references: ['var.region'] } } },
      'aws.west': { name: 'aws', alias: 'west', expressions: { region: { constant_value: 'us-west-2' } } },
      'module.app:aws': { name: 'aws', module_address: 'module.app' },
      google: { name: 'google', expressions: { zone: { constant_value: 'europe-west4-b' } } },
    },
    root_module: {
      resources: [
        {
          address: 'aws_s3_bucket.east',
          mode: 'managed',
          type: 'aws_s3_bucket',
          name: 'east',
          provider_config_key: 'aws',
          expressions: {},
        },
        {
          address: 'aws_s3_bucket.west',
          mode: 'managed',
          type: 'aws_s3_bucket',
          name: 'west',
          provider_config_key: 'aws.west',
          expressions: {},
        },
        {
          address: 'google_storage_bucket.g',
          mode: 'managed',
          type: 'google_storage_bucket',
          name: 'g',
          provider_config_key: 'google',
          expressions: {},
        },
      ],
      module_calls: {
        app: {
          source: './app',
          module: {
            resources: [
              {
                address: 'aws_s3_bucket.inner',
                mode: 'managed',
                type: 'aws_s3_bucket',
                name: 'inner',
                provider_config_key: 'module.app:aws',
                expressions: {},
              },
            ],
          },
        },
      },
    },
  };
  const resources = parsePlan(
    planText(
      [
        change({ address: 'aws_s3_bucket.east', type: 'aws_s3_bucket', name: 'east', after: { bucket: 'e' } }),
        change({ address: 'aws_s3_bucket.west', type: 'aws_s3_bucket', name: 'west', after: { bucket: 'w' } }),
        change({
          address: 'module.app.aws_s3_bucket.inner',
          moduleAddress: 'module.app',
          type: 'aws_s3_bucket',
          name: 'inner',
          after: { bucket: 'i' },
        }),
        change({ address: 'google_storage_bucket.g', type: 'google_storage_bucket', name: 'g', after: { name: 'g' } }),
        change({ address: 'aws_ebs_volume.az', type: 'aws_ebs_volume', name: 'az', after: { availability_zone: 'eu-central-1b' } }),
        change({
          address: 'google_compute_instance.vm',
          type: 'google_compute_instance',
          name: 'vm',
          after: { zone: 'us-central1-a', machine_type: 'n1-standard-4' },
        }),
        change({ address: 'azurerm_storage_account.s', type: 'azurerm_storage_account', name: 's', after: { location: 'West Europe' } }),
        change({
          address: 'kubernetes_namespace.ns',
          type: 'kubernetes_namespace',
          name: 'ns',
          after: { metadata: [{ name: 'x', labels: { team: 'a' } }] },
        }),
        change({ address: 'random_pet.p', type: 'random_pet', name: 'p', after: { length: 2 } }),
      ],
      configuration,
      { variables: { region: { value: 'us-east-1' } } },
    ),
    'plan.json',
  ).resources;
  const byAddress = new Map(resources.map((r) => [r.address, r]));

  it.each([
    ['aws_s3_bucket.east', 'aws', 'aws', 'us-east-1'],
    ['aws_s3_bucket.west', 'aws', 'aws.west', 'us-west-2'],
    ['module.app.aws_s3_bucket.inner', 'aws', 'module.app:aws', 'us-east-1'],
    ['google_storage_bucket.g', 'gcp', 'google', 'europe-west4'],
    ['aws_ebs_volume.az', 'aws', 'aws', 'eu-central-1'],
    ['google_compute_instance.vm', 'gcp', 'google', 'us-central1'],
    ['azurerm_storage_account.s', 'azure', 'azurerm', 'westeurope'],
    ['kubernetes_namespace.ns', 'kubernetes', 'kubernetes', null],
    ['random_pet.p', 'other', 'random', null],
  ])('%s → provider %s, config %s, region %s', (address, provider, providerConfig, region) => {
    expect(byAddress.get(address)).toMatchObject({ provider, providerConfig, region });
  });

  it('keeps unknown resource types as kind other with their raw values', () => {
    expect(byAddress.get('random_pet.p')).toMatchObject({
      kind: 'other',
      values: { length: 2 },
      compute: null,
      encryption: null,
      taggable: false,
    });
    expect(byAddress.get('kubernetes_namespace.ns')?.tags).toEqual({ team: 'a' });
  });
});

describe('S3 encryption linking', () => {
  const kms = 'arn:aws:kms:us-east-1:111122223333:key/abc';
  const sse = (name: string, bucketValue: string | null, algorithm = 'aws:kms', key: string | null = kms) =>
    change({
      address: `aws_s3_bucket_server_side_encryption_configuration.${name}`,
      type: 'aws_s3_bucket_server_side_encryption_configuration',
      name,
      after: {
        ...(bucketValue ? { bucket: bucketValue } : {}),
        rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: algorithm, kms_master_key_id: key }] }],
      },
      afterUnknown: bucketValue ? {} : { bucket: true },
    });
  const bucket = (name: string, value: unknown) =>
    change({
      address: `aws_s3_bucket.${name}`,
      type: 'aws_s3_bucket',
      name,
      after: value === null ? {} : { bucket: value },
      afterUnknown: value === null ? { bucket: true } : {},
    });
  const configuration = {
    root_module: {
      resources: [
        {
          address: 'aws_s3_bucket_server_side_encryption_configuration.by_ref',
          type: 'aws_s3_bucket_server_side_encryption_configuration',
          name: 'by_ref',
          mode: 'managed',
          provider_config_key: 'aws',
          expressions: { bucket: { references: ['aws_s3_bucket.referenced.id', 'aws_s3_bucket.referenced'] } },
        },
      ],
    },
  };
  const resources = parsePlan(
    planText(
      [
        bucket('named', 'acme-named'),
        sse('by_value', 'acme-named'),
        bucket('referenced', null),
        sse('by_ref', null),
        bucket('plain', 'acme-plain'),
        bucket('aes', 'acme-aes'),
        sse('aes', 'acme-aes', 'AES256', null),
      ],
      configuration,
    ),
    'plan.json',
  ).resources;
  const encryptionOf = (address: string) => resources.find((r) => r.address === address)?.encryption;

  it.each([
    ['aws_s3_bucket.named', { atRest: true, customerManagedKey: true, keyId: kms }],
    ['aws_s3_bucket.referenced', { atRest: true, customerManagedKey: true, keyId: kms }],
    // No configuration: S3 applies SSE-S3 by default since January 2023.
    ['aws_s3_bucket.plain', { atRest: true, customerManagedKey: false, keyId: null }],
    ['aws_s3_bucket.aes', { atRest: true, customerManagedKey: false, keyId: null }],
  ])('%s', (address, expected) => {
    expect(encryptionOf(address)).toEqual(expected);
  });
});

describe('planned_values fallback', () => {
  it('reads planned_values when there are no resource_changes', () => {
    const text = JSON.stringify({
      format_version: '0.1',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'aws_instance.a',
              mode: 'managed',
              type: 'aws_instance',
              name: 'a',
              provider_name: 'aws',
              values: { instance_type: 'p5.48xlarge', secret: 'Shh-123' },
              sensitive_values: { secret: true },
            },
          ],
          child_modules: [
            {
              address: 'module.m',
              resources: [
                {
                  address: 'module.m.aws_instance.b[0]',
                  mode: 'managed',
                  type: 'aws_instance',
                  name: 'b',
                  index: 0,
                  provider_name: 'aws',
                  values: { instance_type: 'g6e.12xlarge' },
                },
              ],
            },
          ],
        },
      },
    });
    const plan = parsePlan(text, 'old.json');
    expect(plan.formatVersion).toBe('0.1');
    expect(plan.resources.map((r) => [r.address, r.module, r.index, r.action, r.compute?.accelerator?.model])).toEqual([
      ['aws_instance.a', null, null, 'create', 'H100'],
      ['module.m.aws_instance.b[0]', 'module.m', 0, 'create', 'L40S'],
    ]);
    expect(JSON.stringify(plan)).not.toContain('Shh-123');
  });
});

describe('child resources without a location take their parent region', () => {
  const clusterId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/ml';
  const cluster = (location: string) =>
    change({
      address: 'azurerm_kubernetes_cluster.ml',
      type: 'azurerm_kubernetes_cluster',
      name: 'ml',
      after: { id: clusterId, location, default_node_pool: [{ vm_size: 'Standard_D4s_v5', node_count: 1 }] },
    });
  const pool = (name: string, after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}) =>
    change({
      address: `azurerm_kubernetes_cluster_node_pool.${name}`,
      type: 'azurerm_kubernetes_cluster_node_pool',
      name,
      after: { vm_size: 'Standard_NC24ads_A100_v4', node_count: 1, ...after },
      afterUnknown,
    });
  const configuration = {
    root_module: {
      resources: [
        {
          address: 'azurerm_kubernetes_cluster_node_pool.by_ref',
          type: 'azurerm_kubernetes_cluster_node_pool',
          name: 'by_ref',
          mode: 'managed',
          provider_config_key: 'azurerm',
          expressions: { kubernetes_cluster_id: { references: ['azurerm_kubernetes_cluster.ml.id', 'azurerm_kubernetes_cluster.ml'] } },
        },
      ],
    },
  };
  const resources = parsePlan(
    planText(
      [
        cluster('westeurope'),
        pool('by_value', { kubernetes_cluster_id: clusterId }),
        pool('by_ref', {}, { kubernetes_cluster_id: true }),
        pool('elsewhere', { kubernetes_cluster_id: '/subscriptions/s/other' }),
      ],
      configuration,
    ),
    'plan.json',
  ).resources;
  const regionOf = (address: string) => resources.find((r) => r.address === address)?.region;

  it.each([
    ['azurerm_kubernetes_cluster_node_pool.by_value', 'westeurope'],
    ['azurerm_kubernetes_cluster_node_pool.by_ref', 'westeurope'],
    // A parent outside the plan says nothing: the region stays unknown (indeterminate), never guessed.
    ['azurerm_kubernetes_cluster_node_pool.elsewhere', null],
  ])('%s', (address, expected) => {
    expect(regionOf(address)).toBe(expected);
  });
});
