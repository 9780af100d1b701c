/** The package's own version, read once from package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-paths.js';

export const TOLLGATE_VERSION: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

export const TOLLGATE_URI = 'https://github.com/tollgate-dev/tollgate';
