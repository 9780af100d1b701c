/** AdmissionReview builders for the webhook tests. */
import { readFileSync } from 'node:fs';

export const gpuDeploymentReview = JSON.parse(
  readFileSync(new URL('../../fixtures/k8s/admission/gpu-deployment.json', import.meta.url), 'utf8'),
) as { request: Record<string, unknown> };

let counter = 0;

const KIND_GROUPS: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
};

/** A manifest field as text: strings as they are, other values as JSON, the fallback when absent. */
function textOf(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Wraps an object (from a manifest or a test) into an AdmissionReview v1 request, as the API server would. */
export function reviewFor(object: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const apiVersion = textOf(object['apiVersion'], 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const kind = textOf(object['kind'], 'Unknown');
  const metadata = (object['metadata'] ?? {}) as Record<string, unknown>;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `test-${counter}-${Date.now()}`,
      kind: { group: group ?? KIND_GROUPS[kind] ?? '', version, kind },
      resource: { group, version, resource: `${kind.toLowerCase()}s` },
      name: metadata['name'] ?? null,
      namespace: metadata['namespace'] ?? 'default',
      operation: 'CREATE',
      userInfo: { username: 'tester@example.com', groups: ['system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      ...overrides,
    },
  };
}

export function gpuPodReview(
  namespace: string,
  gkeAccelerator: string,
  gpus = 1,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return reviewFor(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `gpu-${gkeAccelerator}`, namespace },
      spec: {
        nodeSelector: { 'cloud.google.com/gke-accelerator': gkeAccelerator },
        containers: [
          {
            name: 'train',
            image: 'train:1',
            env: [{ name: 'API_KEY', value: 'sk-never-log-this' }],
            resources: { limits: { 'nvidia.com/gpu': gpus } },
          },
        ],
      },
    },
    overrides,
  );
}
