/**
 * Bundles over HTTP(S) against a local server that records requests: ETag and 304, a new revision, a server
 * error, a corrupt bundle, the bearer token, a private CA; and the served policy through PolicyState with the
 * real opa-wasm engine: a failed or corrupt fetch keeps the last good bundle and counts a reload failure.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TollgateError } from '../../src/model/errors.js';
import { BundleFetcher, BundlePoller } from '../../src/webhook/bundle-fetch.js';
import type { Logger } from '../../src/webhook/logger.js';
import { WebhookMetrics } from '../../src/webhook/metrics.js';
import { PolicyState } from '../../src/webhook/policy-state.js';
import { builtinBundleAs, startBundleServer, type BundleServer } from './bundle-server.js';
import { makeTlsFiles, type TlsFiles } from './tls-files.js';

const REV1 = builtinBundleAs('rev-1');
const REV2 = builtinBundleAs('rev-2');

describe('fetching bundles over HTTP', () => {
  let server: BundleServer;
  let dir: string;
  beforeAll(async () => {
    server = await startBundleServer();
    dir = mkdtempSync(join(tmpdir(), 'tollgate-bundle-fetch-'));
  });
  afterAll(() => server.close());

  it('sends the ETag of the served bundle as If-None-Match and takes 304 as unchanged, then a new revision', async () => {
    const fetcher = new BundleFetcher({ url: server.url });
    server.reply(
      { status: 200, body: REV1, etag: '"e1"' },
      { status: 200, body: REV1, etag: '"e1"' },
      { status: 200, body: REV2, etag: '"e2"' },
    );
    const first = await fetcher.fetch();
    expect(first.kind === 'modified' && [first.bundle.manifest.revision, first.etag]).toEqual(['rev-1', '"e1"']);
    fetcher.accept('"e1"');
    expect(await fetcher.fetch()).toEqual({ kind: 'not-modified' });
    const third = await fetcher.fetch();
    expect(third.kind === 'modified' && third.bundle.manifest.revision).toBe('rev-2');
    expect(server.requests.slice(-3).map((request) => [request.method, request.url, request.headers['if-none-match']])).toEqual([
      ['GET', '/bundles/tollgate.tar.gz', undefined],
      ['GET', '/bundles/tollgate.tar.gz', '"e1"'],
      ['GET', '/bundles/tollgate.tar.gz', '"e1"'],
    ]);
  });

  it('reports a server error as unavailable and a corrupt body as a corrupt bundle naming the URL', async () => {
    const fetcher = new BundleFetcher({ url: `${server.url}?token=secret` });
    server.reply({ status: 500 });
    expect(await fetcher.fetch()).toEqual({ kind: 'unavailable', reason: 'HTTP 500 Internal Server Error' });
    server.reply({ status: 200, body: Buffer.from('not a bundle') });
    const corrupt = fetcher.fetch();
    await expect(corrupt).rejects.toThrow(TollgateError);
    await expect(corrupt).rejects.toThrow(/^corrupt bundle: it is not a gzip file$/);
    await fetcher.fetch().catch((error: unknown) => {
      expect((error as TollgateError).format()).toBe(`${server.url}: corrupt bundle: it is not a gzip file`);
    });
  });

  it('sends the bearer token from the file, re-read on every request', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'first-token\n');
    const fetcher = new BundleFetcher({ url: server.url, tokenFile });
    server.reply({ status: 200, body: REV1 });
    await fetcher.fetch();
    writeFileSync(tokenFile, 'rotated-token\n');
    await fetcher.fetch();
    expect(server.requests.slice(-2).map((request) => request.headers.authorization)).toEqual([
      'Bearer first-token',
      'Bearer rotated-token',
    ]);
  });

  it.each([
    [{ url: 'ftp://example.com/b.tar.gz' }, /^--bundle-url must be an http:\/\/ or https:\/\/ URL \(got ftp:\)$/],
    [{ url: 'not a url' }, /^--bundle-url is not a URL: not a url$/],
    [{ url: 'http://127.0.0.1/b', tokenFile: '/nonexistent/token' }, /^bearer token file not found$/],
    [{ url: 'https://127.0.0.1/b', caFile: '/nonexistent/ca.pem' }, /^CA certificate not found$/],
  ])('refuses bad settings at start: %j', (options, message) => {
    expect(() => new BundleFetcher(options)).toThrow(message);
  });
});

describe('fetching bundles over HTTPS from a server with a private CA', () => {
  let server: BundleServer;
  let tls: TlsFiles;
  beforeAll(async () => {
    tls = makeTlsFiles(mkdtempSync(join(tmpdir(), 'tollgate-bundle-tls-')), 'bundles');
    server = await startBundleServer(tls);
    server.reply({ status: 200, body: REV1, etag: '"e1"' });
  });
  afterAll(() => server.close());

  it('trusts the server only with --bundle-ca', async () => {
    const untrusted = await new BundleFetcher({ url: server.url }).fetch();
    expect(untrusted.kind === 'unavailable' && untrusted.reason).toMatch(/self[- ]signed|unable to (get|verify)/i);
    const trusted = await new BundleFetcher({ url: server.url, caFile: tls.caFile }).fetch();
    expect(trusted.kind === 'modified' && trusted.bundle.manifest.revision).toBe('rev-1');
  });
});

describe('polling keeps the last good bundle', () => {
  let server: BundleServer;
  beforeAll(async () => {
    server = await startBundleServer();
  });
  afterAll(() => server.close());

  it('serves the first bundle, keeps it through a 500 and a corrupt bundle (counted), then serves a new revision', async () => {
    const logs: string[] = [];
    const logger: Logger = { log: (level, message, fields = {}) => void logs.push(JSON.stringify({ level, message, ...fields })) };
    const metrics = new WebhookMetrics();
    const policy = new PolicyState({ remoteBundle: true }, logger, metrics);
    const fetcher = new BundleFetcher({ url: server.url });
    const poller = new BundlePoller(fetcher, {
      minDelayMs: 10,
      maxDelayMs: 20,
      activate: (bundle) => policy.serveBundle(bundle),
      logger,
      metrics,
    });
    // Unreachable at first (404): retried until a bundle arrives, the webhook unready meanwhile.
    server.reply({ status: 404 }, { status: 200, body: REV1, etag: '"e1"' });
    expect(await poller.first()).toBe(true);
    expect(policy.current?.revision).toBe('rev-1');
    expect(await metrics.render()).toMatch(/tollgate_bundle_reload_failures_total 1\n/);

    server.reply({ status: 500 });
    await poller.pollOnce();
    server.reply({ status: 200, body: Buffer.from('corrupt'), etag: '"bad"' });
    await poller.pollOnce();
    expect(policy.current?.revision).toBe('rev-1');
    expect(await metrics.render()).toMatch(/tollgate_bundle_reload_failures_total 3\n/);
    expect(await metrics.render()).toContain('tollgate_bundle_info{revision="rev-1"} 1');
    const failures = logs.filter((line) => line.includes('bundle fetch failed'));
    expect(failures).toHaveLength(3);
    expect(failures[2]).toContain('corrupt bundle: it is not a gzip file');

    server.reply({ status: 200, body: REV2, etag: '"e2"' });
    await poller.pollOnce();
    expect(policy.current?.revision).toBe('rev-2');
    expect(await metrics.render()).toContain('tollgate_bundle_info{revision="rev-2"} 1');
    // The rejected bundle's ETag was never taken: the poll after it still named the last good one.
    expect(server.requests.slice(-3).map((request) => request.headers['if-none-match'])).toEqual(['"e1"', '"e1"', '"e1"']);
    await poller.pollOnce();
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"e2"');
    poller.stop();
  });

  it('waits a random delay between the minimum and the maximum', () => {
    const fetcher = new BundleFetcher({ url: server.url });
    const options = {
      minDelayMs: 60_000,
      maxDelayMs: 120_000,
      activate: () => Promise.resolve(),
      logger: { log: () => undefined },
      metrics: new WebhookMetrics(),
    };
    expect(new BundlePoller(fetcher, { ...options, random: () => 0 }).nextDelayMs()).toBe(60_000);
    expect(new BundlePoller(fetcher, { ...options, random: () => 0.5 }).nextDelayMs()).toBe(90_000);
    expect(new BundlePoller(fetcher, { ...options, random: () => 0.999 }).nextDelayMs()).toBe(119_940);
  });
});
