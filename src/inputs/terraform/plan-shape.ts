/**
 * Typed access to the parts of the plan JSON the reader relies on. A value of the wrong shape is the
 * user's problem (a hand-edited or truncated file), so it becomes a TollgateError naming the JSON path,
 * with the line and column found by rescanning the text only when an error is actually raised.
 */
import { TollgateError } from '../../model/errors.js';
import { formatJsonPath, locateJsonPath, type JsonPath } from './plan-json.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class PlanShape {
  constructor(
    private readonly text: string,
    readonly file: string,
  ) {}

  fail(path: JsonPath, problem: string): never {
    const place = locateJsonPath(this.text, path);
    throw new TollgateError(`${problem} at ${formatJsonPath(path)}`, { file: this.file, ...(place ?? {}) });
  }

  object(value: unknown, path: JsonPath): JsonObject {
    if (!isObject(value)) this.fail(path, `expected an object, found ${describe(value)}`);
    return value;
  }

  /** An optional object: absent or null gives undefined. */
  optionalObject(value: unknown, path: JsonPath): JsonObject | undefined {
    return value === undefined || value === null ? undefined : this.object(value, path);
  }

  array(value: unknown, path: JsonPath): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  optionalArray(value: unknown, path: JsonPath): readonly unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path);
  }

  string(value: unknown, path: JsonPath): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, found ${describe(value)}`);
    return value;
  }

  optionalString(value: unknown, path: JsonPath): string | null {
    return value === undefined || value === null ? null : this.string(value, path);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
