/** A small HTTPS client for the tests: trusts the test CA, returns status, headers and body. */
import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';

export interface HttpsReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body parsed as JSON, for the caller to narrow. */
  json(): unknown;
}

export function httpsRequest(
  port: number,
  ca: Buffer,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, ca, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: (): unknown => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    // Writing a large body the server refuses may fail after the reply arrived; the reply is what counts.
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export const post = (port: number, ca: Buffer, body: unknown, path = '/validate'): Promise<HttpsReply> =>
  httpsRequest(port, ca, 'POST', path, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));

export const get = (port: number, ca: Buffer, path: string): Promise<HttpsReply> => httpsRequest(port, ca, 'GET', path);

/** The certificate the server presents to a new connection. */
export function peerCertificateSubject(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const subject = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(String(subject));
    });
    socket.on('error', reject);
  });
}
