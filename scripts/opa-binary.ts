/** Where the build scripts find the OPA CLI: the project's pinned copy, else the one on PATH. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function opaBinary(): string {
  const local = fileURLToPath(new URL('../.tools/bin/opa', import.meta.url));
  return existsSync(local) ? local : 'opa';
}
