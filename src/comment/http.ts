/**
 * A small JSON client for the code hosts' REST APIs: every answer that is not 2xx becomes one line a user can
 * act on (a TollgateError, exit 2), never a stack trace. Rate limits are read from the headers both hosts send
 * (Retry-After; GitHub's x-ratelimit-remaining/-reset, GitLab's ratelimit-remaining/-reset): a short wait is
 * waited out, a long one is reported with the time the limit resets. Server errors (5xx) and dropped
 * connections are retried with backoff.
 */
import { TollgateError } from '../model/errors.js';
import { backoffDelay, sleep as realSleep, type RetryPolicy } from '../retry.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

export interface RestClientOptions {
  /** "GitHub" or "GitLab", for messages. */
  readonly platform: string;
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Explains a 403 that is not a rate limit: which permission the token needs. */
  readonly forbiddenHint: string;
  readonly retry?: RetryPolicy;
  /** The longest rate-limit wait sat out before giving up with a message. */
  readonly maxRateLimitWaitMs?: number;
  readonly now?: () => number;
  readonly onWait?: (message: string) => void;
}

export const COMMENT_API_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;

function header(headers: Headers, ...names: string[]): string | null {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  return null;
}

/** How long the server asks us to wait, or null when the answer is not a rate limit. */
export function rateLimitWaitMs(status: number, headers: Headers, now: number): number | null {
  const retryAfter = header(headers, 'retry-after');
  const remaining = header(headers, 'x-ratelimit-remaining', 'ratelimit-remaining');
  const limited = status === 429 || (status === 403 && (retryAfter !== null || remaining === '0'));
  if (!limited) return null;
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(header(headers, 'x-ratelimit-reset', 'ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return 60_000;
}

function serverMessage(json: unknown): string {
  if (json === null || typeof json !== 'object') return '';
  const record = json as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof record.message === 'string') parts.push(record.message);
  else if (record.message !== undefined) parts.push(JSON.stringify(record.message));
  if (typeof record.error === 'string') parts.push(record.error);
  if (Array.isArray(record.errors)) {
    for (const item of record.errors as unknown[]) {
      if (typeof item === 'string') parts.push(item);
      else if (item !== null && typeof item === 'object' && typeof (item as { message?: unknown }).message === 'string') {
        parts.push((item as { message: string }).message);
      }
    }
  }
  return parts.join('; ').replace(/\s+/g, ' ').trim();
}

export class RestClient {
  private readonly options: RestClientOptions;

  constructor(options: RestClientOptions) {
    this.options = options;
  }

  /** A path relative to the API root, or a full URL from a Link header (which must stay on the same host). */
  private url(pathOrUrl: string): string {
    if (/^https?:\/\//.test(pathOrUrl)) {
      if (new URL(pathOrUrl).origin !== new URL(this.options.baseUrl).origin) {
        throw new TollgateError(`${this.options.platform}: the API sent a link to another host (${new URL(pathOrUrl).origin})`);
      }
      return pathOrUrl;
    }
    return `${this.options.baseUrl.replace(/\/+$/, '')}${pathOrUrl}`;
  }

  async request(method: string, pathOrUrl: string, body?: unknown): Promise<HttpResponse> {
    const { platform } = this.options;
    const policy = this.options.retry ?? COMMENT_API_RETRY;
    const sleep = policy.sleep ?? realSleep;
    const now = this.options.now ?? Date.now;
    const url = this.url(pathOrUrl);
    const what = `${method} ${new URL(url).pathname}`;
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            accept: 'application/json',
            ...this.options.headers,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          redirect: 'follow',
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
        if (attempt < policy.attempts) {
          await sleep(backoffDelay(attempt, policy));
          continue;
        }
        throw new TollgateError(`${platform}: ${what}: cannot reach ${new URL(url).origin} (${reason})`);
      }
      const text = await response.text();
      let json: unknown = null;
      if (text !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      if (response.ok) return { status: response.status, headers: response.headers, json };

      const wait = rateLimitWaitMs(response.status, response.headers, now());
      if (wait !== null) {
        const maxWait = this.options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
        if (wait <= maxWait && attempt < policy.attempts) {
          this.options.onWait?.(`${platform} rate limit reached; waiting ${Math.ceil(wait / 1000)} s`);
          await sleep(wait);
          continue;
        }
        const resumes = new Date(now() + wait).toISOString().replace(/\.\d{3}Z$/, 'Z');
        throw new TollgateError(`${platform}: ${what}: rate limit reached (${response.status}); it resets at ${resumes}, try again then`);
      }
      if (response.status >= 500 && attempt < policy.attempts) {
        await sleep(backoffDelay(attempt, policy));
        continue;
      }
      const detail = serverMessage(json);
      const said = detail !== '' ? `: ${detail}` : '';
      switch (response.status) {
        case 401:
          throw new TollgateError(`${platform}: ${what}: the token was refused (401)${said}`);
        case 403:
          throw new TollgateError(`${platform}: ${what}: forbidden (403)${said}; ${this.options.forbiddenHint}`);
        case 404:
          throw new TollgateError(
            `${platform}: ${what}: not found (404); check the project and the pull/merge request number, and that the token can see them`,
          );
        case 422:
          throw new TollgateError(`${platform}: ${what}: rejected (422)${said}`);
        default:
          throw new TollgateError(`${platform}: ${what}: ${response.status} ${response.statusText}${said}`);
      }
    }
  }
}

/** The "next" URL of an RFC 8288 Link header (GitHub's pagination), or null on the last page. */
export function nextLink(link: string | null): string | null {
  if (link === null) return null;
  for (const part of link.split(',')) {
    const target = /<([^>]+)>/.exec(part)?.[1];
    const rel = /;\s*rel="?([^";]+)"?/.exec(part)?.[1] ?? '';
    if (target !== undefined && rel.split(/\s+/).includes('next')) return target;
  }
  return null;
}
