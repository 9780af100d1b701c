/**
 * Cost files from a local path: FOCUS CSV or Parquet (AWS Data Exports, Azure FocusCost, GCP FOCUS),
 * the providers' own CSV exports (file-dialects.ts), and the JSON that the cost APIs return (billing-json.ts).
 *
 * CSV and Parquet are read by DuckDB straight into a staging table, streamed and in parallel, never held in
 * JavaScript. Values that must parse (dates, amounts) are typed while reading; DuckDB's reject table
 * records every bad row with its line, and one bad row fails the whole file (file:line, exit 2).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { TollgateError } from '../model/errors.js';
import { readBillingJson } from './billing-json.js';
import { knownCurrencies } from './focus-row.js';
import { overLimit } from '../bounded-file.js';
import { costFileRecords, spendFileLimit } from './spend-file.js';
import { stageFocusCsvWithDuckDb } from './focus-csv.js';
import { dialectFor, FILE_DIALECTS, ident, literal, type FileDialect, type FileShape, type StagedColumn } from './file-dialects.js';
import { COST_TABLE_COLUMN_NAMES, type CostHistory } from './history.js';
import { NotCostDataError } from './not-cost-data.js';
import { stagedSource, withoutInsertionOrder } from './staging.js';

export { NotCostDataError };

export interface FileImportOptions {
  /** Currency of files that have no currency column (some FOCUS samples leave it out). */
  readonly defaultCurrency?: string;
  /** Today (from --now), for JSON results that state a relative time frame ("TheLastMonth"). */
  readonly today?: string;
  /** Most bytes a file may have (--max-spend-file-size); default DEFAULT_MAX_SPEND_FILE_BYTES. */
  readonly maxBytes?: number;
}

export interface StagedFile {
  readonly table: string;
  /** What the file was read as: "focus", "aws-cur", "aws-cost-explorer-json", ... */
  readonly format: string;
  /** Things the user should know about the import (an assumed currency). */
  readonly notes: readonly string[];
}

/** Reads the header line and the first data line without reading the file: enough to pick the layout. */
async function readHead(file: string): Promise<{ headers: string[]; sample: string[] }> {
  const input = createReadStream(file, { highWaterMark: 64 * 1024 });
  const stream = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  let text = '';
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('utf8');
      if (lines(text).length >= 3 || text.length > 1 << 20) break;
    }
  } finally {
    input.destroy();
  }
  const [header = '', sample = ''] = lines(text.replace(/^\uFEFF/, ''));
  return { headers: splitCsvLine(header), sample: splitCsvLine(sample) };
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** Fields of one CSV line (RFC 4180 quoting); good enough for a header and a sample row. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line.charAt(i);
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

async function isFocusCsv(file: string): Promise<boolean> {
  const { headers, sample } = await readHead(file);
  return (
    dialectFor(
      shapeOf(
        headers.map((name) => name.trim()),
        sample,
      ),
    )?.name === 'focus'
  );
}

function shapeOf(headers: readonly string[], sample: readonly string[]): FileShape {
  return {
    headers: new Set(headers),
    sample: Object.fromEntries(headers.map((name, i) => [name, sample[i] ?? ''])),
  };
}

function unknownLayout(file: string, headers: readonly string[]): TollgateError {
  const known = FILE_DIALECTS.map((dialect) => dialect.description).join('; ');
  return new NotCostDataError(
    `not a cost file Tollgate knows: its columns (${headers.slice(0, 6).join(', ')}${headers.length > 6 ? ', ...' : ''}) match none of: ${known}`,
    { file },
  );
}

/** The currency columns of the layouts; a file with none of them has its amounts taken in the default currency. */
const CURRENCY_COLUMNS = ['BillingCurrency', 'lineItem/CurrencyCode', 'pricing/currency', 'BillingCurrencyCode', 'Currency'];

function hasCurrencyColumn(shape: FileShape): boolean {
  return CURRENCY_COLUMNS.some((column) => shape.headers.has(column));
}

/**
 * A time of the staged rows as a plain TIMESTAMP, the history's type. The layouts read times as TIMESTAMPTZ (an
 * offset is converted to UTC, not dropped), and a cast from TIMESTAMPTZ to TIMESTAMP or DATE goes through the ICU
 * calendar: about 0.3 CPU seconds per million rows and cast, paid by the staging's keys and again by the commit for
 * both times and the day. The session's zone is UTC (CostHistory.open), so the instant's microseconds are already the
 * wall time the cast gives; an infinite time, which has no microseconds, keeps the cast.
 */
