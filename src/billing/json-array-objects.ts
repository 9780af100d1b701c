/**
 * The objects of a top-level JSON array, read from a stream of lines one object at a time, each with the line
 * it starts on. Only the array's punctuation is scanned here; each object's text is handed to JSON.parse, so
 * memory holds one object, never the whole file.
 */
import { TollgateError } from '../model/errors.js';

export interface JsonArrayObject {
  readonly value: Readonly<Record<string, unknown>>;
  /** 1-based line the object's opening brace is on. */
  readonly line: number;
}

const DEFAULT_MAX_OBJECT_LENGTH = 1 << 20;

/** Where the scanner is in the array, outside any object. */
type Expecting = 'array' | 'object-or-end' | 'comma-or-end' | 'object' | 'nothing';

const EXPECTED_TEXT: Record<Expecting, string> = {
  array: 'a JSON array "["',
  'object-or-end': 'an object or "]"',
  'comma-or-end': '"," or "]"',
  object: 'an object',
  nothing: 'nothing after the closing "]"',
};

interface ObjectState {
  text: string;
  depth: number;
  inString: boolean;
  escaped: boolean;
  startLine: number;
}

export async function* jsonArrayObjects(
  lines: AsyncIterable<string>,
  file: string,
  maxObjectLength: number = DEFAULT_MAX_OBJECT_LENGTH,
): AsyncGenerator<JsonArrayObject> {
  let expecting: Expecting = 'array';
  let current: ObjectState | null = null;
  let lineNumber = 0;
  const fail = (message: string, line: number): never => {
    throw new TollgateError(message, { file, line });
  };

  for await (const raw of lines) {
    lineNumber++;
    const text = lineNumber === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    let segmentStart = 0;
    if (current) current.text += '\n';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (current) {
        if (current.inString) {
          if (current.escaped) current.escaped = false;
          else if (ch === '\\') current.escaped = true;
          else if (ch === '"') current.inString = false;
        } else if (ch === '"') current.inString = true;
        else if (ch === '{' || ch === '[') current.depth++;
        else if (ch === '}' || ch === ']') {
          current.depth--;
          if (current.depth === 0) {
            const objectText = current.text + text.slice(segmentStart, i + 1);
            let value: unknown;
            try {
              value = JSON.parse(objectText);
            } catch (error) {
              fail(`invalid JSON object: ${(error as Error).message}`, current.startLine);
            }
            yield { value: value as Record<string, unknown>, line: current.startLine };
            current = null;
            expecting = 'comma-or-end';
          }
        }
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r') continue;
      if (expecting === 'array' && ch === '[') expecting = 'object-or-end';
      else if ((expecting === 'object-or-end' || expecting === 'object') && ch === '{') {
        current = { text: '', depth: 1, inString: false, escaped: false, startLine: lineNumber };
        segmentStart = i;
      } else if ((expecting === 'object-or-end' || expecting === 'comma-or-end') && ch === ']') expecting = 'nothing';
      else if (expecting === 'comma-or-end' && ch === ',') expecting = 'object';
      else fail(`expected ${EXPECTED_TEXT[expecting]}, found ${JSON.stringify(ch)}`, lineNumber);
    }
    if (current) {
      current.text += text.slice(segmentStart);
      if (current.text.length > maxObjectLength) {
        fail(`object is longer than ${maxObjectLength} characters (is a string or brace left open?)`, current.startLine);
      }
    }
  }
  if (current) fail('object is never closed', current.startLine);
  if (expecting !== 'nothing') fail(`unexpected end of file: expected ${EXPECTED_TEXT[expecting]}`, lineNumber);
}
