/**
 * The webhook over real HTTPS (openssl-made certificates, 127.0.0.1, port 0) with the real compiled bundle.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { connect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTarEntries } from '../../src/engine/tar.js';
import { parseManifests } from '../../src/inputs/kubernetes/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { tarOf } from '../engine/tar-writer.js';
import { get, httpsRequest, peerCertificateSubject, post, type HttpsReply } from './https-client.js';
import { gpuDeploymentReview, gpuPodReview, reviewFor } from './reviews.js';
import { eventually, FIXTURE_CONFIG, httpGet, startTestServer, type TestServer } from './test-server.js';
import { issueServerCertificate } from './tls-files.js';

interface ReviewResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

function responseOf(reply: HttpsReply): ReviewResponse {
  const body = reply.json() as { apiVersion: string; kind: string; response: ReviewResponse };
  expect(body.apiVersion).toBe('admission.k8s.io/v1');
  expect(body.kind).toBe('AdmissionReview');
  return body.response;
}

/** A well-formed answer: 200, echoes the uid, a boolean verdict, a message on denial, short warnings. */
function expectWellFormed(reply: HttpsReply, uid: string): ReviewResponse {
  expect(reply.status).toBe(200);
  const response = responseOf(reply);
  expect(response.uid).toBe(uid);
  expect(typeof response.allowed).toBe('boolean');
  if (!response.allowed) expect(response.status?.message).toMatch(/\S/);
  for (const warning of response.warnings ?? []) expect(Array.from(warning).length).toBeLessThanOrEqual(120);
  return response;
}

const uidOf = (review: Record<string, unknown>): string => String((review['request'] as Record<string, unknown>)['uid']);

