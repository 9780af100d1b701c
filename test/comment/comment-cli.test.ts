/**
 * `tollgate comment` as a pipeline runs it: the built CLI (`npm run build`) spawned with the environment GitHub
 * Actions or GitLab CI provide, against the local fake host. Checks stdout, stderr and the exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MARKER } from '../../src/comment/body.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

const bin = fileURLToPath(new URL('../../bin/tollgate.js', import.meta.url));
let dir = '';
let summary = '';
let host: FakeHost | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-comment-'));
  summary = join(dir, 'summary.md');
  writeFileSync(summary, '## Tollgate\n\nPassed: 0 violations\n');
  writeFileSync(join(dir, 'pr-event.json'), JSON.stringify({ pull_request: { number: 7 } }));
  writeFileSync(join(dir, 'push-event.json'), JSON.stringify({ ref: 'refs/heads/main' }));
});
afterEach(async () => {
  await host?.close();
  host = undefined;
});

/** Only the variables given: no token or CI variable of the machine running the tests leaks in. */
function tollgate(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function actionsEnv(event = 'pr-event.json'): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_API_URL: `${host?.url ?? ''}/api`,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '99',
    GITHUB_EVENT_PATH: join(dir, event),
    GITHUB_TOKEN: 'ghs_secret',
  };
}

describe('tollgate comment github (CLI)', () => {
  it('posts, then updates the same comment on the next run', async () => {
    host = await startFakeHost('github');
    const first = await tollgate(['comment', 'github', '--body-file', summary], actionsEnv());
    expect(first).toEqual({ code: 0, stdout: 'created the Tollgate comment 1001 on the GitHub pull request\n', stderr: '' });
    const second = await tollgate(['comment', 'github', '--body-file', 'summary.md'], actionsEnv());
    expect(second.stdout).toBe('unchanged the Tollgate comment 1001 on the GitHub pull request\n');
    writeFileSync(join(dir, 'summary2.md'), '## Tollgate\n\n1 violation\n');
    const third = await tollgate(['comment', 'github', '--body-file', 'summary2.md'], actionsEnv());
    expect(third.stdout).toBe('updated the Tollgate comment 1001 on the GitHub pull request\n');
    expect(host.comments).toEqual([{ id: 1001, body: `${MARKER}\n## Tollgate\n\n1 violation\n` }]);
  });

  it.each([
    [
      'no token',
      ['--body-file', 'summary.md'],
      { GITHUB_TOKEN: '' },
      'tollgate: no token: set GITHUB_TOKEN or GH_TOKEN in the environment (a token is never taken from a flag)',
    ],
    [
      'a push, not a pull request',
      ['--body-file', 'summary.md'],
      { GITHUB_EVENT_PATH: 'push-event.json' },
      'tollgate: no pull request: give --pull-request N (this run is not for a pull request, e.g. a push)',
    ],
    [
      'an unknown behaviour',
      ['--body-file', 'summary.md', '--behavior', 'replace'],
      {},
      'tollgate: --behavior must be one of update, new, delete-and-new (got "replace")',
    ],
    ['a missing summary', ['--body-file', 'nope.md'], {}, 'tollgate: nope.md: summary file not found'],
    [
      'a bad pull request number',
      ['--body-file', 'summary.md', '--pull-request', '7a'],
      {},
      'tollgate: --pull-request must be a positive whole number (got "7a")',
    ],
  ])('refuses %s with one line and exit 2, posting nothing', async (_name, args, env, message) => {
    host = await startFakeHost('github');
    const result = await tollgate(['comment', 'github', ...args], { ...actionsEnv(), ...env });
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
    expect(host.calls.filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('turns a 404 into one line and exit 2', async () => {
    host = await startFakeHost('github');
    const result = await tollgate(['comment', 'github', '--body-file', 'summary.md', '--repo', 'acme/gone'], actionsEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'tollgate: GitHub: GET /api/repos/acme/gone/issues/7/comments: not found (404); check the project and the pull/merge request number, and that the token can see them\n',
    );
  });
});

describe('tollgate comment gitlab (CLI)', () => {
  it('posts on the merge request of a merge request pipeline', async () => {
    host = await startFakeHost('gitlab');
    const env = { CI_API_V4_URL: `${host.url}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '7', GITLAB_TOKEN: 'glpat-secret' };
    const result = await tollgate(['comment', 'gitlab', '--body-file', 'summary.md', '--behavior', 'delete-and-new'], env);
    expect(result).toEqual({ code: 0, stdout: 'created the Tollgate comment 1001 on the GitLab merge request\n', stderr: '' });
    expect(host.calls.map((c) => c.method)).toEqual(['GET', 'POST']);
  });
});
