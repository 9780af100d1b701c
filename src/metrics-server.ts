/**
 * A plain-HTTP endpoint for Prometheus: GET /metrics (the text exposition) and GET /healthz (the process is alive).
 * Used by `tollgate serve --metrics-port` and `tollgate audit --interval`. Plain HTTP on a port of its own: it
 * serves counts, never objects, and Prometheus scrapes pods in the cluster without the webhook's TLS set-up.
 */
import { createServer, type Server } from 'node:http';
import { TollgateError } from './model/errors.js';

/** The Prometheus text format 0.0.4, which prom-client writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts listening; `port` 0 picks a free one. `flag` names the option that set the address, for errors. */
export async function startMetricsServer(
  host: string,
  port: number,
  render: () => string | Promise<string>,
  flag = '--metrics-port',
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if ((request.method !== 'GET' && request.method !== 'HEAD') || (path !== '/metrics' && path !== '/healthz')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    Promise.resolve()
      .then(render)
      .then(
        (body) => response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(body),
        (error: unknown) => {
          // A worker that did not answer in time: the scrape fails visibly (Prometheus marks the target down).
          const reason = error instanceof Error ? error.message : String(error);
          response.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${reason}\n`);
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new TollgateError(`cannot serve metrics on ${host}:${port} (${flag}): ${error.code ?? error.message}`)),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
