/**
 * An open-loop load generator for bench/webhook.ts (BENCH_LOAD=open): each request is sent at its own scheduled
 * time, `rate` per second evenly spaced, whether or not earlier ones have been answered, and its latency is
 * counted from that scheduled time to the end of its answer, so a server (or a generator) that falls behind pays
 * for every request it delays. autocannon's `overallRate` is not that: each connection sends its share of a second's
 * requests back to back as soon as each answer arrives, then waits for the next second, so "2,000 req/s" over 20
 * connections is a burst of 20 requests always in flight for as long as the server needs to answer 2,000, and its
 * latencies measure how fast the server gets through a queue of 20 (throughput), not how long a request waits at
 * that rate.
 *
 * Requests go over a pool of kept-alive TLS connections, one request at a time on each (HTTP/1.1 without
 * pipelining, as the API server's client); a request whose time comes while every connection is busy waits for
 * one, and that wait counts. The request's bytes are written once and reused, and an answer is read only as far
 * as its status and Content-Length: Node's HTTP client cost twice autocannon's CPU per request, which on two cores
 * came out of the server's share. The first second is sent but not counted: it opens the connections at the rate.
 */
import { connect, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';

export interface OpenLoopOptions {
  readonly port: number;
  readonly path: string;
  readonly ca: Buffer;
  readonly body: string;
  readonly rate: number;
  readonly seconds: number;
  /** Most connections open at once. */
  readonly connections: number;
}

export interface OpenLoopResult {
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number; readonly max: number };
  /** `average`: answers to counted requests per counted second; `total`: every answer, the first second's included. */
  readonly requests: { readonly average: number; readonly total: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/** How long the answers still outstanding at the end are waited for before they count as timeouts. */
const DRAIN_MS = 10_000;
const UNCOUNTED_SECONDS = 1;
const HEADER_END = Buffer.from('\r\n\r\n');

/** One kept-alive connection and the request it is answering, if any. */
interface Connection {
  readonly socket: TLSSocket;
  /** The scheduled time and index of the request in flight on it, or null when it is free. */
  current: { readonly scheduled: number; readonly index: number } | null;
  received: Buffer;
}

/** The answer at the start of `received` once it is complete: its status and its length in bytes; null until then. */
function completeAnswer(received: Buffer): { readonly status: number; readonly length: number } | null {
  const headerEnd = received.indexOf(HEADER_END);
  if (headerEnd < 0) return null;
  const head = received.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const match = /\r\ncontent-length: *(\d+)/i.exec(head);
  const length = headerEnd + HEADER_END.length + Number(match?.[1] ?? 0);
  return received.length >= length ? { status, length } : null;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const bodyBytes = Buffer.from(options.body);
  const requestBytes = Buffer.concat([
    Buffer.from(
      `POST ${options.path} HTTP/1.1\r\nhost: 127.0.0.1:${options.port}\r\ncontent-type: application/json\r\n` +
        `content-length: ${bodyBytes.length}\r\nconnection: keep-alive\r\n\r\n`,
    ),
    bodyBytes,
  ]);
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * (options.seconds + UNCOUNTED_SECONDS));
  const firstCounted = Math.round(options.rate * UNCOUNTED_SECONDS);
  const latencies: number[] = [];
  const waiting: Array<{ readonly scheduled: number; readonly index: number }> = [];
  const free: Connection[] = [];
  const all: Connection[] = [];
  let opening = 0;
  let sent = 0;
  let answered = 0;
  let non2xx = 0;
  let errors = 0;
  let drained: (() => void) | null = null;

  const finishedAll = (): boolean => sent === total && answered + errors === total;
  const dispatch = (connection: Connection): void => {
    const next = waiting.shift();
    if (next === undefined) {
      free.push(connection);
      return;
    }
    connection.current = next;
    connection.socket.write(requestBytes);
  };
  const open = (): void => {
    opening += 1;
    const socket = connect({ host: '127.0.0.1', port: options.port, ca: options.ca, servername: 'localhost' });
    socket.setNoDelay(true);
    const connection: Connection = { socket, current: null, received: Buffer.alloc(0) };
    all.push(connection);
    socket.once('secureConnect', () => {
      opening -= 1;
      dispatch(connection);
    });
    socket.on('data', (chunk: Buffer) => {
      connection.received = connection.received.length === 0 ? chunk : Buffer.concat([connection.received, chunk]);
      const answer = completeAnswer(connection.received);
      const current = connection.current;
      if (answer === null || current === null) return;
      connection.received = connection.received.subarray(answer.length);
      connection.current = null;
      answered += 1;
      if (answer.status !== 200) non2xx += 1;
      if (current.index >= firstCounted) latencies.push(performance.now() - current.scheduled);
      dispatch(connection);
      if (finishedAll()) drained?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (connection.current !== null) {
        errors += 1;
        connection.current = null;
        if (finishedAll()) drained?.();
      }
      const position = free.indexOf(connection);
      if (position >= 0) free.splice(position, 1);
    });
  };
  const submit = (index: number, scheduled: number): void => {
    waiting.push({ scheduled, index });
    const connection = free.pop();
    if (connection !== undefined) dispatch(connection);
    else if (all.length < options.connections && opening < waiting.length) open();
  };

  const start = performance.now();
  await new Promise<void>((done) => {
    // A 1 ms timer submits every request whose time has come, each timed from its own scheduled time.
    const timer = setInterval(() => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        submit(sent, start + sent * interval);
        sent += 1;
      }
      if (sent === total) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  if (!finishedAll()) {
    await new Promise<void>((done) => {
      drained = done;
      setTimeout(done, DRAIN_MS).unref();
    });
  }
  const timeouts = total - answered - errors;
  for (const { socket } of all) socket.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const counted = latencies.length;
  return {
    latency: {
      p50: at(0.5),
      p99: at(0.99),
      average: counted === 0 ? NaN : latencies.reduce((sum, value) => sum + value, 0) / counted,
      max: latencies.at(-1) ?? NaN,
    },
    requests: { average: counted / options.seconds, total: answered },
    non2xx,
    errors,
    timeouts,
  };
}
