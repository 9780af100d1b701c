/**
 * Requests that arrive together are judged by one policy evaluation (src/webhook/review-batcher.ts), and each
 * still gets its own answer: the batcher's grouping with a recording handler, and concurrent HTTPS requests of
 * the parity workloads answered exactly as each is answered alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingReview } from '../../src/webhook/admission-handler.js';
import { MAX_REVIEWS_PER_EVALUATION, ReviewBatcher } from '../../src/webhook/review-batcher.js';
import { writeParityFiles } from '../parity/files.js';
import { WORKLOADS } from '../parity/workloads.js';
import { post } from './https-client.js';
import { reviewFor } from './reviews.js';
import { startTestServer, type TestServer } from './test-server.js';

function pendingFor(uid: string): PendingReview {
  return {
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      name: uid,
      namespace: 'default',
      operation: 'DELETE',
      username: null,
      object: null,
      dryRun: false,
    },
    receivedAt: 0,
    outcome: { verdict: { response: { uid, allowed: true }, decision: 'skipped', rules: [], outcomes: [], bundleRevision: null } },
  };
}

describe('ReviewBatcher', () => {
  it('decides the requests of one turn together, at most MAX_REVIEWS_PER_EVALUATION at a time, each its own answer', async () => {
    const calls: string[][] = [];
    const batcher = new ReviewBatcher({
      decide: (pending) => {
        calls.push(pending.map(({ request }) => request.uid));
        return pending.map(({ request }) => ({ uid: request.uid }));
      },
    });
    const uids = Array.from({ length: MAX_REVIEWS_PER_EVALUATION + 3 }, (_, i) => `r${i}`);
    const answers = await Promise.all(uids.map((uid) => batcher.decide(pendingFor(uid))));
    expect(answers).toEqual(uids.map((uid) => ({ uid })));
    expect(calls).toEqual([uids.slice(0, MAX_REVIEWS_PER_EVALUATION), uids.slice(MAX_REVIEWS_PER_EVALUATION)]);
    // A request alone is decided alone.
    await batcher.decide(pendingFor('later'));
    expect(calls.at(-1)).toEqual(['later']);
  });

  it("a handler fault fails that batch's requests only", async () => {
    let fail = true;
    const batcher = new ReviewBatcher({
      decide: (pending) => {
        if (fail) throw new Error('boom');
        return pending.map(({ request }) => ({ uid: request.uid }));
      },
    });
    await expect(batcher.decide(pendingFor('a'))).rejects.toThrow('boom');
    fail = false;
    await expect(batcher.decide(pendingFor('b'))).resolves.toEqual({ uid: 'b' });
  });
});

describe('concurrent admission requests', () => {
  let dir: string;
  let server: TestServer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-batching-'));
    const files = writeParityFiles(dir);
    server = await startTestServer({ configFile: files.config, inventoryFile: files.inventory });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('get, each, the answer the request gets alone', async () => {
    if (server === undefined) throw new Error('the webhook did not start');
    const { port, tls } = server;
    const reviews = Array.from({ length: 4 }, () => WORKLOADS.map((workload) => reviewFor(workload.kubernetes))).flat();
    const answer = async (review: Record<string, unknown>): Promise<unknown> => {
      const reply = await post(port, tls.ca, review);
      expect(reply.status).toBe(200);
      return (reply.json() as { response: unknown }).response;
    };
    const alone: unknown[] = [];
    for (const review of reviews) alone.push(await answer(review));
    const together = await Promise.all(reviews.map(answer));
    expect(together).toEqual(alone);
    // Denials and admissions both, so an answer given to the wrong request would show.
    const allowed = alone.map((response) => (response as { allowed: boolean }).allowed);
    expect(allowed).toContain(true);
    expect(allowed).toContain(false);
  }, 60_000);
});
