import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { generatedDir, generateValidatorSource, moduleFileOf, PRECOMPILED_SCHEMAS } from '../../scripts/generate-validators.js';
import { DATE_FORMATS, schemaValidator } from '../../src/config/schema-validator.js';
import { schemaDir } from '../../src/package-paths.js';

const schemas = Object.keys(PRECOMPILED_SCHEMAS);

describe('precompiled schema validators', () => {
  it.each(schemas)('%s: the committed module is what the schema generates (npm run build regenerates it)', (schema) => {
    const committed = readFileSync(join(generatedDir, moduleFileOf(schema)), 'utf8');
    expect(committed === generateValidatorSource(schema), `src/config/generated/${moduleFileOf(schema)} is stale`).toBe(true);
  });

  // The same documents, judged by the precompiled validator and by ajv compiling the schema now with the same
  // options: the same verdict and the same errors, so precompiling changes no message.
  const documents: Record<string, unknown[]> = {
    'config.schema.json': [
      {},
      {
        version: 1,
        fail_on: 'high',
        exemptions: [{ rule: 'TG-ENC-001', resource: 'a.b', reason: 'r', owner: 'o', expires: '2026-02-30' }],
      },
      { rules: { 'TG-ENC-001': 'loud' }, budgets: [{ name: '', amount: -1 }], unknown: true },
    ],
    'inventory.schema.json': [{}, { models: [{ id: 1 }] }, []],
    'catalog.schema.json': [
      {},
      { asOf: '2026-01-01' },
      JSON.parse(readFileSync(join(schemaDir, '..', 'src', 'pricing', 'catalog.json'), 'utf8')),
    ],
  };
  it.each(schemas)('%s: errors match ajv compiling the schema at run time', (schema) => {
    const ajv = new Ajv2020(PRECOMPILED_SCHEMAS[schema]);
    for (const [format, validate] of Object.entries(DATE_FORMATS)) ajv.addFormat(format, { type: 'string', validate });
    const runtime = ajv.compile(JSON.parse(readFileSync(join(schemaDir, schema), 'utf8')) as object);
    const precompiled = schemaValidator(schema)();
    for (const document of documents[schema] ?? []) {
      expect(precompiled(document)).toBe(runtime(document));
      expect(precompiled.errors ?? null).toEqual(runtime.errors ?? null);
    }
  });

  it('an unknown schema is a bug, named', () => {
    expect(() => schemaValidator('nope.schema.json')).toThrow(/no precompiled validator for schemas\/nope.schema.json/);
  });
});
