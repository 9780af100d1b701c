/**
 * Writing a catalog so that readers only ever see the old file or the complete new one: write a temporary
 * file beside the target, flush it, then rename over the target (atomic within one file system). A failure
 * before the rename leaves the old file untouched and removes the temporary file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface FileSystemSteps {
  readonly rename: (from: string, to: string) => void;
}

const realSteps: FileSystemSteps = { rename: renameSync };

export function writeFileAtomic(path: string, text: string, steps: FileSystemSteps = realSteps): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    steps.rename(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