describe('tollgate webhook over HTTPS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ timeouts: { headersMs: 500, requestMs: 1_000 } });
    // The teardown runs only when the server started.
    return () => server.stop();
  });

  it('answers health and readiness on the admission port, and metrics only on the plain-HTTP metrics port', async () => {
    expect((await get(server.port, server.tls.ca, '/healthz')).status).toBe(200);
    expect((await get(server.port, server.tls.ca, '/readyz')).status).toBe(200);
    expect((await get(server.port, server.tls.ca, '/metrics')).status).toBe(404);
    await post(server.port, server.tls.ca, gpuDeploymentReview);
    expect((await httpGet(server.metricsPort, '/healthz')).status).toBe(200);
    const metrics = await httpGet(server.metricsPort, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.text).toMatch(
      /^tollgate_admission_requests_total\{kind="apps\/v1\/Deployment",namespace="ml-prod",operation="CREATE",allowed="true",dry_run="false",decision="allowed"\} [1-9]\d*$/m,
    );
    expect(metrics.text).toMatch(/^tollgate_admission_duration_seconds_bucket\{le="10"\} [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^tollgate_admission_duration_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^tollgate_evaluation_errors_total \d+$/m);
    expect(metrics.text).toMatch(/^tollgate_bundle_info\{revision="[^"]+"\} 1$/m);
    expect(metrics.text).toMatch(/^tollgate_bundle_reload_failures_total 0$/m);
    expect(metrics.text).toMatch(/^tollgate_admission_rejected_total\{code="413"\} \d+$/m);
    // The default process and Node.js metrics, event-loop lag among them.
    expect(metrics.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(metrics.text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('allows the GPU Deployment in prod and echoes uid and audit annotations', async () => {
    const response = expectWellFormed(await post(server.port, server.tls.ca, gpuDeploymentReview), uidOf(gpuDeploymentReview));
    expect(response.allowed).toBe(true);
    expect(response.auditAnnotations).toMatchObject({ decision: 'allowed', rules: 'none' });
    expect(response.auditAnnotations?.['bundle-revision']).toMatch(/\S/);
  });

  it('denies a forbidden GPU class with the rule ids and messages, and logs one line without secrets', async () => {
    const review = gpuPodReview('ml-dev', 'nvidia-tesla-a100');
    const response = expectWellFormed(await post(server.port, server.tls.ca, review), uidOf(review));
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.message).toContain('TG-GPU-002');
    expect(response.status?.message).toContain('"A100"');
    expect(response.auditAnnotations?.['rules']).toBe('TG-GPU-002');
    const line = server.logs.find((entry) => entry.fields['uid'] === uidOf(review));
    expect(line?.fields).toMatchObject({
      kind: 'v1/Pod',
      resource: 'ml-dev/gpu-nvidia-tesla-a100',
      operation: 'CREATE',
      rules: ['TG-GPU-002'],
      allowed: false,
      dryRun: false,
    });
    expect(typeof line?.fields['latencyMs']).toBe('number');
    expect(typeof line?.fields['bundleRevision']).toBe('string');
    expect(server.logText()).not.toContain('sk-never-log-this');
    expect(JSON.stringify(response)).not.toContain('sk-never-log-this');
  });

  it('judges dry-run requests without enforcing them: allowed, with the would-be denial as a warning', async () => {
    const review = gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1, { dryRun: true });
    const response = expectWellFormed(await post(server.port, server.tls.ca, review), uidOf(review));
    expect(response.allowed).toBe(true);
    expect(response.warnings?.[0]).toMatch(/^would_deny \(dry run\): TG-GPU-002/);
    expect(response.auditAnnotations?.['decision']).toBe('would_deny');
    expect(server.logs.find((entry) => entry.fields['uid'] === uidOf(review))?.fields).toMatchObject({
      dryRun: true,
      enforced: false,
      decision: 'would_deny',
    });
  });

  it('counts each request by kind, namespace, operation, allowed and dry_run, and each rule by deny, would_deny or warn', async () => {
    const rule = async (action: string): Promise<number> =>
      Number(
        new RegExp(`^tollgate_admission_rule_findings_total\\{rule="TG-GPU-002",action="${action}"\\} (\\d+)$`, 'm').exec(
          await server.scrape(),
        )?.[1] ?? 0,
      );
    const dryRunPods = async (): Promise<number> =>
      Number(
        /^tollgate_admission_requests_total\{kind="v1\/Pod",namespace="ml-dev",operation="CREATE",allowed="true",dry_run="true",decision="would_deny"\} (\d+)$/m.exec(
          await server.scrape(),
        )?.[1] ?? 0,
      );
    const [deny, wouldDeny, pods] = [await rule('deny'), await rule('would_deny'), await dryRunPods()];
    await post(server.port, server.tls.ca, gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1));
    await post(server.port, server.tls.ca, gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1, { dryRun: true }));
    await post(server.port, server.tls.ca, gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1, { dryRun: true }));
    expect(await rule('deny')).toBe(deny + 1);
    expect(await rule('would_deny')).toBe(wouldDeny + 2);
    expect(await dryRunPods()).toBe(pods + 2);
  });

  it('allows DELETE without evaluating', async () => {
    const review = reviewFor(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'ml-dev' } },
      { operation: 'DELETE', object: null },
    );
    const response = expectWellFormed(await post(server.port, server.tls.ca, review), uidOf(review));
    expect(response).toEqual({ uid: uidOf(review), allowed: true });
    expect(server.logs.find((entry) => entry.fields['uid'] === uidOf(review))?.fields['decision']).toBe('skipped');
  });

  it('judges an unknown kind as kind "other": allowed when its tags are in order', async () => {
    const review = reviewFor({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'ml-dev' },
      spec: { size: 3 },
    });
    expect(expectWellFormed(await post(server.port, server.tls.ca, review), uidOf(review)).allowed).toBe(true);
  });

  it('turns warn-level findings into warnings of at most 120 characters', async () => {
    // TG-GPU-002 is indeterminate (a warning) when the model is unknown: a GPU with no model label.
    const review = reviewFor({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `a-pod-with-a-deliberately-long-name-so-the-warning-has-to-be-truncated-${'x'.repeat(60)}`, namespace: 'ml-dev' },
      spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': 1 } } }] },
    });
    const response = expectWellFormed(await post(server.port, server.tls.ca, review), uidOf(review));
    expect(response.warnings?.length).toBeGreaterThan(0);
    expect(response.warnings?.some((warning) => warning.endsWith('…'))).toBe(true);
  });

  describe('bad input never crashes and never hangs', () => {
    it.each([
      ['not JSON', '{"apiVersion": '],
      ['JSON that is not an object', '[1,2,3]'],
      ['the wrong apiVersion', JSON.stringify({ ...gpuDeploymentReview, apiVersion: 'admission.k8s.io/v1beta1' })],
      ['the wrong kind', JSON.stringify({ ...gpuDeploymentReview, kind: 'Pod' })],
      ['no request', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })],
      ['a missing uid', JSON.stringify({ ...gpuDeploymentReview, request: { ...gpuDeploymentReview.request, uid: undefined } })],
      ['an unknown operation', JSON.stringify({ ...gpuDeploymentReview, request: { ...gpuDeploymentReview.request, operation: 'PATCH' } })],
    ])('%s → 400 with a reason', async (_name, body) => {
      const reply = await post(server.port, server.tls.ca, body);
      expect(reply.status).toBe(400);
      expect((reply.json() as { error: string }).error).toMatch(/\S/);
    });

    it('a 10 MB body → 413', async () => {
      const reply = await post(server.port, server.tls.ca, Buffer.alloc(10 * 1024 * 1024, 0x20));
      expect(reply.status).toBe(413);
    });

    it('a chunked body over the limit → 413', async () => {
      const body = Buffer.alloc(2 * 1024 * 1024, 0x20);
      const reply = await httpsRequest(server.port, server.tls.ca, 'POST', '/validate', body, { 'transfer-encoding': 'chunked' });
      expect(reply.status).toBe(413);
    });

    it('requests answered without a decision are counted by code and logged at warn', async () => {
      const count = async (code: string): Promise<number> =>
        Number(new RegExp(`^tollgate_admission_rejected_total\\{code="${code}"\\} (\\d+)$`, 'm').exec(await server.scrape())?.[1] ?? 0);
      const [before400, before413] = [await count('400'), await count('413')];
      await post(server.port, server.tls.ca, '{"apiVersion": ');
      await post(server.port, server.tls.ca, Buffer.alloc(2 * 1024 * 1024, 0x20));
      expect(await count('400')).toBe(before400 + 1);
      expect(await count('413')).toBe(before413 + 1);
      expect(
        server.logs.some((line) => line.level === 'warn' && line.message === 'admission request rejected' && line.fields['code'] === 413),
      ).toBe(true);
    });

    it('a client that aborts mid-body is counted, not an internal error', async () => {
      const count = async (): Promise<number> =>
        Number(/^tollgate_admission_rejected_total\{code="aborted"\} (\d+)$/m.exec(await server.scrape())?.[1] ?? 0);
      const before = await count();
      await new Promise<void>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: server.port, ca: server.tls.ca, servername: 'localhost' }, () => {
          socket.write(
            'POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":',
            () => {
              setTimeout(() => socket.destroy(), 50);
            },
          );
        });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve());
      });
      await eventually(async () => (await count()) > before, 3_000, 'aborted request counted');
      expect(server.logs.some((line) => line.message.startsWith('internal error'))).toBe(false);
    });

    it('wrong method and path', async () => {
      expect((await get(server.port, server.tls.ca, '/validate')).status).toBe(405);
      expect((await get(server.port, server.tls.ca, '/nope')).status).toBe(404);
    });

    it('a client that never finishes its body is cut off within the request timeout', async () => {
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: server.port, ca: server.tls.ca, servername: 'localhost' }, () => {
          socket.write(
            'POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":',
          );
        });
        socket.on('data', () => undefined);
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
        setTimeout(() => reject(new Error('socket still open after 5 s')), 5_000).unref();
      });
      expect(closedAfter).toBeLessThan(3_000);
    });

    it('a client that never finishes its headers is cut off within the headers timeout', async () => {
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: server.port, ca: server.tls.ca, servername: 'localhost' }, () => {
          socket.write('POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        });
        socket.on('data', () => undefined);
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
        setTimeout(() => reject(new Error('socket still open after 5 s')), 5_000).unref();
      });
      expect(closedAfter).toBeLessThan(3_000);
    });

    it('keeps serving after all of the above', async () => {
      expect(expectWellFormed(await post(server.port, server.tls.ca, gpuDeploymentReview), uidOf(gpuDeploymentReview)).allowed).toBe(true);
    });
  });

  it('serves a rotated certificate to new connections', async () => {
    expect(await peerCertificateSubject(server.port, server.tls.ca)).toBe('tollgate-test');
    issueServerCertificate(server.dir, 'tollgate-rotated');
    await eventually(
      async () => (await peerCertificateSubject(server.port, server.tls.ca)) === 'tollgate-rotated',
      5_000,
      'new certificate served',
    );
    expect((await get(server.port, server.tls.ca, '/healthz')).status).toBe(200);
  });
});