function utcTimestamp(column: string): string {
  const time = `CAST(${column} AS TIMESTAMPTZ)`;
  return `CASE WHEN isfinite(${time}) THEN make_timestamp(epoch_us(${time})) ELSE CAST(${time} AS TIMESTAMP) END`;
}

/**
 * The staged rows of `from` as SQL; `currency`, when given, is every row's BillingCurrency (a file without a currency
 * column). The layout's expressions are computed in an inner query, so that each is evaluated once however often the
 * outer one reads it (the start gives both ChargePeriodStart and x_Day).
 */
function stagedRowsSql(dialect: FileDialect, shape: FileShape, source: string, from: string, currency?: string): string {
  const columns = dialect.select(shape);
  const inner = COST_TABLE_COLUMN_NAMES.filter((name) => name !== 'x_Source' && name !== 'x_Day').map((name) => {
    if (name === 'BillingCurrency' && currency !== undefined) return `${literal(currency)} AS BillingCurrency`;
    return `${columns[name as StagedColumn]} AS ${name}`;
  });
  const outer = COST_TABLE_COLUMN_NAMES.map((name) => {
    if (name === 'x_Source') return `${stagedSource(source)} AS x_Source`;
    if (name === 'x_Day') return `CAST(${utcTimestamp('ChargePeriodStart')} AS DATE) AS x_Day`;
    if (name === 'ChargePeriodStart' || name === 'ChargePeriodEnd') return `${utcTimestamp(name)} AS ${name}`;
    return name;
  });
  return `SELECT ${outer.join(',\n  ')}\nFROM (SELECT ${inner.join(',\n  ')}\n  FROM ${from})`;
}

async function stageCsv(
  history: CostHistory,
  file: string,
  source: string,
): Promise<{ table: string; dialect: FileDialect; shape: FileShape }> {
  const { headers, sample } = await readHead(file);
  if (headers.length === 0 || (headers.length === 1 && headers[0] === '')) {
    throw new TollgateError('empty file: no CSV header', { file });
  }
  const duplicate = headers.find((name, i) => headers.indexOf(name) !== i);
  if (duplicate !== undefined) throw new TollgateError(`CSV header names column "${duplicate}" twice`, { file, line: 1 });
  const shape = shapeOf(headers, sample);
  const dialect = dialectFor(shape);
  if (!dialect) throw unknownLayout(file, headers);
  const types = dialect.types(shape);
  const columns = headers.map((name) => `${literal(name)}: '${types[name] ?? 'VARCHAR'}'`).join(', ');
  const table = history.newStagingTable();
  const rejects = `${table}_rejects`;
  const dateFormat = dialect.dateFormat?.(shape);
  await withoutInsertionOrder(history, () =>
    history.run(
      `CREATE TEMP TABLE ${table} AS ${stagedRowsSql(
        dialect,
        shape,
        source,
        `read_csv(?, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
       columns = {${columns}}, nullstr = ['', 'null', 'NULL'], store_rejects = true,
       rejects_table = '${rejects}', rejects_scan = '${rejects}_scan'${dateFormat ? `, dateformat = ${literal(dateFormat)}` : ''})`,
      )}`,
      [file],
    ),
  );
  const errors = await history.query<{ line: string; column_name: string | null; error_type: string; error_message: string }>(
    `SELECT CAST(line AS VARCHAR) AS line, column_name, error_type, error_message FROM ${rejects} ORDER BY line LIMIT 1`,
  );
  const [count] = await history.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${rejects}`);
  await history.run(`DROP TABLE IF EXISTS ${rejects}`);
  await history.run(`DROP TABLE IF EXISTS ${rejects}_scan`);
  const firstError = errors[0];
  if (firstError) {
    await history.dropStaged(table);
    const more = (count?.n ?? 1) > 1 ? ` (and ${(count?.n ?? 1) - 1} more bad rows; nothing was imported)` : ' (nothing was imported)';
    throw new TollgateError(`${describeReject(firstError)}${more}`, { file, line: Number(firstError.line) });
  }
  return { table, dialect, shape };
}

function describeReject(reject: { column_name: string | null; error_type: string; error_message: string }): string {
  if (reject.error_type === 'CAST') {
    const value = /Could not convert string "(.*)" to/.exec(reject.error_message)?.[1];
    return `${reject.column_name ?? 'a column'} ${value !== undefined ? `"${value}" ` : ''}is not a valid ${/DECIMAL|DOUBLE/.test(reject.error_message) ? 'finite decimal number' : 'date'}`;
  }
  if (reject.error_type === 'MISSING COLUMNS' || reject.error_type === 'TOO MANY COLUMNS') {
    return `wrong number of columns: ${reject.error_message.replace('Expected Number of Columns', 'expected').replace('Found', 'found')}`;
  }
  return reject.error_message;
}

/**
 * Stages a Parquet file as a view over the file, not a copy: DuckDB reads Parquet columns a dictionary at a time, so
 * the checks and the commit each read the file again for less than writing its rows to a temporary table costs
 * once (about 3 CPU seconds per million rows), and the rows are never held in memory. The commit's INSERT reads
 * the file inside the import's transaction; a file gone or changed by then fails the import, history unchanged.
 */
async function stageParquet(
  history: CostHistory,
  file: string,
  source: string,
  defaultCurrency: string,
): Promise<{ table: string; dialect: FileDialect; shape: FileShape; currencyFilled: boolean }> {
  let described: Array<{ column_name: string }>;
  try {
    described = await history.query<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(?)`, [file]);
  } catch (error) {
    throw new TollgateError(`not a readable Parquet file (${(error as Error).message.split('\n')[0]})`, { file });
  }
  const headers = described.map((row) => row.column_name);
  const shape = shapeOf(headers, []);
  const dialect = dialectFor(shape);
  if (!dialect) throw unknownLayout(file, headers);
  // Parquet columns are typed by the writer; values that do not cast are found first, by row number.
  const types = dialect.types(shape);
  for (const [name, type] of Object.entries(types)) {
    const [bad] = await history.query<{ row: number; value: string }>(
      `SELECT (file_row_number + 1)::INTEGER AS row, CAST(${ident(name)} AS VARCHAR) AS value
       FROM read_parquet(?, file_row_number = true)
       WHERE ${ident(name)} IS NOT NULL AND TRY_CAST(${ident(name)} AS ${type}) IS NULL LIMIT 1`,
      [file],
    );
    if (bad) {
      throw new TollgateError(
        `row ${bad.row}: ${name} "${bad.value}" is not a valid ${type.startsWith('DECIMAL') ? 'finite decimal number' : 'date'}`,
        { file },
      );
    }
  }
  const casts = headers.map((name) => (types[name] ? `CAST(${ident(name)} AS ${types[name]}) AS ${ident(name)}` : ident(name)));
  const currencyFilled = !hasCurrencyColumn(shape);
  const table = history.newStagingTable();
  await history.run(
    `CREATE TEMP VIEW ${table} AS ${stagedRowsSql(
      dialect,
      shape,
      source,
      `(SELECT ${casts.join(', ')} FROM read_parquet(${literal(file)}))`,
      currencyFilled ? defaultCurrency : undefined,
    )}`,
  );
  return { table, dialect, shape, currencyFilled };
}

