/**
 * An environment unknown until apply is never the default environment (budget scope, customer-managed key
 * requirements), and TG-TAG-001 compares tag values as people and providers write them, across the three
 * clouds. Driven through the real reader, prepare (with a FOCUS spend file) and the compiled bundle.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { Decision, Finding } from '../../src/model/decision.js';
import { change, planText, type ChangeSpec } from './helpers.js';

const config = parseConfig(
  `
default_environment: dev
environments:
  dev: {}
  prod:
    require_customer_managed_key: true
budgets:
  - name: dev-gpus
    amount: 1000
    scope: { environment: dev }
rules:
  TG-TAG-001:
    parameters:
      required:
        team: [Search, ads]
        environment: [dev, prod]
`,
  'tollgate.yaml',
);
const settings = prepareSettings({ file: 'tollgate.yaml', config });
const now = '2026-11-20T00:00:00Z';
let engine: PolicyEngine;
let spendFile: string;

beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
  spendFile = join(mkdtempSync(join(tmpdir(), 'tollgate-spend-')), 'focus.csv');
  writeFileSync(
    spendFile,
    [
      'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceName,RegionId,ResourceId,SubAccountId,Tags,x_CostType',
      '2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,100,100,USD,Amazon Elastic Compute Cloud,us-east-1,i-1,111122223333,"{""environment"":""dev""}",Actual',
      '',
    ].join('\n'),
  );
});

const providers = {
  provider_config: {
    aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } },
    google: { name: 'google', expressions: { region: { constant_value: 'us-central1' } } },
    azurerm: { name: 'azurerm', expressions: {} },
  },
};

async function judge(spec: ChangeSpec): Promise<Decision> {
  const plan = parsePlan(planText([change(spec)], providers), 'plan.json');
  const input = await prepare({
    subject: { kind: 'plan', plan, source: 'plan.json' },
    sources: { spendFiles: [spendFile] },
    settings,
    now,
  });
  return engine.evaluate(input);
}

function findingsOf(decision: Decision, rule: string): Finding[] {
  return [...decision.violations, ...decision.warnings].filter((finding) => finding.rule === rule);
}

// One GPU instance and one data store per cloud, tagged with an environment unknown until apply.
const gpu = {
  aws: { address: 'aws_instance.train', type: 'aws_instance', name: 'train', after: { instance_type: 'g5.xlarge' } },
  gcp: {
    address: 'google_compute_instance.train',
    type: 'google_compute_instance',
    name: 'train',
    after: { machine_type: 'g2-standard-4', zone: 'us-central1-a' },
  },
  azure: {
    address: 'azurerm_linux_virtual_machine.train',
    type: 'azurerm_linux_virtual_machine',
    name: 'train',
    after: { size: 'Standard_NV36ads_A10_v5', location: 'eastus' },
  },
} as const;
const store = {
  aws: { address: 'aws_ebs_volume.data', type: 'aws_ebs_volume', name: 'data', after: { encrypted: true, size: 100 } },
  gcp: { address: 'google_storage_bucket.data', type: 'google_storage_bucket', name: 'data', after: { location: 'US-CENTRAL1' } },
  azure: {
    address: 'azurerm_storage_account.data',
    type: 'azurerm_storage_account',
    name: 'data',
    after: { location: 'eastus', customer_managed_key: [] },
  },
} as const;
const tagsKey = { aws: 'tags', gcp: 'labels', azure: 'tags' } as const;
const clouds = ['aws', 'gcp', 'azure'] as const;

function withUnknownEnvironment(spec: (typeof gpu)[keyof typeof gpu] | (typeof store)[keyof typeof store], cloud: (typeof clouds)[number]) {
  return {
    ...spec,
    after: { ...spec.after, [tagsKey[cloud]]: { team: 'search' } },
    afterUnknown: { [tagsKey[cloud]]: { environment: true } },
  };
}

describe('an environment unknown until apply is not the default environment', () => {
  it.each(clouds)(
    '%s: a priced GPU instance with an unknown environment is unknown scope for a dev budget, not dev spend',
    async (cloud) => {
      const decision = await judge(withUnknownEnvironment(gpu[cloud], cloud));
      const budget = decision.facts.budgets.find((b) => b.name === 'dev-gpus');
      expect(budget?.plan_monthly_delta).toBe(0);
      expect(budget?.unknown_scope_resources).toBe(1);
    },
  );

  it.each(clouds)(
    '%s: a data store with an unknown environment is indeterminate for TG-ENC-002 where prod requires a key',
    async (cloud) => {
      const found = findingsOf(await judge(withUnknownEnvironment(store[cloud], cloud)), 'TG-ENC-002');
      expect(found.map((f) => [f.resource, f.indeterminate])).toEqual([[store[cloud].address, true]]);
      expect(found[0]?.message).toContain('is unknown until apply');
    },
  );

  it.each(clouds)('%s: the same data store tagged dev is judged as dev (nothing required)', async (cloud) => {
    const spec = { ...store[cloud], after: { ...store[cloud].after, [tagsKey[cloud]]: { team: 'search', environment: 'dev' } } };
    expect(findingsOf(await judge(spec), 'TG-ENC-002')).toEqual([]);
  });
});

describe('TG-TAG-001 compares values as they are written', () => {
  const tagged = (cloud: (typeof clouds)[number], tags: Record<string, string>) => ({
    ...store[cloud],
    after: { ...store[cloud].after, [tagsKey[cloud]]: tags },
  });

  it.each(clouds)('%s: allowed values match whatever their case', async (cloud) => {
    // GCP label values must be lower case; AWS and Azure keep what was written.
    const tags = cloud === 'gcp' ? { team: 'search', environment: 'prod' } : { team: 'SEARCH', environment: 'Prod' };
    expect(findingsOf(await judge(tagged(cloud, tags)), 'TG-TAG-001')).toEqual([]);
  });

  it.each(clouds)('%s: a value outside the list is a finding naming it', async (cloud) => {
    const found = findingsOf(await judge(tagged(cloud, { team: 'search', environment: 'qa' })), 'TG-TAG-001');
    expect(found.map((f) => f.message)).toEqual([
      `${store[cloud].address} has tag environment = "qa", which is not an allowed value (allowed: "dev", "prod")`,
    ]);
  });

  it.each([
    ['aws', ['team']],
    ['azure', []],
  ] as const)('%s: a key written "Team" is the team tag only where the provider folds case', async (cloud, missing) => {
    const found = findingsOf(await judge(tagged(cloud, { Team: 'search', environment: 'dev' })), 'TG-TAG-001');
    expect(found.flatMap((f) => (f.evidence['missing'] as string[] | undefined) ?? [])).toEqual(missing);
  });
});
