/** Output files are all or nothing, and two formats never write one file. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tollgate } from './run-cli.js';

const PLAN = 'fixtures/plans/aws-ml-platform.json';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('check outputs', () => {
  it('one unwritable target leaves none of the others written, and no temporary files', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const result = tollgate([
      'check',
      '--plan',
      PLAN,
      '--now',
      '2026-11-15',
      '-f',
      `json=${join(dir, 'a.json')}`,
      '-f',
      `sarif=${join(blocker, 'x.sarif')}`,
      '-f',
      `junit=${join(dir, 'b.xml')}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^tollgate: .*a-file\/x\.sarif: /)]);
    expect(readdirSync(dir)).toEqual(['a-file']);
  });

  it('two formats to the same file are refused before anything is written', () => {
    const target = join(dir, 'same.json');
    const result = tollgate([
      'check',
      '--plan',
      PLAN,
      '--now',
      '2026-11-15',
      '-f',
      `json=${target}`,
      '-f',
      `sarif=${join(dir, '.', 'same.json')}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--format json and --format sarif both write .*same\.json; give each its own file\n$/);
    expect(existsSync(target)).toBe(false);
  });

  it('every file is written when all can be', () => {
    const result = tollgate([
      'check',
      '--plan',
      PLAN,
      '--now',
      '2026-11-15',
      '--fail-on',
      'never',
      '-f',
      `json=${join(dir, 'ok.json')}`,
      '-f',
      `junit=${join(dir, 'ok.xml')}`,
    ]);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'ok.json')) && existsSync(join(dir, 'ok.xml'))).toBe(true);
  });
});
