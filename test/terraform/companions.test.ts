/**
 * Companions belong to their parent: a setting made by a separate resource (S3 encryption configuration,
 * bucket policy, Azure storage customer-managed key, SQL transparent data encryption) is carried to the resource
 * it configures however the link is written; the companion is not judged on its own; an unresolvable link makes
 * the parent's fact unknown, never a violation. Driven through the real reader, prepare and the compiled bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { deniesInsecureTransport } from '../../src/inputs/terraform/s3-secure-transport.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { Decision, Finding } from '../../src/model/decision.js';
import type { Resource } from '../../src/model/resource.js';
import { change, planText } from './helpers.js';

const config = parseConfig(
  `
default_environment: dev
environments:
  dev: {}
  prod:
    require_customer_managed_key: true
`,
  'tollgate.yaml',
);
const settings = prepareSettings({ file: 'tollgate.yaml', config });
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
});

const kms = 'arn:aws:kms:us-east-1:111122223333:key/abc';
const securePolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::acme-data', 'arn:aws:s3:::acme-data/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});
const openPolicy = JSON.stringify({
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: '*' }],
});
const prod = { environment: 'prod', team: 'data' };

/** A configuration resource entry: `bucket = <references>`, optionally with for_each or count. */
interface ConfigEntry {
  readonly address: string;
  readonly expressions?: Record<string, unknown>;
  readonly forEach?: readonly string[];
}

function configurationOf(entries: readonly ConfigEntry[]) {
  return {
    provider_config: {
      aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } },
      azurerm: { name: 'azurerm', expressions: {} },
    },
    root_module: {
      resources: entries.map((entry) => {
        const [type, name] = entry.address.split('.') as [string, string];
        return {
          address: entry.address,
          mode: 'managed',
          type,
          name,
          provider_config_key: type.startsWith('aws_') ? 'aws' : 'azurerm',
          expressions: entry.expressions ?? {},
          ...(entry.forEach ? { for_each_expression: { references: entry.forEach } } : {}),
        };
      }),
    },
  };
}

const bucket = (name: string, bucketName: string | null, index?: string | number) =>
  change({
    address: `aws_s3_bucket.${name}${index === undefined ? '' : `[${JSON.stringify(index)}]`}`,
    type: 'aws_s3_bucket',
    name,
    ...(index === undefined ? {} : { index }),
    after: { ...(bucketName === null ? {} : { bucket: bucketName }), tags: prod },
    // AWS provider 4+ computes these at create, set or not.
    afterUnknown: { id: true, policy: true, server_side_encryption_configuration: true, ...(bucketName === null ? { bucket: true } : {}) },
  });

const sse = (name: string, bucketValue: string | null, index?: string | number, key: string | null = kms) =>
  change({
    address: `aws_s3_bucket_server_side_encryption_configuration.${name}${index === undefined ? '' : `[${JSON.stringify(index)}]`}`,
    type: 'aws_s3_bucket_server_side_encryption_configuration',
    name,
    ...(index === undefined ? {} : { index }),
    after: {
      ...(bucketValue === null ? {} : { bucket: bucketValue }),
      rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms', kms_master_key_id: key }] }],
    },
    afterUnknown: bucketValue === null ? { bucket: true } : {},
  });

const bucketPolicy = (name: string, bucketValue: string | null, policy: string | null, index?: string | number) =>
  change({
    address: `aws_s3_bucket_policy.${name}${index === undefined ? '' : `[${JSON.stringify(index)}]`}`,
    type: 'aws_s3_bucket_policy',
    name,
    ...(index === undefined ? {} : { index }),
    after: { ...(bucketValue === null ? {} : { bucket: bucketValue }), ...(policy === null ? {} : { policy }) },
    afterUnknown: { ...(bucketValue === null ? { bucket: true } : {}), ...(policy === null ? { policy: true } : {}) },
  });

async function judge(changes: unknown[], entries: readonly ConfigEntry[]): Promise<{ resources: readonly Resource[]; decision: Decision }> {
  const plan = parsePlan(planText(changes, configurationOf(entries)), 'plan.json');
  const input = await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, settings, now: '2026-06-01T00:00:00Z' });
  return { resources: input.resources, decision: engine.evaluate(input) };
}

function findingsOf(decision: Decision, rule: string): Finding[] {
  return [...decision.violations, ...decision.warnings].filter((finding) => finding.rule === rule);
}

const byRef = (target: string) => ({ bucket: { references: [`${target}.id`, target] } });

