/**
 * A local HTTPS server speaking enough of the Kubernetes REST API for the audit: discovery documents, lists
 * with limit/continue (cluster-wide and per namespace), and create/update/delete of PolicyReports with
 * dryRun. It records every request, checks the bearer token, and lets a test answer chosen paths itself
 * (a 403, a 500, a hang). The real client talks to it through a kubeconfig written beside it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTlsFiles, type TlsFiles } from '../webhook/tls-files.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type StoredObject = Record<string, unknown> & { metadata: Record<string, unknown> };

export interface Resource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export const NAMESPACES: Resource = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
export const PODS: Resource = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const DEPLOYMENTS: Resource = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true };
export const REPLICASETS: Resource = { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true };
export const JOBS: Resource = { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true };
export const CRONJOBS: Resource = { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', namespaced: true };

export const CORE_RESOURCES: readonly Resource[] = [
  NAMESPACES,
  PODS,
  DEPLOYMENTS,
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  REPLICASETS,
  JOBS,
  CRONJOBS,
];
export const KSERVE: Resource = {
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
  kind: 'InferenceService',
  namespaced: true,
};
export const PYTORCHJOBS: Resource = { group: 'kubeflow.org', version: 'v1', plural: 'pytorchjobs', kind: 'PyTorchJob', namespaced: true };
export const POLICY_REPORTS: Resource = {
  group: 'wgpolicyk8s.io',
  version: 'v1alpha2',
  plural: 'policyreports',
  kind: 'PolicyReport',
  namespaced: true,
};

export interface FakeApiServerOptions {
  /** Custom resources served besides the built-in ones (KServe, Kubeflow, PolicyReports). */
  readonly extraResources?: readonly Resource[];
  /** Answer a request before the fake does; return undefined to let it. `hang` never answers. */
  readonly intercept?: (request: RecordedRequest) => { status: number; body?: unknown } | 'hang' | undefined;
  /** Serve a page's list items with kind/apiVersion like a CRD list (built-in lists leave them out). */
  readonly token?: string;
}

export interface FakeApiServer {
  readonly url: string;
  readonly tls: TlsFiles;
  readonly dir: string;
  readonly kubeconfig: string;
  readonly requests: RecordedRequest[];
  /** Adds objects; a Namespace by name alone. */
  add(resource: Resource, ...objects: StoredObject[]): void;
  namespace(name: string, labels?: Record<string, string>): void;
  objects(resource: Resource): StoredObject[];
  stop(): Promise<void>;
}

