/**
 * The one reader of cost files with FOCUS column names, for `check --spend FILE` and `report --source
 * focus:PATH` alike: every row is validated by focus-row.ts into a CostRecord (model/cost-record.ts).
 *
 * A normalised spend file with FinOps FOCUS 1.2 column names (docs/spend-format.md), as CSV
 * with a header row or as a JSON array of objects with the same keys. Read as a stream, line by line, so a
 * month of hourly billing rows never has to fit in memory as text; every error names file:line.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline, Transform } from 'node:stream';
import { overLimit, type ReadLimit } from '../bounded-file.js';
import { TollgateError } from '../model/errors.js';
import type { CostRecord } from '../model/cost-record.js';
import { csvRecords } from './csv-records.js';
import { missingColumnMessage, toCostRecord, type RowOptions } from './focus-row.js';
import { jsonArrayObjects } from './json-array-objects.js';

export type SpendFileFormat = 'csv' | 'json';

/** `.json` files are JSON arrays; anything else (`.csv`, `.focus`, no extension) is CSV. */
export function spendFileFormat(file: string): SpendFileFormat {
  return /\.json$/i.test(file) ? 'json' : 'csv';
}

/** Spend files above this are refused unless --max-spend-file-size raises it: a month of hourly rows fits well below. */
export const DEFAULT_MAX_SPEND_FILE_BYTES = 4 * 1024 ** 3;

/** The limit of a spend file, for messages and the flag that raises it. */
export function spendFileLimit(maxBytes: number = DEFAULT_MAX_SPEND_FILE_BYTES): ReadLimit {
  return { maxBytes, what: 'spend file', raiseWith: '--max-spend-file-size' };
}

/**
 * The file's lines, its bytes counted as they are read: a size from stat is not trusted (a file still
 * growing), and reading stops with an error naming the limit as soon as it is passed.
 */
function openLines(file: string, limit: ReadLimit): AsyncIterable<string> {
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new TollgateError('spend file is not a regular file', { file });
    size = info.size;
  } catch (error) {
    if (error instanceof TollgateError) throw error;
    throw new TollgateError('spend file not found', { file });
  }
  if (size > limit.maxBytes) throw overLimit(file, limit, size);
  let total = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > limit.maxBytes) done(overLimit(file, limit, null));
      else done(null, chunk);
    },
  });
  // The pipeline passes a read error or the limit's error on to the lines being iterated.
  const input = pipeline(createReadStream(file), counted, () => undefined);
  // crlfDelay: a "\r\n" split across two reads is still one line break.
  return createInterface({ input, crlfDelay: Infinity });
}

async function* csvRows(lines: AsyncIterable<string>, file: string, options: RowOptions): AsyncGenerator<CostRecord> {
  let header: readonly string[] | null = null;
  for await (const record of csvRecords(lines, file)) {
    if (header === null) {
      header = record.fields.map((name) => name.trim());
      const missing = missingColumnMessage(header, options);
      if (missing !== null) throw new TollgateError(missing, { file, line: record.line });
      const duplicate = header.find((name, index) => name !== '' && header?.indexOf(name) !== index);
      if (duplicate !== undefined) throw new TollgateError(`column ${duplicate} appears twice in the header`, { file, line: record.line });
      continue;
    }
    if (record.fields.length !== header.length) {
      throw new TollgateError(`row has ${record.fields.length} fields, the header has ${header.length}`, { file, line: record.line });
    }
    const row: Record<string, string> = {};
    header.forEach((name, index) => {
      row[name] = record.fields[index] ?? '';
    });
    yield toCostRecord(row, { file, line: record.line }, options);
  }
  if (header === null) throw new TollgateError('spend file is empty: expected a header row naming the FOCUS columns', { file, line: 1 });
}

async function* jsonRows(lines: AsyncIterable<string>, file: string, options: RowOptions): AsyncGenerator<CostRecord> {
  for await (const { value, line } of jsonArrayObjects(lines, file)) {
    const missing = missingColumnMessage(Object.keys(value), options);
    if (missing !== null) throw new TollgateError(missing, { file, line });
    yield toCostRecord(value, { file, line }, options);
  }
}

/** The validated records of one cost file, one at a time. */
export async function* costFileRecords(
  file: string,
  options: RowOptions = {},
  limit: ReadLimit = spendFileLimit(),
): AsyncGenerator<CostRecord> {
  const lines = openLines(file, limit);
  try {
    yield* spendFileFormat(file) === 'json' ? jsonRows(lines, file, options) : csvRows(lines, file, options);
  } catch (error) {
    // A read failing half-way (permissions, a vanished network mount) is the user's to fix, not a bug.
    const code = (error as NodeJS.ErrnoException).code;
    if (!(error instanceof TollgateError) && typeof code === 'string') {
      throw new TollgateError(`cannot read spend file: ${code}`, { file });
    }
    throw error;
  }
}

/**
 * The records of the given spend files that `keep` accepts, in file order. Only those are held in memory (the
 * CLI keeps the current month's), never the text they came from.
 */
export async function readSpendFiles(
  files: readonly string[],
  keep: (record: CostRecord) => boolean = () => true,
  limit: ReadLimit = spendFileLimit(),
): Promise<CostRecord[]> {
  const records: CostRecord[] = [];
  for (const file of files) {
    for await (const record of costFileRecords(file, {}, limit)) {
      if (keep(record)) records.push(record);
    }
  }
  return records;
}
