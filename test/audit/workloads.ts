/** Objects for the audit tests, judged under fixtures/k8s/tollgate.yaml (dev allows one T4 or L4 per pod). */
import type { StoredObject } from './fake-apiserver.js';

export const FIXTURE_CONFIG = new URL('../../fixtures/k8s/tollgate.yaml', import.meta.url).pathname;
export const NOW = '2026-11-23T00:00:00Z';

function podSpec(accelerator: string): Record<string, unknown> {
  return {
    nodeSelector: { 'cloud.google.com/gke-accelerator': accelerator },
    containers: [{ name: 'train', image: 'registry.example/train:1', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
  };
}

export interface Owner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly controller?: boolean;
}

function ownerReferences(owner: Owner | undefined): Record<string, unknown> {
  if (owner === undefined) return {};
  return { ownerReferences: [{ ...owner, uid: `uid-of-${owner.name}`, controller: owner.controller ?? true }] };
}

export function gpuPod(namespace: string, name: string, accelerator: string, owner?: Owner): StoredObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...ownerReferences(owner) }, spec: podSpec(accelerator) };
}

export function gpuDeployment(namespace: string, name: string, accelerator: string): StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(accelerator) },
    },
  };
}

export function gpuReplicaSet(namespace: string, name: string, accelerator: string, owner?: Owner): StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, ...ownerReferences(owner) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(accelerator) },
    },
  };
}
