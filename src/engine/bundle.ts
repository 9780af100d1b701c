/**
 * Reads an OPA wasm bundle (`opa build -t wasm` output): gzip + tar with /policy.wasm, /data.json
 * and /.manifest. Every failure is a TollgateError naming the bundle file.
 *
 * A bundle read at every start (the built-in one) can have an unpacked copy made at build time: its tar, after
 * a first line naming the gzip file it came from. Unpacking was a tenth of a small plan's check, with loading
 * zlib. The copy is used only while the gzip file's size and trailer (the CRC-32 and length of the tar it
 * holds) are still those on its first line; otherwise the bundle is read and unpacked as before.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readBoundedFile } from '../bounded-file.js';
import { SEVERITIES, type RuleDoc, type Severity } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
import { excessiveNestingAt } from '../model/json-nesting.js';
import { readTarEntries, TarFormatError } from './tar.js';

/** Limits that keep a hostile or corrupt bundle from exhausting memory. */
export const BUNDLE_LIMITS = {
  compressedBytes: 64 << 20,
  uncompressedBytes: 256 << 20,
  entryBytes: 128 << 20,
  entries: 10_000,
} as const;

export interface BundleManifest {
  readonly revision: string;
  readonly entrypoints: readonly string[];
}

export interface Bundle {
  readonly file: string;
  readonly wasm: Uint8Array;
  /** data.json parsed; the policies' base document. */
  readonly data: Record<string, unknown>;
  readonly manifest: BundleManifest;
  /** Rule docs the build stored at data.tollgate.meta.rules. */
  readonly rules: readonly RuleDoc[];
}

/** Deepest nesting accepted in a bundle's JSON: far above what a policy's data needs, far below a stack overflow. */
export const MAX_JSON_DEPTH = 512;

/** A JSON entry that must be present and an object. */
function parseJsonObject(bytes: Uint8Array | undefined, name: string, file: string): Record<string, unknown> {
  if (bytes === undefined) {
    throw new TollgateError(`incomplete bundle: ${name} is missing (build it with \`tollgate build\` or \`opa build -t wasm\`)`, { file });
  }
  let value: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (excessiveNestingAt(text, MAX_JSON_DEPTH) !== -1) {
      throw new TollgateError(`corrupt bundle: ${name} nests deeper than ${MAX_JSON_DEPTH} levels`, { file });
    }
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof TollgateError) throw error;
    throw new TollgateError(`corrupt bundle: ${name} is not valid JSON (${(error as Error).message})`, { file });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TollgateError(
      `corrupt bundle: ${name} must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
      { file },
    );
  }
  return value as Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function manifestOf(value: unknown): BundleManifest {
  const record = asRecord(value);
  const wasm = Array.isArray(record.wasm) ? record.wasm : [];
  return {
    revision: typeof record.revision === 'string' ? record.revision : '',
    entrypoints: wasm.flatMap((entry) => {
      const name = asRecord(entry).entrypoint;
      return typeof name === 'string' && name !== '' ? [name] : [];
    }),
  };
}

const RULE_DOC_TEXT = ['id', 'area', 'title', 'description', 'remediation', 'file'] as const;

/**
 * The rule docs the build stored at data.tollgate.meta.rules; renderers trust their shape, so a bundle whose
 * docs are not what `tollgate build` writes is refused here rather than failing later in a renderer.
 */
function rulesOf(data: Record<string, unknown>, file: string): RuleDoc[] {
  const rules = asRecord(asRecord(asRecord(data.tollgate).meta).rules);
  const docs = Object.entries(rules).map(([key, value]) => {
    const doc = asRecord(value);
    const wrong =
      RULE_DOC_TEXT.find((field) => typeof doc[field] !== 'string') ??
      (SEVERITIES.includes(doc.severity as Severity) ? undefined : 'severity') ??
      (doc.enforcement === 'deny' || doc.enforcement === 'warn' ? undefined : 'enforcement') ??
      (doc.parameters !== null && typeof doc.parameters === 'object' && !Array.isArray(doc.parameters) ? undefined : 'parameters');
    if (wrong !== undefined) {
      throw new TollgateError(
        `corrupt bundle: the rule docs of ${JSON.stringify(key)} have no valid ${wrong} (rebuild it with \`tollgate build\`)`,
        { file },
      );
    }
    return doc as unknown as RuleDoc;
  });
  return docs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** zlib, loaded on first use: a bundle read from its unpacked copy needs none of it. */
