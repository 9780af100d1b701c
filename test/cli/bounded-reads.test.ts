/**
 * Files the CLI reads are bounded by the bytes read, not by what `stat` says: a device, a pipe or a FIFO
 * that never ends stops at the limit with exit 2, one line naming the file and how to raise the limit.
 * Paths that cannot be read at all (a symlink loop, a path too long) are the user's mistake too: exit 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tollgate } from './run-cli.js';

const NOW = ['--now', '2026-11-15'];
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectOneLineExit2(result: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tollgate: /);
  expect(lines[0]).toMatch(message);
}

const plan = join(dir, 'plan.json');
writeFileSync(plan, JSON.stringify({ format_version: '1.2', resource_changes: [] }));
const loop = join(dir, 'loop.json');
symlinkSync(loop, loop);
const longPath = join(dir, `${'x'.repeat(300)}.json`);

describe('bounded reads', () => {
  it('--plan /dev/zero stops at --max-plan-size', () => {
    const result = tollgate(['check', '--plan', '/dev/zero', '--max-plan-size', '1', ...NOW]);
    expectOneLineExit2(result, /\/dev\/zero: plan file is larger than the 1\.0 MiB limit \(raise it with --max-plan-size\)/);
  });

  it('--config /dev/zero stops at the config limit', () => {
    expectOneLineExit2(
      tollgate(['check', '--plan', plan, '--config', '/dev/zero', ...NOW]),
      /\/dev\/zero: config file is larger than the .* limit/,
    );
  });

  it('--inventory /dev/zero stops at the inventory limit', () => {
    expectOneLineExit2(tollgate(['check', '--inventory', '/dev/zero', ...NOW]), /\/dev\/zero: inventory is larger than the .* limit/);
  });

  it('a plan on /dev/stdin fed without end by a pipe stops at the limit', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        'sh',
        ['-c', `yes | "${process.execPath}" bin/tollgate.js check --plan /dev/stdin --max-plan-size 1 --now 2026-11-15`],
        {
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expectOneLineExit2(result, /\/dev\/stdin: plan file is larger than the 1\.0 MiB limit/);
  });

  it('a FIFO is read as it comes, and bounded', () => {
    const fifo = join(dir, 'plan.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return expect.fail('mkfifo is not available');
    const writer = spawn('sh', ['-c', `yes > "${fifo}"`]);
    try {
      expectOneLineExit2(tollgate(['check', '--plan', fifo, '--max-plan-size', '1', ...NOW]), /plan\.fifo: plan file is larger than/);
    } finally {
      writer.kill();
    }
  });

  it.each([
    ['a symlink loop as the plan', ['check', '--plan', loop], /loop\.json: plan file cannot be read: too many symbolic links/],
    [
      'a symlink loop as the config',
      ['check', '--plan', plan, '--config', loop],
      /loop\.json: config file cannot be read: too many symbolic links/,
    ],
    ['an over-long path as the plan', ['check', '--plan', longPath], /plan file cannot be read: the path is too long/],
    ['an over-long path as the inventory', ['check', '--inventory', longPath], /inventory cannot be read: the path is too long/],
  ])('%s is exit 2 with one line', (_what, args, message) => {
    expectOneLineExit2(tollgate([...args, ...NOW]), message);
  });
});
