/**
 * The slice workers from the built CLI: from the esbuild bundle (bin/tollgate.js runs it when it is current) and
 * from the tsc output in dist/, each finding its own worker module, started with the evaluation or, for a plan
 * file of EARLY_PLAN_BYTES or more, before the plan is read. The report is byte-identical to the one without
 * workers, and the process exits as soon as it is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePlan } from '../../bench/generate-plan.js';
import { EARLY_PLAN_BYTES, SLICE_RESOURCES, SLICE_WORKERS_VARIABLE } from '../../src/engine/policy-engine.js';
import { packageRoot } from '../../src/package-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-slice-workers-cli-'));
const plan = join(dir, 'plan.json');
const largePlan = join(dir, 'large-plan.json');
const truncatedPlan = join(dir, 'truncated-plan.json');

/** `check` through bin/tollgate.js (the bundle) or dist/cli/main.js (the tsc output), with this many workers. */
function check(entry: 'bundle' | 'dist', workers: number, planFile = plan): { code: number | null; stderr: string; report: string } {
  const report = join(dir, `${entry}-${workers}.json`);
  const args = ['check', '--plan', planFile, '--format', `json=${report}`, '--fail-on', 'never', '--now', '2026-11-23T00:00:00Z'];
  const script =
    entry === 'bundle'
      ? [join(packageRoot, 'bin', 'tollgate.js'), ...args]
      : [
          '--input-type=module',
          '-e',
          `const { main } = await import(${JSON.stringify(new URL('dist/cli/main.js', `file://${packageRoot}/`).href)}); process.exitCode = await main(process.argv);`,
          '--',
          'tollgate',
          ...args,
        ];
  const result = spawnSync(process.execPath, script, {
    encoding: 'utf8',
    env: { ...process.env, [SLICE_WORKERS_VARIABLE]: String(workers) },
    timeout: 120_000,
  });
  return { code: result.status, stderr: result.stderr, report: result.status === 0 ? readFileSync(report, 'utf8') : '' };
}

describe('slice workers in the built CLI', () => {
  beforeAll(() => {
    writeFileSync(plan, generatePlan(2 * SLICE_RESOURCES + 300, 'most'));
    const large = generatePlan(4800, 'most');
    writeFileSync(largePlan, large);
    writeFileSync(truncatedPlan, large.slice(0, -1));
  });

  it('the bundle and the tsc output each run their worker, and report what one thread reports', () => {
    const oneThread = check('bundle', 0);
    expect(oneThread.stderr).toBe('');
    expect(oneThread.code).toBe(0);
    expect((JSON.parse(oneThread.report) as { violations: unknown[] }).violations.length).toBeGreaterThan(SLICE_RESOURCES);
    for (const entry of ['bundle', 'dist'] as const) {
      const parallel = check(entry, 2);
      expect(parallel.stderr).toBe('');
      expect(parallel.code).toBe(0);
      expect(parallel.report).toBe(oneThread.report);
    }
  });

  it('workers started before a large plan is read: the same report from the bundle and the tsc output', () => {
    expect(statSync(largePlan).size).toBeGreaterThanOrEqual(EARLY_PLAN_BYTES);
    const oneThread = check('bundle', 0, largePlan);
    expect(oneThread.stderr).toBe('');
    expect(oneThread.code).toBe(0);
    for (const entry of ['bundle', 'dist'] as const) {
      const ahead = check(entry, 1, largePlan);
      expect(ahead.stderr).toBe('');
      expect(ahead.code).toBe(0);
      expect(ahead.report).toBe(oneThread.report);
    }
  });

  it('a large plan that turns out invalid after the workers started: exit 2, one line naming the file, nothing written', () => {
    expect(statSync(truncatedPlan).size).toBeGreaterThanOrEqual(EARLY_PLAN_BYTES);
    // The report path check() writes to, left by an earlier test: gone, so that its absence afterwards says something.
    const report = join(dir, 'bundle-1.json');
    rmSync(report, { force: true });
    const failed = check('bundle', 1, truncatedPlan);
    expect(failed.code).toBe(2);
    const lines = failed.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(truncatedPlan);
    expect(existsSync(report)).toBe(false);
  });
});
