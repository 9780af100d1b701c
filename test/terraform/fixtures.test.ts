import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { locateResources, readPlanFile, type NormalisedPlan } from '../../src/inputs/terraform/index.js';
import type { Resource } from '../../src/model/resource.js';

/** vitest's asymmetric matchers are typed `any`; as `unknown` they sit in expected objects safely. */
const containing = (items: readonly string[]): unknown => expect.arrayContaining([...items]) as unknown;
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern) as unknown;

const schema = JSON.parse(readFileSync(new URL('../../schemas/resource.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(schema);
const validateResource = ajv.getSchema('https://tollgate.dev/schemas/resource.schema.json#/$defs/Resource');
const validateInput = ajv.getSchema('https://tollgate.dev/schemas/resource.schema.json');

function expectValid(resources: readonly Resource[], source: string): void {
  if (!validateResource || !validateInput) throw new Error('schema did not compile');
  for (const resource of resources) {
    const ok = validateResource(resource);
    expect(ok, `${resource.address}: ${JSON.stringify(validateResource.errors)}`).toBe(true);
  }
  const input = { subject: 'plan', context: { now: '2025-06-02T00:00:00Z', source, defaultEnvironment: null }, resources };
  expect(validateInput(input), JSON.stringify(validateInput.errors)).toBe(true);
}

const fixtureDir = fileURLToPath(new URL('../../fixtures/plans/', import.meta.url));
const fixtures = ['aws-ml-platform.json', 'gcp-ml-platform.json', 'azure-ml-platform.json'];
const plans = new Map<string, NormalisedPlan>();
async function plan(name: string): Promise<NormalisedPlan> {
  let loaded = plans.get(name);
  if (!loaded) {
    loaded = await readPlanFile(fixtureDir + name);
    plans.set(name, loaded);
  }
  return loaded;
}
async function resource(fixture: string, address: string): Promise<Resource> {
  const found = (await plan(fixture)).resources.find((r) => r.address === address);
  if (!found) throw new Error(`${address} not in ${fixture}`);
  return found;
}

describe.each(fixtures)('fixture %s', (name) => {
  it('parses, skips its deleted resource and validates against the schema', async () => {
    const loaded = await plan(name);
    expect(loaded).toMatchObject({ terraformVersion: '1.9.8', formatVersion: '1.2', skipped: { deleted: 1 } });
    expect(loaded.resources.length).toBeGreaterThanOrEqual(15);
    expectValid(loaded.resources, name);
  });

  it('never carries a planted secret', async () => {
    expect(JSON.stringify(await plan(name))).not.toMatch(/Planted-[A-Za-z]*-?Secret/);
  });
});

describe('planted problems are visible in the model', () => {
  it.each([
    [
      'aws-ml-platform.json',
      'aws_instance.trainer',
      {
        compute: { instanceType: 'p4d.24xlarge', family: 'p4d', accelerator: { model: 'A100', count: 8, memoryGiB: 40 }, spot: false },
        encryption: { atRest: false },
      },
    ],
    [
      'aws-ml-platform.json',
      'aws_eks_node_group.gpu',
      {
        compute: { role: 'node_group', accelerator: { model: 'A10G', count: 4 }, spot: false, scaling: { min: 1, max: 8, desired: 2 } },
        tags: { environment: 'dev' },
      },
    ],
    [
      'aws-ml-platform.json',
      'aws_sagemaker_endpoint_configuration.llm',
      {
        compute: { role: 'endpoint', instanceType: 'ml.g5.2xlarge', family: 'g5', instanceCount: 2 },
        encryption: { customerManagedKey: false },
      },
    ],
    ['aws-ml-platform.json', 'aws_s3_bucket.datasets', { encryption: { atRest: true, customerManagedKey: true } }],
    ['aws-ml-platform.json', 'aws_s3_bucket.artifacts', { action: 'update', encryption: { atRest: true, customerManagedKey: false } }],
    ['aws-ml-platform.json', 'aws_s3_bucket.eu_replica', { providerConfig: 'aws.apac', region: 'ap-southeast-1' }],
    ['aws-ml-platform.json', 'aws_ebs_volume.scratch', { encryption: { atRest: false } }],
    [
      'aws-ml-platform.json',
      'aws_ebs_volume.checkpoints',
      { encryption: { atRest: true, customerManagedKey: null }, unknown: containing(['kms_key_id']) },
    ],
    ['aws-ml-platform.json', 'aws_lb_listener.http', { kind: 'transport', transport: { protocol: 'HTTP', httpsOnly: false, port: 80 } }],
    ['aws-ml-platform.json', 'aws_lb_listener.https', { transport: { protocol: 'HTTPS', minTlsVersion: '1.0' } }],
    ['aws-ml-platform.json', 'aws_db_instance.feature_db', { action: 'replace', values: { password: '(sensitive)' } }],
    [
      'aws-ml-platform.json',
      'aws_sagemaker_endpoint.llm',
      {
        tags: { environment: 'prod', 'cost-center': 'cc-4130', 'managed-by': 'terraform' },
        unknown: containing(['tags.team']),
      },
    ],
    ['aws-ml-platform.json', 'aws_sagemaker_feature_group.user_features', { kind: 'other', compute: null }],
    [
      'aws-ml-platform.json',
      'module.inference["green"].aws_instance.server',
      {
        module: 'module.inference["green"]',
        providerConfig: 'module.inference:aws',
        region: 'us-east-1',
        compute: { accelerator: { model: 'Inferentia2' } },
      },
    ],
    ['aws-ml-platform.json', 'module.inference["blue"].aws_ebs_volume.cache[1]', { index: 1, encryption: { customerManagedKey: true } }],
    [
      'gcp-ml-platform.json',
      'google_container_node_pool.a100',
      { region: 'us-central1', compute: { accelerator: { model: 'A100', count: 8 }, spot: false }, tags: { environment: 'dev' } },
    ],
    ['gcp-ml-platform.json', 'google_storage_bucket.models', { providerConfig: 'google.asia', region: 'asia-southeast1' }],
    [
      'gcp-ml-platform.json',
      'google_sql_database_instance.metadata',
      { transport: { httpsOnly: false }, values: { root_password: '(sensitive)' } },
    ],
    ['gcp-ml-platform.json', 'google_compute_ssl_policy.legacy', { transport: { minTlsVersion: '1.0' } }],
    ['gcp-ml-platform.json', 'google_tpu_v2_vm.tpu', { region: 'us-west4', compute: { accelerator: { model: 'TPU v5e', count: 8 } } }],
    [
      'gcp-ml-platform.json',
      'google_vertex_ai_endpoint.llm',
      { encryption: { customerManagedKey: null }, unknown: containing(['encryption_spec.0.kms_key_name', 'labels.team']) },
    ],
    ['gcp-ml-platform.json', 'google_compute_disk.scratch', { action: 'replace' }],
    [
      'gcp-ml-platform.json',
      'module.buckets["raw"].google_storage_bucket.this',
      { index: null, module: 'module.buckets["raw"]', region: 'eu' },
    ],
    [
      'azure-ml-platform.json',
      'azurerm_kubernetes_cluster_node_pool.gpu',
      {
        compute: { family: 'NCads_A100_v4', accelerator: { model: 'A100', count: 1, memoryGiB: 80 }, spot: false },
        tags: { environment: 'dev' },
      },
    ],
    ['azure-ml-platform.json', 'azurerm_machine_learning_compute_cluster.batch', { compute: { role: 'cluster_compute', spot: true } }],
    [
      'azure-ml-platform.json',
      'azurerm_storage_account.datasets',
      { transport: { minTlsVersion: '1.0', httpsOnly: true }, encryption: { customerManagedKey: false } },
    ],
    ['azure-ml-platform.json', 'azurerm_storage_account.models', { providerConfig: 'azurerm.apac', region: 'southeastasia' }],
    [
      'azure-ml-platform.json',
      'azurerm_mssql_server.meta',
      { transport: { minTlsVersion: '1.0' }, values: { administrator_login_password: '(sensitive)' } },
    ],
    [
      'azure-ml-platform.json',
      'azurerm_application_gateway.web',
      { transport: { protocol: 'HTTP', httpsOnly: false, minTlsVersion: '1.0' } },
    ],
    [
      'azure-ml-platform.json',
      'azurerm_linux_virtual_machine.trainer',
      { action: 'replace', compute: { accelerator: { model: 'H100', count: 8 } } },
    ],
  ])('%s %s', async (fixture, address, expected) => {
    expect(await resource(fixture, address)).toMatchObject(expected);
  });
});

describe('locateResources', () => {
  it('finds root and local-module declarations, following module sources', async () => {
    const located = await locateResources(
      (await plan('aws-ml-platform.json')).resources,
      fileURLToPath(new URL('../../fixtures/terraform/aws', import.meta.url)),
    );
    const at = (address: string) => located.find((r) => r.address === address)?.location;
    expect(at('aws_instance.trainer')).toEqual({ file: matching(/fixtures\/terraform\/aws\/main\.tf$/), line: 27 });
    // The commented-out block and the heredoc in the module must not be taken for declarations.
    expect(at('module.inference["green"].aws_instance.server')).toEqual({
      file: matching(/modules\/inference\/main\.tf$/),
      line: 13,
    });
    expect(at('module.inference["blue"].aws_ebs_volume.cache[0]')).toEqual({
      file: matching(/modules\/inference\/main\.tf$/),
      line: 31,
    });
    expect(located.every((r) => r.location !== null)).toBe(true);
    expectValid(located, 'located');
  });

  it('leaves location null when the directory or block is unknown', async () => {
    const located = await locateResources(
      (await plan('gcp-ml-platform.json')).resources,
      fileURLToPath(new URL('../../fixtures/terraform/aws', import.meta.url)),
    );
    expect(located.every((r) => r.location === null)).toBe(true);
  });
});

const realWorldDir = fileURLToPath(new URL('../../../shared/realworld/tfplan/', import.meta.url));
const realWorld = existsSync(realWorldDir)
  ? readdirSync(realWorldDir)
      .filter((file) => file.endsWith('.json'))
      .sort()
  : [];
const describeRealWorld = realWorld.length > 0 ? describe : describe.skip;

describeRealWorld(
  realWorld.length > 0 ? 'real-world plans' : 'real-world plans (skipped: the shared real-world corpus is not present)',
  () => {
    it.each(realWorld)('%s parses and validates', async (file) => {
      const loaded = await readPlanFile(realWorldDir + file);
      expect(loaded.resources.length + loaded.skipped.deleted).toBeGreaterThan(0);
      expectValid(loaded.resources, file);
    });
  },
);
