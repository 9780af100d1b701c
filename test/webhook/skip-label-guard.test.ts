/**
 * The opt-out label is guarded like Gatekeeper's ignore label: through real HTTPS, a Namespace may carry
 * tollgate.io/skip only when it is on the allowed list (kube-system always); removing the label is always allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './https-client.js';
import { reviewFor } from './reviews.js';
import { startTestServer, type TestServer } from './test-server.js';

interface Response {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { code: number; message: string };
}

function namespaceReview(name: string, labels: Record<string, string>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return reviewFor({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }, { name, namespace: name, ...overrides });
}

describe('the skip-label guard (POST /validate-skip-label)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ allowSkipNamespaces: ['tollgate-system', 'sandbox'] });
  });
  afterAll(() => server.stop());

  async function answer(review: Record<string, unknown>): Promise<Response> {
    const reply = await post(server.port, server.tls.ca, review, '/validate-skip-label');
    expect(reply.status).toBe(200);
    const response = (reply.json() as { response: Response }).response;
    expect(response.uid).toBe((review['request'] as { uid: string }).uid);
    return response;
  }

  it('refuses a namespace that sets the label, saying which label and how an admin allows it', async () => {
    const response = await answer(namespaceReview('team-a', { 'tollgate.io/skip': 'true', team: 'a' }));
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.message).toContain('tollgate.io/skip');
    expect(response.status?.message).toContain('webhook.allowSkipNamespaces');
    expect(response.status?.message).toContain('--allow-skip-namespace team-a');
    const line = server.logs.find((entry) => entry.message === 'skip label decision' && entry.fields['resource'] === 'team-a');
    expect(line?.fields).toMatchObject({ allowed: false, reason: 'label-not-allowed', label: 'tollgate.io/skip' });
  });

  it('refuses any value of the label, and keeping it on UPDATE', async () => {
    expect((await answer(namespaceReview('team-b', { 'tollgate.io/skip': 'false' }))).allowed).toBe(false);
    const kept = namespaceReview(
      'team-c',
      { 'tollgate.io/skip': 'true' },
      { operation: 'UPDATE', oldObject: { metadata: { name: 'team-c' } } },
    );
    expect((await answer(kept)).allowed).toBe(false);
  });

  it('allows it on an allowed namespace, on kube-system, and a namespace without it', async () => {
    expect((await answer(namespaceReview('sandbox', { 'tollgate.io/skip': 'true' }))).allowed).toBe(true);
    expect((await answer(namespaceReview('tollgate-system', { 'tollgate.io/skip': 'true' }))).allowed).toBe(true);
    expect((await answer(namespaceReview('kube-system', { 'tollgate.io/skip': 'true' }))).allowed).toBe(true);
    expect((await answer(namespaceReview('team-d', { team: 'd' }))).allowed).toBe(true);
  });

  it('allows removing the label (the new object has none) and deleting a namespace', async () => {
    const removed = namespaceReview(
      'team-e',
      {},
      { operation: 'UPDATE', oldObject: { metadata: { name: 'team-e', labels: { 'tollgate.io/skip': 'true' } } } },
    );
    expect((await answer(removed)).allowed).toBe(true);
    expect((await answer(namespaceReview('team-f', { 'tollgate.io/skip': 'true' }, { operation: 'DELETE' }))).allowed).toBe(true);
  });

  it('counts its decisions with the admission requests', async () => {
    await answer(namespaceReview('team-g', { 'tollgate.io/skip': 'true' }));
    expect(await server.scrape()).toMatch(
      /^tollgate_admission_requests_total\{kind="v1\/Namespace",namespace="team-g",operation="CREATE",allowed="false",dry_run="false",decision="denied"\} 1$/m,
    );
  });

  it('a body that is not an AdmissionReview gets 400, as on /validate', async () => {
    expect((await post(server.port, server.tls.ca, '{"kind":"Nope"}', '/validate-skip-label')).status).toBe(400);
  });
});
