/**
 * A local HTTP server standing in for GitHub's or GitLab's REST API: it keeps comments in memory, pages them
 * like the real host (Link headers or X-Next-Page), records every call, and can be told to answer one call with
 * an error status and headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface Failure {
  readonly method: string;
  /** Matched against the path without the query string. */
  readonly path: RegExp;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** How many times to fail before answering normally (default: always). */
  times?: number;
}

export interface FakeHost {
  readonly url: string;
  readonly calls: RecordedCall[];
  comments: Array<{ id: number; body: string }>;
  failures: Failure[];
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? null : JSON.parse(text));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    request.on('error', reject);
  });
}

/**
 * `flavour` picks the routes and the paging: GitHub's /repos/o/r/issues/N/comments with Link headers (pages of
 * PAGE_SIZE regardless of per_page, so a few comments span pages), or GitLab's
 * /projects/ID/merge_requests/IID/notes with X-Next-Page.
 */
export async function startFakeHost(flavour: 'github' | 'gitlab'): Promise<FakeHost> {
  let nextId = 1000;
  const host: FakeHost = {
    url: '',
    calls: [],
    comments: [],
    failures: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? '' : JSON.stringify(body));
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = await readBody(request);
      const method = request.method ?? 'GET';
      host.calls.push({ method, path: `${url.pathname}${url.search}`, headers: request.headers, body });
      const failure = host.failures.find((f) => f.method === method && f.path.test(url.pathname) && (f.times ?? 1) > 0);
      if (failure) {
        if (failure.times !== undefined) failure.times -= 1;
        send(response, failure.status, failure.body ?? { message: 'fake failure' }, { ...failure.headers });
        return;
      }
      const list =
        flavour === 'github' ? /^\/api\/repos\/acme\/infra\/issues\/7\/comments$/ : /^\/api\/v4\/projects\/42\/merge_requests\/7\/notes$/;
      const one =
        flavour === 'github'
          ? /^\/api\/repos\/acme\/infra\/issues\/comments\/(\d+)$/
          : /^\/api\/v4\/projects\/42\/merge_requests\/7\/notes\/(\d+)$/;
      if (list.test(url.pathname) && method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const items = host.comments.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
        const more = page * PAGE_SIZE < host.comments.length;
        const headers: Record<string, string> = {};
        if (flavour === 'github' && more) {
          const next = new URL(url.toString());
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${host.url}${next.pathname}${next.search}>; rel="next", <${host.url}${url.pathname}?page=99>; rel="last"`;
        }
        if (flavour === 'gitlab') headers['x-next-page'] = more ? String(page + 1) : '';
        send(response, 200, items, headers);
        return;
      }
      if (list.test(url.pathname) && method === 'POST') {
        const comment = { id: (nextId += 1), body: (body as { body: string }).body };
        host.comments.push(comment);
        send(response, 201, comment);
        return;
      }
      const match = one.exec(url.pathname);
      const existing = match ? host.comments.find((c) => c.id === Number(match[1])) : undefined;
      if (match && existing === undefined) {
        send(response, 404, { message: 'Not Found' });
        return;
      }
      if (existing && (method === 'PATCH' || method === 'PUT')) {
        existing.body = (body as { body: string }).body;
        send(response, 200, existing);
        return;
      }
      if (existing && method === 'DELETE') {
        host.comments = host.comments.filter((c) => c.id !== existing.id);
        response.writeHead(204).end();
        return;
      }
      send(response, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (host as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return host;
}
