/** The review gate through admission: a workload naming a model is judged against the inventory. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './https-client.js';
import { gpuDeploymentReview } from './reviews.js';
import { startTestServer, type TestServer } from './test-server.js';

interface Answer {
  response: { allowed: boolean; status?: { message: string }; auditAnnotations?: Record<string, string> };
}

describe.each([
  ['with the inventory that approves the version', undefined, true, 'none'],
  ['without an inventory', null, false, 'TG-REV-001'],
])('a prod Deployment serving llama-3-8b-instruct@3.1.0, %s', (_what, inventoryFile, allowed, rules) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(inventoryFile === null ? { inventoryFile: null } : {});
  });
  afterAll(async () => server.stop());

  it(allowed ? 'is admitted' : 'is refused by the review gate', async () => {
    const reply = await post(server.port, server.tls.ca, gpuDeploymentReview);
    const answer = (reply.json() as Answer).response;
    expect(answer.allowed).toBe(allowed);
    expect(answer.auditAnnotations?.['rules']).toBe(rules);
    if (!allowed) expect(answer.status?.message).toContain('no inventory was given');
  });
});
