/**
 * Reads an OPA wasm bundle (`opa build -t wasm` output): gzip + tar with /policy.wasm, /data.json
 * and /.manifest. Every failure is a TollgateError naming the bundle file.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { RuleDoc } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
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

function parseJsonEntry(bytes: Uint8Array | undefined, name: string, file: string): unknown {
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new TollgateError(`corrupt bundle: ${name} is not valid JSON (${(error as Error).message})`, { file });
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function manifestOf(value: unknown): BundleManifest {
  const record = asRecord(value);
  const wasm = Array.isArray(record.wasm) ? record.wasm : [];
  return {
    revision: typeof record.revision === 'string' ? record.revision : '',
    entrypoints: wasm.map((entry) => String(asRecord(entry).entrypoint ?? '')).filter((name) => name !== ''),
  };
}

function rulesOf(data: Record<string, unknown>): RuleDoc[] {
  const rules = asRecord(asRecord(asRecord(data.tollgate).meta).rules);
  return Object.values(rules)
    .map((doc) => doc as RuleDoc)
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function parseBundle(compressed: Uint8Array, file: string): Bundle {
  let archive: Uint8Array;
  try {
    archive = gunzipSync(compressed, { maxOutputLength: BUNDLE_LIMITS.uncompressedBytes });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
      ? `it unpacks to more than ${BUNDLE_LIMITS.uncompressedBytes} bytes`
      : 'it is not a gzip file';
    throw new TollgateError(`corrupt bundle: ${reason}`, { file });
  }
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
  const data = asRecord(parseJsonEntry(entries.get('/data.json'), '/data.json', file) ?? {});
  const manifest = manifestOf(parseJsonEntry(entries.get('/.manifest'), '/.manifest', file));
  return { file, wasm, data, manifest, rules: rulesOf(data) };
}

export function readBundleFile(file: string): Bundle {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new TollgateError('bundle is not a file', { file });
    size = stat.size;
  } catch (error) {
    if (error instanceof TollgateError) throw error;
    throw new TollgateError('bundle file not found', { file });
  }
  if (size > BUNDLE_LIMITS.compressedBytes) {
    throw new TollgateError(`bundle is ${size} bytes, over the ${BUNDLE_LIMITS.compressedBytes}-byte limit`, { file });
  }
  return parseBundle(readFileSync(file), file);
}
