/**
 * The repository root that report paths are made relative to: `--repo-root` when given, else the nearest
 * directory at or above the working directory that holds `.git` (a directory in a clone, a file in a worktree
 * or submodule, as `git rev-parse --show-toplevel` finds it), else the working directory itself.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TollgateError } from '../model/errors.js';

export function findGitTopLevel(start: string): string | null {
  let directory = resolve(start);
  for (;;) {
    if (existsSync(join(directory, '.git'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

export function resolveRepoRoot(option: string | undefined, cwd: string = process.cwd()): { root: string; cwd: string } {
  if (option === undefined) return { root: findGitTopLevel(cwd) ?? cwd, cwd };
  const root = resolve(cwd, option);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new TollgateError(`--repo-root ${option}: no such directory`);
  return { root, cwd };
}

/** A code scanning category: letters, digits and `-_./` (it becomes part of `automationDetails.id`). */
export function parseCategory(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9_./-]*$/.test(value) || value.endsWith('/')) {
    throw new TollgateError(`--category must be letters, digits and - _ . / without a trailing slash (got "${value}")`);
  }
  return value;
}
