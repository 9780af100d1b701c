/**
 * Slices evaluated on worker threads: an error in a slice is the error the one-thread evaluation gives (whichever
 * thread took it), a worker that cannot start is reported as our bug, workers started ahead of a plan are used by
 * its evaluation, and no worker is left running either way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildBundle } from '../../src/compiler/build-bundle.js';
import { installedOpa } from '../installed-opa.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import {
  EARLY_PLAN_BYTES,
  PARALLEL_RESOURCES,
  PolicyEngine,
  SLICE_ENTRYPOINT,
  SLICE_RESOURCES,
  SLICE_WORKERS_VARIABLE,
} from '../../src/engine/policy-engine.js';
import { loadPolicySync } from '../../src/engine/opa-wasm.js';
import { REPLIES, sliceInput, type SliceJob } from '../../src/engine/slice-job.js';

const encoder = new TextEncoder();

/** A job of one slice per number, each slice's resources being that number's text. */
function numbersJob(count: number): SliceJob {
  return { slices: count, head: encoder.encode('{"resources":['), tail: encoder.encode(']}'), entrypoint: 0 };
}

/** Hands the workers each slice of a numbersJob. */
function addNumbers(pool: SliceWorkers, count: number): void {
  for (let index = 0; index < count; index++) pool.add({ index, resources: encoder.encode(String(index + 1)), pages: 256 });
}
import {
  runningSliceWorkers,
  sliceWorkerEntry,
  SliceWorkerError,
  SliceWorkers,
  sliceWorkersStarted,
} from '../../src/engine/slice-workers.js';
import { TollgateError } from '../../src/model/errors.js';
import type { PolicyInput, Resource } from '../../src/model/resource.js';
import { builtinBundlePath, builtinPolicyDir } from '../../src/package-paths.js';
import { ebsVolume } from './ebs-volume.js';

const opa = installedOpa();

function volume(address: string): Resource {
  return ebsVolume(address);
}

function planOf(addresses: readonly string[]): PolicyInput {
  return {
    subject: 'plan',
    context: { now: '2026-11-23T00:00:00Z', source: 'test', defaultEnvironment: null },
    resources: addresses.map(volume),
  };
}

/**
 * A per-resource rule (its package is TG-INS-001's, listed in per_resource_rules) whose function gives two
 * values for one resource: OPA aborts the evaluation of any slice holding it, and only of those.
 */
const conflictingRule = `package tollgate.rules.instance["TG-INS-001"]

_volume_class(address) := "a" if address == "aws_ebs_volume.conflict"

_volume_class(address) := "b" if address == "aws_ebs_volume.conflict"

findings contains {"resource": resource.address, "message": "never"} if {
	some resource in input.resources
	_volume_class(resource.address) == "c"
}
`;

