/**
 * Policy bundles over HTTP(S), the way OPA's bundle service protocol serves them: a GET of a gzip tar bundle
 * (`opa build -t wasm` / `tollgate build` output, with its `.manifest` revision), `If-None-Match` with the ETag
 * of the bundle being served so an unchanged bundle costs a 304 Not Modified, an optional
 * `Authorization: Bearer <token>` read from a file on every request (so a rotated token is picked up), and an
 * optional private CA. Polls wait a random delay between a minimum and a maximum, as OPA's min/max delay do,
 * so replicas do not poll in step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BUNDLE_LIMITS, parseBundle, type Bundle } from '../engine/bundle.js';
import { TollgateError } from '../model/errors.js';
import type { Logger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';

export interface BundleFetchOptions {
  readonly url: string;
  /** A file holding a bearer token (sent as `Authorization: Bearer <token>`). */
  readonly tokenFile?: string;
  /** PEM certificates of a private CA that signs the bundle server's certificate (added to the system CAs). */
  readonly caFile?: string;
  /** Give up on one request after this long. */
  readonly timeoutMs?: number;
}

export type FetchOutcome =
  | { readonly kind: 'modified'; readonly bundle: Bundle; readonly etag: string | null }
  | { readonly kind: 'not-modified' }
  /** The server could not be reached or did not answer 200/304: try again later. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

/** The URL as it may be logged: no user info, no query (either may carry a secret). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TollgateError(`--bundle-url is not a URL: ${text}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TollgateError(`--bundle-url must be an http:// or https:// URL (got ${url.protocol})`);
  }
  return url;
}

function readCa(file: string): Buffer {
  if (!existsSync(file)) throw new TollgateError('CA certificate not found', { file });
  const pem = readFileSync(file);
  if (!pem.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) {
    throw new TollgateError('expected PEM certificates (-----BEGIN CERTIFICATE-----) for --bundle-ca', { file });
  }
  return pem;
}

function readToken(file: string): string {
  if (!existsSync(file)) throw new TollgateError('bearer token file not found', { file });
  const token = readFileSync(file, 'utf8').trim();
  if (token === '' || /\s/.test(token)) throw new TollgateError('expected one bearer token (no spaces) in --bundle-token-file', { file });
  return token;
}

/** Reads a response body up to the bundle size limit; null when it is larger. */
function readBody(response: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BUNDLE_LIMITS.compressedBytes) {
        response.destroy();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}

/** One bundle source: remembers the ETag of the bundle being served, which is sent as If-None-Match. */
export class BundleFetcher {
  readonly url: URL;
  private readonly ca: Buffer | undefined;
  private etag: string | null = null;

  constructor(private readonly options: BundleFetchOptions) {
    this.url = parseUrl(options.url);
    this.ca = options.caFile === undefined ? undefined : readCa(options.caFile);
    if (options.caFile !== undefined && this.url.protocol !== 'https:')
      throw new TollgateError('--bundle-ca needs an https:// --bundle-url');
    // A missing or empty token file is a start-up mistake, not a first fetch that fails with 401.
    if (options.tokenFile !== undefined) readToken(options.tokenFile);
  }

  get where(): string {
    return displayUrl(this.url);
  }

  /** The bundle was activated: later requests ask whether it changed. */
  accept(etag: string | null): void {
    this.etag = etag;
  }

