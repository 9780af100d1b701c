/** A local bundle server for the tests: answers from a script of replies and records every request. */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readTarEntries } from '../../src/engine/tar.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { tarOf } from '../engine/tar-writer.js';

export interface BundleReply {
  readonly status: number;
  readonly body?: Uint8Array;
  readonly etag?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface BundleServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** What the server answers from now on (the last reply repeats). */
  reply(...replies: BundleReply[]): void;
  close(): Promise<void>;
}

/**
 * The built-in bundle with another .manifest revision; with `enforcement`, every rule's default enforcement
 * in data.tollgate.meta replaced, so the same request gets another decision.
 */
export function builtinBundleAs(revision: string, enforcement?: 'warn' | 'deny'): Buffer {
  const entries = readTarEntries(gunzipSync(readFileSync(builtinBundlePath)), { maxEntryBytes: 1 << 28, maxEntries: 10_000 });
  const files: Record<string, Uint8Array> = Object.fromEntries(entries);
  const manifest = JSON.parse(Buffer.from(files['/.manifest'] ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
  files['/.manifest'] = Buffer.from(JSON.stringify({ ...manifest, revision }));
  if (enforcement) {
    const data = JSON.parse(Buffer.from(files['/data.json'] ?? new Uint8Array()).toString('utf8')) as {
      tollgate: { meta: { rules: Record<string, { enforcement: string }> } };
    };
    for (const rule of Object.values(data.tollgate.meta.rules)) rule.enforcement = enforcement;
    files['/data.json'] = Buffer.from(JSON.stringify(data));
  }
  return gzipSync(tarOf(files));
}

export async function startBundleServer(tls?: { certFile: string; keyFile: string }): Promise<BundleServer> {
  const requests: RecordedRequest[] = [];
  let script: BundleReply[] = [{ status: 404 }];
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const next = (script.length > 1 ? script.shift() : script[0]) ?? { status: 404 };
    if (next.etag !== undefined) response.setHeader('etag', next.etag);
    // As a bundle server would: an unchanged bundle is 304 when the client names its ETag.
    if (next.status === 200 && next.etag !== undefined && request.headers['if-none-match'] === next.etag) {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(next.status, { 'content-type': 'application/gzip' }).end(next.body ? Buffer.from(next.body) : undefined);
  };
  const server = tls
    ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/bundles/tollgate.tar.gz`,
    requests,
    reply: (...replies) => {
      script = replies;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
