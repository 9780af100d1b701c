/**
 * The HTTPS server: routes, body limit, slow-client timeouts, certificate reload and graceful shutdown.
 * Evaluation is synchronous and fast (one PolicyEngine reused for every request); a request is parsed as it is
 * read, and requests read in the same turn of the event loop are prepared and judged by one evaluation
 * (review-batcher.ts), and the event loop serialises evaluations.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TollgateError } from '../model/errors.js';
import { AdmissionHandler } from './admission-handler.js';
import { admissionReview, kindName, MalformedReviewError, parseAdmissionReview } from './admission-review.js';
import type { JsonObject } from '../inputs/kubernetes/object-shape.js';
import { readKeyPair, watchKeyPair } from './certificates.js';
import type { StopWatching } from './file-watch.js';
import type { Logger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';
import type { PolicyState } from './policy-state.js';
import { ReviewBatcher } from './review-batcher.js';
import type { SkipLabelGuard } from './skip-label-guard.js';

export const DEFAULT_PORT = 8443;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;
export const DEFAULT_EVAL_TIMEOUT_MS = 2_000;

export interface ServerTimeouts {
  /** Longest a client may take to send the request headers. */
  readonly headersMs: number;
  /** Longest a client may take to send the whole request, body included. */
  readonly requestMs: number;
  /** How long shutdown waits for in-flight requests before closing their connections. */
  readonly shutdownGraceMs: number;
}

// The API server gives up after the webhook's timeoutSeconds (5 s in deploy/), so nothing legitimate is slower.
export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 5_000, requestMs: 10_000, shutdownGraceMs: 10_000 };

export interface WebhookServerOptions {
  readonly host: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly maxBodyBytes: number;
  readonly evalTimeoutMs: number;
  readonly timeouts: ServerTimeouts;
  /** How often watched files (certificate, bundle, config) are polled. */
  readonly watchIntervalMs: number;
  readonly policy: PolicyState;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  /** Answers POST /validate-skip-label (the Namespace webhook entry); absent: that path is 404. */
  readonly skipLabelGuard?: SkipLabelGuard;
}

/** The path of the webhook entry that guards the opt-out label on Namespaces. */
export const SKIP_LABEL_PATH = '/validate-skip-label';

export interface RunningWebhook {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes. */
  shutdown(): Promise<void>;
}

class BodyTooLargeError extends Error {}

/** The client went away before it sent the whole body: nothing to answer, and not our error. */
class ClientAbortedError extends Error {}

function send(response: ServerResponse, status: number, contentType: string, body: string, close = false): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, close = false): void {
  send(response, status, 'application/json', JSON.stringify(value), close);
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        request.off('data', onData);
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('aborted', () => reject(new ClientAbortedError()));
    request.on('error', () => reject(new ClientAbortedError()));
  });
}

const LISTEN_PROBLEMS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: "the address is not one of this machine's",
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
};