describe('real-world samples', () => {
  const folder = new URL('../../../shared/realworld/k8s/', import.meta.url);
  const present = existsSync(folder);
  if (!present) {
    it.skip(`skipped: ${folder.pathname} is absent (the shared real-world sample folder is not on this machine)`, () => undefined);
    return;
  }
  const files = readdirSync(folder).sort();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // The teardown runs only when the server started.
    return () => server.stop();
  });

  /** AdmissionReviews as stored (some samples keep only the request), manifests wrapped as the API server would. */
  function reviewsOf(file: string): Array<Record<string, unknown>> {
    const text = readFileSync(new URL(file, folder), 'utf8');
    if (file.endsWith('.json')) {
      const value = JSON.parse(text) as Record<string, unknown>;
      return [value['request'] ? value : { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: value }];
    }
    return parseManifests(text, file).map((object) => reviewFor(object as Record<string, unknown>));
  }

  it.each(files)('%s gets a well-formed answer', async (file) => {
    for (const review of reviewsOf(file)) {
      expectWellFormed(await post(server.port, server.tls.ca, review), uidOf(review));
    }
  });
});

describe('hot reload', () => {
  let server: TestServer;
  let bundleFile: string;
  let configFile: string;
  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-reload-'));
    bundleFile = join(dir, 'bundle.tar.gz');
    configFile = join(dir, 'tollgate.yaml');
    copyFileSync(builtinBundlePath, bundleFile);
    copyFileSync(FIXTURE_CONFIG, configFile);
    server = await startTestServer({ bundleFile, configFile });
    // The teardown runs only when the server started.
    return () => server.stop();
  });

  const a100InDev = async (): Promise<boolean> => {
    const review = gpuPodReview('ml-dev', 'nvidia-tesla-a100');
    return responseOf(await post(server.port, server.tls.ca, review)).allowed;
  };

  it('applies a changed config without a restart', async () => {
    expect(await a100InDev()).toBe(false);
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('allowed_models: [T4, L4]', 'allowed_models: [T4, L4, A100]'));
    await eventually(a100InDev, 5_000, 'A100 allowed after the config change');
  });

  it('keeps serving the old policy when the new bundle is broken, and says so in logs and metrics', async () => {
    const revision = server.policy.current?.revision;
    writeFileSync(bundleFile, 'this is not a bundle');
    await eventually(
      async () => /^tollgate_bundle_reload_failures_total [1-9]/m.test(await server.scrape()),
      5_000,
      'reload failure counted',
    );
    expect(server.logs.some((line) => line.level === 'error' && line.message.includes('reload failed'))).toBe(true);
    expect(server.policy.current?.revision).toBe(revision);
    expect((await get(server.port, server.tls.ca, '/readyz')).status).toBe(200);
    expect(await a100InDev()).toBe(true);
    copyFileSync(builtinBundlePath, bundleFile);
    await eventually(() => server.logs.filter((line) => line.message === 'policy reloaded').length >= 2, 5_000, 'reload after repair');
  });

  it('refuses a bundle without its data and counts the failure', async () => {
    const failures = async (): Promise<number> => Number(/^tollgate_bundle_reload_failures_total (\d+)/m.exec(await server.scrape())?.[1]);
    const before = await failures();
    const entries = readTarEntries(gunzipSync(readFileSync(builtinBundlePath)), { maxEntryBytes: 1 << 28, maxEntries: 100 });
    entries.delete('/data.json');
    writeFileSync(bundleFile, gzipSync(tarOf(Object.fromEntries(entries))));
    await eventually(async () => (await failures()) > before, 5_000, 'incomplete bundle counted');
    expect(server.logs.some((line) => line.level === 'error' && String(line.fields['error']).includes('/data.json is missing'))).toBe(true);
    expect(await a100InDev()).toBe(true);
    copyFileSync(builtinBundlePath, bundleFile);
  });

  it('keeps serving the old config when the new one is invalid', async () => {
    const failures = async (): Promise<number> => Number(/^tollgate_bundle_reload_failures_total (\d+)/m.exec(await server.scrape())?.[1]);
    const before = await failures();
    writeFileSync(configFile, 'environments: [this, is, not, a, map]\n');
    await eventually(async () => (await failures()) > before, 5_000, 'invalid config counted');
    expect(await a100InDev()).toBe(true);
  });
});

describe('evaluation timeout', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ evalTimeoutMs: 0.001 });
    // The teardown runs only when the server started.
    return () => server.stop();
  });

  it('denies with a clear message when judging overruns the deadline (fail closed)', async () => {
    const response = expectWellFormed(await post(server.port, server.tls.ca, gpuDeploymentReview), uidOf(gpuDeploymentReview));
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toMatch(/^Tollgate could not judge this request: .*evaluation timeout/);
    expect(await server.scrape()).toMatch(/^tollgate_evaluation_errors_total 1$/m);
  });
});
