/**
 * Reads a YAML (or JSON) document with source positions, so that both syntax errors and schema
 * errors can name file:line:column. Shared by every YAML input (config, inventories).
 */
import { readBoundedFile } from '../bounded-file.js';
import { isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { TollgateError } from '../model/errors.js';

export interface YamlLimits {
  readonly maxBytes: number;
  /** Alias expansions allowed (a "billion laughs" document expands aliases exponentially). */
  readonly maxAliases: number;
  readonly maxDepth: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxBytes: 4 << 20, maxAliases: 100, maxDepth: 64 };

export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Position of the node at a JSON path, or of the closest parent that exists. */
  positionOf(path: ReadonlyArray<string | number>): { line: number; column: number } | undefined;
  /** Position of the key of the last path segment in its map (for "unknown key" errors). */
  keyPositionOf(path: ReadonlyArray<string | number>): { line: number; column: number } | undefined;
}

function depthOf(node: unknown, depth = 0): number {
  if (!isCollection(node)) return depth;
  let deepest = depth + 1;
  for (const item of node.items) {
    const child = isMap(node) ? (item as { value: unknown }).value : item;
    deepest = Math.max(deepest, depthOf(child, depth + 1));
  }
  return deepest;
}

export function readTextFile(file: string, maxBytes: number, what: string, raiseWith?: string): string {
  const bytes = readBoundedFile(file, { maxBytes, what, ...(raiseWith === undefined ? {} : { raiseWith }) });
  if (bytes.includes(0)) throw new TollgateError(`${what} is a binary file, expected YAML or JSON text`, { file });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TollgateError(`${what} is not valid UTF-8 text`, { file });
  }
}

export function parseYamlSource(text: string, file: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlSource {
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const firstError = document.errors[0];
  if (firstError) {
    const { line, col } = lineCounter.linePos(firstError.pos[0]);
    const message = firstError.message.split('\n')[0] ?? 'invalid YAML';
    throw new TollgateError(message.replace(/ at line \d+, column \d+:?$/, ''), { file, line, column: col });
  }
  if (depthOf(document.contents) > limits.maxDepth) {
    throw new TollgateError(`document nests deeper than ${limits.maxDepth} levels`, { file });
  }
  // `? [a, b]: c` is a key that is a list or a map; JavaScript objects cannot hold it, and the yaml package
  // would print a process warning and turn it into text. Keys are names: refuse it where it stands.
  visit(document, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        const { line, col } = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        throw new TollgateError('a key must be a plain name, not a list or a map', { file, line, column: col });
      }
    },
  });
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: limits.maxAliases });
  } catch (error) {
    throw new TollgateError(`cannot read document: ${(error as Error).message}`, { file });
  }
  return {
    file,
    value,
    positionOf(path) {
      for (let length = path.length; length >= 0; length--) {
        const node = document.getIn(path.slice(0, length), true) as Node | undefined;
        const offset = node && (isScalar(node) || isMap(node) || isSeq(node)) ? node.range?.[0] : undefined;
        if (offset !== undefined) {
          const { line, col } = lineCounter.linePos(offset);
          return { line, column: col };
        }
      }
      return undefined;
    },
    keyPositionOf(path) {
      const parent = document.getIn(path.slice(0, -1), true) as Node | undefined;
      const key = path[path.length - 1];
      if (parent && isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
        const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (offset !== undefined) {
          const { line, col } = lineCounter.linePos(offset);
          return { line, column: col };
        }
      }
      return this.positionOf(path);
    },
  };
}

/** A JSON pointer from ajv ("/rules/TG-X/enforcement") as path segments. */
function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the document' : error.instancePath.slice(1).replace(/\//g, '.');
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(error.params.additionalProperty)}" in ${where}`;
    case 'required':
      return `${where} is missing "${String(error.params.missingProperty)}"`;
    case 'enum':
      return `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
    case 'format': {
      // With ajv's `verbose`, the schema's own description says what the pattern means.
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return `${where} is ${JSON.stringify(error.data)}, expected ${description ?? `a match for ${String(error.params.pattern ?? error.params.format)}`}`;
    }
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

/** The most specific schema error (oneOf reports its branches' errors first, then its own). */
function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const meaningful = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf');
  const candidates = meaningful.length > 0 ? meaningful : errors;
  return candidates.reduce((best, error) => (error.instancePath.length > best.instancePath.length ? error : best));
}

export function validateYamlSource(source: YamlSource, validate: ValidateFunction): void {
  if (validate(source.value)) return;
  const error = pickError(validate.errors ?? []);
  const path = pointerSegments(error.instancePath);
  const position =
    error.keyword === 'additionalProperties'
      ? source.keyPositionOf([...path, String(error.params.additionalProperty)])
      : source.positionOf(path);
  throw new TollgateError(describeError(error), { file: source.file, ...position });
}
