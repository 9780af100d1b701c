/**
 * Batched evaluation (tollgate/batch_decisions, PolicyEngine.evaluateBatch) decides exactly what evaluating each
 * input alone decides: over every workload of the parity table (under its tollgate.yaml with a custom catalog
 * and a model inventory, both preloaded by the webhook's policy loader) and every real-world sample object,
 * in one batch, in batches of one (the webhook's path), and with the preloaded facts sent inline instead.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUDGED_KINDS } from '../../src/audit/judged-kinds.js';
import { asAdmitted, AUDIT_BATCH_SIZE, judgeObject, judgeObjects, policyInputForObject } from '../../src/audit/judge-object.js';
import type { Decision } from '../../src/model/decision.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { policyInputFor } from '../../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../../src/webhook/admission-review.js';
import type { ServedPolicy } from '../../src/webhook/policy-state.js';
import { writeParityFiles } from '../parity/files.js';
import { WORKLOADS } from '../parity/workloads.js';
import { reviewFor } from '../webhook/reviews.js';
import { FIXTURE_INVENTORY, startTestServer, type TestServer } from '../webhook/test-server.js';
import { folder, sampleObjects } from './realworld-samples.js';
import { FIXTURE_CONFIG, NOW } from './workloads.js';

const servers: TestServer[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-batched-'));
});

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The policy the webhook serves (its loader preloads the catalog's offers and the inventory). */
async function servedPolicy(configFile: string, inventoryFile: string): Promise<ServedPolicy> {
  const server = await startTestServer({ configFile, inventoryFile });
  servers.push(server);
  const policy = server.policy.current;
  if (policy === null) throw new Error('no policy loaded');
  return policy;
}

/** A decision without its input digest, which names the serialised input rather than the verdict. */
function verdict(decision: Decision | undefined): Omit<Decision, 'inputDigest'> {
  if (decision === undefined) throw new Error('no decision');
  const { inputDigest: _digest, ...rest } = decision;
  return rest;
}

function findingCount(decisions: readonly Decision[]): number {
  return decisions.reduce((sum, d) => sum + d.violations.length + d.warnings.length + d.recommendations.length + d.exempted.length, 0);
}

/** Every way of batching the inputs gives, input by input, the decision of evaluating it alone. */
function expectBatchedAsAlone(policy: ServedPolicy, inputs: readonly PolicyInput[]): void {
  const alone = inputs.map((input) => policy.engine.evaluate(input));
  expect(policy.engine.evaluateBatch(inputs).map(verdict)).toEqual(alone.map(verdict));
  expect(inputs.map((input) => verdict(policy.engine.evaluateBatch([input])[0]))).toEqual(alone.map(verdict));
  // The same facts as copies (not the preloaded objects) are sent with the input, and decide the same.
  const copies = inputs.map((input) => structuredClone(input));
  expect(policy.engine.evaluateBatch(copies).map(verdict)).toEqual(alone.map(verdict));
  // Findings to compare, not only clean inputs.
  expect(findingCount(alone)).toBeGreaterThan(0);
}

describe('parity workloads', () => {
  let policy: ServedPolicy;
  let inputs: PolicyInput[];

  beforeAll(async () => {
    const files = writeParityFiles(dir);
    policy = await servedPolicy(files.config, files.inventory);
    inputs = WORKLOADS.map((workload) => policyInputFor(parseAdmissionReview(reviewFor(workload.kubernetes)), policy, new Date(NOW)));
  }, 60_000);

  it('the inputs carry the preloaded offers and inventory (so the batch leaves them out)', () => {
    expect(inputs.some((input) => input.catalog !== undefined && input.catalog === policy.settings.acceleratorOffers())).toBe(true);
    expect(inputs.every((input) => input.inventory !== undefined && input.inventory === policy.inventory)).toBe(true);
  });

  it('batched decisions equal one-by-one decisions', () => {
    expectBatchedAsAlone(policy, inputs);
  });

  it("the audit's judgeObjects, over several batches, gives each object judgeObject's decision", () => {
    const deployments = WORKLOADS.filter((workload) => workload.kubernetes['kind'] === 'Deployment');
    expect(deployments.length).toBeGreaterThan(1);
    const kind = JUDGED_KINDS.find((judged) => judged.kind === 'Deployment');
    if (kind === undefined) throw new Error('Deployments are not judged');
    // More objects than two batches hold, each a workload of the table under a name of its own.
    const objects = Array.from({ length: 2 * AUDIT_BATCH_SIZE + 3 }, (_, index) => {
      const workload = structuredClone(deployments[index % deployments.length]?.kubernetes ?? {}) as { metadata: Record<string, unknown> };
      return asAdmitted({ ...workload, metadata: { ...workload.metadata, name: `deployment-${index}` } }, kind);
    });
    const audited = { engine: policy.engine, settings: policy.settings, inventory: policy.inventory };
    const batched = judgeObjects(objects, kind, audited, NOW);
    const alone = objects.map((object) => judgeObject(object, kind, audited, NOW));
    expect(batched.map(({ input }) => input)).toEqual(alone.map(({ input }) => input));
    expect(batched.map(({ decision }) => verdict(decision))).toEqual(alone.map(({ decision }) => verdict(decision)));
    expect(findingCount(alone.map(({ decision }) => decision))).toBeGreaterThan(0);
  });

  it('an input with nothing preloaded has the digest evaluate gives it', () => {
    const copy = structuredClone(inputs[0]);
    if (copy === undefined) throw new Error('no workloads');
    expect(policy.engine.evaluateBatch([copy])[0]?.inputDigest).toBe(policy.engine.evaluate(copy).inputDigest);
  });

  it('the digest of a batched input changes when the input does', () => {
    const digests = new Set(policy.engine.evaluateBatch(inputs).map((decision) => decision.inputDigest));
    expect(digests.size).toBe(inputs.length);
  });
});

describe('real-world samples', () => {
  if (!existsSync(folder)) {
    it.skip(`skipped: ${folder.pathname} is absent (the shared real-world sample folder is not on this machine)`, () => undefined);
    return;
  }

  it('batched decisions equal one-by-one decisions', async () => {
    const policy = await servedPolicy(FIXTURE_CONFIG, FIXTURE_INVENTORY);
    const inputs = sampleObjects().map((object) => {
      const kind = JUDGED_KINDS.find((candidate) => candidate.kind === object['kind']);
      if (kind === undefined) throw new Error(`not a judged kind: ${String(object['kind'])}`);
      return policyInputForObject(
        asAdmitted(object, kind),
        kind,
        { engine: policy.engine, settings: policy.settings, inventory: policy.inventory },
        NOW,
      );
    });
    expect(inputs.length).toBeGreaterThan(5);
    expectBatchedAsAlone(policy, inputs);
  }, 60_000);
});
