/**
 * One policy set, two enforcement points: an equivalent Terraform resource and Kubernetes Pod must fire
 * the same rules with the same bundle and config.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { Decision } from '../../src/model/decision.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import { change, planText } from '../terraform/helpers.js';

const config = parseConfig(
  `
environments:
  dev:
    gpu: { max_per_instance: 1, allowed_models: [T4, L4, A10G] }
rules:
  TG-TAG-001:
    parameters:
      required: { team: [], cost-center: [], environment: [prod, staging, dev] }
kubernetes:
  namespaces:
    sandbox: { environment: dev }
`,
  'tollgate.yaml',
);

const now = '2026-06-01T00:00:00Z';
const settings = prepareSettings({ file: 'tollgate.yaml', config });

function rulesFired(decision: Decision): string[] {
  return [...new Set([...decision.violations, ...decision.warnings].map((finding) => finding.rule))].sort();
}

describe('the same decisions as CI', () => {
  it('a g5.12xlarge with 4 A10G in dev: Terraform plan and Kubernetes Pod fire the same rules', async () => {
    const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });

    const plan = parsePlan(
      planText([
        change({
          address: 'aws_instance.trainer',
          type: 'aws_instance',
          name: 'trainer',
          after: { instance_type: 'g5.12xlarge', ami: 'ami-123', tags: { environment: 'dev' }, tags_all: { environment: 'dev' } },
        }),
      ]),
      'plan.json',
    );
    const terraform = engine.evaluate(await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, settings, now }));

    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer' },
      spec: {
        nodeSelector: { 'node.kubernetes.io/instance-type': 'g5.12xlarge' },
        containers: [{ name: 'train', image: 'train:1', resources: { limits: { 'nvidia.com/gpu': 4 } } }],
      },
    };
    const admission = prepare({
      subject: {
        kind: 'admission',
        request: {
          uid: '1',
          kind: { group: '', version: 'v1', kind: 'Pod' },
          name: 'trainer',
          namespace: 'sandbox',
          operation: 'CREATE',
          username: 'dev@example.com',
          object,
          dryRun: false,
        },
      },
      settings,
      now,
    });
    expect(admission.resources[0]?.compute?.accelerator).toMatchObject({ model: 'A10G', count: 4 });
    const kubernetes = engine.evaluate(admission);

    expect(rulesFired(terraform)).toEqual(expect.arrayContaining(['TG-GPU-001', 'TG-TAG-001']));
    expect(rulesFired(kubernetes)).toEqual(rulesFired(terraform));
    expect(kubernetes.violations.map((f) => f.rule).sort()).toEqual(terraform.violations.map((f) => f.rule).sort());
  });
});