/** Checks every staged row has what the report needs; fills an absent currency column. */
async function checkStaged(
  history: CostHistory,
  table: string,
  file: string,
  hasCurrency: boolean,
  options: FileImportOptions,
  currencyFilled: boolean,
): Promise<string[]> {
  const notes: string[] = [];
  if (!hasCurrency) {
    const currency = options.defaultCurrency ?? 'USD';
    if (!currencyFilled) await history.run(`UPDATE ${table} SET BillingCurrency = ?`, [currency]);
    notes.push(`no BillingCurrency column: amounts taken as ${currency}`);
  }
  // Every rule judged on the staging's keys (one read of the staging, which the commit reuses; a Parquet file's
  // staging is a view, and each query of it reads the file), so each rule tests a distinct value, not every row. A
  // rule's offending values are shown as the first and last of them (at most three with an empty one), never all.
  const keys = await history.stagedKeys(table);
  const known = knownCurrencies().map(literal).join(', ');
  const badCurrency = `BillingCurrency NOT IN (${known})`;
  const badType = `x_CostType NOT IN ('Actual', 'Forecast')`;
  const [found] = await history.query<{
    missing: number;
    noCurrency: boolean;
    firstCurrency: string | null;
    lastCurrency: string | null;
    badPeriod: number;
    firstType: string | null;
    lastType: string | null;
  }>(
    `SELECT coalesce(sum(missing), 0)::INTEGER AS missing,
       coalesce(bool_or(BillingCurrency IS NULL), false) AS noCurrency,
       min(BillingCurrency) FILTER (WHERE ${badCurrency}) AS firstCurrency, max(BillingCurrency) FILTER (WHERE ${badCurrency}) AS lastCurrency,
       coalesce(sum(bad_period), 0)::INTEGER AS badPeriod,
       min(x_CostType) FILTER (WHERE ${badType}) AS firstType, max(x_CostType) FILTER (WHERE ${badType}) AS lastType
     FROM ${keys}`,
  );
  if (!found) return notes;
  if (found.missing > 0) {
    throw new TollgateError(`${found.missing} rows have no charge period start or no billed cost; nothing was imported`, { file });
  }
  const badCurrencies = [
    ...(found.noCurrency ? ['an empty currency'] : []),
    ...[...new Set([found.firstCurrency, found.lastCurrency])].filter((c) => c !== null).map((c) => `"${c}"`),
  ];
  if (badCurrencies.length > 0) {
    throw new TollgateError(`unknown currency: ${badCurrencies.join(', ')} is not an ISO 4217 code; nothing was imported`, { file });
  }
  // The reader's other row rules, for the files DuckDB reads (provider exports, Parquet, .csv.gz).
  if (found.badPeriod > 0)
    throw new TollgateError(`${found.badPeriod} rows have ChargePeriodEnd not after ChargePeriodStart; nothing was imported`, { file });
  const badTypes = [...new Set([found.firstType, found.lastType])].filter((t) => t !== null);
  if (badTypes.length > 0) {
    throw new TollgateError(
      `x_CostType must be Actual or Forecast (got ${badTypes.map((t) => JSON.stringify(t)).join(', ')}); nothing was imported`,
      { file },
    );
  }
  return notes;
}

