/**
 * The validators of the project's JSON Schemas: strict ajv, every error collected for the files people write,
 * and the date formats checked against the calendar (src/config/schema-formats.ts). They are compiled at build
 * time (scripts/generate-validators.ts → src/config/generated/), so no command pays for compiling a schema or
 * loads ajv's compiler: that was over 100 ms of every `tollgate check`.
 */
import type { ValidateFunction } from 'ajv';
import validateCatalog from './generated/catalog-schema.js';
import validateConfig from './generated/config-schema.js';
import validateInventory from './generated/inventory-schema.js';

export { DATE_FORMATS } from './schema-formats.js';

const PRECOMPILED: Readonly<Record<string, unknown>> = {
  'catalog.schema.json': validateCatalog,
  'config.schema.json': validateConfig,
  'inventory.schema.json': validateInventory,
};

/** The validator of schemas/<name>; its options are set where it is generated. */
export function schemaValidator(name: string): () => ValidateFunction {
  const validate = PRECOMPILED[name];
  if (typeof validate !== 'function')
    throw new Error(`no precompiled validator for schemas/${name} (add it to scripts/generate-validators.ts)`);
  return () => validate as ValidateFunction;
}
