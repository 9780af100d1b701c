/**
 * Worker threads that evaluate the slices of a large input beside the thread that judges the whole plan
 * (policy-engine.ts). Every worker instantiates the module the engine already compiled (a WebAssembly.Module
 * is shared with a thread, not compiled again) and takes slices from a counter shared by every thread. Each
 * slice's resources are handed to them in shared memory as soon as the engine has written them, so that they
 * evaluate the first slices while the engine still serialises the rest. The engine's evaluation is synchronous,
 * so the engine thread waits with Atomics.wait and reads the replies with receiveMessageOnPort: neither needs
 * the event loop, and the callers of `evaluate` are the same whether workers help or not.
 *
 * Workers are started before the input is serialised (or, by `check`, before the plan is read), so their start-up
 * overlaps that work, and are terminated when the evaluation ends, whichever way it ends. Once it has judged the
 * whole plan, the engine thread takes slices from the same counter rather than wait.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WasmModule } from './opa-wasm.js';
import { CONTROL_COUNTERS, NEXT_SLICE, REPLIES, SLICES_WRITTEN, type SliceJob, type SliceReply, type SliceResources } from './slice-job.js';
import type { SliceWorkerData } from './slice-worker.js';

/**
 * The worker's module: beside this one in dist/engine/ (tsc output) or src/engine/ (tests, under tsx), or
 * dist/tollgate-slice-worker.js when this code runs from the esbuild bundle (scripts/bundle-cli.ts), whose
 * chunks sit in dist/ itself.
 */
export function sliceWorkerEntry(here: string = import.meta.url): URL {
  const url = new URL(here);
  if (!/\/engine\/[^/]+$/.test(url.pathname)) return new URL('./tollgate-slice-worker.js', url);
  return new URL(url.pathname.endsWith('.ts') ? './slice-worker.ts' : './slice-worker.js', url);
}

/**
 * Runs in each new thread, before the worker module: loads it (through tsx when it is TypeScript source),
 * and reports a module that cannot be loaded as a reply, since the engine thread is not listening for events.
 * Only dynamic import(), which a script and a module both have: a worker started with `execArgv` inherited
 * from `node --input-type=module -e` would evaluate this as a module, where `require` is undefined, die before
 * it could report, and leave the engine waiting (the workers are started with no execArgv for that reason too).
 */
const BOOTSTRAP = `import('node:worker_threads').then(async ({ workerData }) => {
  try {
    if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
    await import(workerData.entry);
  } catch (error) {
    workerData.port.postMessage({ fatal: 'a slice worker could not start: ' + (error instanceof Error ? error.message : String(error)) });
    Atomics.add(workerData.control, ${REPLIES}, 1);
    Atomics.notify(workerData.control, ${REPLIES});
  }
});`;

/** How long the engine waits for any slice worker's reply before it reports them stuck (two minutes). */
export const STALL_MS = 120_000;

/** Workers started and not yet exited, and started in all, in this process. */
let running = 0;
let started = 0;

/** How many slice workers this process has started: what tests check does not move for a small plan. */
export function sliceWorkersStarted(): number {
  return started;
}

/** How many slice workers are running (started and not yet exited): what tests check is back to 0. */
export function runningSliceWorkers(): number {
  return running;
}

/** A slice's outcome: its result set, or what evaluating it threw. */
export type SliceOutcome = { readonly result: unknown } | { readonly error: unknown };

/** A worker failed in a way no input explains: a bug of ours (the CLI exits 3). */
export class SliceWorkerError extends Error {
  override readonly name = 'SliceWorkerError';
}

