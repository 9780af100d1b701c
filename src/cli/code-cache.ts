/**
 * Runs the CommonJS bundle of `tollgate check` (dist/tollgate-check.cjs, written by scripts/bundle-cli.ts) with
 * V8's code cache. Node 20 compiles an ES module from its source at every start and has no compile cache of its
 * own; a `vm.Script` can be given the bytecode V8 produced on an earlier run instead, so the functions a check
 * runs are neither parsed nor compiled again. The build runs a check on the demo plan and saves the bytecode
 * (`writeCodeCache`); every later check reads it back (`runCheckBundle`).
 *
 * V8 refuses a cache from another V8 version or other V8 flags, and the run then compiles from source as
 * before. V8 knows a source only by its length, so the bundle starts with a line naming the hash of its
 * content and the cache file with the same hash: a cache made for another build of the bundle is not offered
 * to V8 at all. A missing, truncated or foreign cache file changes how long a check takes, never what it does.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** The first line of a bundle built for the code cache: `// tollgate-bundle <sha256 of the rest>`. */
const BUNDLE_ID = /^\/\/ tollgate-bundle ([0-9a-f]{64})\n/;

/**
 * The CommonJS module wrapper, as Node's own loader puts it around a file, in strict mode as the ES modules
 * the bundle was made from are (the bundle's own "use strict" comes after its banner, where it is no directive).
 */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {"use strict";';
const WRAPPER_END = '\n})';

export interface CheckBundle {
  main(argv: readonly string[]): Promise<number>;
}

interface Loaded {
  readonly bundle: CheckBundle;
  readonly script: Script;
  /** The content hash on the bundle's first line; undefined for a bundle not built for the code cache. */
  readonly id: string | undefined;
  /** Whether V8 used the cached bytecode: false when there was none to offer or V8 refused it. */
  readonly cacheUsed: boolean;
}

function cacheHeader(id: string): string {
  return `tollgate-code-cache ${id}\n`;
}

/** The cached bytecode for this build of the bundle, or undefined: no file, or one made for another build. */
function cachedDataFor(cacheFile: string, id: string | undefined): Buffer | undefined {
  if (id === undefined) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = cacheHeader(id);
  return bytes.length > header.length && bytes.toString('latin1', 0, header.length) === header ? bytes.subarray(header.length) : undefined;
}

function load(bundleFile: string, cacheFile: string | null): Loaded {
  const source = readFileSync(bundleFile, 'utf8');
  const id = BUNDLE_ID.exec(source)?.[1];
  const cachedData = cacheFile === null ? undefined : cachedDataFor(cacheFile, id);
  const script = new Script(WRAPPER_START + source + WRAPPER_END, { filename: bundleFile, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as Partial<CheckBundle> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  const { main } = module.exports;
  if (typeof main !== 'function') throw new Error(`${bundleFile} does not export main()`);
  return { bundle: { main }, script, id, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Runs `tollgate check` from the bundle, with its code cache when V8 accepts it. `cacheUsed` says whether it
 * did: false when there was no cache for this build of the bundle or V8 refused it.
 */
export async function runCheckBundle(
  bundleFile: string,
  cacheFile: string,
  argv: readonly string[],
): Promise<{ readonly code: number; readonly cacheUsed: boolean }> {
  const { bundle, cacheUsed } = load(bundleFile, cacheFile);
  return { code: await bundle.main(argv), cacheUsed };
}

/**
 * Runs the bundle once with `argv` (a check whose outputs go to files) and saves the bytecode V8 compiled for
 * it, the functions it ran included, for `runCheckBundle`. Written under a temporary name and renamed, so a
 * check running meanwhile reads the old cache or the new one, never half of one. Returns the command's exit code.
 */
export async function writeCodeCache(bundleFile: string, cacheFile: string, argv: readonly string[]): Promise<number> {
  const { bundle, script, id } = load(bundleFile, null);
  if (id === undefined) throw new Error(`${bundleFile} has no "// tollgate-bundle <hash>" first line`);
  const code = await bundle.main(argv);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([Buffer.from(cacheHeader(id), 'latin1'), script.createCachedData()]));
  renameSync(temporary, cacheFile);
  return code;
}
