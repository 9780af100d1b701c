/**
 * `check` with a plan file large enough to start the slice workers before the plan is read: the report is
 * byte-identical to the one without workers and the evaluation uses the workers started ahead (no others), and
 * a plan that then turns out to be invalid is the user's mistake (exit 2, naming the file), with nothing written
 * and no worker left running.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generatePlan } from '../../bench/generate-plan.js';
import { runCheck, type CheckOptions } from '../../src/cli/check.js';
import { EARLY_PLAN_BYTES, SLICE_WORKERS_VARIABLE } from '../../src/engine/policy-engine.js';
import { runningSliceWorkers, sliceWorkersStarted } from '../../src/engine/slice-workers.js';
import { TollgateError } from '../../src/model/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-workers-ahead-'));
const plan = join(dir, 'plan.json');
const truncated = join(dir, 'truncated.json');

function options(planFile: string, report: string): CheckOptions {
  return { plan: planFile, format: [`json=${report}`], failOn: 'never', now: '2026-11-23T00:00:00Z', color: false };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('slice workers started ahead of a large plan', () => {
  beforeAll(() => {
    const text = generatePlan(4700, 'few');
    writeFileSync(plan, text);
    writeFileSync(truncated, text.slice(0, -1));
    expect(Buffer.byteLength(text)).toBeGreaterThan(EARLY_PLAN_BYTES);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the evaluation uses the workers started ahead, and the report is the one without workers', async () => {
    vi.stubEnv(SLICE_WORKERS_VARIABLE, '0');
    const before = sliceWorkersStarted();
    expect(await runCheck(options(plan, join(dir, 'one-thread.json')))).toBe(0);
    expect(sliceWorkersStarted()).toBe(before);
    vi.stubEnv(SLICE_WORKERS_VARIABLE, '1');
    expect(await runCheck(options(plan, join(dir, 'ahead.json')))).toBe(0);
    expect(sliceWorkersStarted()).toBe(before + 1);
    expect(readFileSync(join(dir, 'ahead.json'), 'utf8')).toBe(readFileSync(join(dir, 'one-thread.json'), 'utf8'));
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it("a plan that turns out invalid after the workers started is the user's mistake: nothing written, no worker left", async () => {
    vi.stubEnv(SLICE_WORKERS_VARIABLE, '1');
    const before = sliceWorkersStarted();
    const report = join(dir, 'never.json');
    const error = await rejection(runCheck(options(truncated, report)));
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).exitCode).toBe(2);
    expect((error as TollgateError).file).toBe(truncated);
    expect(sliceWorkersStarted()).toBe(before + 1);
    expect(existsSync(report)).toBe(false);
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });
});
