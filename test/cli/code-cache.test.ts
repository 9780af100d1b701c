/**
 * `tollgate check` from dist/tollgate-check.cjs with V8's code cache (src/cli/code-cache.ts): the cache the
 * build wrote is used by a plain Node process, and a cache that is missing, corrupt, truncated or made for
 * another build of the bundle is ignored, with the same result as a run without one. Each run is a process
 * of its own: within one, V8 reuses what it compiled before and never looks at the cache offered.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './run-cli.js';

const bundle = join(repoRoot, 'dist', 'tollgate-check.cjs');
const builtCache = join(repoRoot, 'dist', 'tollgate-check.cache');
const plan = join(repoRoot, 'fixtures', 'plans', 'aws-ml-platform.json');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-code-cache-'));

/** A check of the demo plan writing JSON and SARIF to files named after `name`. */
function checkArgv(name: string): string[] {
  const out = (format: string): string => `${format}=${join(dir, `${name}.${format}`)}`;
  return ['node', 'tollgate', 'check', '--plan', plan, '--now', '2026-11-23', '-f', out('json'), '-f', out('sarif')];
}

/** Calls an export of dist/cli/code-cache.js in a fresh Node process; returns what it returned. */
function inProcess(name: 'runCheckBundle' | 'writeCodeCache', ...args: unknown[]): unknown {
  const module = pathToFileURL(join(repoRoot, 'dist', 'cli', 'code-cache.js')).href;
  const call = `${name}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`;
  const script = `import { ${name} } from ${JSON.stringify(module)};\nprocess.stdout.write(JSON.stringify(await ${call}));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}
const outputs = (name: string): string[] => ['json', 'sarif'].map((format) => readFileSync(join(dir, `${name}.${format}`), 'utf8'));

describe('the check bundle with its code cache', () => {
  let cache: string;
  let expected: string[];

  beforeAll(() => {
    expect(existsSync(bundle), 'dist/tollgate-check.cjs is built by `npm run build`').toBe(true);
    cache = join(dir, 'check.cache');
    expect(inProcess('writeCodeCache', bundle, cache, checkArgv('trained'))).toBe(1);
    expected = outputs('trained');
  });

  it('uses the cache it wrote, with the same result', () => {
    expect(inProcess('runCheckBundle', bundle, cache, checkArgv('cached'))).toEqual({ code: 1, cacheUsed: true });
    expect(outputs('cached')).toEqual(expected);
  });

  it.each([
    ['missing', null],
    ['empty', () => Buffer.alloc(0)],
    ['truncated to its header', (bytes: Buffer) => bytes.subarray(0, bytes.indexOf(0x0a) + 1)],
    ['truncated in its bytecode', (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1)],
    ['corrupt', (bytes: Buffer) => Buffer.concat([bytes.subarray(0, bytes.indexOf(0x0a) + 1), Buffer.alloc(bytes.length, 0x5a)])],
    [
      'made for another build',
      (bytes: Buffer) =>
        Buffer.from(
          bytes.toString('latin1').replace(/^tollgate-code-cache [0-9a-f]/, (m) => `${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`),
          'latin1',
        ),
    ],
  ])('ignores a cache that is %s', (name, damage) => {
    const damaged = join(dir, `${name}.cache`);
    if (damage !== null) writeFileSync(damaged, damage(readFileSync(cache)));
    const label = name.replace(/\W+/g, '-');
    expect(inProcess('runCheckBundle', bundle, damaged, checkArgv(label))).toEqual({ code: 1, cacheUsed: false });
    expect(outputs(label)).toEqual(expected);
  });

  it('the cache the build wrote is used by a plain Node process', () => {
    expect(inProcess('runCheckBundle', bundle, builtCache, checkArgv('built'))).toEqual({ code: 1, cacheUsed: true });
    expect(outputs('built')).toEqual(expected);
  });
});