  /**
   * One GET. A 200 whose body is not a loadable bundle throws a TollgateError (corrupt bundle); a transport
   * failure or any other status is `unavailable`.
   */
  async fetch(): Promise<FetchOutcome> {
    const headers: Record<string, string> = { accept: 'application/gzip, application/vnd.openpolicyagent.bundle' };
    if (this.etag !== null) headers['if-none-match'] = this.etag;
    if (this.options.tokenFile !== undefined) {
      try {
        headers.authorization = `Bearer ${readToken(this.options.tokenFile)}`;
      } catch (error) {
        return { kind: 'unavailable', reason: error instanceof TollgateError ? error.format() : String(error) };
      }
    }
    let response: IncomingMessage;
    try {
      response = await this.get(headers);
    } catch (error) {
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    const status = response.statusCode ?? 0;
    if (status === 304) {
      response.resume();
      return { kind: 'not-modified' };
    }
    if (status !== 200) {
      response.resume();
      return { kind: 'unavailable', reason: `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` };
    }
    let body: Buffer | null;
    try {
      body = await readBody(response);
    } catch (error) {
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    if (body === null) throw new TollgateError(`bundle larger than ${BUNDLE_LIMITS.compressedBytes} bytes`, { file: this.where });
    const etag = response.headers.etag ?? null;
    return { kind: 'modified', bundle: parseBundle(body, this.where), etag };
  }

  private get(headers: Record<string, string>): Promise<IncomingMessage> {
    const timeout = this.options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const options = { method: 'GET', headers, timeout, ...(this.ca ? { ca: this.ca } : {}) };
      const req = this.url.protocol === 'https:' ? httpsRequest(this.url, options, resolve) : httpRequest(this.url, options, resolve);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

export interface BundlePollOptions {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Replaces the served policy with this bundle; throws when the bundle cannot be served. */
  readonly activate: (bundle: Bundle) => Promise<void>;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  readonly random?: () => number;
}

function describe(error: unknown): string {
  if (error instanceof TollgateError) return error.format();
  return error instanceof Error ? error.message : String(error);
}

/**
 * Fetches the first bundle, then polls for changes. A failed fetch or a bundle that does not load keeps the
 * bundle being served: one log line and one reload failure counted; the ETag of the served bundle is kept,
 * so a rejected bundle is fetched again on the next poll rather than taken as current.
 */
export class BundlePoller {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly fetcher: BundleFetcher,
    private readonly options: BundlePollOptions,
  ) {}

  /** The wait before the next poll: uniformly between the minimum and maximum delay. */
  nextDelayMs(): number {
    const { minDelayMs, maxDelayMs } = this.options;
    return Math.round(minDelayMs + (this.options.random ?? Math.random)() * (maxDelayMs - minDelayMs));
  }

  /**
   * Until the first bundle is served: an unreachable server or an error status is logged and tried again after
   * the poll delay (the webhook stays unready meanwhile); a bundle that arrives but cannot be served throws,
   * as a corrupt `--bundle` file does. False when stopped before a bundle arrived.
   */
  async first(): Promise<boolean> {
    while (!this.stopped) {
      const outcome = await this.fetcher.fetch();
      if (outcome.kind === 'modified') {
        await this.options.activate(outcome.bundle);
        this.fetcher.accept(outcome.etag);
        return true;
      }
      this.failed(outcome.kind === 'unavailable' ? outcome.reason : 'HTTP 304 before any bundle was served');
      await this.sleep(this.nextDelayMs());
    }
    return false;
  }

  /** Polls after the first bundle until stop(). */
  start(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().then(() => {
        this.start();
      });
    }, this.nextDelayMs());
  }

  /** One poll; never throws. */
  async pollOnce(): Promise<void> {
    try {
      const outcome = await this.fetcher.fetch();
      if (outcome.kind === 'not-modified') {
        this.options.logger.log('debug', 'bundle not modified', { url: this.fetcher.where });
        return;
      }
      if (outcome.kind === 'unavailable') {
        this.failed(outcome.reason);
        return;
      }
      await this.options.activate(outcome.bundle);
      this.fetcher.accept(outcome.etag);
    } catch (error) {
      this.failed(describe(error));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
  }

  private failed(reason: string): void {
    this.options.metrics.countReloadFailure();
    this.options.logger.log('error', 'bundle fetch failed; the bundle being served (if any) stays', {
      url: this.fetcher.where,
      error: reason,
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