async function conflictingEngine(): Promise<PolicyEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-slice-workers-'));
  writeFileSync(join(dir, 'conflict.rego'), conflictingRule);
  const output = join(dir, 'bundle.tar.gz');
  await buildBundle({ policyDirs: [builtinPolicyDir, dir], output, opa: opa ?? '' });
  return PolicyEngine.load(readBundleFile(output), {});
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('slice workers', () => {
  it.skipIf(opa === null)('an error in a slice is the one-thread evaluation error, and no worker is left running', async () => {
    const engine = await conflictingEngine();
    const addresses = Array.from({ length: 40 }, (_, i) => `aws_ebs_volume.v${i}`);
    addresses[23] = 'aws_ebs_volume.conflict';
    const input = planOf(addresses);
    const oneThread = thrown(() => engine.evaluate(input, { sliceResources: 3, workers: 0 }));
    expect(oneThread).toBeInstanceOf(TollgateError);
    expect((oneThread as Error).message).toMatch(/^policy evaluation failed: .*conflict/);
    const parallel = thrown(() => engine.evaluate(input, { sliceResources: 3, workers: 2 }));
    expect(parallel).toBeInstanceOf(TollgateError);
    expect(parallel).toEqual(oneThread);
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
    // The same engine still evaluates, with workers, a plan without the resource.
    const clean = planOf(addresses.filter((address) => address !== 'aws_ebs_volume.conflict'));
    expect(engine.evaluate(clean, { sliceResources: 3, workers: 2 })).toEqual(engine.evaluate(clean, { slices: false }));
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('a worker that cannot start is reported as our bug (not a TollgateError), and every worker is stopped', async () => {
    const wasm = readBundleFile(builtinBundlePath).wasm;
    const module = await (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly.compile(
      wasm,
    );
    const job = numbersJob(3);
    const missing = new URL('./no-such-worker.js', sliceWorkerEntry());
    const pool = new SliceWorkers(module, {}, 2, null, missing);
    try {
      pool.start(job);
      addNumbers(pool, job.slices);
      const error = thrown(() => pool.collect(job.slices));
      expect(error).toBeInstanceOf(SliceWorkerError);
      expect(error).not.toBeInstanceOf(TollgateError);
      expect((error as Error).message).toMatch(/a slice worker could not start: .*no-such-worker\.js/);
    } finally {
      pool.terminate();
    }
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('workers that never reply are reported as our bug after the stall time, and stopped', async () => {
    const wasm = readBundleFile(builtinBundlePath).wasm;
    const module = await (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly.compile(
      wasm,
    );
    const job = numbersJob(1);
    // A module that loads and then says nothing, as a worker ended by running out of heap would.
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-silent-worker-'));
    const silent = join(dir, 'silent-worker.mjs');
    writeFileSync(silent, 'export {};\n');
    const pool = new SliceWorkers(module, {}, 2, null, pathToFileURL(silent), 300);
    try {
      pool.start(job);
      addNumbers(pool, job.slices);
      const error = thrown(() => pool.collect(job.slices));
      expect(error).toBeInstanceOf(SliceWorkerError);
      expect((error as Error).message).toBe('no slice worker replied for 0.3 s; it may have run out of memory');
    } finally {
      pool.terminate();
      rmSync(dir, { recursive: true, force: true });
    }
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('this thread takes slices from the shared counter too: a failure in one it took stops the hand-out there', async () => {
    const wasm = readBundleFile(builtinBundlePath).wasm;
    const module = await (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly.compile(
      wasm,
    );
    const job = numbersJob(5);
    // A worker that says it is done without taking a slice, so every slice is this thread's.
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-idle-worker-'));
    const idle = join(dir, 'idle-worker.mjs');
    writeFileSync(
      idle,
      `import { workerData } from 'node:worker_threads';
workerData.port.once('message', () => {
  workerData.port.postMessage({ done: true });
  Atomics.add(workerData.control, ${REPLIES}, 1);
  Atomics.notify(workerData.control, ${REPLIES});
  workerData.port.close();
});
`,
    );
    const pool = new SliceWorkers(module, {}, 1, null, pathToFileURL(idle));
    const failure = new Error('slice 2 failed');
    const taken: number[] = [];
    try {
      pool.start(job);
      addNumbers(pool, job.slices);
      const outcomes = pool.collect(job.slices, (index) => {
        taken.push(index);
        if (index === 2) throw failure;
        return [{ result: index }];
      });
      expect(taken).toEqual([0, 1, 2]);
      expect(outcomes).toEqual([{ result: [{ result: 0 }] }, { result: [{ result: 1 }] }, { error: failure }, undefined, undefined]);
    } finally {
      pool.terminate();
      rmSync(dir, { recursive: true, force: true });
    }
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('a worker waits for a slice whose resources are not written yet, and evaluates it once they are', async () => {
    const bundle = readBundleFile(builtinBundlePath);
    const module = await (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly.compile(
      bundle.wasm,
    );
    const entrypoint = loadPolicySync(module, 256).entrypoints[SLICE_ENTRYPOINT] ?? -1;
    const resources = [volume('aws_ebs_volume.a'), volume('aws_ebs_volume.b'), volume('aws_ebs_volume.c')];
    const job: SliceJob = { ...numbersJob(resources.length), entrypoint };
    const texts = resources.map((resource) => encoder.encode(JSON.stringify(resource)));
    const here = loadPolicySync(module, 256);
    here.setData(bundle.data);
    const expected = texts.map((text) => ({ result: here.evaluate(sliceInput(job, text), entrypoint) }));
    const pool = new SliceWorkers(module, bundle.data, 1, 256, sliceWorkerEntry(), 10_000);
    try {
      pool.start(job);
      pool.add({ index: 0, resources: texts[0] ?? new Uint8Array(0), pages: 256 });
      // The worker has evaluated the first slice and taken the second, whose resources are not there yet.
      await vi.waitFor(() => expect(pool.replies).toBe(1), { timeout: 10_000, interval: 5 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pool.replies).toBe(1);
      pool.add({ index: 1, resources: texts[1] ?? new Uint8Array(0), pages: 256 });
      pool.add({ index: 2, resources: texts[2] ?? new Uint8Array(0), pages: 256 });
      const outcomes = pool.collect(job.slices);
      expect(outcomes).toEqual(expected);
      expect(JSON.stringify(outcomes)).toContain('aws_ebs_volume.c');
    } finally {
      pool.terminate();
    }
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('an input that cannot be serialised after its first slices were handed out: the error, and no worker left waiting', async () => {
    const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
    const input = planOf(Array.from({ length: 40 }, (_, i) => `aws_ebs_volume.v${i}`));
    // JSON has no form for a BigInt: serialising the slice that holds it throws, once the first slices are the workers'.
    (input.resources[31] as unknown as { values: Record<string, unknown> }).values.size = 10n;
    const error = thrown(() => engine.evaluate(input, { sliceResources: 3, workers: 2 }));
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as Error).message).toMatch(/^policy evaluation failed: .*BigInt/);
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('workers started ahead of a large plan are the ones its evaluation uses, and are stopped if none does', async () => {
    const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
    const input = planOf(Array.from({ length: 2 * SLICE_RESOURCES + 1 }, (_, i) => `aws_ebs_volume.v${i}`));
    const single = engine.evaluate(input, { slices: false });
    try {
      vi.stubEnv(SLICE_WORKERS_VARIABLE, '1');
      // Too small a plan file: nothing started.
      const before = sliceWorkersStarted();
      engine.expectPlan(EARLY_PLAN_BYTES - 1);
      expect(sliceWorkersStarted()).toBe(before);
      engine.expectPlan(EARLY_PLAN_BYTES);
      expect(sliceWorkersStarted()).toBe(before + 1);
      expect(engine.evaluate(input)).toEqual(single);
      expect(sliceWorkersStarted()).toBe(before + 1);
      await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
      // An input too small to slice ends the workers started for it.
      engine.expectPlan(EARLY_PLAN_BYTES);
      expect(runningSliceWorkers()).toBe(1);
      const small = planOf(['aws_ebs_volume.small']);
      expect(engine.evaluate(small)).toEqual(engine.evaluate(small, { slices: false }));
      await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
      // Never evaluated: stopWorkers ends them.
      engine.expectPlan(EARLY_PLAN_BYTES);
      expect(runningSliceWorkers()).toBe(1);
      engine.stopWorkers();
      await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
      expect(sliceWorkersStarted()).toBe(before + 3);
    } finally {
      vi.unstubAllEnvs();
      engine.stopWorkers();
    }
  });

  it('a sliced plan below PARALLEL_RESOURCES starts no worker unless asked to', async () => {
    const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
    const input = planOf(Array.from({ length: SLICE_RESOURCES + 1 }, (_, i) => `aws_ebs_volume.v${i}`));
    expect(input.resources.length).toBeLessThan(PARALLEL_RESOURCES);
    const before = sliceWorkersStarted();
    const decision = engine.evaluate(input);
    expect(decision.violations.length).toBeGreaterThan(SLICE_RESOURCES);
    expect(sliceWorkersStarted()).toBe(before);
    expect(engine.evaluate(input, { workers: 2 })).toEqual(decision);
    expect(sliceWorkersStarted()).toBe(before + 2);
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it("TOLLGATE_SLICE_WORKERS sets the workers of every sliced plan; a value that is not a count is the user's mistake", async () => {
    const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
    const input = planOf(Array.from({ length: 2 * SLICE_RESOURCES + 1 }, (_, i) => `aws_ebs_volume.v${i}`));
    const before = sliceWorkersStarted();
    try {
      vi.stubEnv(SLICE_WORKERS_VARIABLE, '1');
      const decision = engine.evaluate(input);
      expect(sliceWorkersStarted()).toBe(before + 1);
      vi.stubEnv(SLICE_WORKERS_VARIABLE, '0');
      expect(engine.evaluate(input)).toEqual(decision);
      expect(sliceWorkersStarted()).toBe(before + 1);
      vi.stubEnv(SLICE_WORKERS_VARIABLE, 'all');
      const error = thrown(() => engine.evaluate(input));
      expect(error).toBeInstanceOf(TollgateError);
      expect((error as Error).message).toBe('TOLLGATE_SLICE_WORKERS must be a number of worker threads, 0 for none (got "all")');
    } finally {
      vi.unstubAllEnvs();
    }
    await vi.waitFor(() => expect(runningSliceWorkers()).toBe(0), { timeout: 10_000 });
  });

  it('finds the worker module beside the engine in src/ and dist/, and beside the chunks in the bundle', () => {
    expect(sliceWorkerEntry('file:///p/src/engine/slice-workers.ts').href).toBe('file:///p/src/engine/slice-worker.ts');
    expect(sliceWorkerEntry('file:///p/dist/engine/slice-workers.js').href).toBe('file:///p/dist/engine/slice-worker.js');
    expect(sliceWorkerEntry('file:///p/dist/tollgate-chunk-ABC123.js').href).toBe('file:///p/dist/tollgate-slice-worker.js');
  });
});
