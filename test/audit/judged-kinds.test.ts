/**
 * The audit judges what admission judges: its kinds are the workload kinds of the normaliser and the rules of
 * deploy/webhook.yaml, and its namespace exclusions are the webhook's namespaceSelector. Adding a kind or an
 * exclusion in one place and not the others fails here.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { judgedController } from '../../src/audit/audit-run.js';
import { JUDGED_KINDS, listPath, qualifiedName } from '../../src/audit/judged-kinds.js';
import { EXCLUDED_NAMESPACES, SKIP_LABEL, exclusionOf } from '../../src/audit/namespaces.js';
import { workloadKinds } from '../../src/inputs/kubernetes/index.js';

interface WebhookDocument {
  webhooks: Array<{
    rules: Array<{ apiGroups: string[]; apiVersions: string[]; resources: string[] }>;
    namespaceSelector: { matchExpressions: Array<{ key: string; operator: string; values: string[] }> };
  }>;
}

const webhook = (parse(readFileSync(new URL('../../deploy/webhook.yaml', import.meta.url), 'utf8')) as WebhookDocument).webhooks[0];
if (webhook === undefined) throw new Error('deploy/webhook.yaml has no webhook');

describe('the kinds the audit lists', () => {
  it('are the workload kinds the normaliser knows', () => {
    expect(JUDGED_KINDS.map(qualifiedName).sort()).toEqual(Object.keys(workloadKinds).sort());
  });

  it('are the resources deploy/webhook.yaml sends to admission, group, version and plural', () => {
    const admitted = webhook.rules.flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.apiVersions.flatMap((version) => rule.resources.map((plural) => `${group}/${version}/${plural}`)),
      ),
    );
    expect(JUDGED_KINDS.map((kind) => `${kind.group}/${kind.version}/${kind.plural}`).sort()).toEqual(admitted.sort());
  });

  it('list across the cluster or in one namespace', () => {
    const [pods] = JUDGED_KINDS;
    if (pods === undefined) throw new Error('no kinds');
    expect(listPath(pods, null)).toBe('/api/v1/pods');
    expect(listPath(pods, 'ml-dev')).toBe('/api/v1/namespaces/ml-dev/pods');
    const kserve = JUDGED_KINDS.find((kind) => kind.kind === 'InferenceService');
    expect(kserve && listPath(kserve, null)).toBe('/apis/serving.kserve.io/v1beta1/inferenceservices');
  });
});

describe('the namespaces the audit leaves out', () => {
  const expressions = webhook.namespaceSelector.matchExpressions;

  it('are those deploy/webhook.yaml keeps from admission: by name, and by the opt-out label', () => {
    expect(expressions.find((e) => e.key === 'kubernetes.io/metadata.name')).toEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'NotIn',
      values: [...EXCLUDED_NAMESPACES],
    });
    expect(expressions.find((e) => e.key === SKIP_LABEL)).toEqual({ key: SKIP_LABEL, operator: 'NotIn', values: ['true'] });
    expect(expressions).toHaveLength(2);
  });

  it.each([
    ['kube-system', {}, {}, 'excluded from admission (deploy/webhook.yaml)'],
    ['team-a', { [SKIP_LABEL]: 'true' }, {}, 'labelled tollgate.io/skip=true'],
    ['team-a', { [SKIP_LABEL]: 'false' }, {}, null],
    ['team-a', {}, { exclude: ['team-a'] }, 'given to --exclude-namespace'],
    ['team-b', {}, { exclude: ['team-a'] }, null],
  ])('%s with labels %j and options %j: %s', (name, labels, options, reason) => {
    expect(exclusionOf(name, labels, options)).toBe(reason);
  });
});

describe('owned objects', () => {
  const owned = (references: unknown[]): string | null => judgedController({ metadata: { ownerReferences: references } });

  it.each([
    [[{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', controller: true }], 'ReplicaSet/web-1'],
    [[{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-1', controller: true }], 'Job/nightly-1'],
    [[{ apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', name: 'bert', controller: true }], 'PyTorchJob/bert'],
    // Not the controller, or a kind Tollgate does not judge: the object speaks for itself.
    [[{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1' }], null],
    [[{ apiVersion: 'ray.io/v1', kind: 'RayCluster', name: 'ray', controller: true }], null],
    [[{ apiVersion: 'v1', kind: 'Node', name: 'node-1', controller: true }], null],
    [['not an object'], null],
  ])('%j → %s', (references, expected) => {
    expect(owned(references)).toBe(expected);
  });
});
