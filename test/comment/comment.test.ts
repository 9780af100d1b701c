/**
 * Posting the report on a pull/merge request against a local server that behaves like the code host's REST API
 * and records every call: paging through existing comments, the three behaviours, cutting to the size limit,
 * and the answers a user must be able to act on (404, 403, 422, rate limits).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MARKER, carriesMarker, commentBody, markerFor } from '../../src/comment/body.js';
import { GITHUB_COMMENT_LIMIT, githubPlatform } from '../../src/comment/github.js';
import { gitlabPlatform } from '../../src/comment/gitlab.js';
import { nextLink, rateLimitWaitMs } from '../../src/comment/http.js';
import { postReport } from '../../src/comment/post.js';
import { isTollgateError } from '../../src/model/errors.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

const SUMMARY = '## Tollgate\n\n2 violations, 1 warning in 12 resources\n';
const waits: number[] = [];
const noSleep = { attempts: 3, baseDelayMs: 1, maxDelayMs: 120_000, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };

let host: FakeHost;
afterEach(async () => {
  waits.length = 0;
  await host.close();
});

function github(options: { now?: () => number } = {}) {
  return githubPlatform(
    { apiUrl: `${host.url}/api`, repository: 'acme/infra', pullRequest: 7, token: 'ghs_secret' },
    { retry: noSleep, ...options },
  );
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isTollgateError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a TollgateError');
}

const calls = () => host.calls.map((c) => `${c.method} ${c.path}`);

describe('tollgate comment on GitHub', () => {
  beforeEach(async () => {
    host = await startFakeHost('github');
  });

  it('creates the comment when no earlier report is there, after reading every page', async () => {
    host.comments = [1, 2, 3].map((n) => ({ id: n, body: `a person's comment ${n}` }));
    const posted = await postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'update' });
    expect(posted).toMatchObject({ action: 'created', deleted: 0, truncated: false });
    expect(calls()).toEqual([
      'GET /api/repos/acme/infra/issues/7/comments?per_page=100',
      'GET /api/repos/acme/infra/issues/7/comments?per_page=100&page=2',
      'POST /api/repos/acme/infra/issues/7/comments',
    ]);
    expect(host.comments.at(-1)?.body).toBe(`${MARKER}\n${SUMMARY}`);
    expect(host.calls[0]?.headers.authorization).toBe('Bearer ghs_secret');
    expect(host.calls[0]?.headers['x-github-api-version']).toBe('2022-11-28');
  });

  it('updates the latest report comment in place, found on a later page', async () => {
    host.comments = [
      { id: 1, body: `${MARKER}\nold report` },
      { id: 2, body: 'looks good' },
      { id: 3, body: `${MARKER}\nolder but later report` },
      { id: 4, body: `quoting:\n${MARKER}` },
    ];
    const posted = await postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'update' });
    expect(posted).toMatchObject({ action: 'updated', id: 3 });
    expect(calls().filter((c) => !c.startsWith('GET'))).toEqual(['PATCH /api/repos/acme/infra/issues/comments/3']);
    expect(host.comments.map((c) => c.id)).toEqual([1, 2, 3, 4]);
  });

  it('leaves an identical report alone', async () => {
    host.comments = [{ id: 5, body: `${MARKER}\n${SUMMARY}` }];
    const posted = await postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'update' });
    expect(posted.action).toBe('unchanged');
    expect(calls().every((c) => c.startsWith('GET'))).toBe(true);
  });

  it('new: adds a comment without reading the others', async () => {
    host.comments = [{ id: 5, body: `${MARKER}\nold` }];
    await postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'new' });
    expect(calls()).toEqual(['POST /api/repos/acme/infra/issues/7/comments']);
    expect(host.comments).toHaveLength(2);
  });

  it('delete-and-new: removes every earlier report, then adds one at the bottom', async () => {
    host.comments = [
      { id: 1, body: `${MARKER}\nfirst` },
      { id: 2, body: 'a review remark' },
      { id: 3, body: `${MARKER}\nsecond` },
    ];
    const posted = await postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'delete-and-new' });
    expect(posted).toMatchObject({ action: 'created', deleted: 2 });
    expect(calls().filter((c) => !c.startsWith('GET'))).toEqual([
      'DELETE /api/repos/acme/infra/issues/comments/1',
      'DELETE /api/repos/acme/infra/issues/comments/3',
      'POST /api/repos/acme/infra/issues/7/comments',
    ]);
    expect(host.comments.map((c) => c.body.split('\n')[0])).toEqual(['a review remark', MARKER]);
  });

  it('keeps one comment per tag', async () => {
    host.comments = [{ id: 1, body: `${markerFor('prod')}\nprod report` }];
    await postReport(github(), { summary: SUMMARY, marker: markerFor('staging'), behaviour: 'update' });
    expect(host.comments.map((c) => c.body.split('\n')[0])).toEqual([markerFor('prod'), markerFor('staging')]);
  });

  it('cuts a summary over 65,536 characters with a note naming the full report', async () => {
    const huge = Array.from({ length: 3000 }, (_, i) => `| aws_instance.gpu[${i}] | TG-GPU-001 | 8 x H100 exceed the limit |`).join('\n');
    const posted = await postReport(github(), {
      summary: `## Tollgate\n\n<details><summary>All findings</summary>\n\n${huge}\n</details>\n`,
      marker: MARKER,
      behaviour: 'update',
      fullReport: 'https://ci.example/run/1',
    });
    expect(posted.truncated).toBe(true);
    const body = host.comments.at(-1)?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 1000);
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(body).toContain("cut to fit GitHub's comment limit (65,536 characters): the full report is at https://ci.example/run/1");
    // The open <details> is closed before the note, so the note is not hidden inside it.
    expect(body.indexOf('</details>')).toBeLessThan(body.indexOf('cut to fit'));
  });

  it.each([
    [404, {}, 'not found (404); check the project and the pull/merge request number, and that the token can see them'],
    [403, {}, 'forbidden (403): Resource not accessible by integration; the workflow needs `permissions: pull-requests: write`'],
    [401, {}, 'the token was refused (401): Bad credentials'],
  ])('turns a %i on the list into one line', async (status, headers, expected) => {
    const message = status === 401 ? 'Bad credentials' : status === 403 ? 'Resource not accessible by integration' : 'Not Found';
    host.failures.push({ method: 'GET', path: /comments$/, status, headers, body: { message } });
    const text = await failure(postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'update' }));
    expect(text).toContain(`GitHub: GET /api/repos/acme/infra/issues/7/comments: ${expected}`);
    expect(text).not.toContain('\n');
    expect(host.comments).toEqual([]);
  });

  it('names what GitHub rejected in a 422', async () => {
    host.failures.push({
      method: 'POST',
      path: /comments$/,
      status: 422,
      body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', message: 'Body is too long' }] },
    });
    const text = await failure(postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'new' }));
    expect(text).toBe('GitHub: POST /api/repos/acme/infra/issues/7/comments: rejected (422): Validation Failed; Body is too long');
  });

  it('waits out a short secondary rate limit (Retry-After) and goes on', async () => {
    host.failures.push({ method: 'POST', path: /comments$/, status: 403, headers: { 'retry-after': '30' }, times: 1 });
    const posted = await postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'new' });
    expect(posted.action).toBe('created');
    expect(waits).toEqual([30_000]);
    expect(calls()).toEqual(['POST /api/repos/acme/infra/issues/7/comments', 'POST /api/repos/acme/infra/issues/7/comments']);
  });

  it('gives up on an exhausted primary rate limit with the time it resets', async () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const reset = String(now / 1000 + 3600);
    host.failures.push({
      method: 'GET',
      path: /comments$/,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const text = await failure(postReport(github({ now: () => now }), { summary: SUMMARY, marker: MARKER, behaviour: 'update' }));
    expect(text).toBe(
      'GitHub: GET /api/repos/acme/infra/issues/7/comments: rate limit reached (403); it resets at 2026-12-01T13:00:00Z, try again then',
    );
    expect(waits).toEqual([]);
  });

  it('retries a server error, then reports it', async () => {
    host.failures.push({ method: 'GET', path: /comments$/, status: 502, body: { message: 'Bad Gateway' } });
    const text = await failure(postReport(github(), { summary: SUMMARY, marker: MARKER, behaviour: 'update' }));
    expect(text).toBe('GitHub: GET /api/repos/acme/infra/issues/7/comments: 502 Bad Gateway: Bad Gateway');
    expect(calls()).toHaveLength(3);
  });
});

describe('tollgate comment on GitLab', () => {
  beforeEach(async () => {
    host = await startFakeHost('gitlab');
  });

  function gitlab() {
    return gitlabPlatform({ apiUrl: `${host.url}/api/v4`, project: '42', mergeRequest: 7, token: 'glpat-secret' }, { retry: noSleep });
  }

  it('pages with X-Next-Page and updates the note with PUT', async () => {
    host.comments = [
      { id: 1, body: 'first' },
      { id: 2, body: 'second' },
      { id: 3, body: `${MARKER}\nold report` },
    ];
    const posted = await postReport(gitlab(), { summary: SUMMARY, marker: MARKER, behaviour: 'update' });
    expect(posted).toMatchObject({ action: 'updated', id: 3 });
    expect(calls()).toEqual([
      'GET /api/v4/projects/42/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100&page=1',
      'GET /api/v4/projects/42/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100&page=2',
      'PUT /api/v4/projects/42/merge_requests/7/notes/3',
    ]);
    expect(host.calls[0]?.headers['private-token']).toBe('glpat-secret');
  });

  it('reads GitLab rate-limit headers (RateLimit-Reset)', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const headers = new Headers({ 'ratelimit-remaining': '0', 'ratelimit-reset': String(now / 1000 + 20) });
    expect(rateLimitWaitMs(429, headers, now)).toBe(20_000);
  });

  it('explains a 403 with the scope the token needs', async () => {
    host.failures.push({ method: 'POST', path: /notes$/, status: 403, body: { message: '403 Forbidden' } });
    const text = await failure(postReport(gitlab(), { summary: SUMMARY, marker: MARKER, behaviour: 'new' }));
    expect(text).toContain('forbidden (403): 403 Forbidden; the token needs the `api` scope');
  });
});

describe('comment body and paging helpers', () => {
  it.each([
    ['<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"', 'https://api.github.com/x?page=2'],
    ['<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=1>; rel="first"', null],
    [null, null],
  ])('reads the next page of %s', (link, expected) => {
    expect(nextLink(link)).toBe(expected);
  });

  it('recognises its own comment by the first line only', () => {
    expect(carriesMarker(`${MARKER}\nbody`, MARKER)).toBe(true);
    expect(carriesMarker(`> ${MARKER}\nbody`, MARKER)).toBe(false);
    expect(carriesMarker(`${markerFor('prod')}\nbody`, MARKER)).toBe(false);
  });

  it('closes an open code fence when it cuts', () => {
    const summary = `intro\n\`\`\`\n${'x'.repeat(200)}\n`.repeat(1) + 'y\n'.repeat(500);
    const { body, truncated } = commentBody({ summary, marker: MARKER, limit: 600, platform: 'GitHub' });
    expect(truncated).toBe(true);
    expect(body.length).toBeLessThanOrEqual(600);
    expect((body.match(/```/g) ?? []).length % 2).toBe(0);
  });
});
