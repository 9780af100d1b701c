/** deploy/ parses, and states what the README promises about it. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/config.js';

const deployDir = new URL('../../deploy/', import.meta.url);

// Test-local views of the manifests: the fields these tests read, shaped as deploy/ writes them. A manifest that
// lacks one fails the test that reads it.
interface Manifest {
  apiVersion: unknown;
  kind: unknown;
  metadata?: { name?: unknown; annotations?: Record<string, string> };
}
interface Probe {
  httpGet: { path: string };
}
interface Container {
  securityContext: { readOnlyRootFilesystem?: boolean };
  readinessProbe: Probe;
  livenessProbe: Probe;
  resources: { requests?: Record<string, string> };
  args: string[];
}
interface Webhook {
  admissionReviewVersions: string[];
  sideEffects: string;
  timeoutSeconds: number;
  failurePolicy: string;
  rules: Array<{ resources: string[] }>;
  namespaceSelector: { matchExpressions: unknown[] };
  objectSelector?: unknown;
}
interface Manifests {
  Deployment: Manifest & {
    spec: { replicas: number; template: { spec: { securityContext: { runAsNonRoot?: boolean }; containers: Container[] } } };
  };
  PodDisruptionBudget: Manifest & { spec: { minAvailable: number | string } };
  Service: Manifest & { spec: { ports: Array<{ targetPort: number | string }> } };
  ValidatingWebhookConfiguration: Manifest & { metadata: { annotations: Record<string, string> }; webhooks: Webhook[] };
  Certificate: Manifest & { spec: { secretName: string } };
  Issuer: Manifest & { spec: { selfSigned: unknown } };
  ConfigMap: Manifest & { data: Record<string, string> };
}

const documents: Manifest[] = readdirSync(deployDir)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(file, deployDir), 'utf8')).map((document) => {
      expect(document.errors, file).toEqual([]);
      return document.toJS() as Manifest;
    }),
  );
const find = <K extends keyof Manifests>(kind: K): Manifests[K] => {
  const found = documents.find((document) => document.kind === kind);
  if (!found) throw new Error(`no ${kind} in deploy/`);
  return found as Manifests[K];
};

describe('deploy/', () => {
  it('every YAML document parses and has apiVersion, kind and a name', () => {
    expect(documents.length).toBeGreaterThan(8);
    for (const document of documents) {
      expect(document.apiVersion).toMatch(/\S/);
      expect(document.kind).toMatch(/\S/);
      if (document.kind !== 'Kustomization') expect(document.metadata?.name).toMatch(/\S/);
    }
  });

  it('the Deployment runs two hardened replicas with probes and resources', () => {
    const deployment = find('Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const [container] = pod.containers;
    expect(container?.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container?.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container?.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container?.resources.requests).toBeDefined();
    expect(container?.args).toEqual(expect.arrayContaining(['serve', '--cert=/tls/tls.crt', '--key=/tls/tls.key']));
    expect(find('PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(find('Service').spec.ports[0]?.targetPort).toBe('https');
  });

  it('the webhook configuration covers the workload kinds, skips system namespaces and honours the opt-out label', () => {
    const configuration = find('ValidatingWebhookConfiguration');
    expect(configuration.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('tollgate-system/tollgate-ca');
    const [webhook] = configuration.webhooks;
    if (!webhook) throw new Error('no webhook in the ValidatingWebhookConfiguration');
    expect(webhook.admissionReviewVersions).toEqual(['v1']);
    expect(webhook.sideEffects).toBe('None');
    expect(webhook.timeoutSeconds).toBe(5);
    expect(['Fail', 'Ignore']).toContain(webhook.failurePolicy);
    const resources = webhook.rules.flatMap((rule) => rule.resources);
    expect(resources.sort()).toEqual(
      ['cronjobs', 'daemonsets', 'deployments', 'inferenceservices', 'jobs', 'pods', 'pytorchjobs', 'replicasets', 'statefulsets'].sort(),
    );
    expect(webhook.namespaceSelector.matchExpressions[0]).toMatchObject({ operator: 'NotIn', values: ['kube-system', 'tollgate-system'] });
    // An object label is chosen by whoever creates the object: it must never be a way around the rules.
    expect(webhook.objectSelector).toBeUndefined();
    expect(webhook.namespaceSelector.matchExpressions).toContainEqual({ key: 'tollgate.io/skip', operator: 'NotIn', values: ['true'] });
    const serving = documents.find((document) => document.kind === 'Certificate' && document.metadata?.name === 'tollgate-webhook');
    expect((serving as Manifests['Certificate'] | undefined)?.spec.secretName).toBe('tollgate-webhook-tls');
    expect(find('Issuer').spec.selfSigned).toEqual({});
  });

  it('the ConfigMap holds a valid tollgate.yaml', () => {
    const text = find('ConfigMap').data['tollgate.yaml'];
    if (text === undefined) throw new Error('the ConfigMap has no tollgate.yaml');
    expect(parseConfig(text, 'deploy/configmap.yaml').kubernetes?.namespaces?.['ml-dev']?.['environment']).toBe('dev');
  });
});