describe('the link is found however it is written', () => {
  it.each([
    {
      how: 'a direct reference',
      changes: [bucket('data', null), sse('data', null)],
      entries: [{ address: 'aws_s3_bucket_server_side_encryption_configuration.data', expressions: byRef('aws_s3_bucket.data') }],
      parents: { 'aws_s3_bucket_server_side_encryption_configuration.data': 'aws_s3_bucket.data' },
    },
    {
      how: 'a literal matching the bucket name',
      changes: [bucket('data', 'acme-data'), sse('data', 'acme-data')],
      entries: [],
      parents: { 'aws_s3_bucket_server_side_encryption_configuration.data': 'aws_s3_bucket.data' },
    },
    {
      how: 'for_each over the parent (bucket = each.value.id)',
      changes: [bucket('b', null, 'raw'), bucket('b', null, 'curated'), sse('b', null, 'curated'), sse('b', null, 'raw')],
      entries: [
        {
          address: 'aws_s3_bucket_server_side_encryption_configuration.b',
          expressions: { bucket: { references: ['each.value.id', 'each.value'] } },
          forEach: ['aws_s3_bucket.b'],
        },
      ],
      parents: {
        'aws_s3_bucket_server_side_encryption_configuration.b["raw"]': 'aws_s3_bucket.b["raw"]',
        'aws_s3_bucket_server_side_encryption_configuration.b["curated"]': 'aws_s3_bucket.b["curated"]',
      },
    },
    {
      how: 'count indexes (aws_s3_bucket.b[count.index].id)',
      changes: [bucket('b', null, 0), bucket('b', null, 1), sse('b', null, 1), sse('b', null, 0)],
      entries: [
        {
          address: 'aws_s3_bucket_server_side_encryption_configuration.b',
          expressions: { bucket: { references: ['aws_s3_bucket.b', 'count.index'] } },
        },
      ],
      parents: {
        'aws_s3_bucket_server_side_encryption_configuration.b[0]': 'aws_s3_bucket.b[0]',
        'aws_s3_bucket_server_side_encryption_configuration.b[1]': 'aws_s3_bucket.b[1]',
      },
    },
    {
      how: 'a fixed instance (aws_s3_bucket.b[1].id)',
      changes: [bucket('b', null, 0), bucket('b', null, 1), sse('one', null)],
      entries: [
        {
          address: 'aws_s3_bucket_server_side_encryption_configuration.one',
          expressions: { bucket: { references: ['aws_s3_bucket.b[1].id', 'aws_s3_bucket.b[1]', 'aws_s3_bucket.b'] } },
        },
      ],
      parents: { 'aws_s3_bucket_server_side_encryption_configuration.one': 'aws_s3_bucket.b[1]' },
      unconfigured: ['aws_s3_bucket.b[0]'],
    },
  ])('$how', async ({ changes, entries, parents, unconfigured = [] }) => {
    const { resources, decision } = await judge(changes, entries);
    const parentOf = Object.fromEntries(resources.filter((r) => r.companionOf !== undefined).map((r) => [r.address, r.companionOf]));
    expect(parentOf).toEqual(parents);
    for (const parent of Object.values(parents)) {
      expect(resources.find((r) => r.address === parent)?.encryption).toEqual({ atRest: true, customerManagedKey: true, keyId: kms });
    }
    // prod requires a customer-managed key: a bucket has one through its companion, or violates at the bucket.
    expect(findingsOf(decision, 'TG-ENC-002').map((f) => [f.resource, f.indeterminate])).toEqual(unconfigured.map((a) => [a, false]));
  });
});

describe('findings land on the parent; the companion is not judged alone', () => {
  it('a bucket whose configuration uses AES256 violates TG-ENC-002 at the bucket, not at the configuration', async () => {
    const { decision } = await judge([bucket('data', 'acme-data'), sse('data', 'acme-data', undefined, null)], []);
    const found = findingsOf(decision, 'TG-ENC-002');
    expect(found.map((f) => [f.resource, f.indeterminate])).toEqual([['aws_s3_bucket.data', false]]);
  });

  it('no rule reports the companion itself', async () => {
    const { decision } = await judge(
      [
        bucket('data', 'acme-data'),
        sse('data', 'acme-data'),
        bucketPolicy('data', 'acme-data', openPolicy),
        sse('elsewhere', 'not-in-plan'),
      ],
      [],
    );
    const all = [...decision.violations, ...decision.warnings];
    expect(all.filter((f) => !f.resource.startsWith('aws_s3_bucket.'))).toEqual([]);
  });
});

