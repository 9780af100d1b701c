/**
 * deploy/audit-cronjob.yaml: the RBAC is exactly what the audit reads and writes (list on every judged kind
 * and on namespaces, list/create/update/delete on PolicyReports, nothing else), and the CronJob runs the
 * audit in-cluster with the webhook's config.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { JUDGED_KINDS } from '../../src/audit/judged-kinds.js';

interface Document {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  subjects?: Array<{ kind: string; name: string; namespace: string }>;
  roleRef?: { name: string };
  spec?: {
    jobTemplate: {
      spec: {
        template: {
          spec: {
            serviceAccountName: string;
            containers: Array<{ args: string[]; volumeMounts: Array<{ name: string; mountPath: string }> }>;
            volumes: Array<{ name: string; configMap?: { name: string } }>;
          };
        };
      };
    };
  };
}

const read = (file: string): Document[] =>
  parseAllDocuments(readFileSync(new URL(`../../deploy/${file}`, import.meta.url), 'utf8')).map((document) => document.toJS() as Document);
const documents = read('audit-cronjob.yaml');
const find = (kind: string): Document => {
  const found = documents.find((document) => document.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} in deploy/audit-cronjob.yaml`);
  return found;
};

describe('deploy/audit-cronjob.yaml', () => {
  it('grants list on exactly the judged kinds and namespaces, and manages only PolicyReports', () => {
    const grants = (find('ClusterRole').rules ?? []).flatMap((rule) =>
      rule.apiGroups.flatMap((group) => rule.resources.map((resource) => `${group}/${resource}: ${[...rule.verbs].sort().join(',')}`)),
    );
    expect(grants.sort()).toEqual(
      [
        '/namespaces: list',
        ...JUDGED_KINDS.map((kind) => `${kind.group}/${kind.plural}: list`),
        'wgpolicyk8s.io/policyreports: create,delete,list,update',
      ].sort(),
    );
  });

  it('binds the role to the service account the CronJob runs as', () => {
    const binding = find('ClusterRoleBinding');
    expect(binding.roleRef?.name).toBe(find('ClusterRole').metadata.name);
    const pod = find('CronJob').spec?.jobTemplate.spec.template.spec;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod?.serviceAccountName, namespace: 'tollgate-system' }]);
    expect(find('ServiceAccount').metadata).toEqual({ name: pod?.serviceAccountName, namespace: 'tollgate-system' });
  });

  it('runs `tollgate audit --config … --policy-reports --format json` with no kubeconfig, on the webhook’s ConfigMap', () => {
    const pod = find('CronJob').spec?.jobTemplate.spec.template.spec;
    const [container] = pod?.containers ?? [];
    expect(container?.args.slice(0, 4)).toEqual(['audit', '--config=/etc/tollgate/tollgate.yaml', '--policy-reports', '--format=json']);
    expect(container?.args.some((arg) => arg.startsWith('--kubeconfig') || arg.startsWith('--context'))).toBe(false);
    const webhookConfig = read('configmap.yaml').find((document) => document.kind === 'ConfigMap')?.metadata.name;
    expect(pod?.volumes.find((volume) => volume.name === 'config')?.configMap?.name).toBe(webhookConfig);
  });
});
