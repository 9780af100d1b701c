/** Option parsers shared by the commands. */

import { TollgateError } from '../model/errors.js';

/** A size flag in MiB (`--max-spend-file-size 512`) as bytes; `fallback` when the flag is not given. */
export function parseMiB(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const mib = Number(value);
  if (!Number.isFinite(mib) || mib <= 0) throw new TollgateError(`${flag} must be a positive number of MiB (got "${value}")`);
  return Math.floor(mib * 1024 * 1024);
}

/** For repeatable flags (`--policy a --policy b`): commander calls it once per occurrence. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
