/**
 * Golden files: the expected output of a renderer, kept under test/golden/output/ and reviewed in diffs.
 * `UPDATE_GOLDEN=1 npx vitest run test/output` rewrites them from the current output.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN_DIR = new URL('../golden/output/', import.meta.url);

export function expectGolden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(name, GOLDEN_DIR));
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual, 'utf8');
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
