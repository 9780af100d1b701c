/**
 * Reading a plan file from disk into text, with the checks that come before parsing: the file exists, is a
 * regular file, is not larger than the limit (checked on the size, before reading a byte), and is text.
 */
import { readFile, stat } from 'node:fs/promises';
import { TollgateError } from '../../model/errors.js';
import { positionAt } from './plan-json.js';

/** Default largest plan accepted: 256 MiB, far above the JSON of a 50 000-resource plan. */
export const DEFAULT_MAX_PLAN_BYTES = 256 * 1024 * 1024;

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function fileProblem(error: unknown, file: string): TollgateError | null {
  switch (errorCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new TollgateError('file not found', { file });
    case 'EISDIR':
      return new TollgateError('is a directory, not a plan file', { file });
    case 'EACCES':
    case 'EPERM':
      return new TollgateError('permission denied', { file });
    default:
      return null;
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Offset of the first byte that is not valid UTF-8 (called only after strict decoding failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return i;
}

/**
 * Bytes → text. Strict UTF-8, with a UTF-8 BOM dropped; UTF-16 with a BOM is accepted because Windows
 * PowerShell's `terraform show -json > plan.json` writes it.
 */
export function decodePlanBytes(bytes: Uint8Array, file: string): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    throw new TollgateError('this is a binary file, not JSON text (invalid UTF-8)', { file, ...positionAt(before, before.length) });
  }
}

export async function readPlanText(file: string, maxBytes: number): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new TollgateError('is a directory, not a plan file', { file });
    size = info.size;
  } catch (error) {
    throw fileProblem(error, file) ?? error;
  }
  if (size > maxBytes) {
    throw new TollgateError(`the file is ${formatMiB(size)}, over the ${formatMiB(maxBytes)} limit (raise maxBytes to read it)`, { file });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw fileProblem(error, file) ?? error;
  }
  return decodePlanBytes(bytes, file);
}
