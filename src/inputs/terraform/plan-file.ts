/**
 * Reading a plan file from disk into text, with the checks that come before parsing: the file can be read,
 * is not larger than the limit (counted as it is read, so a pipe or a device cannot read without end), and
 * is text.
 */
import { readBoundedFile } from '../../bounded-file.js';
import { TollgateError } from '../../model/errors.js';
import { positionAt } from './plan-json.js';

/** Default largest plan accepted: 256 MiB, far above the JSON of a 50 000-resource plan. */
export const DEFAULT_MAX_PLAN_BYTES = 256 * 1024 * 1024;

/** Offset of the first byte that is not valid UTF-8 (called only after strict decoding failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const length =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
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

/** The plan's text, read with the limit counted on the bytes themselves (see src/bounded-file.ts). */
export function readPlanText(file: string, maxBytes: number): string {
  return decodePlanBytes(readBoundedFile(file, { maxBytes, what: 'plan file', raiseWith: '--max-plan-size' }), file);
}