let zlib: typeof import('node:zlib') | undefined;
const gunzipSync: (typeof import('node:zlib'))['gunzipSync'] = (...args) =>
  (zlib ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib')).gunzipSync(...args);

export function parseBundle(compressed: Uint8Array, file: string): Bundle {
  let archive: Uint8Array;
  try {
    archive = gunzipSync(compressed, { maxOutputLength: BUNDLE_LIMITS.uncompressedBytes });
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        ? `it unpacks to more than ${BUNDLE_LIMITS.uncompressedBytes} bytes`
        : 'it is not a gzip file';
    throw new TollgateError(`corrupt bundle: ${reason}`, { file });
  }
  return bundleFromArchive(archive, file);
}

/** A bundle from its tar; `file` is the bundle file named in errors. */
function bundleFromArchive(archive: Uint8Array, file: string): Bundle {
  let entries: Map<string, Uint8Array>;
  try {
    entries = readTarEntries(archive, { maxEntryBytes: BUNDLE_LIMITS.entryBytes, maxEntries: BUNDLE_LIMITS.entries });
  } catch (error) {
    if (error instanceof TarFormatError) throw new TollgateError(`corrupt bundle: ${error.message}`, { file });
    throw error;
  }
  const wasm = entries.get('/policy.wasm');
  if (!wasm) {
    throw new TollgateError('not a wasm bundle: /policy.wasm is missing (build it with `opa build -t wasm`)', { file });
  }
  // A bundle without its data or manifest would evaluate with other rules' settings under the same
  // revision: refuse it rather than decide differently.
  const data = parseJsonObject(entries.get('/data.json'), '/data.json', file);
  const manifest = manifestOf(parseJsonObject(entries.get('/.manifest'), '/.manifest', file));
  return { file, wasm, data, manifest, rules: rulesOf(data, file) };
}

/**
 * What identifies a gzip file's content without unpacking it: its size and its last 8 bytes, the CRC-32 and
 * length of what it holds. Null when the file cannot be read or is too short to be a gzip file.
 */
function gzipIdentity(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = fstatSync(fd);
    if (size < 18) return null;
    const trailer = Buffer.alloc(8);
    return readSync(fd, trailer, 0, 8, size - 8) === 8 ? `${size}:${trailer.toString('hex')}` : null;
  } finally {
    closeSync(fd);
  }
}

const UNPACKED_HEADER = 'tollgate-unpacked-bundle ';

/** The unpacked copy of the gzip bundle `compressed` (whose bytes these are), as `readBundleFile` reads it. */
export function unpackedBundleCopy(compressed: Uint8Array): Buffer {
  const archive = gunzipSync(compressed, { maxOutputLength: BUNDLE_LIMITS.uncompressedBytes });
  const trailer = Buffer.from(compressed.subarray(compressed.length - 8)).toString('hex');
  return Buffer.concat([Buffer.from(`${UNPACKED_HEADER}${compressed.length}:${trailer}\n`, 'latin1'), archive]);
}

/** The tar in the unpacked copy when it was made from `file` as it is now, else null. */
function unpackedArchive(file: string, copy: string): Uint8Array | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(copy);
  } catch {
    return null;
  }
  const lineEnd = bytes.indexOf(0x0a);
  if (lineEnd === -1 || lineEnd > 200 || bytes.length - lineEnd - 1 > BUNDLE_LIMITS.uncompressedBytes) return null;
  const identity = gzipIdentity(file);
  return identity !== null && bytes.toString('latin1', 0, lineEnd) === UNPACKED_HEADER + identity ? bytes.subarray(lineEnd + 1) : null;
}

/** A bundle file; `unpackedCopy`, when given, is its unpacked copy (`unpackedBundleCopy`), used while it is current. */
export function readBundleFile(file: string, unpackedCopy?: string): Bundle {
  const archive = unpackedCopy === undefined ? null : unpackedArchive(file, unpackedCopy);
  if (archive !== null) return bundleFromArchive(archive, file);
  return parseBundle(readBoundedFile(file, { maxBytes: BUNDLE_LIMITS.compressedBytes, what: 'bundle file' }), file);
}
