#!/usr/bin/env node
// Thin entry point: the CLI lives in dist/ (compiled from src/ by `npm run build`, run on install).
// dist/tollgate.js is the same CLI bundled into a few files (scripts/bundle-cli.ts), which starts in
// less time; it is used only when it is at least as new as the compiled modules it was made from.
import { existsSync, statSync } from 'node:fs';

const modules = new URL('../dist/cli/main.js', import.meta.url);
const bundled = new URL('../dist/tollgate.js', import.meta.url);
if (!existsSync(modules)) {
  process.stderr.write('tollgate: dist/ is missing; run `npm run build` (npm ci runs it too)\n');
  process.exit(2);
}
const bundleIsCurrent = existsSync(bundled) && statSync(bundled).mtimeMs >= statSync(modules).mtimeMs;
const { main } = await import((bundleIsCurrent ? bundled : modules).href);
process.exitCode = await main(process.argv);
