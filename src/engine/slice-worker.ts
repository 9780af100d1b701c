/**
 * A slice worker (started by slice-workers.ts): its own opa-wasm instance of the module the engine compiled,
 * with the engine's data, evaluating slices of the input the engine shares until none is left. Each slice is
 * taken from the shared counter, so a worker that is slower (or started later) simply takes fewer; one whose
 * resources the engine has not written yet is waited for (the engine writes them in slice order); each reply
 * is posted on the worker's port and counted, so the engine, blocked in a synchronous evaluation, wakes up.
 * The instance is made and given its data as soon as the worker starts, before the job arrives: a worker
 * started ahead of the plan (PolicyEngine.expectPlan) is ready by the time the plan has been read.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadPolicySync, WASM_PAGE, type Policy, type WasmModule } from './opa-wasm.js';
import { errorMessage } from '../model/errors.js';
import { NEXT_SLICE, REPLIES, SLICES_WRITTEN, sliceInput, type SliceJob, type SliceReply, type SliceResources } from './slice-job.js';

/** What the engine starts a worker with (slice-workers.ts). */
export interface SliceWorkerData {
  readonly entry: string;
  readonly module: WasmModule;
  readonly data: Record<string, unknown>;
  readonly port: MessagePort;
  readonly control: Int32Array;
  /** The memory of the instance made as the worker starts, until a slice needs more; null: made for the first slice. */
  readonly pages: number | null;
}

const { module, data, port, control, pages } = workerData as SliceWorkerData;

function reply(message: SliceReply): void {
  port.postMessage(message);
  Atomics.add(control, REPLIES, 1);
  Atomics.notify(control, REPLIES);
}

/** An instance with at least this much memory and the engine's data, or why there is none. */
function instanceWith(memoryPages: number, current: Policy | null): Policy | string {
  if (current !== null && current.mem.buffer.byteLength >= memoryPages * WASM_PAGE) return current;
  try {
    const policy = loadPolicySync(module, memoryPages);
    policy.setData(data);
    return policy;
  } catch (error) {
    return `a slice worker could not load the policy: ${errorMessage(error)}`;
  }
}

// Made ahead of the job when asked; an instance that could not be made then is tried again with the first slice's size.
const ready = pages === null ? null : instanceWith(pages, null);

/** The slices' resources received so far, by slice. */
const received = new Map<number, SliceResources>();

/** The resources of a slice: received already, or waited for until the engine has written them. */
function resourcesOf(index: number): SliceResources {
  for (;;) {
    // Read before the port: a slice written after this read wakes the wait below.
    const written = Atomics.load(control, SLICES_WRITTEN);
    for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
      const slice = message.message as SliceResources;
      received.set(slice.index, slice);
    }
    const slice = received.get(index);
    if (slice !== undefined) return slice;
    Atomics.wait(control, SLICES_WRITTEN, written);
  }
}

function run(job: SliceJob): void {
  let policy: Policy | null = typeof ready === 'string' ? null : ready;
  for (;;) {
    const index = Atomics.add(control, NEXT_SLICE, 1);
    if (index >= job.slices) break;
    const slice = resourcesOf(index);
    received.delete(index);
    const instance = instanceWith(slice.pages, policy);
    if (typeof instance === 'string') {
      reply({ fatal: instance });
      return;
    }
    policy = instance;
    try {
      reply({ index, result: policy.evaluate(sliceInput(job, slice.resources), job.entrypoint) });
    } catch (error) {
      // Pushed past the end, so that no thread starts another slice: the first failure in slice order is the error.
      Atomics.add(control, NEXT_SLICE, job.slices);
      // The error the same slice gives evaluated on the engine's own thread; this worker stops there.
      reply({ index, error: errorMessage(error) });
      break;
    }
  }
  reply({ done: true });
}

let finished = false;

// A worker that stops before it has said it is done (process.exit in a custom builtin's code, an uncaught
// error) says so, rather than leave the engine waiting for it.
process.once('exit', () => {
  if (!finished) reply({ fatal: 'a slice worker stopped before it finished' });
});

port.once('message', (job: SliceJob) => {
  try {
    run(job);
  } finally {
    finished = true;
    port.close();
  }
});
