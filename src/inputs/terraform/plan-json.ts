/**
 * Turning plan text into a JSON value, with errors that point at a line and column.
 *
 * JSON.parse is the fast path; everything here exists so that a bad file produces one actionable line
 * instead of a stack trace: an empty or binary file, a syntax error (Node reports only a character
 * offset, which is turned into line:column), or nesting so deep that later recursive walks could
 * exhaust the stack.
 */
import { TollgateError } from '../../model/errors.js';
import { excessiveNestingAt } from '../../model/json-nesting.js';

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

/**
 * Finds the first syntax error in text that JSON.parse rejected. Node's messages differ between versions and
 * do not always carry a position ("Unexpected token '}', ..."), so the reader finds the place itself. Only
 * runs on the error path; nesting is already bounded, so the recursion is too.
 */
/** Where the scan of findSyntaxError stopped; thrown to unwind the recursive descent at once. */
class SyntaxErrorAt extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export function findSyntaxError(text: string): { offset: number; problem: string } {
  let i = 0;
  const fail = (problem?: string): never => {
    const found = i >= text.length ? 'end of file' : `'${text[i]}'`;
    throw new SyntaxErrorAt(Math.min(i, text.length), problem ?? `unexpected ${found}`);
  };
  const space = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail('control character in string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('bad escape');
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += match?.[0].length ?? 0;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (error) {
    if (error instanceof SyntaxErrorAt) return { offset: error.offset, problem: error.problem };
    throw error;
  }
  return { offset: text.length, problem: 'not valid JSON' };
}

/** Parses plan text; every failure is a TollgateError with file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  // Not text.trim(), which copies the whole text: \s is the set of characters trim removes.
  if (!/\S/.test(text)) throw new TollgateError('the file is empty; expected the output of `terraform show -json`', { file });
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    throw new TollgateError(
      'this is a binary file, not JSON (NUL byte); pass the output of `terraform show -json <planfile>`, not the plan file itself',
      { file, ...positionAt(text, nul) },
    );
  }
  const tooDeep = excessiveNestingAt(text, MAX_NESTING_DEPTH);
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
    const { offset, problem } = findSyntaxError(text);
    throw new TollgateError(`malformed JSON: ${problem}`, { file, ...positionAt(text, offset) });
  }
}

export type JsonPath = ReadonlyArray<string | number>;

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
      // Walk the object's keys until `part`; a missing key ends the walk (return null) inside the loop.
      for (;;) {
        skipSpace();
        if (text[i] !== '"') return null;
        const key = readString();
        skipSpace();
        i++; // the colon
        if (key === part) break;
        skipValue();
        skipSpace();
        if (text[i] !== ',') return null;
        i++;
      }
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
