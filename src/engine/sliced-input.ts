/**
 * An input judged in slices, serialised a slice at a time: the members around its resources once, then each slice's
 * resources as one run of UTF-8 text (their JSON texts joined by commas), which is both that slice's part of the
 * whole input and the middle of the slice's own input. Written slice by slice, the first slices can be handed to
 * the slice workers while the rest are still being written. The whole input's bytes, and their digest, are exactly
 * the UTF-8 of `JSON.stringify(input)`: the frame's head, the runs with a comma between, the frame's end.
 */
import { createHash } from 'node:crypto';

/** The input's members other than `resources`, serialised once. */
export interface InputFrame {
  /** The whole input's text before its first resource: `{`, the members before `resources`, `"resources":[`. */
  readonly head: string;
  /** The whole input's text after its last resource: `]`, the members after `resources`, `}`. */
  readonly after: string;
  /** The members other than `resources`, as `"key":value` pairs joined by commas (no braces), or ''. */
  readonly rest: string;
  /** Every member as a `"key":value` pair, in the input's order, with '' where `resources` is. */
  readonly members: readonly string[];
  readonly resourcesIndex: number;
}

/**
 * The members around the resources, written as JSON.stringify writes a plain object: own keys in order, members
 * whose value has no JSON form left out.
 */
export function frameOf(input: Record<string, unknown>): InputFrame {
  const members: string[] = [];
  const others: string[] = [];
  let resourcesIndex = -1;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'resources') {
      resourcesIndex = members.length;
      members.push('');
      continue;
    }
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) continue;
    const member = `${JSON.stringify(key)}:${text}`;
    members.push(member);
    others.push(member);
  }
  const before = members.slice(0, resourcesIndex);
  const following = members.slice(resourcesIndex + 1);
  const head = `{${before.map((member) => `${member},`).join('')}"resources":[`;
  const after = `]${following.map((member) => `,${member}`).join('')}}`;
  return { head, after, rest: others.join(','), members, resourcesIndex };
}

/**
 * Resources [first, next) as one run of UTF-8 text: each resource's JSON (null for one without a JSON form, as in
 * an array), commas between. The slice's resources are serialised by one JSON.stringify of them as an array, whose
 * text between the brackets is exactly that run, and encoded straight into a buffer of its exact size rather than
 * through a second string: one call per slice instead of three per resource (100,000 resources: 690 → 590 ms). In
 * shared memory when asked, so that the slice workers read it without a copy.
 */
export function encodeResources(resources: readonly unknown[], first: number, next: number, shared: boolean): Uint8Array {
  // JSON.stringify of an array always gives a string, `[]` when empty.
  const text = JSON.stringify(resources.slice(first, next));
  const run = text.slice(1, -1);
  const total = Buffer.byteLength(run, 'utf8');
  const bytes = shared ? Buffer.from(new SharedArrayBuffer(total)) : Buffer.allocUnsafeSlow(total);
  const written = bytes.write(run, 0, 'utf8');
  if (written !== total) throw new Error(`internal error: the serialised resources took ${written} bytes, not ${total}`);
  return bytes;
}

/** The whole input's UTF-8 text, in an ArrayBuffer of its own: the frame around the runs, a comma between runs. */
export function wholeInput(frame: InputFrame, runs: readonly Uint8Array[]): Uint8Array {
  const head = Buffer.from(frame.head, 'utf8');
  const after = Buffer.from(frame.after, 'utf8');
  let total = head.byteLength + after.byteLength + Math.max(0, runs.length - 1);
  for (const run of runs) total += run.byteLength;
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = head.copy(bytes, 0);
  for (let i = 0; i < runs.length; i++) {
    if (i > 0) bytes[at++] = 0x2c;
    const run = runs[i] ?? new Uint8Array(0);
    bytes.set(run, at);
    at += run.byteLength;
  }
  after.copy(bytes, at);
  return bytes;
}

/** The decision's input digest: the sha256 of the whole input's bytes, hashed run by run rather than joined first. */
export function inputDigest(frame: InputFrame, runs: readonly Uint8Array[]): string {
  const hash = createHash('sha256').update(frame.head, 'utf8');
  for (let i = 0; i < runs.length; i++) {
    if (i > 0) hash.update(',', 'utf8');
    hash.update(runs[i] ?? new Uint8Array(0));
  }
  return `sha256:${hash.update(frame.after, 'utf8').digest('hex')}`;
}
