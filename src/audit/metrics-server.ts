/**
 * The HTTP endpoint of `tollgate audit --interval`: GET /metrics (Prometheus text) and GET /healthz. Plain
 * HTTP on a port of its own: it serves counts, never objects, as Prometheus scrapes pods in the cluster.
 */
import { createServer, type Server } from 'node:http';
import { TollgateError } from '../model/errors.js';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(host: string, port: number, render: () => string): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || (path !== '/metrics' && path !== '/healthz')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = path === '/metrics' ? render() : 'ok\n';
    response.writeHead(200, { 'content-type': path === '/metrics' ? 'text/plain; version=0.0.4; charset=utf-8' : 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new TollgateError(`cannot serve metrics on ${host}:${port}: ${error.code ?? error.message}`)),
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
