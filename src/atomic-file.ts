/**
 * The one way Tollgate writes a file: readers see the old file or the complete new one, never half of one.
 * The text goes to a temporary file in the target's directory (same file system, so the rename is atomic),
 * is flushed to disk, then renamed over the target. A failure at any step removes the temporary file and
 * leaves the target as it was.
 *
 * Only a regular file is replaced. A directory, a device, a socket or a pipe at the path is refused (a
 * TollgateError naming it); a symbolic link is followed and its target replaced in place, when that target
 * is a regular file (or does not exist yet), so the link stays a link.
 *
 * `writeFilesAtomic` writes several files all or nothing (the report's json, md and html): every file is
 * staged first; only when all are staged are they renamed in, and a failed rename puts back the files
 * already replaced, so a run never leaves a mix of old and new.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  close,
  closeSync,
  constants,
  fdatasync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TollgateError } from './model/errors.js';

export interface AtomicWriteOptions {
  /** Create the target's directory (and its parents) when missing. */
  readonly createDirectory?: boolean;
  /** The rename step; injected in tests to make it fail. */
  readonly rename?: (from: string, to: string) => void;
  /** Starts the early flushes of a file written in chunks (EarlyFlushes below); injected in tests to see when they are asked. */
  readonly flushEarly?: (path: string) => EarlyFlush;
}

/** Early flushes of one file being written: `flush` asks for one, `release` says the file is written. */
export interface EarlyFlush {
  flush(): void;
  release(): void;
}

/**
 * Text produced a chunk at a time: called once with `write`, which it calls with each chunk in order. A large
 * report is written to the temporary file as it is rendered, never held as one string; a failure while
 * rendering leaves the target as it was, like any other failed write.
 */
export type WriteChunks = (write: (chunk: string) => void) => void;

/** What a file is written from: its text, its bytes, or its text in chunks. */
export type FileData = string | Uint8Array | WriteChunks;

export interface FileToWrite {
  readonly path: string;
  readonly data: FileData;
}

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The path a write replaces: the path itself, or what its symbolic link points at. Throws a TollgateError when
 * that is there and is not a regular file.
 */
function replaceablePath(path: string): string {
  const absolute = resolve(path);
  const own = statOrNull(absolute, false);
  if (own === null) return absolute;
  if (own.isFile()) return absolute;
  if (own.isSymbolicLink()) {
    const target = statOrNull(absolute, true);
    if (target !== null && !target.isFile()) {
      throw new TollgateError(`refusing to write: the link points at ${kindOf(target)}, not a regular file`, { file: path });
    }
    // A dangling link: write where it points, so the link stays a link.
    return target === null ? resolve(dirname(absolute), readlinkSync(absolute)) : realpathSync(absolute);
  }
  throw new TollgateError(`refusing to write: ${kindOf(own)} is in the way, not a regular file`, { file: path });
}

