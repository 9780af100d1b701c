/**
 * Reading a file the user named, with a limit that holds whatever the path is. `stat` cannot be trusted
 * for the limit: `/dev/zero`, `/dev/stdin` fed by a pipe, a FIFO or a file still growing all report a size
 * of 0 or less than they will give. So the bytes are counted as they are read, and reading stops one byte
 * past the limit. Every way a path can fail (missing, a directory, unreadable, a symlink loop, too long)
 * is the user's mistake: a TollgateError naming the file, exit 2.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { TollgateError } from './model/errors.js';

export interface ReadLimit {
  /** Most bytes accepted. */
  readonly maxBytes: number;
  /** What the file is, for messages: "plan file", "config file". */
  readonly what: string;
  /** How to raise the limit, when the user can: "--max-plan-size". */
  readonly raiseWith?: string;
}

const CHUNK = 1 << 20;

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** What a file system error means for the user, completing "<what> …". */
const PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'not found',
  ENOTDIR: 'not found (a part of the path is not a directory)',
  EISDIR: 'is a directory, expected a file',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
  ELOOP: 'cannot be read: too many symbolic links (a link loop?)',
  ENAMETOOLONG: 'cannot be read: the path is too long',
  ENXIO: 'cannot be read: no device or no writer behind it',
  EIO: 'cannot be read: input/output error',
};

/** A file system error on a path the user gave, as the user's error; anything else is left alone. */
export function fileProblem(error: unknown, file: string, what: string): TollgateError | null {
  const code = errorCode(error);
  const problem = code === undefined ? undefined : PROBLEMS[code];
  return problem === undefined ? null : new TollgateError(`${what} ${problem}`, { file });
}

function formatSize(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** The error for a file over its limit: its size when known (null: counted while reading), the flag that raises it. */
export function overLimit(file: string, limit: ReadLimit, size: number | null): TollgateError {
  const how = limit.raiseWith === undefined ? '' : ` (raise it with ${limit.raiseWith})`;
  const is = size === null ? 'is larger than' : `is ${formatSize(size)}, over`;
  return new TollgateError(`${limit.what} ${is} the ${formatSize(limit.maxBytes)} limit${how}`, { file });
}

/** The whole file, at most `limit.maxBytes` bytes of it; more is an error, never a truncated read. */
export function readBoundedFile(file: string, limit: ReadLimit): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileProblem(error, file, limit.what) ?? error;
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new TollgateError(`${limit.what} is a directory, expected a file`, { file });
    // A regular file's size is known before reading; anything else is counted as it comes.
    if (info.isFile() && info.size > limit.maxBytes) throw overLimit(file, limit, info.size);
    // A regular file is read into one buffer of its size (one byte more, to see that it did not grow): a
    // 50 MB plan read in 1 MiB chunks was then copied once more to join them.
    if (info.isFile()) {
      const whole = Buffer.allocUnsafe(info.size + 1);
      let filled = 0;
      for (;;) {
        const read = readSync(fd, whole, filled, whole.length - filled, null);
        if (read === 0) return whole.subarray(0, filled);
        filled += read;
        if (filled === whole.length) break;
      }
      // It grew while it was read: the rest is read in chunks, as from a pipe, and counted against the limit.
      if (filled > limit.maxBytes) throw overLimit(file, limit, null);
      return readRest(fd, whole, file, limit);
    }
    return readRest(fd, Buffer.alloc(0), file, limit);
  } catch (error) {
    throw fileProblem(error, file, limit.what) ?? error;
  } finally {
    closeSync(fd);
  }
}

/** The bytes already read, then the rest of the file in chunks until its end, counted against the limit. */
function readRest(fd: number, start: Buffer, file: string, limit: ReadLimit): Buffer {
  const chunks: Buffer[] = start.length > 0 ? [start] : [];
  let total = start.length;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit.maxBytes + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    total += read;
    if (total > limit.maxBytes) throw overLimit(file, limit, null);
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
  }
  const [first, ...more] = chunks;
  return first !== undefined && more.length === 0 ? first : Buffer.concat(chunks, total);
}