/** Why the server cannot listen, as the user's error (a flag to change), or null for anything else. */
function listenProblem(error: Error, host: string, port: number): TollgateError | null {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  const problem = LISTEN_PROBLEMS[code];
  return problem === undefined ? null : new TollgateError(`cannot listen on ${host}:${port} (--host, --port): ${problem}`);
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<RunningWebhook> {
  const { logger, metrics, policy } = options;
  const handler = new AdmissionHandler({
    policy: () => policy.current,
    metrics,
    logger,
    evalTimeoutMs: options.evalTimeoutMs,
  });
  const reviews = new ReviewBatcher(handler);
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  /** A request answered without a decision is logged and counted, so a misconfigured caller shows up. */
  function reject(request: IncomingMessage, response: ServerResponse, code: 400 | 413, error: string, close = false): void {
    metrics.countRejected(code === 400 ? '400' : '413');
    logger.log('warn', 'admission request rejected', { code, error, client: request.socket.remoteAddress ?? null });
    sendJson(response, code, { error }, close);
  }

  /** The Namespace webhook entry: counted and logged like any admission request, without evaluating the policy. */
  function guardSkipLabel(guard: SkipLabelGuard, body: unknown): JsonObject {
    const request = parseAdmissionReview(body);
    const verdict = guard.judge(request);
    const kind = kindName(request.kind);
    const allowed = verdict.response.allowed;
    metrics.countRequest(
      {
        kind,
        namespace: request.namespace ?? '',
        operation: request.operation,
        allowed,
        dryRun: request.dryRun,
        decision: allowed ? 'allowed' : 'denied',
      },
      [],
    );
    logger.log(allowed ? 'info' : 'warn', 'skip label decision', {
      uid: request.uid,
      kind,
      resource: request.name ?? '',
      operation: request.operation,
      label: guard.label,
      allowed,
      reason: verdict.reason,
      dryRun: request.dryRun,
    });
    return admissionReview(verdict.response);
  }

  async function validate(
    request: IncomingMessage,
    response: ServerResponse,
    receivedAt: number,
    answer: (body: unknown) => JsonObject | Promise<JsonObject>,
  ): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        reject(request, response, 413, `request body is over the ${options.maxBodyBytes}-byte limit (--max-body)`, true);
        return;
      }
      if (error instanceof ClientAbortedError) {
        metrics.countRejected('aborted');
        logger.log('warn', 'admission request aborted by the client before its body was complete', {
          client: request.socket.remoteAddress ?? null,
        });
        response.destroy();
        return;
      }
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      reject(request, response, 400, 'request body is not JSON; expected an AdmissionReview');
      return;
    }
    let answered: JsonObject | Promise<JsonObject>;
    try {
      answered = answer(parsed);
    } catch (error) {
      if (!(error instanceof MalformedReviewError)) throw error;
      reject(request, response, 400, error.message);
      return;
    }
    sendJson(response, 200, await answered);
    metrics.observeDuration((performance.now() - receivedAt) / 1000);
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const path = (request.url ?? '/').split('?')[0];
    const guard = options.skipLabelGuard;
    if (path === '/validate' || (path === SKIP_LABEL_PATH && guard !== undefined)) {
      if (request.method !== 'POST') {
        sendJson(response, 405, { error: 'use POST' });
        return;
      }
      const answer =
        path === '/validate' || guard === undefined
          ? (body: unknown) => reviews.decide(handler.admit(body, receivedAt))
          : (body: unknown) => guardSkipLabel(guard, body);
      return validate(request, response, receivedAt, answer);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'use GET' });
      return;
    }
    if (path === '/healthz') {
      send(response, 200, 'text/plain', 'ok\n');
      return;
    }
    if (path === '/readyz') {
      const ready = policy.current !== null && !shuttingDown;
      send(response, ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : shuttingDown ? 'shutting down\n' : 'policy not loaded\n');
      return;
    }
    sendJson(response, 404, { error: `no route ${path}` });
  }

  const server = createServer(
    {
      ...readKeyPair(options.certFile, options.keyFile),
      minVersion: 'TLSv1.2',
      headersTimeout: options.timeouts.headersMs,
      requestTimeout: options.timeouts.requestMs,
      // Node checks the two timeouts above on this interval (30 s by default, far too coarse for them).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, options.timeouts.headersMs / 4)),
    },
    (request, response) => {
      inFlight += 1;
      response.on('close', () => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
      route(request, response).catch((error: unknown) => {
        // A bug, not the client's fault: answer 500 and log it; the process keeps serving.
        logger.log('error', 'internal error while handling a request', {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error' }, true);
        else response.destroy();
      });
    },
  );
  // TLS handshakes that fail (scanners, wrong CA) are the client's problem; never crash on them.
  server.on('tlsClientError', (error: Error, socket: Socket) => {
    logger.log('debug', 'TLS handshake failed', { error: error.message });
    socket.destroy();
  });
  server.on('clientError', (error: Error, socket: Socket) => {
    logger.log('debug', 'client error', { error: error.message });
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    socket.destroy();
  });

  await new Promise<void>((resolve, fail) => {
    const onError = (error: Error): void => fail(listenProblem(error, options.host, options.port) ?? error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const stopCertificateWatch: StopWatching = watchKeyPair(
    server,
    { certFile: options.certFile, keyFile: options.keyFile },
    logger,
    () => metrics.countCertificateReloadFailure(),
    options.watchIntervalMs,
  );
  const port = (server.address() as AddressInfo).port;
  logger.log('info', 'listening', { host: options.host, port });

  let shutdownPromise: Promise<void> | null = null;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= new Promise<void>((resolve) => {
      shuttingDown = true;
      stopCertificateWatch();
      policy.stop();
      logger.log('info', 'shutting down: finishing in-flight requests', { inFlight });
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const finished = inFlight === 0 ? Promise.resolve() : new Promise<void>((done) => (drained = done));
      const grace = setTimeout(() => {
        logger.log('warn', 'shutdown grace period over; closing remaining connections', { inFlight });
        server.closeAllConnections();
      }, options.timeouts.shutdownGraceMs);
      grace.unref();
      void finished.then(() => server.closeIdleConnections());
      void closed.then(() => {
        clearTimeout(grace);
        logger.log('info', 'stopped');
        resolve();
      });
    });
    return shutdownPromise;
  };
  return { server, port, shutdown };
}
