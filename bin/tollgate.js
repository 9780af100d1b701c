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
  process.exitCode = (await runCheckBundle(fileURLToPath(checkBundle), fileURLToPath(cache), process.argv)).code;
} else {
  const { main } = await import((isCurrent(bundled) ? bundled : modules).href);
  process.exitCode = await main(process.argv);
}
