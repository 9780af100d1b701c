/**
 * What the thread evaluating a plan and the slice workers beside it share (slice-workers.ts, slice-worker.ts):
 * the slices of one input, each as the JSON text of its resources (their texts joined by commas), handed out as
 * soon as it is written, and the counters they coordinate with. A slice's input is `{"resources":[` + that text +
 * `],rest}`: built by copying bytes, never by serialising again.
 */

/** Index in the control counters of the next slice to take: each thread takes one with Atomics.add. */
export const NEXT_SLICE = 0;
/** Index in the control counters of the replies posted so far: what a waiting thread sleeps on. */
export const REPLIES = 1;
/** Index in the control counters of the slices handed to the workers so far: what a worker waiting for one sleeps on. */
export const SLICES_WRITTEN = 2;
/** Int32 counters in the control buffer. */
export const CONTROL_COUNTERS = 3;

/** What every slice of one input shares: known before any slice's resources are written. */
export interface SliceJob {
  /** How many slices the input has. */
  readonly slices: number;
  /** `{"resources":[`, and `]}` or `],` + the members other than the resources + `}`. */
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
  /** The slice entrypoint (tollgate/resource_findings). */
  readonly entrypoint: number;
}

/** One slice's resources, handed to the workers once written: shared memory for them, plain bytes on the evaluating thread. */
export interface SliceResources {
  readonly index: number;
  /** The slice's resources' JSON text, joined by commas. */
  readonly resources: Uint8Array;
  /** The memory an instance needs for this slice's input. */
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
export function sliceInput(job: SliceJob, resources: Uint8Array): ArrayBuffer {
  const bytes = new Uint8Array(job.head.length + resources.length + job.tail.length);
  bytes.set(job.head, 0);
  bytes.set(resources, job.head.length);
  bytes.set(job.tail, job.head.length + resources.length);
  return bytes.buffer;
}

/** The size of a slice's input, in bytes. */
export function sliceInputBytes(job: SliceJob, resources: Uint8Array): number {
  return job.head.length + resources.length + job.tail.length;
}