describe('S3 bucket policies close the bucket to plain HTTP', () => {
  it.each([
    { what: 'a policy denying aws:SecureTransport = false', policy: securePolicy, expected: true },
    { what: 'a policy that does not deny plain HTTP', policy: openPolicy, expected: false },
  ])('$what', async ({ policy, expected }) => {
    const { resources, decision } = await judge(
      [bucket('data', null), bucketPolicy('data', null, policy)],
      [{ address: 'aws_s3_bucket_policy.data', expressions: byRef('aws_s3_bucket.data') }],
    );
    expect(resources.find((r) => r.address === 'aws_s3_bucket.data')?.transport?.httpsOnly).toBe(expected);
    const found = findingsOf(decision, 'TG-ENC-004').map((f) => [f.resource, f.indeterminate]);
    expect(found).toEqual(expected ? [] : [['aws_s3_bucket.data', false]]);
  });

  it('a bucket without any policy accepts plain HTTP; its computed policy attribute is not unknown', async () => {
    const { resources, decision } = await judge([bucket('data', 'acme-data')], [{ address: 'aws_s3_bucket.data' }]);
    const data = resources.find((r) => r.address === 'aws_s3_bucket.data');
    expect(data?.transport?.httpsOnly).toBe(false);
    expect(data?.unknown).not.toContain('policy');
    expect(findingsOf(decision, 'TG-ENC-004').map((f) => f.message)).toEqual([
      'aws_s3_bucket.data accepts unencrypted connections (no bucket policy denies requests with aws:SecureTransport = false)',
    ]);
  });

  it('a policy document unknown until apply is indeterminate at the bucket', async () => {
    const { decision } = await judge(
      [bucket('data', null), bucketPolicy('data', null, null)],
      [{ address: 'aws_s3_bucket_policy.data', expressions: byRef('aws_s3_bucket.data') }],
    );
    expect(findingsOf(decision, 'TG-ENC-004').map((f) => [f.resource, f.indeterminate])).toEqual([['aws_s3_bucket.data', true]]);
  });

  it.each([
    ['BoolIfExists with a boolean and a lower-case key', { BoolIfExists: { 'aws:securetransport': false } }, '*', ['s3:*'], true],
    ['every principal written as {"AWS": "*"}', { Bool: { 'aws:SecureTransport': ['false'] } }, { AWS: '*' }, '*', true],
    ['only some actions', { Bool: { 'aws:SecureTransport': 'false' } }, '*', 's3:GetObject', false],
    ['only some principals', { Bool: { 'aws:SecureTransport': 'false' } }, { AWS: 'arn:aws:iam::1:root' }, 's3:*', false],
    ['a condition on something else', { StringEquals: { 'aws:SecureTransport': 'false' } }, '*', 's3:*', false],
  ])('a Deny statement with %s', (_what, condition, principal, action, expected) => {
    const policy = JSON.stringify({ Statement: { Effect: 'Deny', Principal: principal, Action: action, Condition: condition } });
    expect(deniesInsecureTransport(policy)).toBe(expected);
  });
});

describe('an unresolvable link makes the parent fact unknown, never a violation', () => {
  it('an encryption configuration whose bucket is unknown and unnamed leaves every unconfigured bucket indeterminate', async () => {
    const { resources, decision } = await judge(
      [bucket('a', 'acme-a'), bucket('b', 'acme-b'), sse('b', 'acme-b'), sse('mystery', null)],
      [{ address: 'aws_s3_bucket_server_side_encryption_configuration.mystery', expressions: { bucket: { references: ['var.bucket'] } } }],
    );
    expect(resources.find((r) => r.address === 'aws_s3_bucket_server_side_encryption_configuration.mystery')?.companionOf).toBeNull();
    const found = findingsOf(decision, 'TG-ENC-002');
    expect(found.map((f) => [f.resource, f.indeterminate])).toEqual([['aws_s3_bucket.a', true]]);
    expect(found[0]?.message).toContain('server_side_encryption_configuration is unknown until apply');
  });

  it('a bucket policy whose bucket cannot be told makes plain-HTTP checks indeterminate, not violations', async () => {
    const { decision } = await judge(
      [bucket('a', 'acme-a'), bucketPolicy('p', null, securePolicy)],
      [{ address: 'aws_s3_bucket_policy.p', expressions: { bucket: { references: ['module.names.bucket'] } } }],
    );
    expect(findingsOf(decision, 'TG-ENC-004').map((f) => [f.resource, f.indeterminate])).toEqual([['aws_s3_bucket.a', true]]);
  });

  it('a companion naming a bucket outside the plan changes nothing in it', async () => {
    const { decision } = await judge([bucket('a', 'acme-a'), bucketPolicy('p', 'acme-elsewhere', securePolicy)], []);
    expect(findingsOf(decision, 'TG-ENC-004').map((f) => [f.resource, f.indeterminate])).toEqual([['aws_s3_bucket.a', false]]);
  });
});