export class SliceWorkers {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_COUNTERS * Int32Array.BYTES_PER_ELEMENT));
  private readonly threads: Worker[] = [];
  private readonly ports: MessagePort[] = [];

  /**
   * Starts `count` workers, each making an instance with `pages` of memory (null: the first slice's) and the data, then waiting for the job
   * (`start`). `stallMs`: how long `collect` waits with no reply from any worker before it gives up. A worker
   * whose JavaScript heap runs out is ended without a word, and this thread, blocked in Atomics.wait, cannot
   * hear its exit; a slice takes well under a second.
   */
  constructor(
    module: WasmModule,
    data: Record<string, unknown>,
    count: number,
    pages: number | null,
    entry: URL = sliceWorkerEntry(),
    private readonly stallMs: number = STALL_MS,
  ) {
    try {
      for (let i = 0; i < count; i++) {
        const { port1, port2 } = new MessageChannel();
        const workerData: SliceWorkerData = { entry: entry.href, module, data, port: port2, control: this.control, pages };
        const thread = new Worker(BOOTSTRAP, { eval: true, execArgv: [], workerData, transferList: [port2] });
        // The process never waits for a worker: a finished evaluation terminates them anyway.
        thread.unref();
        running++;
        started++;
        thread.once('exit', () => running--);
        this.threads.push(thread);
        this.ports.push(port1);
      }
    } catch (error) {
      this.terminate();
      throw error;
    }
  }

  get size(): number {
    return this.threads.length;
  }

  /** How many replies the workers have posted so far, read or not: what shows a worker is at work. */
  get replies(): number {
    return Atomics.load(this.control, REPLIES);
  }

  /** Hands every worker the job, before any slice's resources are written: they wait for the first. */
  start(job: SliceJob): void {
    for (const port of this.ports) port.postMessage(job);
  }

  /** Hands every worker one slice's resources (copied once into memory they all share, unless they are in it already). */
  add(slice: SliceResources): void {
    let { resources } = slice;
    if (!(resources.buffer instanceof SharedArrayBuffer)) {
      resources = new Uint8Array(new SharedArrayBuffer(slice.resources.byteLength));
      resources.set(slice.resources);
    }
    for (const port of this.ports) port.postMessage({ ...slice, resources });
    Atomics.add(this.control, SLICES_WRITTEN, 1);
    Atomics.notify(this.control, SLICES_WRITTEN);
  }

  /**
   * Every slice's outcome, in slice order, once every worker has said it is done (so a worker that could not
   * start is always reported). With `evaluateHere`, this thread first takes slices from the shared counter too,
   * evaluating them with it, until none is left. Once a slice fails, no further slice is handed out; every slice
   * before it has its outcome, since it was taken earlier, so the first failure in slice order is the error the
   * one-thread evaluation would have met. The slices after it may have none.
   */
  collect(slices: number, evaluateHere?: (index: number) => unknown): Array<SliceOutcome | undefined> {
    const outcomes = Array.from({ length: slices }, (): SliceOutcome | undefined => undefined);
    let failed = false;
    let done = 0;
    // The replies posted so far, read into `outcomes`. Read between this thread's own slices too, while the workers
    // still evaluate theirs, rather than all after the last slice, when only this thread is left working.
    const read = (): void => {
      for (const port of this.ports) {
        for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
          const reply = message.message as SliceReply;
          if ('fatal' in reply) throw new SliceWorkerError(reply.fatal);
          if ('done' in reply) done++;
          else if ('error' in reply) {
            outcomes[reply.index] = { error: new Error(reply.error) };
            failed = true;
          } else outcomes[reply.index] = { result: reply.result };
        }
      }
    };
    if (evaluateHere !== undefined) {
      for (let index = Atomics.add(this.control, NEXT_SLICE, 1); index < slices; index = Atomics.add(this.control, NEXT_SLICE, 1)) {
        try {
          outcomes[index] = { result: evaluateHere(index) };
        } catch (error) {
          outcomes[index] = { error };
          failed = true;
          break;
        }
        read();
      }
    }
    let stopped = false;
    for (;;) {
      const seen = Atomics.load(this.control, REPLIES);
      read();
      if (failed && !stopped) {
        // Pushed past the end: no worker takes another slice.
        Atomics.add(this.control, NEXT_SLICE, slices);
        stopped = true;
      }
      if (done === this.ports.length) return outcomes;
      if (Atomics.wait(this.control, REPLIES, seen, this.stallMs) === 'timed-out') {
        throw new SliceWorkerError(`no slice worker replied for ${(this.stallMs / 1000).toString()} s; it may have run out of memory`);
      }
    }
  }

  /** Stops every worker, whatever it is doing; safe to call more than once. */
  terminate(): void {
    for (const port of this.ports) port.close();
    for (const thread of this.threads) void thread.terminate().catch(() => undefined);
    this.threads.length = 0;
    this.ports.length = 0;
  }
}
