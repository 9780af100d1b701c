/**
 * Same object, same finding: every workload of the parity table (test/parity/workloads.ts), put in a cluster
 * and audited, gets exactly the findings the webhook gives the same object — over HTTPS (rule ids and
 * verdicts, as the API server sees them) and in full (rule, severity, message, evidence), under one
 * tollgate.yaml with a custom catalog, usage, hours per month, namespace mappings and a model inventory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCluster, type AuditRun } from '../../src/cli/audit.js';
import type { Finding } from '../../src/model/decision.js';
import { policyInputFor } from '../../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { writeParityFiles, type ParityFiles } from '../parity/files.js';
import { WORKLOADS } from '../parity/workloads.js';
import { post } from '../webhook/https-client.js';
import { reviewFor } from '../webhook/reviews.js';
import { startTestServer, type TestServer } from '../webhook/test-server.js';
import { DEPLOYMENTS, JOBS, PODS, startFakeApiServer, type FakeApiServer, type Resource, type StoredObject } from './fake-apiserver.js';

const NOW = '2026-11-23T00:00:00Z';
const RESOURCES: Readonly<Record<string, Resource>> = { Pod: PODS, Job: JOBS, Deployment: DEPLOYMENTS };

let dir: string;
let files: ParityFiles;
let webhook: TestServer | undefined;
let cluster: FakeApiServer | undefined;
let audited: AuditRun;

function addressOf(object: Record<string, unknown>): string {
  const metadata = object['metadata'] as { name: string; namespace: string };
  return `${String(object['kind'])}/${metadata.namespace}/${metadata.name}`;
}

function verdicts(findings: { violations: readonly Finding[]; warnings: readonly Finding[] }, address: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const finding of findings.warnings.filter((f) => f.resource === address)) result[finding.rule] = 'warning';
  for (const finding of findings.violations.filter((f) => f.resource === address)) result[finding.rule] = 'violation';
  return result;
}

const byRule = (a: Finding, b: Finding): number => (a.rule + a.message < b.rule + b.message ? -1 : 1);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-parity-'));
  files = writeParityFiles(dir);
  webhook = await startTestServer({ configFile: files.config, inventoryFile: files.inventory });
  cluster = await startFakeApiServer();
  const namespaces = new Set<string>();
  for (const workload of WORKLOADS) {
    const object = structuredClone(workload.kubernetes) as StoredObject;
    const resource = RESOURCES[String(object['kind'])];
    if (resource === undefined) throw new Error(`no fake resource for ${String(object['kind'])}`);
    namespaces.add(String(object.metadata['namespace']));
    cluster.add(resource, object);
  }
  for (const namespace of namespaces) cluster.namespace(namespace);
  audited = await auditCluster({
    kubeconfig: cluster.kubeconfig,
    config: files.config,
    inventory: files.inventory,
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

describe.each(WORKLOADS.map((workload) => [workload.name, workload] as const))('%s', (_, workload) => {
  it('audit reaches the rules and verdicts the webhook answers over HTTPS', async () => {
    if (webhook === undefined) throw new Error('the webhook did not start');
    const reply = await post(webhook.port, webhook.tls.ca, reviewFor(workload.kubernetes));
    const response = (reply.json() as { response: { auditAnnotations?: Record<string, string>; warnings?: string[] } }).response;
    const address = addressOf(workload.kubernetes);
    const fromAudit = verdicts(audited.result.decision, address);
    const annotated = response.auditAnnotations?.['rules'] ?? 'none';
    expect(Object.keys(fromAudit).sort()).toEqual(annotated === 'none' ? [] : annotated.split(','));
    expect(fromAudit).toEqual(workload.expected);
  });

  it('audit gives the very findings (rule, severity, message, evidence) the webhook decides', () => {
    const policy = webhook?.policy.current;
    if (!policy) throw new Error('no policy loaded');
    const served = policy.engine.evaluate(policyInputFor(parseAdmissionReview(reviewFor(workload.kubernetes)), policy, new Date(NOW)));
    const address = addressOf(workload.kubernetes);
    const mine = (findings: readonly Finding[]): Finding[] => findings.filter((finding) => finding.resource === address).sort(byRule);
    expect(mine(audited.result.decision.violations)).toEqual(mine(served.violations));
    expect(mine(audited.result.decision.warnings)).toEqual(mine(served.warnings));
    expect(audited.result.decision.recommendations.filter((r) => r.resource === address)).toEqual(
      served.recommendations.filter((r) => r.resource === address),
    );
  });
});

it('every workload of the table was judged once', () => {
  expect(audited.result.objects.map((object) => object.address).sort()).toEqual(WORKLOADS.map((w) => addressOf(w.kubernetes)).sort());
});
