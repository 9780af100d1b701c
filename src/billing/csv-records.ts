/**
 * RFC 4180 records from a stream of lines (as `readline` yields them): quoted fields may hold commas,
 * doubled quotes and line breaks, so one record can span several lines. Each record carries the line it
 * starts on, for errors that point at it.
 */
import { TollgateError } from '../model/errors.js';

export interface CsvRecord {
  readonly fields: readonly string[];
  /** 1-based line the record starts on. */
  readonly line: number;
}

/**
 * A record longer than this is refused: an unclosed quote would otherwise make the rest of a large file one
 * field held in memory, which streaming is meant to avoid.
 */
const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;

interface RecordState {
  fields: string[];
  field: string;
  inQuotes: boolean;
  /** The current field was quoted and its closing quote has been read. */
  closedQuote: boolean;
  startLine: number;
  length: number;
}

function freshRecord(startLine: number): RecordState {
  return { fields: [], field: '', inQuotes: false, closedQuote: false, startLine, length: 0 };
}

/** Feeds one line into the record being read; `file` and `lineNumber` only serve the error. */
function consumeLine(state: RecordState, text: string, file: string, lineNumber: number): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (state.inQuotes) {
      if (ch !== '"') state.field += ch;
      else if (text[i + 1] === '"') {
        state.field += '"';
        i++;
      } else {
        state.inQuotes = false;
        state.closedQuote = true;
      }
    } else if (ch === ',') {
      state.fields.push(state.field);
      state.field = '';
      state.closedQuote = false;
    } else if (state.closedQuote) {
      throw new TollgateError(`unexpected ${JSON.stringify(ch)} after the closing quote of field ${state.fields.length + 1}`, {
        file,
        line: lineNumber,
      });
    } else if (ch === '"' && state.field === '') {
      state.inQuotes = true;
    } else {
      // A quote inside an unquoted field is kept as text (RFC 4180 forbids it, spreadsheets write it).
      state.field += ch;
    }
  }
}

export async function* csvRecords(
  lines: AsyncIterable<string>,
  file: string,
  maxRecordLength: number = DEFAULT_MAX_RECORD_LENGTH,
): AsyncGenerator<CsvRecord> {
  let lineNumber = 0;
  let state: RecordState | null = null;
  for await (const raw of lines) {
    lineNumber++;
    const text = lineNumber === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (state === null) {
      // Blank lines between records (a trailing newline, a spreadsheet's empty rows) carry nothing.
      if (text.trim() === '') continue;
      if (!text.includes('"')) {
        // The common case, no quoting at all: a plain split is much faster than the character loop.
        yield { fields: text.split(','), line: lineNumber };
        continue;
      }
      state = freshRecord(lineNumber);
    } else {
      // readline removed the line break that sits inside the quoted field; RFC 4180 keeps it as data.
      state.field += '\n';
    }
    state.length += text.length + 1;
    if (state.length > maxRecordLength) {
      throw new TollgateError(`record is longer than ${maxRecordLength} characters (is a quote left open?)`, {
        file,
        line: state.startLine,
      });
    }
    consumeLine(state, text, file, lineNumber);
    if (!state.inQuotes) {
      yield { fields: [...state.fields, state.field], line: state.startLine };
      state = null;
    }
  }
  if (state !== null) {
    throw new TollgateError('quoted field is never closed', { file, line: state.startLine });
  }
}
