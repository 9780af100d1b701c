/**
 * Real-world objects (../shared/realworld/k8s: KServe samples, Kubewarden admission requests) of the kinds the
 * webhook judges, put in a cluster and audited: each gets from the audit exactly the findings the webhook's
 * own path (policyInputFor + the same engine) gives it. Skips with a message when the folder is absent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCluster, type AuditRun } from '../../src/cli/audit.js';
import type { Finding } from '../../src/model/decision.js';
import { policyInputFor } from '../../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { reviewFor } from '../webhook/reviews.js';
import { startTestServer, type TestServer } from '../webhook/test-server.js';
import { CORE_RESOURCES, KSERVE, PYTORCHJOBS, startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';
import { folder, sampleObjects } from './realworld-samples.js';
import { FIXTURE_CONFIG, NOW } from './workloads.js';

const RESOURCES = [...CORE_RESOURCES, KSERVE, PYTORCHJOBS];

describe('real-world samples: audit decides what the webhook decides', () => {
  if (!existsSync(folder)) {
    it.skip(`skipped: ${folder.pathname} is absent (the shared real-world sample folder is not on this machine)`, () => undefined);
    return;
  }
  const objects = sampleObjects();
  let webhook: TestServer | undefined;
  let cluster: FakeApiServer | undefined;
  let audited: AuditRun;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-realworld-'));
    webhook = await startTestServer({ configFile: FIXTURE_CONFIG });
    cluster = await startFakeApiServer({ extraResources: [KSERVE, PYTORCHJOBS] });
    for (const namespace of new Set(objects.map((object) => String(object.metadata['namespace'])))) cluster.namespace(namespace);
    for (const object of objects) {
      const resource = RESOURCES.find((candidate) => candidate.kind === object['kind']);
      if (resource === undefined) throw new Error(`no fake resource for ${String(object['kind'])}`);
      cluster.add(resource, structuredClone(object));
    }
    audited = await auditCluster({
      kubeconfig: cluster.kubeconfig,
      config: FIXTURE_CONFIG,
      inventory: new URL('../../fixtures/k8s/inventory.yaml', import.meta.url).pathname,
      format: [`json=${join(dir, 'audit.json')}`],
      now: NOW,
      color: false,
      failOn: 'never',
      progress: () => undefined,
      note: () => undefined,
    });
  }, 120_000);

  afterAll(async () => {
    await webhook?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the samples hold objects of several judged kinds, with findings', () => {
    expect(new Set(objects.map((object) => object['kind'])).size).toBeGreaterThanOrEqual(2);
    // Findings to compare, not only clean objects.
    expect(audited.result.decision.violations.length + audited.result.decision.warnings.length).toBeGreaterThan(0);
  });

  it.each(objects.map((object) => [`${String(object['kind'])}/${String(object.metadata['name'])}`, object] as const))(
    '%s: the same findings',
    (_, object) => {
      const policy = webhook?.policy.current;
      if (!policy) throw new Error('no policy loaded');
      const served = policy.engine.evaluate(policyInputFor(parseAdmissionReview(reviewFor(object)), policy, new Date(NOW)));
      const address = `${String(object['kind'])}/${String(object.metadata['namespace'])}/${String(object.metadata['name'])}`;
      const mine = (findings: readonly Finding[]): string[] =>
        findings
          .filter((finding) => finding.resource === address)
          .map((finding) => JSON.stringify(finding))
          .sort();
      expect(audited.result.objects.map((o) => o.address)).toContain(address);
      expect(mine(audited.result.decision.violations)).toEqual(mine(served.violations));
      expect(mine(audited.result.decision.warnings)).toEqual(mine(served.warnings));
    },
  );
});
