/**
 * A minimal reader for the ustar archives `opa build` writes (inside the gzip of a bundle).
 * OPA bundles are flat lists of regular files, so this reads regular files only, refuses
 * unsafe paths (`..`, NUL) and enforces size limits before copying anything.
 */

export interface TarLimits {
  /** Largest single file accepted, in bytes. */
  readonly maxEntryBytes: number;
  /** Most files accepted. */
  readonly maxEntries?: number;
}

export class TarFormatError extends Error {}

const BLOCK = 512;
const decoder = new TextDecoder();

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, offset: number, length: number): number {
  const text = readString(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad octal number "${text}" in tar header`);
  return parseInt(text, 8);
}

function checksumMatches(header: Uint8Array): boolean {
  const field = readString(header, 148, 8).trim();
  if (!/^[0-7]+$/.test(field)) return false;
  const stored = parseInt(field, 8);
  // The header is one block; its checksum field counts as spaces. (An indexed loop: this runs on every
  // start-up, before the iterator form is optimised.)
  let sum = 8 * 32;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += header[i] ?? 0;
  return sum === stored;
}

/** Bundle paths are absolute ("/policy.wasm"); normalise to that form and reject escapes. */
export function normaliseEntryPath(raw: string): string {
  if (raw.includes('\0')) throw new TarFormatError(`unsafe path in bundle: ${JSON.stringify(raw)}`);
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) throw new TarFormatError(`unsafe path in bundle: ${raw}`);
  return `/${parts.join('/')}`;
}

/** Every regular file in the archive, by normalised absolute path. */
export function readTarEntries(archive: Uint8Array, limits: TarLimits): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  const maxEntries = limits.maxEntries ?? 10_000;
  let offset = 0;
  let pendingLongName: string | null = null;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    if (!checksumMatches(header)) throw new TarFormatError(`tar header checksum mismatch at byte ${offset}`);
    const size = readOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = readString(header, 345, 155);
    const name = pendingLongName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > archive.length) throw new TarFormatError(`tar entry ${name} is truncated`);
    if (size > limits.maxEntryBytes) {
      throw new TarFormatError(`bundle file ${name} is ${size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
    }
    pendingLongName = null;
    if (type === 'L') {
      // GNU long name: the data is the name of the next entry.
      pendingLongName = readString(archive, dataStart, size);
    } else if (type === '0' || type === '\0') {
      if (entries.size >= maxEntries) throw new TarFormatError(`bundle has more than ${maxEntries} files`);
      entries.set(normaliseEntryPath(name), archive.slice(dataStart, dataEnd));
    } else if (type !== '5' && type !== 'x' && type !== 'g') {
      // Links and devices have no place in a policy bundle.
      throw new TarFormatError(`unsupported tar entry type "${type}" for ${name}`);
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
