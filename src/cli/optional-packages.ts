/**
 * The cloud SDKs, DuckDB and the Kubernetes client are optional dependencies: `tollgate check` (and serve,
 * explain, build, test) never load them, so a CI job that only checks plans can install Tollgate with
 * `npm install --omit=optional` at a fraction of the size. The commands that do load them ask first, and a
 * missing one is exit 2 with the exact `npm install` line, instead of a module-not-found stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TollgateError } from '../model/errors.js';
import { packageRoot } from '../package-paths.js';

/** What each command loads (report's sources are all loaded together, with the history database). */
export const REPORT_PACKAGES = [
  '@duckdb/node-api',
  '@aws-sdk/client-cost-explorer',
  '@azure/arm-costmanagement',
  '@azure/core-rest-pipeline',
  '@azure/identity',
  '@google-cloud/bigquery',
] as const;
export const AUDIT_PACKAGES = ['@kubernetes/client-node'] as const;
/** `pricing refresh` loads the AWS price client for every provider, and the GCP catalog client for gcp. */
export function pricingRefreshPackages(provider: string): readonly string[] {
  return provider === 'gcp' ? ['@aws-sdk/client-pricing', '@google-cloud/billing'] : ['@aws-sdk/client-pricing'];
}

/** Resolves a bare specifier as `import()` would; throws ERR_MODULE_NOT_FOUND when it is not installed. */
export type ResolvePackage = (specifier: string) => unknown;

const resolveInstalled: ResolvePackage = (specifier) => import.meta.resolve(specifier);

/** The version Tollgate is tested with, from its own package.json, so the install line pins it. */
export function pinnedVersion(name: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  return manifest.optionalDependencies?.[name] ?? manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
}

function isMissing(name: string, resolve: ResolvePackage): boolean {
  try {
    resolve(name);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return true;
    throw error;
  }
}

/** Throws (exit 2) naming every package `what` needs that is not installed, and the command that installs them. */
export function requirePackages(what: string, packages: readonly string[], resolve: ResolvePackage = resolveInstalled): void {
  const missing = packages.filter((name) => isMissing(name, resolve));
  if (missing.length === 0) return;
  const specs = missing.map((name) => {
    const version = pinnedVersion(name);
    return version === undefined ? name : `${name}@${version}`;
  });
  const noun = missing.length === 1 ? 'an optional dependency' : 'optional dependencies';
  throw new TollgateError(`${what} needs ${missing.join(', ')} (${noun} not installed): npm install ${specs.join(' ')}`);
}