function temporaryBeside(path: string, purpose: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${purpose}`);
}

/** An I/O failure is the user's to fix (permissions, a full disk): a TollgateError naming the file. */
function asInputError(error: unknown, path: string): unknown {
  if (error instanceof TollgateError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return new TollgateError(`cannot write: ${code}`, { file: path });
  return error;
}

/**
 * A file written in chunks has its data written so far sent to disk each time this many more bytes are written,
 * or an eighth of what is written by then if more (so a file of hundreds of megabytes asks a few dozen times).
 */
export const EARLY_FLUSH_BYTES = 1024 * 1024;

/**
 * Sends a file's data written so far to disk on libuv's thread pool, without waiting: the final fsync, which the
 * rename waits for, then has only the last megabyte or two to write (the 16 MB report of a 10,000-resource plan:
 * 26-38 ms of fsync at the end before, 2-6 ms after). It syncs a descriptor of its own, so a write-back error it
 * meets is still reported to the final fsync of the writing descriptor (Linux reports such an error once to each
 * open file description). Its failures are ignored: the final fsync decides. The descriptor is closed once the last
 * flush asked for has finished and the file is written.
 */
class EarlyFlushes implements EarlyFlush {
  private fd: number | null = null;
  private pending = 0;
  private released = false;

  constructor(private readonly path: string) {}

  flush(): void {
    try {
      this.fd ??= openSync(this.path, 'r');
    } catch {
      return;
    }
    this.pending++;
    fdatasync(this.fd, () => {
      this.pending--;
      this.closeWhenDone();
    });
  }

  release(): void {
    this.released = true;
    this.closeWhenDone();
  }

  private closeWhenDone(): void {
    if (!this.released || this.pending > 0 || this.fd === null) return;
    close(this.fd, () => undefined);
    this.fd = null;
  }
}

function earlyFlushes(path: string): EarlyFlush {
  return new EarlyFlushes(path);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Writes `data` to a new temporary file beside `target`, flushed to disk; returns its path. */
function stage(target: string, data: FileData, flushEarly: (path: string) => EarlyFlush = earlyFlushes): string {
  const temporary = temporaryBeside(target, 'tmp');
  try {
    const existing = statOrNull(target, true);
    // The new file keeps the old one's permissions; a new one gets 0666 less the umask, as writeFile would.
    const fd = openSync(temporary, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    try {
      if (typeof data === 'function') {
        const early = flushEarly(temporary);
        try {
          let written = 0;
          let flushed = 0;
          data((chunk) => {
            const bytes = Buffer.from(chunk, 'utf8');
            writeAll(fd, bytes);
            written += bytes.length;
            if (written - flushed >= Math.max(EARLY_FLUSH_BYTES, written / 8)) {
              early.flush();
              flushed = written;
            }
          });
          fsyncSync(fd);
        } finally {
          early.release();
        }
      } else {
        writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
        fsyncSync(fd);
      }
    } finally {
      closeSync(fd);
    }
    return temporary;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Flushes a directory's entries (the rename) to disk; not every platform allows it, so a failure is ignored. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; the rename itself is still atomic.
  }
}

function prepareTarget(path: string, options: AtomicWriteOptions): string {
  if (options.createDirectory) mkdirSync(dirname(resolve(path)), { recursive: true });
  return replaceablePath(path);
}

/** Writes one file atomically (see the module comment). */
export function writeFileAtomic(path: string, data: FileData, options: AtomicWriteOptions = {}): void {
  const rename = options.rename ?? renameSync;
  let temporary: string | null = null;
  try {
    const target = prepareTarget(path, options);
    temporary = stage(target, data, options.flushEarly);
    rename(temporary, target);
    temporary = null;
    syncDirectory(dirname(target));
  } catch (error) {
    if (temporary !== null) rmSync(temporary, { force: true });
    throw asInputError(error, path);
  }
}

/**
 * Writes several files all or nothing: every target is checked and every file staged before any is renamed
 * in; when a rename fails, the targets already replaced get their old content back (a hard-linked copy taken
 * before the renames) and new ones are removed. The temporary files are removed in every case.
 */
export function writeFilesAtomic(files: readonly FileToWrite[], options: AtomicWriteOptions = {}): void {
  const rename = options.rename ?? renameSync;
  const staged: Array<{ path: string; target: string; temporary: string; backup: string | null }> = [];
  const replaced: Array<(typeof staged)[number]> = [];
  let current = files[0]?.path ?? '';
  try {
    for (const file of files) {
      current = file.path;
      const target = prepareTarget(file.path, options);
      if (staged.some((entry) => entry.target === target)) throw new TollgateError('the same file is written twice', { file: file.path });
      staged.push({ path: file.path, target, temporary: stage(target, file.data, options.flushEarly), backup: null });
    }
    for (const entry of staged) {
      current = entry.path;
      if (statOrNull(entry.target, false) !== null) {
        entry.backup = temporaryBeside(entry.target, 'old');
        linkSync(entry.target, entry.backup);
      }
    }
    for (const entry of staged) {
      current = entry.path;
      rename(entry.temporary, entry.target);
      replaced.push(entry);
    }
    for (const dir of new Set(staged.map((entry) => dirname(entry.target)))) syncDirectory(dir);
  } catch (error) {
    for (const entry of replaced.reverse()) {
      try {
        if (entry.backup !== null) renameSync(entry.backup, entry.target);
        else rmSync(entry.target, { force: true });
        entry.backup = null;
      } catch {
        // Putting one file back failed; the others are still put back, and the error below is the first one.
      }
    }
    throw asInputError(error, current);
  } finally {
    for (const entry of staged) {
      rmSync(entry.temporary, { force: true });
      if (entry.backup !== null) rmSync(entry.backup, { force: true });
    }
  }
}

/**
 * Checks, before any work, that files can later be written into `dir` (created then if missing): it is a
 * directory or can be created as one, and this process may write there. So a command that imports or
 * computes for minutes fails at once on a mistyped output directory, with nothing changed.
 */
export function assertWritableDirectory(dir: string, flag: string): void {
  let existing = resolve(dir);
  for (;;) {
    let stats: Stats | null;
    try {
      stats = statOrNull(existing, true);
    } catch {
      // ENOTDIR and the like: a part of the path above is not a directory; the loop finds which.
      stats = null;
    }
    if (stats !== null) {
      if (!stats.isDirectory()) {
        const kind = stats.isFile() ? 'a file' : kindOf(stats);
        const what = existing === resolve(dir) ? `is ${kind}, not a directory` : `cannot be created: ${existing} is ${kind}`;
        throw new TollgateError(`${flag} ${dir} ${what}`);
      }
      try {
        accessSync(existing, constants.W_OK);
      } catch {
        throw new TollgateError(`${flag} ${dir}: ${existing} is not writable`);
      }
      return;
    }
    const parent = dirname(existing);
    if (parent === existing) return;
    existing = parent;
  }
}
