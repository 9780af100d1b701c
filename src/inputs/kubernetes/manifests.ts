/**
 * Plain manifests (YAML, possibly several documents, possibly `kind: List`) → objects, for the CLI and
 * tests that judge manifests without an API server.
 */
import { parseAllDocuments } from 'yaml';
import { TollgateError } from '../../model/errors.js';
import { arrayAt, isObject, type JsonObject } from './object-shape.js';

export function parseManifests(text: string, file: string): JsonObject[] {
  const objects: JsonObject[] = [];
  for (const document of parseAllDocuments(text)) {
    const error = document.errors[0];
    if (error) {
      const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [undefined, undefined];
      throw new TollgateError(`not valid YAML: ${error.message.split('\n')[0]}`, { file, line, column });
    }
    const value: unknown = document.toJS();
    if (!isObject(value)) continue; // empty documents between separators
    if (value['kind'] === 'List') objects.push(...arrayAt(value, 'items').filter(isObject));
    else objects.push(value);
  }
  return objects;
}
