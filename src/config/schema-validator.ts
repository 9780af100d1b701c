/**
 * One way to compile the project's JSON Schemas: strict ajv, every error collected, and the date formats
 * checked against the calendar (src/dates.ts), so `2026-02-30` is an error at its line and column rather
 * than a day in March.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { isCalendarDate, isDateOrTime } from '../dates.js';
import { schemaDir } from '../package-paths.js';

/** Format names the schemas use; described there, so other validators read them as annotations. */
export const DATE_FORMATS = {
  'calendar-date': isCalendarDate,
  'date-or-time': isDateOrTime,
} as const;

/** Compiles schemas/<name>, once per process. */
export function schemaValidator(name: string, options: { strictRequired?: boolean } = {}): () => ValidateFunction {
  let compiled: ValidateFunction | undefined;
  return () => {
    if (compiled === undefined) {
      const schema = JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as object;
      const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true, ...options });
      for (const [format, validate] of Object.entries(DATE_FORMATS)) ajv.addFormat(format, { type: 'string', validate });
      compiled = ajv.compile(schema);
    }
    return compiled;
  };
}
