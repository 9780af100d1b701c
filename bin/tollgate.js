#!/usr/bin/env node
// Thin entry point: the CLI lives in dist/ (compiled from src/ by `npm run build`, run on install).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tollgate: dist/ is missing; run `npm run build` (npm ci runs it too)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