const key = (resource: Resource): string => `${resource.group}/${resource.version}/${resource.plural}`;

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function matchesSelector(object: StoredObject, selector: string | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  const labels = (object.metadata['labels'] ?? {}) as Record<string, string>;
  return selector.split(',').every((term) => {
    const [name = '', value] = term.split('=');
    return labels[name] === value;
  });
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-fake-apiserver-'));
  const tls = makeTlsFiles(dir);
  const token = options.token ?? 'audit-test-token';
  const resources = [...CORE_RESOURCES, ...(options.extraResources ?? [])];
  const store = new Map<string, StoredObject[]>(resources.map((resource) => [key(resource), []]));
  const requests: RecordedRequest[] = [];
  let nextVersion = 1;
  let nextUid = 1;

  const handle = (request: IncomingMessage, response: ServerResponse, body: unknown): void => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
    };
    requests.push(recorded);
    if (request.headers.authorization !== `Bearer ${token}`) {
      send(response, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const intercepted = options.intercept?.(recorded);
    if (intercepted === 'hang') return;
    if (intercepted !== undefined) {
      send(response, intercepted.status, intercepted.body ?? status(intercepted.status, 'Intercepted', `answered ${intercepted.status}`));
      return;
    }
    const parts = url.pathname.split('/').filter((part) => part !== '');
    // /api/v1[/namespaces/NS]/PLURAL[/NAME] or /apis/G/V[/namespaces/NS]/PLURAL[/NAME]
    const [group, version, rest] = parts[0] === 'api' ? ['', parts[1], parts.slice(2)] : [parts[1] ?? '', parts[2], parts.slice(3)];
    const served = resources.filter((resource) => resource.group === group && resource.version === version);
    if (served.length === 0) {
      send(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    if (rest.length === 0) {
      send(response, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group === '' ? version : `${group}/${version}`,
        resources: served.map((resource) => ({
          name: resource.plural,
          namespaced: resource.namespaced,
          kind: resource.kind,
          verbs: ['list'],
        })),
      });
      return;
    }
    let namespace: string | null = null;
    let tail = rest;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1] ?? null;
      tail = rest.slice(2);
    }
    const resource = served.find((candidate) => candidate.plural === tail[0]);
    if (resource === undefined) {
      send(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const objects = store.get(key(resource)) ?? [];
    const name = tail[1];
    const dryRun = url.searchParams.get('dryRun') === 'All';
    const apiVersion = group === '' ? (version ?? '') : `${group}/${version}`;
    if (recorded.method === 'GET' && name === undefined) {
      const matching = objects
        .filter((object) => namespace === null || object.metadata['namespace'] === namespace)
        .filter((object) => matchesSelector(object, url.searchParams.get('labelSelector') ?? undefined));
      const limit = Number(url.searchParams.get('limit') ?? '0');
      const start = Number(url.searchParams.get('continue') ?? '0');
      const end = limit > 0 ? start + limit : matching.length;
      const page = matching.slice(start, end);
      send(response, 200, {
        kind: `${resource.kind}List`,
        apiVersion,
        metadata: { resourceVersion: String(nextVersion), ...(end < matching.length ? { continue: String(end) } : {}) },
        // Like the real server: items of a built-in list carry no kind or apiVersion.
        items: page.map((object) => (group === '' || CORE_RESOURCES.includes(resource) ? stripType(object) : object)),
      });
      return;
    }
    const index = objects.findIndex((object) => object.metadata['namespace'] === namespace && object.metadata['name'] === name);
    if (recorded.method === 'POST') {
      const object = body as StoredObject;
      if (objects.some((o) => o.metadata['namespace'] === namespace && o.metadata['name'] === object.metadata['name'])) {
        send(response, 409, status(409, 'AlreadyExists', 'already exists'));
        return;
      }
      const created = {
        ...object,
        metadata: { ...object.metadata, namespace, uid: `uid-${nextUid++}`, resourceVersion: String(++nextVersion) },
      };
      if (!dryRun) objects.push(created);
      send(response, 201, created);
      return;
    }
    const existing = objects[index];
    if (existing === undefined) {
      send(response, 404, status(404, 'NotFound', `${resource.plural} "${name ?? ''}" not found`));
      return;
    }
    if (recorded.method === 'PUT') {
      const object = body as StoredObject;
      if (object.metadata['resourceVersion'] !== existing.metadata['resourceVersion']) {
        send(response, 409, status(409, 'Conflict', 'the object has been modified'));
        return;
      }
      const replaced = {
        ...object,
        metadata: { ...object.metadata, uid: existing.metadata['uid'], resourceVersion: String(++nextVersion) },
      };
      if (!dryRun) objects[index] = replaced;
      send(response, 200, replaced);
      return;
    }
    if (recorded.method === 'DELETE') {
      if (!dryRun) objects.splice(index, 1);
      send(response, 200, status(200, 'Success', 'deleted'));
      return;
    }
    send(response, 200, { apiVersion, kind: resource.kind, ...existing });
  };

  const server: Server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      handle(request, response, text === '' ? undefined : (JSON.parse(text) as unknown));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(url, tls.ca, token));
  return {
    url,
    tls,
    dir,
    kubeconfig,
    requests,
    add(resource, ...objects) {
      const list = store.get(key(resource));
      if (list === undefined) throw new Error(`${resource.plural} is not served by this fake`);
      for (const object of objects) list.push({ ...object, metadata: { uid: `uid-${nextUid++}`, ...object.metadata } });
    },
    namespace(name, labels = {}) {
      store.get(key(NAMESPACES))?.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    },
    objects(resource) {
      return store.get(key(resource)) ?? [];
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stripType(object: StoredObject): StoredObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

/** A kubeconfig with one context, "fake", trusting the fake's CA and sending its token. */
export function kubeconfigText(server: string, ca: Buffer, token: string, context = 'fake'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${context}`,
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca.toString('base64')}`,
    'users:',
    `- name: ${context}-user`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}-user`,
    '',
  ].join('\n');
}