/** A JSON file that is an array (a FOCUS spend file), not an API response object. */
async function isJsonArray(file: string): Promise<boolean> {
  const { headers } = await readHead(file);
  return (headers[0] ?? '').trimStart().startsWith('[');
}

/**
 * Stages a cost file for `history.commitStaged`. Throws a TollgateError naming the file (and line) for
 * anything wrong with it, NotCostDataError for a file that holds no costs; nothing is staged then.
 */
export async function stageCostFile(
  history: CostHistory,
  file: string,
  source: string,
  options: FileImportOptions = {},
): Promise<StagedFile> {
  const limit = spendFileLimit(options.maxBytes);
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new TollgateError('not a file', { file });
    // A regular file (checked above): DuckDB and the JSON reader read it whole, so its size is the bytes read.
    if (info.size > limit.maxBytes) throw overLimit(file, limit, info.size);
  } catch (error) {
    if (error instanceof TollgateError) throw error;
    throw new TollgateError('cost file not found', { file });
  }
  const name = basename(file).toLowerCase();
  if (name.endsWith('.json') && (await isJsonArray(file))) {
    // A FOCUS spend file as a JSON array: the one reader validates it, as for check --spend.
    const table = await history.stageRecords(source, costFileRecords(file, { defaultCurrency: options.defaultCurrency ?? 'USD' }, limit));
    return { table, format: 'focus-json', notes: [] };
  }
  if (name.endsWith('.json')) {
    const parsed = await readBillingJson(file, options.today);
    const table = await history.stageRecords(source, parsed.records);
    return { table, format: parsed.format, notes: [] };
  }
  let staged: { table: string; dialect: FileDialect; shape: FileShape; currencyFilled?: boolean };
  if (name.endsWith('.parquet')) staged = await stageParquet(history, file, source, options.defaultCurrency ?? 'USD');
  else if (name.endsWith('.csv') && (await isFocusCsv(file))) {
    // FOCUS CSV is read by DuckDB with the one reader's meaning (focus-csv.ts); a file that path cannot vouch
    // for goes through the one reader itself (the same rows and validations as check --spend), which names
    // the failing file:line.
    const { headers } = await readHead(file);
    const columns = headers.map((name) => name.trim());
    const currency = options.defaultCurrency ?? 'USD';
    const notes = columns.includes('BillingCurrency') ? [] : [`no BillingCurrency column: amounts taken as ${currency}`];
    const table =
      (await stageFocusCsvWithDuckDb(history, file, source, columns, currency)) ??
      (await history.stageRecords(source, costFileRecords(file, { defaultCurrency: currency }, limit)));
    return { table, format: 'focus', notes };
  } else if (name.endsWith('.csv') || name.endsWith('.csv.gz')) staged = await stageCsv(history, file, source);
  else if (/\.(rst|md|txt|html?)$/.test(name)) {
    throw new NotCostDataError('not a cost file: documentation; import the cost data it shows (.csv, .parquet or .json) instead', { file });
  } else throw new NotCostDataError('not a cost file: expected .csv, .csv.gz, .parquet or .json', { file });
  try {
    const notes = await checkStaged(history, staged.table, file, hasCurrencyColumn(staged.shape), options, staged.currencyFilled ?? false);
    return { table: staged.table, format: staged.dialect.name, notes };
  } catch (error) {
    await history.dropStaged(staged.table);
    throw error;
  }
}
