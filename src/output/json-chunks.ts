/**
 * JSON written in chunks: the text `JSON.stringify(withSortedKeys(value), null, indent)` gives (deterministic:
 * object keys sorted, members whose value is undefined left out), or with keys in their own order the text of
 * `JSON.stringify(value, null, indent)`, without a sorted copy of the whole value and without one string of the
 * whole document. A 100,000-resource report is tens of megabytes; built as one
 * string, then encoded as one buffer, it is held in memory three times over.
 */

/** Receives the text in order, a chunk at a time. */
export type ChunkSink = (chunk: string) => void;

/** Text is handed on once a chunk holds this many characters. */
const CHUNK_CHARACTERS = 1 << 16;

/**
 * What JSON.stringify writes for a value that has a JSON form; undefined for one that has none (undefined, a
 * function, a symbol), which an object leaves out and an array writes as null.
 */
function primitiveText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** Whether a value has a JSON form inside an object (else JSON.stringify leaves its member out). */
function isWritten(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** Whether a key is an array index, which a JavaScript object keeps first, in numeric order, whatever the insertion order. */
function isIndexKey(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/** Strings of at least this many characters have their JSON text remembered (JsonChunkWriter.longStringText). */
const LONG_STRING = 64;
const LONG_STRING_SLOTS = 256;

/** Objects with at most this many keys are sorted in place by insertion; larger ones by Array.prototype.sort. */
const INSERTION_SORT_KEYS = 24;

/**
 * Keys in the order an object built from them sorted (withSortedKeys) enumerates them: array-index keys first in
 * numeric order, then the others sorted by code unit.
 */
function sortKeys(keys: string[]): void {
  // A report is tens of thousands of small objects of a few shapes. Array.prototype.sort allocates its work
  // arrays at every call (a quarter of what writing the 10,000-resource report allocated); an insertion sort in
  // place allocates nothing and is linear on keys that come nearly in order. `<` compares by UTF-16 code units,
  // as the default sort and compareStrings in check-result.ts do.
  if (keys.length > INSERTION_SORT_KEYS) keys.sort();
  else {
    for (let i = 1; i < keys.length; i++) {
      const key = keys[i] ?? '';
      let j = i;
      for (; j > 0; j--) {
        const before = keys[j - 1] ?? '';
        if (key >= before) break;
        keys[j] = before;
      }
      keys[j] = key;
    }
  }
  // Most objects have no key starting with a digit: a character test spares them the pattern.
  if (!startsWithDigit(keys) || !keys.some(isIndexKey)) return;
  const indices = keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  const others = keys.filter((key) => !isIndexKey(key));
  keys.splice(0, keys.length, ...indices, ...others);
}

/** Whether any key starts with a digit (only those can be array indices). */
function startsWithDigit(keys: readonly string[]): boolean {
  for (const key of keys) {
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) return true;
  }
  return false;
}

/**
 * Takes the members of one object, given in the order the writer puts them in (sorted by code unit, in a sorted
 * layout): a member whose value has no JSON form is left out, as it is from an object.
 */
export interface MemberSink {
  member(key: string, value: unknown): void;
}

/**
 * A list of objects, each written member by member by a function of its own rather than walked as a value: a
 * report's longest list of one shape (its priced resources, one row each) then needs no object per row, which
 * lived until the whole list was written, and no look at each row's keys. Written as the list of the objects
 * those members make.
 */
export class MemberList<T> {
  constructor(
    readonly items: readonly T[],
    readonly members: (item: T, sink: MemberSink) => void,
  ) {}
}

class JsonChunkWriter implements MemberSink {
  private text = '';
  /** Each key as written before its value (`"key": `): a report repeats a few dozen keys thousands of times. */
  private readonly keyTexts = new Map<string, string>();

  constructor(
    private readonly sink: ChunkSink,
    private readonly indent: string,
    private readonly sortKeys: boolean,
  ) {}

  /** At each depth: what starts a member or element on its own line (`,` aside), and what closes the value. */
  private readonly openings: string[] = [];
  private readonly closings: string[] = [];

  private layoutAt(depth: number): void {
    for (let level = this.openings.length; level <= depth; level++) {
      const margin = this.indent.repeat(level);
      this.openings.push(this.indent === '' ? '' : `\n${margin}${this.indent}`);
      this.closings.push(this.indent === '' ? '' : `\n${margin}`);
    }
  }

  private keyText(key: string): string {
    let text = this.keyTexts.get(key);
    if (text === undefined) {
      text = `${JSON.stringify(key)}${this.indent === '' ? ':' : ': '}`;
      this.keyTexts.set(key, text);
    }
    return text;
  }

  write(value: unknown, depth: number): void {
    if (value === null) {
      this.text += 'null';
      return;
    }
    if (typeof value === 'string') {
      this.text += value.length < LONG_STRING ? JSON.stringify(value) : this.longStringText(value);
      return;
    }
    if (typeof value !== 'object') {
      this.text += primitiveText(value) ?? 'null';
      return;
    }
    if (value instanceof MemberList) {
      this.writeMemberList(value as MemberList<unknown>, depth);
      return;
    }
    this.layoutAt(depth);
    const open = this.openings[depth] ?? '';
    const close = this.closings[depth] ?? '';
    if (Array.isArray(value)) {
      const items = value as readonly unknown[];
      if (items.length === 0) {
        this.text += '[]';
        return;
      }
      this.text += '[';
      for (let i = 0; i < items.length; i++) {
        this.text += i === 0 ? open : `,${open}`;
        const item = items[i];
        if (isWritten(item)) this.write(item, depth + 1);
        else this.text += 'null';
        this.flushIfFull();
      }
      this.text += `${close}]`;
      return;
    }
    const record = value as Readonly<Record<string, unknown>>;
    const keys = Object.keys(record);
    if (this.sortKeys) sortKeys(keys);
    // Members whose value has no JSON form are left out; the braces are written with the first member written.
    let written = false;
    // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for...of walks an iterator object in code not yet optimised, which is where a report's first objects run
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? '';
      const member = record[key];
      if (!isWritten(member)) continue;
      this.text += written ? `,${open}` : `{${open}`;
      written = true;
      this.text += this.keyText(key);
      this.write(member, depth + 1);
      this.flushIfFull();
    }
    this.text += written ? `${close}}` : '{}';
  }

  /** The last long string written of each length (modulo LONG_STRING_SLOTS), and its JSON text. */
  private readonly longStrings = new Array<string>(LONG_STRING_SLOTS).fill('');
  private readonly longStringTexts = new Array<string>(LONG_STRING_SLOTS).fill('""');

  /**
   * A long string's JSON text, remembered by its length: a report repeats a few long texts (a rule's remediation,
   * in every one of its findings) many times over, each a string of its own, and comparing one with the last of its
   * length costs less than quoting it again (140,000 findings: 640 → 530 ms to write). No hash is taken, so a
   * string seen once costs one comparison that stops at its first difference.
   */
  private longStringText(value: string): string {
    const slot = value.length % LONG_STRING_SLOTS;
    if (this.longStrings[slot] === value) return this.longStringTexts[slot] ?? JSON.stringify(value);
    const text = JSON.stringify(value);
    this.longStrings[slot] = value;
    this.longStringTexts[slot] = text;
    return text;
  }

  /** The depth of the object whose members `member` writes, and whether it has written one yet. */
  private memberDepth = 0;
  private membersWritten = false;

  member(key: string, value: unknown): void {
    if (!isWritten(value)) return;
    const open = this.openings[this.memberDepth] ?? '';
    this.text += this.membersWritten ? `,${open}` : `{${open}`;
    this.membersWritten = true;
    this.text += this.keyText(key);
    this.write(value, this.memberDepth + 1);
  }

  /** Closes the object `member` has been writing; one with no member written is `{}`. */
  private endMembers(close: string): void {
    this.text += this.membersWritten ? `${close}}` : '{}';
  }

  private writeMemberList(list: MemberList<unknown>, depth: number): void {
    const { items } = list;
    if (items.length === 0) {
      this.text += '[]';
      return;
    }
    this.layoutAt(depth + 1);
    const open = this.openings[depth] ?? '';
    const close = this.closings[depth] ?? '';
    const itemClose = this.closings[depth + 1] ?? '';
    // A member's value may hold a list of its own: the object around this list goes on once it is written.
    const outerDepth = this.memberDepth;
    const outerWritten = this.membersWritten;
    this.text += '[';
    for (let i = 0; i < items.length; i++) {
      this.text += i === 0 ? open : `,${open}`;
      this.memberDepth = depth + 1;
      this.membersWritten = false;
      list.members(items[i], this);
      this.endMembers(itemClose);
      this.flushIfFull();
    }
    this.text += `${close}]`;
    this.memberDepth = outerDepth;
    this.membersWritten = outerWritten;
  }

  private flushIfFull(): void {
    if (this.text.length >= CHUNK_CHARACTERS) this.flush();
  }

  flush(): void {
    if (this.text === '') return;
    this.sink(this.text);
    this.text = '';
  }
}

export interface JsonLayout {
  /** Spaces per level, as JSON.stringify's third argument; 0 writes compact JSON. */
  readonly indent: number;
  /** Object keys sorted (as withSortedKeys sorts them), or in their own order. */
  readonly sortKeys: boolean;
}

/**
 * Writes `value` as `JSON.stringify(withSortedKeys(value), null, indent)` (or, unsorted, as
 * `JSON.stringify(value, null, indent)`) would, to `sink` in chunks of about 64K characters. `value` must be
 * plain data with a JSON form (a report is): objects, arrays, strings, numbers, booleans and null, and lists
 * written member by member (MemberList), which it writes as the list of the objects they make.
 */
export function writeJsonChunks(value: unknown, sink: ChunkSink, layout: JsonLayout): void {
  const writer = new JsonChunkWriter(sink, ' '.repeat(layout.indent), layout.sortKeys);
  writer.write(value, 0);
  writer.flush();
}

/** The chunks a streamed renderer gives, as one string (for standard output and for tests). */
export function collectChunks(render: (sink: ChunkSink) => void): string {
  const chunks: string[] = [];
  render((chunk) => chunks.push(chunk));
  return chunks.join('');
}
