/**
 * `tollgate audit --policy-reports`: one wgpolicyk8s.io/v1alpha2 PolicyReport per audited namespace, created
 * or updated, stale Tollgate reports deleted, other tools' reports left alone; every write dry-run first, so a
 * refused write leaves the cluster's reports as they were.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { auditCluster, type AuditCommandOptions } from '../../src/cli/audit.js';
import { TollgateError } from '../../src/model/errors.js';
import type { PolicyReport } from '../../src/audit/policy-reports.js';
import { PODS, POLICY_REPORTS, startFakeApiServer, type FakeApiServer, type RecordedRequest } from './fake-apiserver.js';
import { FIXTURE_CONFIG, NOW, gpuPod } from './workloads.js';

const quiet = (): void => undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-reports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(server: FakeApiServer, overrides: Partial<AuditCommandOptions> = {}): AuditCommandOptions {
  return {
    kubeconfig: server.kubeconfig,
    config: FIXTURE_CONFIG,
    format: [`json=${join(dir, 'audit.json')}`],
    now: NOW,
    color: false,
    failOn: 'never',
    policyReports: true,
    progress: quiet,
    note: quiet,
    ...overrides,
  };
}

function report(namespace: string, name: string, managedBy: string): Record<string, unknown> & { metadata: Record<string, unknown> } {
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: { name, namespace, resourceVersion: '1', labels: { 'app.kubernetes.io/managed-by': managedBy } },
    summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 },
    results: [],
  };
}

const writes = (requests: readonly RecordedRequest[]): RecordedRequest[] => requests.filter((request) => request.method !== 'GET');

async function clusterWithReports(intercept?: Parameters<typeof startFakeApiServer>[0]): Promise<FakeApiServer> {
  const server = await startFakeApiServer({ extraResources: [POLICY_REPORTS], ...intercept });
  for (const name of ['ml-dev', 'ml-prod', 'gone', 'other']) server.namespace(name);
  server.add(PODS, gpuPod('ml-dev', 'forbidden-a100', 'nvidia-tesla-a100'), gpuPod('ml-dev', 'allowed-l4', 'nvidia-l4'));
  server.add(PODS, gpuPod('ml-prod', 'serving-l4', 'nvidia-l4'));
  // A report Tollgate wrote when "gone" still had workloads, and another tool's report.
  server.add(POLICY_REPORTS, report('gone', 'tollgate-audit', 'tollgate'), report('other', 'kyverno-pods', 'kyverno'));
  return server;
}

describe('PolicyReports written back to the cluster', () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('one report per audited namespace, stale Tollgate reports deleted, other reports untouched', async () => {
    server = await clusterWithReports();
    const run = await auditCluster(options(server));
    expect(run.written).toEqual({ created: 2, updated: 0, deleted: 1 });
    const stored = server.objects(POLICY_REPORTS) as unknown as PolicyReport[];
    expect(stored.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual([
      'ml-dev/tollgate-audit',
      'ml-prod/tollgate-audit',
      'other/kyverno-pods',
    ]);
    const devReport = stored.find((r) => r.metadata.namespace === 'ml-dev');
    expect(devReport?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'tollgate' });
    expect(devReport?.summary).toEqual({ pass: 0, fail: 1, warn: 0, error: 0, skip: 0 });
    const pod = server.objects(PODS).find((object) => object.metadata['name'] === 'forbidden-a100');
    expect(devReport?.results).toEqual([
      {
        source: 'tollgate',
        policy: 'TG-GPU-002',
        rule: 'TG-GPU-002',
        category: expect.any(String) as string,
        severity: 'high',
        result: 'fail',
        scored: true,
        message: run.result.decision.violations[0]?.message,
        timestamp: { seconds: Date.parse(NOW) / 1000, nanos: 0 },
        resources: [{ apiVersion: 'v1', kind: 'Pod', name: 'forbidden-a100', namespace: 'ml-dev', uid: pod?.metadata['uid'] }],
      },
    ]);
    // Audited and clean: a report with no results.
    expect(stored.find((r) => r.metadata.namespace === 'ml-prod')?.results).toEqual([]);
  }, 60_000);

  it('sends every write as a server-side dry run before the first real write', async () => {
    server = await clusterWithReports();
    await auditCluster(options(server));
    const sent = writes(server.requests);
    const firstReal = sent.findIndex((request) => request.query['dryRun'] === undefined);
    expect(sent).toHaveLength(6);
    expect(sent.slice(0, firstReal).every((request) => request.query['dryRun'] === 'All')).toBe(true);
    expect(firstReal).toBe(3);
  }, 60_000);

  it('a second run updates its reports in place (with their resourceVersion) and creates nothing', async () => {
    server = await clusterWithReports();
    await auditCluster(options(server));
    server.requests.length = 0;
    const again = await auditCluster(options(server));
    expect(again.written).toEqual({ created: 0, updated: 2, deleted: 0 });
    const puts = writes(server.requests).filter((request) => request.method === 'PUT' && request.query['dryRun'] === undefined);
    expect(puts.map((request) => request.path).sort()).toEqual([
      '/apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-dev/policyreports/tollgate-audit',
      '/apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-prod/policyreports/tollgate-audit',
    ]);
  }, 60_000);

  it('a refused write (403 on one dry run) writes no report at all, no output file, exit 2', async () => {
    server = await clusterWithReports({
      intercept: (request) =>
        request.method === 'POST' && request.path.includes('/namespaces/ml-prod/')
          ? { status: 403, body: { message: 'policyreports is forbidden' } }
          : undefined,
    });
    const before = JSON.stringify(server.objects(POLICY_REPORTS));
    const out = join(dir, 'refused.json');
    const error = await auditCluster(options(server, { format: [`json=${out}`] })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).message).toBe(
      `cluster context fake (${server.url}): cannot create PolicyReport ml-prod/tollgate-audit (dry run): forbidden (403: policyreports is forbidden); ` +
        'see deploy/audit-cronjob.yaml for the RBAC audit needs',
    );
    expect(writes(server.requests).every((request) => request.query['dryRun'] === 'All')).toBe(true);
    expect(JSON.stringify(server.objects(POLICY_REPORTS))).toBe(before);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a cluster without the PolicyReport CRD: one line saying so, nothing written', async () => {
    server = await startFakeApiServer();
    server.namespace('ml-dev');
    const error = await auditCluster(options(server)).catch((caught: unknown) => caught);
    expect((error as TollgateError).message).toBe(
      `cluster context fake (${server.url}): cannot write PolicyReports: the cluster does not serve wgpolicyk8s.io/v1alpha2 policyreports ` +
        '(install the PolicyReport CRD, or run without --policy-reports)',
    );
    expect(writes(server.requests)).toEqual([]);
  }, 60_000);
});
