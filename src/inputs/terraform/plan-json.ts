/**
 * Turning plan text into a JSON value, with errors that point at a line and column.
 *
 * JSON.parse is the fast path; everything here exists so that a bad file produces one actionable line
 * instead of a stack trace: an empty or binary file, a syntax error (Node reports only a character
 * offset, which is turned into line:column), or nesting so deep that later recursive walks could
 * exhaust the stack.
 */
import { TollgateError } from '../../errors.js';

/**
 * Deepest array/object nesting accepted. Real plans stay well under 40 levels (module → resource →
 * values → nested blocks); the limit exists so that recursive walks over values can never overflow the
 * stack, whatever the input.
 */
export const MAX_NESTING_DEPTH = 256;

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let newline = text.indexOf('\n'); newline !== -1 && newline < end; newline = text.indexOf('\n', newline + 1)) {
    line += 1;
    lineStart = newline + 1;
  }
  return { line, column: end - lineStart + 1 };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Offset of the first bracket that opens level `MAX_NESTING_DEPTH + 1`, or -1. One pass, no allocation. */
function findExcessiveNesting(text: string): number {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      // Skip the string body; escapes hide the quotes they precede.
      for (i++; i < length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === BACKSLASH) i++;
        else if (inner === QUOTE) break;
      }
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
      if (depth > MAX_NESTING_DEPTH) return i;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return -1;
}

// Node 20: "Unexpected token } in JSON at position 12"; Node 22+: "... (line 2 column 5)" and "at position 12".
const positionInMessage = /at position (\d+)/;
const lineColumnInMessage = /\(line (\d+) column (\d+)\)/;

/** The JSON.parse message without V8's position suffix and quoted source excerpt, which can be long. */
function conciseSyntaxMessage(message: string): string {
  const firstClause = message.split(/,? "|\s+in JSON at position|\s+\(line \d+/)[0] ?? message;
  return firstClause.replace(/^JSON\.parse: /, '').trim();
}

/** Parses plan text; every failure is a TollgateError with file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  if (text.trim() === '') throw new TollgateError('the file is empty; expected the output of `terraform show -json`', { file });
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    throw new TollgateError(
      'this is a binary file, not JSON (NUL byte); pass the output of `terraform show -json <planfile>`, not the plan file itself',
      { file, ...positionAt(text, nul) },
    );
  }
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== -1) {
    throw new TollgateError(`JSON nesting is deeper than the limit of ${MAX_NESTING_DEPTH} levels`, {
      file,
      ...positionAt(text, tooDeep),
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const lineColumn = lineColumnInMessage.exec(error.message);
    const offset = positionInMessage.exec(error.message);
    const place = lineColumn
      ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
      : positionAt(text, offset ? Number(offset[1]) : text.length);
    throw new TollgateError(`malformed JSON: ${conciseSyntaxMessage(error.message)}`, { file, ...place });
  }
}

export type JsonPath = readonly (string | number)[];

/** `resource_changes[3].change.actions` */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

/**
 * Where the value at `path` starts in `text`, for error messages about well-formed JSON of the wrong shape.
 * Only called on the error path, so it rescans the text instead of keeping positions for every value.
 */
export function locateJsonPath(text: string, path: JsonPath): TextPosition | null {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const readString = (): string => {
    const start = i;
    for (i++; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') break;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '"') {
      readString();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      for (; i < text.length; i++) {
        const d = text[i];
        if (d === '"') {
          readString();
          i--;
        } else if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return;
          }
        }
      }
      return;
    }
    while (i < text.length && !',}] \n\r\t'.includes(text[i] ?? '')) i++;
  };
  for (const part of path) {
    skipSpace();
    const open = text[i];
    if (typeof part === 'string') {
      if (open !== '{') return null;
      i++;
      let found = false;
      for (;;) {
        skipSpace();
        if (text[i] !== '"') return null;
        const key = readString();
        skipSpace();
        i++; // the colon
        if (key === part) {
          found = true;
          break;
        }
        skipValue();
        skipSpace();
        if (text[i] !== ',') return null;
        i++;
      }
      if (!found) return null;
    } else {
      if (open !== '[') return null;
      i++;
      for (let element = 0; element < part; element++) {
        skipValue();
        skipSpace();
        if (text[i] !== ',') return null;
        i++;
      }
    }
  }
  skipSpace();
  return positionAt(text, i);
}
