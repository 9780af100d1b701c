/**
 * Reads an OPA wasm bundle (`opa build -t wasm` output): gzip + tar with /policy.wasm, /data.json
 * and /.manifest. Every failure is a TollgateError naming the bundle file.
 */
import { gunzipSync } from 'node:zlib';
import { readBoundedFile } from '../bounded-file.js';
import { SEVERITIES, type RuleDoc, type Severity } from '../model/decision.js';
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

/** Deepest nesting accepted in a bundle's JSON: far above what a policy's data needs, far below a stack overflow. */
export const MAX_JSON_DEPTH = 512;

/** Nesting depth of JSON text, counted outside strings; stops counting once over `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** A JSON entry that must be present and an object. */
function parseJsonObject(bytes: Uint8Array | undefined, name: string, file: string): Record<string, unknown> {
  if (bytes === undefined) {
    throw new TollgateError(`incomplete bundle: ${name} is missing (build it with \`tollgate build\` or \`opa build -t wasm\`)`, { file });
  }
  let value: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
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

export function readBundleFile(file: string): Bundle {
  return parseBundle(readBoundedFile(file, { maxBytes: BUNDLE_LIMITS.compressedBytes, what: 'bundle file' }), file);
}
