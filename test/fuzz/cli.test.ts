/**
 * The fuzz suite through the real CLI: mutated plans and configs give exit 0, 1 or 2 only; exit 2 is one
 * line on stderr with no stack trace, and no output file is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from '../cli/run-cli.js';
import { FUZZ, mutatedJson, mutatedText } from './mutations.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** CLI runs cost half a second each: a few dozen per run of the suite. */
const RUNS = { ...FUZZ, numRuns: Math.max(4, Math.ceil(FUZZ.numRuns / 20)) };

function checkOnce(plan: string, config: string): void {
  const planFile = join(dir, 'plan.json');
  const configFile = join(dir, 'tollgate.yaml');
  const out = join(dir, 'out.sarif');
  rmSync(out, { force: true });
  writeFileSync(planFile, plan);
  writeFileSync(configFile, config);
  const result = tollgate(['check', '--plan', planFile, '--config', configFile, '-f', `sarif=${out}`, '--now', '2026-11-15']);
  expect([0, 1, 2]).toContain(result.code);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  if (result.code === 2) {
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  } else {
    expect(existsSync(out)).toBe(true);
  }
}

describe('fuzz: the CLI never crashes on input', () => {
  const plan = JSON.parse(readFileSync(join(repoRoot, 'fixtures/plans/azure-ml-platform.json'), 'utf8')) as unknown;
  const config = readFileSync(join(repoRoot, 'fixtures/tollgate.yaml'), 'utf8');

  it('mutated plans', () => {
    fc.assert(
      fc.property(mutatedJson(plan), (mutated) => {
        checkOnce(JSON.stringify(mutated), config);
      }),
      RUNS,
    );
  });

  it('mutated configs', () => {
    fc.assert(
      fc.property(mutatedText(config), (mutated) => {
        checkOnce(JSON.stringify(plan), mutated);
      }),
      RUNS,
    );
  });
});
