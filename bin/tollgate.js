#!/usr/bin/env node
// Thin entry point: the CLI lives in dist/ (compiled from src/ by `npm run build`, run on install).
// dist/tollgate.js is the same CLI bundled into a few files (scripts/bundle-cli.ts), which starts in
// less time; it is used only when it is at least as new as the compiled modules it was made from.
// `check`, the command a pull request runs, has a CommonJS bundle of its own, dist/tollgate-check.cjs, run
// with the bytecode V8 compiled for it at build time (src/cli/code-cache.ts), under the same rule.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const modules = new URL('../dist/cli/main.js', import.meta.url);
const bundled = new URL('../dist/tollgate.js', import.meta.url);
const checkBundle = new URL('../dist/tollgate-check.cjs', import.meta.url);
if (!existsSync(modules)) {
  process.stderr.write('tollgate: dist/ is missing; run `npm run build` (npm ci runs it too)\n');
  process.exit(2);
}
const builtAt = statSync(modules).mtimeMs;
const isCurrent = (file) => existsSync(file) && statSync(file).mtimeMs >= builtAt;
if (process.argv[2] === 'check' && isCurrent(checkBundle)) {
  const { runCheckBundle } = await import(new URL('../dist/cli/code-cache.js', import.meta.url).href);
  const cache = new URL('../dist/tollgate-check.cache', import.meta.url);
  const { code } = await runCheckBundle(fileURLToPath(checkBundle), fileURLToPath(cache), process.argv);
  // Everything check writes is written by now: its reports synchronously, and standard output and error have
  // nothing waiting (a pipe may, where it is asynchronous: then the process ends as usual, once they are written).
  // Exiting here spares waiting for the slice workers to stop and for V8 to free the heap: 10-40 ms of a
  // 10,000-resource check, 6-10 ms of the demo plan's.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  process.exitCode = code;
} else {
  const { main } = await import((isCurrent(bundled) ? bundled : modules).href);
  process.exitCode = await main(process.argv);
}