describe('Azure companions', () => {
  const account = (name: string) =>
    change({
      address: `azurerm_storage_account.${name}`,
      type: 'azurerm_storage_account',
      name,
      after: { name: `acme${name}`, location: 'eastus', customer_managed_key: [], tags: prod },
      afterUnknown: { id: true },
    });
  const cmk = (name: string, keyId: string | null) =>
    change({
      address: `azurerm_storage_account_customer_managed_key.${name}`,
      type: 'azurerm_storage_account_customer_managed_key',
      name,
      after: { key_vault_key_id: keyId },
      afterUnknown: { storage_account_id: true, ...(keyId === null ? { key_vault_key_id: true } : {}) },
    });

  it.each([
    { what: 'a customer-managed key linked by reference', keyId: 'https://kv.vault.azure.net/keys/k/1', expected: [] },
    { what: 'no customer-managed key resource', keyId: undefined, expected: [['azurerm_storage_account.data', false]] },
  ])('$what', async ({ keyId, expected }) => {
    const changes = keyId === undefined ? [account('data')] : [account('data'), cmk('data', keyId)];
    const { resources, decision } = await judge(changes, [
      {
        address: 'azurerm_storage_account_customer_managed_key.data',
        expressions: { storage_account_id: { references: ['azurerm_storage_account.data.id', 'azurerm_storage_account.data'] } },
      },
    ]);
    expect(findingsOf(decision, 'TG-ENC-002').map((f) => [f.resource, f.indeterminate])).toEqual(expected);
    if (keyId !== undefined) {
      expect(resources.find((r) => r.type === 'azurerm_storage_account_customer_managed_key')?.companionOf).toBe(
        'azurerm_storage_account.data',
      );
    }
  });

  it('a customer-managed key resource whose account cannot be told leaves the account indeterminate', async () => {
    const { decision } = await judge([account('data'), cmk('orphan', 'https://kv.vault.azure.net/keys/k/1')], []);
    expect(findingsOf(decision, 'TG-ENC-002').map((f) => [f.resource, f.indeterminate])).toEqual([['azurerm_storage_account.data', true]]);
  });
});

const realWorldPlan = fileURLToPath(
  new URL(
    '../../../shared/realworld/tfplan/bridgecrewio_checkov__tests_terraform_runner_resources_plan_nested_child_modules_with_connections_tfplan.json',
    import.meta.url,
  ),
);
const describeRealWorld = existsSync(realWorldPlan) ? describe : describe.skip;

describeRealWorld('a real plan of the terraform-aws-modules S3 module (checkov test corpus)', () => {
  // The plan's own configuration links the module's companions as `bucket = aws_s3_bucket.this[0].id`; its
  // resource_changes hold the buckets only, so the module's encryption configuration and policy are added here
  // as the module would plan them (bucket unknown until apply).
  const document = JSON.parse(readFileSync(realWorldPlan, 'utf8')) as { resource_changes: unknown[] };
  const companion = (type: string, after: Record<string, unknown>) => ({
    ...(change({
      address: `module.s3_bucket.${type}.this[0]`,
      type,
      name: 'this',
      index: 0,
      after,
      afterUnknown: { bucket: true },
    }) as object),
    module_address: 'module.s3_bucket',
  });
  const withCompanions = {
    ...document,
    resource_changes: [
      ...document.resource_changes,
      companion('aws_s3_bucket_server_side_encryption_configuration', {
        rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms', kms_master_key_id: kms }] }],
      }),
      companion('aws_s3_bucket_policy', { policy: securePolicy }),
    ],
  };

  it('links both companions to module.s3_bucket.aws_s3_bucket.this[0] and leaves the other buckets as they are', () => {
    const resources = parsePlan(JSON.stringify(withCompanions), 'plan.json').resources;
    const byAddress = new Map(resources.map((r) => [r.address, r]));
    expect(byAddress.get('module.s3_bucket.aws_s3_bucket_policy.this[0]')?.companionOf).toBe('module.s3_bucket.aws_s3_bucket.this[0]');
    expect(byAddress.get('module.s3_bucket.aws_s3_bucket_server_side_encryption_configuration.this[0]')?.companionOf).toBe(
      'module.s3_bucket.aws_s3_bucket.this[0]',
    );
    const linked = byAddress.get('module.s3_bucket.aws_s3_bucket.this[0]');
    expect(linked?.encryption).toEqual({ atRest: true, customerManagedKey: true, keyId: kms });
    expect(linked?.transport?.httpsOnly).toBe(true);
    // The other buckets set no policy; the provider's computed `policy` is unset, not unknown.
    const root = byAddress.get('aws_s3_bucket.root_bucket');
    expect(root?.transport?.httpsOnly).toBe(false);
    expect(root?.unknown).not.toContain('policy');
    expect(root?.encryption?.customerManagedKey).toBe(false);
  });
});
