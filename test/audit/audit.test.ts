/**
 * `tollgate audit` through the real path: the official client against a local HTTPS API server that records
 * every REST call, the real compiled bundle, fixtures/k8s/tollgate.yaml. Namespace exclusions as the webhook's,
 * owned objects judged at their owner, pagination, missing CRDs, and every cluster fault as one error line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditCluster, type AuditCommandOptions } from '../../src/cli/audit.js';
import { TollgateError } from '../../src/model/errors.js';
import { DEPLOYMENTS, KSERVE, PODS, REPLICASETS, kubeconfigText, startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';
import { FIXTURE_CONFIG, NOW, gpuDeployment, gpuPod, gpuReplicaSet } from './workloads.js';

const quiet = (): void => undefined;

let dir: string;
let server: FakeApiServer;

function options(overrides: Partial<AuditCommandOptions> = {}): AuditCommandOptions {
  return {
    kubeconfig: server.kubeconfig,
    config: FIXTURE_CONFIG,
    format: [`json=${join(dir, 'audit.json')}`],
    now: NOW,
    color: false,
    failOn: 'never',
    progress: quiet,
    note: quiet,
    ...overrides,
  };
}

interface AuditJson {
  readonly violations: ReadonlyArray<{ rule: string; resource: string }>;
  readonly warnings: ReadonlyArray<{ rule: string; resource: string }>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-'));
  server = await startFakeApiServer();
  for (const name of ['ml-dev', 'ml-prod', 'kube-system', 'tollgate-system', 'clean']) server.namespace(name);
  server.namespace('opted-out', { 'tollgate.io/skip': 'true' });
  server.add(
    PODS,
    gpuPod('ml-dev', 'forbidden-a100', 'nvidia-tesla-a100'),
    gpuPod('ml-dev', 'allowed-l4', 'nvidia-l4'),
    // Excluded like the webhook's namespaceSelector: never judged.
    gpuPod('kube-system', 'system-a100', 'nvidia-tesla-a100'),
    gpuPod('opted-out', 'optout-a100', 'nvidia-tesla-a100'),
    // Owned by a ReplicaSet (judged at the Deployment that owns it).
    gpuPod('ml-dev', 'web-abc-1', 'nvidia-tesla-a100', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc' }),
    // Owned by a kind Tollgate does not judge: judged itself.
    gpuPod('ml-dev', 'operator-made', 'nvidia-tesla-a100', { apiVersion: 'example.com/v1', kind: 'Trainer', name: 't' }),
    // A non-controller owner reference does not hand the object over.
    gpuPod('ml-dev', 'loosely-owned', 'nvidia-l4', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', controller: false }),
  );
  server.add(DEPLOYMENTS, gpuDeployment('ml-dev', 'web', 'nvidia-tesla-a100'));
  server.add(
    REPLICASETS,
    gpuReplicaSet('ml-dev', 'web-abc', 'nvidia-tesla-a100', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }),
  );
  // Enough compliant pods for several pages (ml-prod's mapping gives them every required tag).
  for (let i = 0; i < 250; i += 1) server.add(PODS, gpuPod('ml-prod', `l4-${String(i).padStart(3, '0')}`, 'nvidia-l4'));
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tollgate audit over a cluster', () => {
  let json: AuditJson;
  let run: Awaited<ReturnType<typeof auditCluster>>;

  beforeAll(async () => {
    server.requests.length = 0;
    run = await auditCluster(options({ pageSize: '100' }));
    json = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as AuditJson;
  }, 60_000);

  it('finds exactly the violating objects, addressed Kind/namespace/name, with the rule ids', () => {
    const violations = json.violations.map((finding) => `${finding.resource} ${finding.rule}`).sort();
    expect(violations).toEqual([
      'Deployment/ml-dev/web TG-GPU-002',
      'Pod/ml-dev/forbidden-a100 TG-GPU-002',
      'Pod/ml-dev/operator-made TG-GPU-002',
    ]);
  });

  it('leaves out kube-system, tollgate-system and namespaces labelled tollgate.io/skip=true, as the webhook does', () => {
    expect(run.result.namespaces.selected).toEqual(['clean', 'ml-dev', 'ml-prod']);
    expect(run.result.namespaces.skipped.map((ns) => ns.name)).toEqual(['kube-system', 'opted-out', 'tollgate-system']);
    expect(run.result.resources.some((resource) => resource.address.startsWith('Pod/kube-system/'))).toBe(false);
  });

  it('judges owned objects once, at their owner (controller references to judged kinds only)', () => {
    const pods = run.result.kinds.find((kind) => kind.kind === 'Pod');
    expect(pods).toMatchObject({ listed: 255, owned: 1, judged: 254 });
    expect(run.result.kinds.find((kind) => kind.kind === 'ReplicaSet')).toMatchObject({ listed: 1, owned: 1, judged: 0 });
    const addresses = run.result.resources.map((resource) => resource.address);
    expect(addresses).not.toContain('Pod/ml-dev/web-abc-1');
    expect(addresses).toContain('Pod/ml-dev/loosely-owned');
  });

  it('reads every list in pages of --page-size with the continue token', () => {
    const podLists = server.requests.filter((request) => request.path === '/api/v1/pods');
    expect(podLists.map((request) => request.query['limit'])).toEqual(['100', '100', '100']);
    expect(podLists.map((request) => request.query['continue'])).toEqual([undefined, '100', '200']);
    // One list across the cluster per kind, not one per namespace.
    expect(server.requests.some((request) => request.path.startsWith('/api/v1/namespaces/ml-dev/'))).toBe(false);
  });

  it('skips kinds whose API the cluster does not serve, with a note, after asking discovery', () => {
    expect(run.result.notes).toEqual([
      'InferenceService (serving.kserve.io/v1beta1) skipped: the cluster does not serve that API (CRD not installed)',
      'PyTorchJob (kubeflow.org/v1) skipped: the cluster does not serve that API (CRD not installed)',
    ]);
    expect(server.requests.filter((request) => request.path === '/apis/serving.kserve.io/v1beta1')).toHaveLength(1);
    expect(server.requests.some((request) => request.path.startsWith('/apis/serving.kserve.io/v1beta1/'))).toBe(false);
  });

  it('only reads: no request but GET', () => {
    expect(new Set(server.requests.map((request) => request.method))).toEqual(new Set(['GET']));
  });

  it('exits as check does: 1 when a violation reaches --fail-on', async () => {
    const { runAudit } = await import('../../src/cli/audit.js');
    expect(await runAudit(options({ failOn: 'deny', namespace: ['ml-dev'] }))).toBe(1);
    expect(await runAudit(options({ failOn: 'deny', namespace: ['ml-prod'] }))).toBe(0);
  }, 60_000);

  it('--namespace lists namespace by namespace', async () => {
    server.requests.length = 0;
    const narrowed = await auditCluster(options({ namespace: ['ml-dev'] }));
    expect(narrowed.result.namespaces.selected).toEqual(['ml-dev']);
    expect(server.requests.some((request) => request.path === '/api/v1/namespaces/ml-dev/pods')).toBe(true);
    expect(server.requests.some((request) => request.path === '/api/v1/pods')).toBe(false);
  }, 60_000);
});

describe('a served custom resource kind is judged', () => {
  let kserve: FakeApiServer;
  beforeAll(async () => {
    kserve = await startFakeApiServer({ extraResources: [KSERVE] });
    kserve.namespace('ml-dev');
    kserve.add(KSERVE, {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'llm', namespace: 'ml-dev', annotations: { 'serving.kserve.io/gke-accelerator': 'nvidia-tesla-a100' } },
      spec: { predictor: { model: { modelFormat: { name: 'pytorch' }, resources: { limits: { 'nvidia.com/gpu': '1' } } } } },
    });
  });
  afterAll(() => kserve.stop());

  it('InferenceServices are listed and judged when the API is installed', async () => {
    const run = await auditCluster(options({ kubeconfig: kserve.kubeconfig }));
    expect(run.result.notes).toEqual(['PyTorchJob (kubeflow.org/v1) skipped: the cluster does not serve that API (CRD not installed)']);
    expect(run.result.decision.violations.map((finding) => `${finding.resource} ${finding.rule}`)).toEqual([
      'InferenceService/ml-dev/llm TG-GPU-002',
    ]);
  }, 60_000);
});

describe('cluster faults: one line naming the cluster and what was read, exit 2, nothing written', () => {
  let faulty: FakeApiServer | undefined;
  afterEach(async () => {
    await faulty?.stop();
    faulty = undefined;
  });

  async function failure(run: Promise<unknown>): Promise<TollgateError> {
    const error = await run.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TollgateError);
    const fault = error as TollgateError;
    expect(fault.exitCode).toBe(2);
    expect(fault.format()).not.toContain('\n');
    return fault;
  }

  it('a forbidden list (403) names the cluster, the kind and the RBAC it needs', async () => {
    faulty = await startFakeApiServer({
      intercept: (request) =>
        request.path === '/apis/apps/v1/deployments'
          ? {
              status: 403,
              body: {
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                code: 403,
                reason: 'Forbidden',
                message: 'deployments.apps is forbidden',
              },
            }
          : undefined,
    });
    faulty.namespace('ml-dev');
    const out = join(dir, 'forbidden.json');
    const fault = await failure(auditCluster(options({ kubeconfig: faulty.kubeconfig, format: [`json=${out}`] })));
    expect(fault.message).toBe(
      `cluster context fake (${faulty.url}): cannot list Deployment objects: forbidden (403: deployments.apps is forbidden); ` +
        'see deploy/audit-cronjob.yaml for the RBAC audit needs',
    );
    expect(() => readFileSync(out)).toThrow();
  }, 60_000);

  it('rejected credentials (401)', async () => {
    faulty = await startFakeApiServer({ token: 'the-right-token' });
    const kubeconfig = join(dir, 'expired-kubeconfig');
    writeFileSync(kubeconfig, kubeconfigText(faulty.url, faulty.tls.ca, 'an-expired-token'));
    const fault = await failure(auditCluster(options({ kubeconfig })));
    expect(fault.message).toBe(
      `cluster context fake (${faulty.url}): cannot list Namespaces: the credentials were rejected (401; expired or revoked token?)`,
    );
  }, 60_000);

  it('an unreachable API server (connection refused)', async () => {
    faulty = await startFakeApiServer();
    const { url, kubeconfig: original } = faulty;
    const kubeconfig = join(dir, 'refused-kubeconfig');
    writeFileSync(kubeconfig, readFileSync(original));
    await faulty.stop();
    faulty = undefined;
    const fault = await failure(auditCluster(options({ kubeconfig })));
    expect(fault.message).toBe(`cluster context fake (${url}): cannot list Namespaces: connection refused`);
  }, 60_000);

  it('a list that does not answer within --request-timeout', async () => {
    faulty = await startFakeApiServer({ intercept: (request) => (request.path === '/api/v1/pods' ? 'hang' : undefined) });
    faulty.namespace('ml-dev');
    const fault = await failure(auditCluster(options({ kubeconfig: faulty.kubeconfig, requestTimeout: '300ms' })));
    expect(fault.message).toBe(`cluster context fake (${faulty.url}): cannot list Pod objects: no answer within 300 ms`);
  }, 60_000);

  it('a server error on a list (500) names the status and the server message', async () => {
    faulty = await startFakeApiServer({
      intercept: (request) =>
        request.path === '/apis/batch/v1/jobs' ? { status: 500, body: { message: 'etcdserver: request timed out' } } : undefined,
    });
    faulty.namespace('ml-dev');
    const fault = await failure(auditCluster(options({ kubeconfig: faulty.kubeconfig })));
    expect(fault.message).toBe(`cluster context fake (${faulty.url}): cannot list Job objects: HTTP 500 (etcdserver: request timed out)`);
  }, 60_000);

  it('a --context the kubeconfig does not have, and a --namespace the cluster does not have', async () => {
    faulty = await startFakeApiServer();
    faulty.namespace('ml-dev');
    expect((await failure(auditCluster(options({ kubeconfig: faulty.kubeconfig, context: 'prod' })))).message).toBe(
      '--context prod is not in the kubeconfig (contexts: fake)',
    );
    expect((await failure(auditCluster(options({ kubeconfig: faulty.kubeconfig, namespace: ['ml-dve'] })))).message).toBe(
      `cluster context fake (${faulty.url}): --namespace ml-dve: no such namespace`,
    );
  }, 60_000);

  it('a kubeconfig that does not exist, and a bad --page-size, before any request', async () => {
    expect((await failure(auditCluster(options({ kubeconfig: join(dir, 'nope') })))).format()).toBe(
      `${join(dir, 'nope')}: kubeconfig not found`,
    );
    expect((await failure(auditCluster(options({ pageSize: '0' })))).message).toBe(
      '--page-size must be a whole number of objects from 1 to 10000 (got "0")',
    );
  }, 60_000);
});
