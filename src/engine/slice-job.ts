/**
 * What the thread evaluating a plan and the slice workers beside it share (slice-workers.ts, slice-worker.ts):
 * the slices of one input as byte ranges of its serialised text, and the counters they coordinate with.
 * A slice's input is `{"resources":[` + one run of the whole input's resource text + `],rest}`: built by
 * copying bytes, never by serialising again.
 */

/** Index in the control counters of the next slice to take: each thread takes one with Atomics.add. */
export const NEXT_SLICE = 0;
/** Index in the control counters of the replies posted so far: what a waiting thread sleeps on. */
export const REPLIES = 1;
/** Int32 counters in the control buffer. */
export const CONTROL_COUNTERS = 2;

/** The size of a wasm memory page, in bytes: what instance sizes are counted in. */
export const WASM_PAGE = 64 * 1024;

/** The slices of one input. */
export interface SliceJob {
  /** The whole input's UTF-8 text: a SharedArrayBuffer for the workers, the plain bytes for the evaluating thread. */
  readonly input: Uint8Array;
  /** The byte range of each slice's resources in `input` (starts[i] inclusive, ends[i] exclusive). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** `{"resources":[`, and `]}` or `],` + the members other than the resources + `}`. */
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
  /** The slice entrypoint (tollgate/resource_findings). */
  readonly entrypoint: number;
}

/** What a worker is sent once it is started: the job, and the memory its instance needs for the largest slice. */
export interface WorkerJob extends SliceJob {
  readonly pages: number;
}

/**
 * A worker's answer: a slice's result set, or the error evaluating it threw; that it takes no more slices; or
 * why it could not start.
 */
export type SliceReply =
  | { readonly index: number; readonly result: unknown }
  | { readonly index: number; readonly error: string }
  | { readonly done: true }
  | { readonly fatal: string };

/** A slice's input text, in a buffer of its own (what opa-wasm takes as ready JSON). */
export function sliceInput(job: SliceJob, index: number): ArrayBuffer {
  const start = job.starts[index] ?? 0;
  const end = job.ends[index] ?? 0;
  const bytes = new Uint8Array(job.head.length + (end - start) + job.tail.length);
  bytes.set(job.head, 0);
  bytes.set(job.input.subarray(start, end), job.head.length);
  bytes.set(job.tail, job.head.length + (end - start));
  return bytes.buffer;
}

/** The size of the largest slice's input, in bytes. */
export function largestSlice(job: SliceJob): number {
  let largest = 0;
  for (let i = 0; i < job.starts.length; i++) largest = Math.max(largest, (job.ends[i] ?? 0) - (job.starts[i] ?? 0));
  return job.head.length + largest + job.tail.length;
}
