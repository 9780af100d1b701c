/**
 * A workload is judged where its pod template names a model: the review gate (TG-REV-*) fires for a Deployment,
 * Job, PyTorchJob or KServe InferenceService whose pods carry `tollgate.io/model`, as it does for a Terraform
 * resource tagged with the same reference, before any pod exists.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { parseInventory } from '../../src/inputs/inventory/index.js';
import { normaliseKubernetesObject } from '../../src/inputs/kubernetes/index.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';
import type { Decision } from '../../src/model/decision.js';
import type { Inventory } from '../../src/model/inventory.js';
import { change, planText } from '../terraform/helpers.js';

const config = parseConfig('default_environment: prod\n', 'tollgate.yaml');
const settings = prepareSettings({ file: 'tollgate.yaml', config });
const now = '2026-11-01T00:00:00Z';
const inventoryPath = new URL('../../fixtures/k8s/inventory.yaml', import.meta.url);
let engine: PolicyEngine;
let inventory: Inventory;

beforeAll(async () => {
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...config });
  inventory = parseInventory(readFileSync(inventoryPath, 'utf8'), 'inventory.yaml', now);
});

// A version the inventory does not list: the review gate refuses to deploy it.
const unreviewed = 'llama-3-8b-instruct@9.9.9';
const annotation = { 'tollgate.io/model': unreviewed };
const container = { name: 'serve', image: 'vllm:1' };
const podTemplate = { metadata: { annotations: annotation }, spec: { containers: [container] } };

const workloads: ReadonlyArray<{ kind: string; group: string; object: Record<string, unknown> }> = [
  {
    kind: 'Deployment',
    group: 'apps',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'chat' }, spec: { replicas: 2, template: podTemplate } },
  },
  {
    kind: 'Job',
    group: 'batch',
    object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'chat' }, spec: { template: podTemplate } },
  },
  {
    kind: 'PyTorchJob',
    group: 'kubeflow.org',
    object: {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'chat' },
      spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: podTemplate } } },
    },
  },
  {
    kind: 'InferenceService',
    group: 'serving.kserve.io',
    object: {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'chat' },
      spec: { predictor: { annotations: annotation, model: { modelFormat: { name: 'vllm' }, storageUri: 's3://ml-models/x/' } } },
    },
  },
];

function reviewRules(decision: Decision): string[] {
  return [
    ...new Set([...decision.violations, ...decision.warnings].map((f) => f.rule).filter((rule) => rule.startsWith('TG-REV-'))),
  ].sort();
}

async function terraformReviewRules(): Promise<string[]> {
  const plan = parsePlan(
    planText([
      change({
        address: 'aws_sagemaker_endpoint.chat',
        type: 'aws_sagemaker_endpoint',
        name: 'chat',
        after: { name: 'chat', tags: { 'tollgate.io/model': unreviewed }, tags_all: { 'tollgate.io/model': unreviewed } },
      }),
    ]),
    'plan.json',
  );
  const input = await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, sources: {}, settings, now });
  return reviewRules(engine.evaluate({ ...input, inventory }));
}

describe('a workload whose pod template names a model', () => {
  it.each(workloads)('$kind: the reader takes the model from the pod template', ({ object }) => {
    expect(normaliseKubernetesObject(object, { namespace: 'serving' }).model).toEqual({ id: 'llama-3-8b-instruct', version: '9.9.9' });
  });

  it.each(workloads)(
    '$kind: the review gate fires at admission as for a Terraform resource naming the model',
    async ({ kind, group, object }) => {
      const input = prepare({
        subject: {
          kind: 'admission',
          request: {
            uid: '1',
            kind: { group, version: 'v1', kind },
            name: 'chat',
            namespace: 'serving',
            operation: 'CREATE',
            username: 'dev@example.com',
            object,
            dryRun: false,
          },
        },
        sources: { inventory },
        settings,
        now,
      });
      const fired = reviewRules(engine.evaluate(input));
      expect(fired.length).toBeGreaterThan(0);
      expect(fired).toEqual(await terraformReviewRules());
    },
  );

  it('the object’s own reference wins over its pod template’s', () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'chat', annotations: { 'tollgate.io/model': 'llama-3-8b-instruct@3.1.0' } },
      spec: { template: podTemplate },
    };
    expect(normaliseKubernetesObject(object).model).toEqual({ id: 'llama-3-8b-instruct', version: '3.1.0' });
  });

  it('a workload whose pods name no model has no model reference', () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [container] } } },
    };
    expect(normaliseKubernetesObject(object).model).toBeUndefined();
  });
});
