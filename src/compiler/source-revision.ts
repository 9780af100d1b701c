/**
 * A bundle's revision is a hash of what it was compiled from and of the data it carries: the policy files
 * (data files among them), the wasm capabilities, the pinned OPA version, and the data document the build adds
 * (the rule docs, data.tollgate.meta). The same sources always give the same revision, so the committed
 * built-in bundle can be checked against its Rego, and compiled custom bundles can be cached; a change to the
 * data alone changes it too, so a revision always names one policy and one data document.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { canonicalJson } from '../model/json-value.js';

/** Files `opa build` would load from a policy directory, minus tests and build artefacts. */
export function isPolicySource(name: string): boolean {
  if (name.endsWith('_test.rego')) return false;
  if (name === 'wasm-capabilities.json') return false;
  return name.endsWith('.rego') || name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml');
}

export function listPolicySources(dir: string): string[] {
  return listPolicyFiles(dir, isPolicySource);
}

/** The files below `dir` whose names `keep` accepts, sorted, without hidden entries. */
export function listPolicyFiles(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && keep(entry.name)) out.push(path);
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

/**
 * The revision written to a bundle's .manifest: the sources' revision together with the data document the build
 * adds to data.json. `data` is compared by content (canonical JSON), so the bundle's own data.json, read back,
 * gives the same revision.
 */
export function manifestRevision(sources: string, data: unknown): string {
  const hash = createHash('sha256');
  hash.update(`${sources}\0`);
  hash.update(canonicalJson(data));
  return `sha256-${hash.digest('hex').slice(0, 16)}`;
}
