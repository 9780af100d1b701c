/**
 * Which bundle a command evaluates: the committed built-in bundle (no OPA needed), a prebuilt
 * `--bundle`, or the built-in library compiled together with the team's `--policy` directories,
 * cached by the sources' content hash so the OPA CLI runs only when the Rego changed.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readBundleFile, type Bundle } from '../engine/bundle.js';
import { TollgateError } from '../model/errors.js';
import { builtinBundlePath, builtinPolicyDir, packageRoot } from '../package-paths.js';
import { progress } from './terminal.js';

export interface PolicySourceOptions {
  readonly bundle?: string;
  readonly policy?: readonly string[];
}

/** The built-in bundle's unpacked copy, written by the build (scripts/bundle-cli.ts); used while it is current. */
export const builtinBundleCopy = join(packageRoot, 'dist', 'builtin-bundle.tar');

export function cacheDir(): string {
  if (process.env.TOLLGATE_CACHE_DIR) return process.env.TOLLGATE_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  // An empty XDG_CACHE_HOME counts as unset, as the XDG spec says.
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache');
  return join(base, 'tollgate');
}

function checkPolicyDir(dir: string): void {
  if (!existsSync(dir)) throw new TollgateError('policy directory not found', { file: dir });
  if (!statSync(dir).isDirectory()) throw new TollgateError('--policy expects a directory of .rego files', { file: dir });
}

export async function loadPolicyBundle(options: PolicySourceOptions): Promise<Bundle> {
  const custom = options.policy ?? [];
  if (options.bundle && custom.length > 0) {
    throw new TollgateError('use either --bundle or --policy, not both (a bundle is already compiled)');
  }
  if (options.bundle) return readBundleFile(options.bundle);
  if (custom.length === 0) return readBundleFile(builtinBundlePath, builtinBundleCopy);
  custom.forEach(checkPolicyDir);
  // The compiler runs the OPA CLI: loaded only here, so a check with the built-in rules never loads
  // child_process and the network modules it brings.
  const { bundleRevision, buildBundle } = await import('../compiler/build-bundle.js');
  const dirs = [builtinPolicyDir, ...custom.map((dir) => resolve(dir))];
  const cached = join(cacheDir(), 'bundles', `${bundleRevision(dirs)}.tar.gz`);
  if (!existsSync(cached)) {
    progress(`compiling ${custom.join(', ')} with the built-in library (cached afterwards)`);
    await buildBundle({ policyDirs: dirs, output: cached });
  }
  return readBundleFile(cached);
}
