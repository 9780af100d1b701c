/**
 * Files shipped with the package, located relative to this module so they are found the same way
 * from `src/` (tests, tsx) and from `dist/` (the installed CLI): both sit one level below the root.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const builtinPolicyDir = join(packageRoot, 'policies');
export const builtinBundlePath = join(packageRoot, 'policies', 'tollgate.tar.gz');
export const wasmCapabilitiesPath = join(packageRoot, 'policies', 'wasm-capabilities.json');
export const toolVersionsPath = join(packageRoot, 'scripts', 'tool-versions.env');
export const schemaDir = join(packageRoot, 'schemas');
export const localToolsDir = join(packageRoot, '.tools', 'bin');
