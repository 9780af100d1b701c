/**
 * A bundle's revision is a hash of what it was compiled from: the policy files, the wasm
 * capabilities and the pinned OPA version. The same sources always give the same revision, so the
 * committed built-in bundle can be checked against its Rego, and compiled custom bundles can be cached.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Files `opa build` would load from a policy directory, minus tests and build artefacts. */
export function isPolicySource(name: string): boolean {
  if (name.endsWith('_test.rego')) return false;
  if (name === 'wasm-capabilities.json') return false;
  return name.endsWith('.rego') || name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml');
}

export function listPolicySources(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && isPolicySource(entry.name)) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

export function sourceRevision(policyDirs: readonly string[], extras: readonly string[]): string {
  const hash = createHash('sha256');
  policyDirs.forEach((dir, index) => {
    for (const file of listPolicySources(dir)) {
      const name = relative(dir, file).split(sep).join('/');
      hash.update(`${index}:${name}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  });
  for (const extra of extras) hash.update(`${extra}\0`);
  return `sha256-${hash.digest('hex').slice(0, 16)}`;
}
