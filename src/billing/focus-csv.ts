/**
 * FOCUS CSV read by DuckDB with the meaning of the one row reader (focus-row.ts): the fast path of `report
 * --source focus:FILE.csv`, about ten times quicker than reading the rows in JavaScript at millions of rows.
 *
 * The values whose rules are subtle (times with offsets, Tags JSON, currencies, x_CostType, the provider's
 * name) are few distinct texts in a billing file, however many rows it has. The file is read once into the
 * staging table, each such column as DuckDB reads it where that is known to be the reader's reading (a time in
 * the exports' own layout, a provider name from a short table, the other texts as they are); then the row
 * reader's own functions judge each distinct value, and only the rows whose value the reader reads otherwise
 * are rewritten (none, for a file in the exports' own layout). Amounts, which are nearly all distinct, are
 * checked in SQL against the reader's decimal grammar and cast exactly, rounded half away from zero as
 * parseMicros rounds. Plain text columns are trimmed of the same whitespace as
 * String.prototype.trim, and the word null is empty, as textOf reads them: the service, region, SKU, account
 * and other texts that repeat on every row of a resource once per distinct value, after the read.
 *
 * Whenever this path cannot vouch for a file (a header it does not handle, a value the reader refuses, a
 * record DuckDB will not parse), it stages nothing and returns null: the caller then reads the file with the
 * row reader, which names the failing file:line, or accepts what DuckDB's stricter CSV parser refused.
 */
import { REQUIRED_COLUMNS } from '../model/cost-record.js';
import { knownCurrencies, parseCostType, parseIsoTime, parseTags, PROVIDER_COLUMNS, textOf } from './focus-row.js';
import { providerFromName } from './cost-record.js';
import { ident, isExtraFocusColumn, literal } from './file-dialects.js';
import type { CostHistory } from './history.js';
import { stagedSource, withoutInsertionOrder } from './staging.js';

/** The characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
const JS_WHITESPACE =
  ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** The row reader refuses a record longer than 1 MiB characters; DuckDB is held to 1 MiB bytes, never more. */
const MAX_LINE_BYTES = 1 << 20;

/**
 * More distinct values than this in one judged column (a Tags text unique to every row) would move the work
 * back into JavaScript anyway; the row reader reads such a file.
 */
const MAX_DISTINCT = 1_000_000;

/** The largest amount a record holds (model/money.ts MAX_RECORD_MICROS) in currency units. */
const MAX_AMOUNT = '9223372036854.775807';

/** The decimal grammar of parseMicros: sign, digits with an optional point, an exponent of at most 3 digits. */
const DECIMAL_PATTERN = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$';

const CR = `chr(13)`;
const LF = `chr(10)`;

/** A cell as the reader's raw text: DuckDB's NULL is an empty cell; a line break inside quotes is "\n", as readline gives it. */
function raw(column: string): string {
  const cell = ident(column);
  return `CASE WHEN ${cell} IS NULL THEN '' WHEN contains(${cell}, ${CR}) THEN replace(replace(${cell}, ${CR} || ${LF}, ${LF}), ${CR}, ${LF}) ELSE ${cell} END`;
}

/**
 * A cell trimmed as String.prototype.trim trims it. Trimming a set of characters costs DuckDB ten times a plain
 * read, so it is done only for a cell that could change: one that starts with something other than printable
 * ASCII, holds any character beyond ASCII (its bytes outnumber its characters), ends with one of the ASCII
 * characters trim removes, or holds a carriage return. Any other cell is ASCII that neither starts nor ends with
 * a character trim removes, and is kept as it is. (Looking at a cell's last character costs as much as all of
 * this together: DuckDB counts its way to it.)
 */
function trimmed(column: string): string {
  const cell = ident(column);
  // Space, tab, line feed, vertical tab, form feed: trim's ASCII characters but the carriage return, looked for anywhere.
  const asciiEnds = [32, 9, 10, 11, 12].map((code) => `suffix(${cell}, chr(${code}))`);
  const unusual = [
    `ord(${cell}) NOT BETWEEN 33 AND 126`,
    `strlen(${cell}) <> length(${cell})`,
    ...asciiEnds,
    `contains(${cell}, ${CR})`,
  ].join(' OR ');
  return `CASE WHEN ${cell} IS NULL THEN '' WHEN ${unusual} THEN trim(${raw(column)}, ${literal(JS_WHITESPACE)}) ELSE ${cell} END`;
}

/** A column of the rows subquery: textOf of a CSV cell (trimmed like String.prototype.trim, "null"/"NULL" empty), NULL when empty. */
function text(column: string): string {
  return ident(`n:${column}`);
}

/** An amount column: NULL when empty; the row fails when it is not a decimal the reader accepts, in range. */
function amountChecks(column: string): { value: string; ok: string } {
  const value = text(column);
  const cast = ident(`a:${column}`);
  return {
    value: cast,
    ok: `(${value} IS NULL OR (regexp_full_match(${value}, ${literal(DECIMAL_PATTERN)}) AND ${cast} IS NOT NULL AND abs(${cast}) <= ${MAX_AMOUNT}))`,
  };
}

const AMOUNT_COLUMNS = ['BilledCost', 'EffectiveCost', 'ListCost'];
const TEXT_COLUMNS = [...AMOUNT_COLUMNS, 'ServiceName', 'ServiceCategory', 'RegionId', 'Region', 'ResourceId', 'ResourceType', 'SkuId'];
const MORE_TEXT_COLUMNS = ['PricingCategory', 'SubAccountId', ...PROVIDER_COLUMNS];

/** Each staged text column that is one CSV column's text as it is (every other staged column is built from cells). */
const STAGED_TEXTS: ReadonlyArray<readonly [staged: string, columns: readonly string[]]> = [
  ['ServiceName', ['ServiceName']],
  ['ServiceCategory', ['ServiceCategory']],
  ['RegionId', ['RegionId', 'Region']],
  ['ResourceId', ['ResourceId']],
  ['ResourceType', ['ResourceType']],
  ['SkuId', ['SkuId']],
  ['PricingCategory', ['PricingCategory']],
  ['SubAccountId', ['SubAccountId']],
];

/**
 * The staged text columns read from exactly one CSV column, as [staged name, CSV column]: those are staged as
 * DuckDB read the cell and made textOf's reading afterwards, once per distinct value (cleanTextsOnce). A billing
 * file repeats a few services, regions, SKUs and accounts on millions of rows, and trimming each cell cost as
 * much as reading the file. A staged column that falls back from one CSV column to another (RegionId, else
 * Region) needs each cell's reading first, and is read cell by cell.
 */
function textsCleanedOnce(headers: readonly string[]): Array<readonly [staged: string, column: string]> {
  return STAGED_TEXTS.flatMap(([staged, columns]) => {
    const present = columns.filter((name) => headers.includes(name));
    return present.length === 1 ? [[staged, present[0] ?? ''] as const] : [];
  });
}

/** textOf's reading of the text in column `column` (trimmed as String.prototype.trim trims, "null"/"NULL" empty), NULL when empty. */
function textOfSql(column: string): string {
  return `CASE WHEN ${trimmed(column)} IN ('', 'null', 'NULL') THEN NULL ELSE ${trimmed(column)} END`;
}

/**
 * The file's rows with each cell read once: the raw texts the dictionaries are keyed by (k_*), every text
 * column read as textOf reads it (n:*), amounts cast (a:*). Built in layers so that no expression is repeated
 * per use (DuckDB would evaluate a repeated expression once per use).
 */
function rowsSql(csv: string, headers: readonly string[], defaultCurrency: string): string {
  const has = (name: string): boolean => headers.includes(name);
  const asCells = textsCleanedOnce(headers).map(([, column]) => column);
  const columns = [...new Set([...TEXT_COLUMNS, ...MORE_TEXT_COLUMNS, ...headers.filter(isExtraFocusColumn)])].filter(
    (column) => has(column) && !asCells.includes(column),
  );
  const providers = PROVIDER_COLUMNS.filter(has);
  const keys = `k_start, k_end, k_tags, k_cur, k_type`;
  const trims = [
    ...columns.map((column) => `${trimmed(column)} AS ${ident(`t:${column}`)}`),
    ...asCells.map((column) => `${ident(column)} AS ${ident(`t:${column}`)}`),
  ];
  const read = [
    ...columns.map((column) => {
      const t = ident(`t:${column}`);
      return `CASE WHEN ${t} IN ('', 'null', 'NULL') THEN NULL ELSE ${t} END AS ${text(column)}`;
    }),
    ...asCells.map((column) => `${ident(`t:${column}`)} AS ${text(column)}`),
  ];
  // Text to DECIMAL(38, 6) is forty times slower in DuckDB than to DECIMAL(18, 6), which holds every amount below a
  // trillion; both round half away from zero, as parseMicros does.
  const amounts = AMOUNT_COLUMNS.filter(has).map(
    (column) =>
      `CAST(coalesce(TRY_CAST(${text(column)} AS DECIMAL(18, 6)), TRY_CAST(${text(column)} AS DECIMAL(38, 6))) AS DECIMAL(38, 6)) AS ${ident(`a:${column}`)}`,
  );
  const provider = providers.length === 0 ? `''` : `coalesce(${providers.map(text).join(', ')}, '')`;
  return `SELECT *, ${[`${provider} AS k_prov`, ...amounts].join(', ')} FROM (
      SELECT ${[keys, ...read].join(', ')} FROM (
        SELECT ${raw('ChargePeriodStart')} AS k_start, ${raw('ChargePeriodEnd')} AS k_end,
          ${has('Tags') ? raw('Tags') : `''`} AS k_tags,
          ${has('BillingCurrency') ? raw('BillingCurrency') : literal(defaultCurrency)} AS k_cur,
          ${has('x_CostType') ? raw('x_CostType') : `''`} AS k_type, ${trims.join(', ')}
        FROM ${csv}))`;
}

/** The one layout of times DuckDB reads itself (the FOCUS exports' own); any other text is judged by the row reader. */
const CANONICAL_TIME = '%Y-%m-%dT%H:%M:%SZ';

/**
 * Provider names read straight to the reader's answer in SQL, so that the usual file needs no rewrite; each is
 * checked against providerFromName before the staged rows are trusted. '' is a row without any provider name.
 */
const PROVIDER_NAMES: ReadonlyArray<readonly [name: string, provider: string]> = [
  ['Amazon Web Services', 'aws'],
  ['AWS', 'aws'],
  ['Microsoft', 'azure'],
  ['Google Cloud', 'gcp'],
  ['', 'other'],
];

/** The staged table's helper columns: the text of a time DuckDB did not read itself (NULL when it did). */
const RESIDUAL = { start: 'k_res_start', end: 'k_res_end' } as const;

function refused(): never {
  throw new Error('refused');
}

/** The reader's answer for every value that needs one, or null when the reader refuses one. */
function judge<T>(values: readonly T[], rule: (value: T) => string | null): Array<[T, string]> | null {
  const changed: Array<[T, string]> = [];
  for (const value of values) {
    let answer: string | null;
    try {
      answer = rule(value);
    } catch {
      return null;
    }
    if (answer !== null) changed.push([value, answer]);
  }
  return changed;
}

/** A time column read as DuckDB reads the canonical layout: its value (NULL otherwise) and the text it leaves to the reader. */
function timeColumns(key: string, residual: string): { value: string; residual: string } {
  const parsed = `try_strptime(${key}, ${literal(CANONICAL_TIME)})`;
  return {
    value: `CASE WHEN strftime(${parsed}, ${literal(CANONICAL_TIME)}) = ${key} THEN ${parsed} END`,
    residual,
  };
}

/**
 * Stages a FOCUS CSV file whose header is `headers` (trimmed, as read by the caller) into a new staging
 * table, or returns null with nothing staged when this path cannot vouch for the file.
 *
 * The file is read once. Each judged column is staged as DuckDB's own reading of its text where that reading
 * is known to be the reader's (a canonical time, a provider name of the table above, the raw Tags, currency and
 * cost type texts); then the distinct values are judged by the row reader's functions and only the rows whose
 * value the reader reads otherwise are rewritten. The number of distinct values, never rows, drives the JavaScript.
 */
export async function stageFocusCsvWithDuckDb(
  history: CostHistory,
  file: string,
  source: string,
  headers: readonly string[],
  defaultCurrency: string,
): Promise<string | null> {
  const has = (name: string): boolean => headers.includes(name);
  if (headers.some((name) => name === '' || name.includes('"')) || new Set(headers).size !== headers.length) return null;
  if (REQUIRED_COLUMNS.some((name) => !has(name) && name !== 'BillingCurrency')) return null;

  const columns = headers.map((name) => `${literal(name)}: 'VARCHAR'`).join(', ');
  const csv = `read_csv(${literal(file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    columns = {${columns}}, strict_mode = true, null_padding = false, max_line_size = ${MAX_LINE_BYTES})`;
  const rows = rowsSql(csv, headers, defaultCurrency);
  const table = history.newStagingTable();
  const dictionaries: string[] = [];
  /** A table of each value to rewrite (k) and the reader's reading of it (v, NULL for an empty text). */
  const dictionary: Dictionary = async (name, type, entries) => {
    const dict = `${table}_${name}`;
    dictionaries.push(dict);
    await history.run(`CREATE TEMP TABLE ${dict} (k VARCHAR PRIMARY KEY, v ${type})`);
    const appender = await history.connection.createAppender(dict, 'main', 'temp');
    for (const [key, value] of entries) {
      appender.appendVarchar(key);
      if (value === null) appender.appendNull();
      else if (type === 'BIGINT') appender.appendBigInt(BigInt(value));
      else appender.appendVarchar(value);
      appender.endRow();
    }
    appender.closeSync();
    return dict;
  };

  try {
    // The one read of the file: every cell read once, amounts checked (a bad one fails the statement).
    const billed = amountChecks('BilledCost');
    const effective = has('EffectiveCost') ? amountChecks('EffectiveCost') : { value: 'NULL', ok: 'true' };
    const list = has('ListCost') ? amountChecks('ListCost') : { value: 'NULL', ok: 'true' };
    const ok = `${text('BilledCost')} IS NOT NULL AND ${billed.ok} AND ${effective.ok} AND ${list.ok}`;
    const optional = (...names: string[]): string => {
      const present = names.filter(has);
      return present.length === 0 ? 'NULL' : present.length === 1 ? text(present[0] ?? '') : `coalesce(${present.map(text).join(', ')})`;
    };
    const extras = headers.filter(isExtraFocusColumn);
    const extrasJson =
      extras.length === 0
        ? `'{}'`
        : `'{' || concat_ws(',', ${extras.map((column) => `CASE WHEN ${text(column)} IS NOT NULL THEN ${literal(JSON.stringify(column))} || ':' || CAST(to_json(${text(column)}) AS VARCHAR) END`).join(', ')}) || '}'`;
    const start = timeColumns('k_start', RESIDUAL.start);
    const end = timeColumns('k_end', RESIDUAL.end);
    const provider = `CASE k_prov ${PROVIDER_NAMES.map(([name, code]) => `WHEN ${literal(name)} THEN ${literal(code)}`).join(' ')} ELSE k_prov END`;
    await withoutInsertionOrder(history, () =>
      history.run(
        `CREATE TEMP TABLE ${table} AS
         SELECT ${stagedSource(source)} AS x_Source, CAST(t_start AS DATE) AS x_Day, ${provider} AS x_Provider,
           t_start AS ChargePeriodStart, t_end AS ChargePeriodEnd,
           CASE WHEN ${ok} THEN ${billed.value} ELSE error('row refused') END AS BilledCost,
           ${effective.value} AS EffectiveCost, ${list.value} AS ListCost, k_cur AS BillingCurrency,
           ${optional('ServiceName')} AS ServiceName, ${optional('ServiceCategory')} AS ServiceCategory,
           ${optional('RegionId', 'Region')} AS RegionId, ${optional('ResourceId')} AS ResourceId,
           ${optional('ResourceType')} AS ResourceType, ${optional('SkuId')} AS SkuId,
           ${optional('PricingCategory')} AS PricingCategory, ${optional('SubAccountId')} AS SubAccountId,
           CASE WHEN k_tags = '' THEN '{}' ELSE k_tags END AS Tags,
           CASE WHEN k_type = '' THEN 'Actual' ELSE k_type END AS x_CostType, ${extrasJson} AS x_Extras,
           CASE WHEN t_start IS NULL THEN k_start END AS ${start.residual}, CASE WHEN t_end IS NULL THEN k_end END AS ${end.residual}
         FROM (SELECT *, ${start.value} AS t_start, ${end.value} AS t_end FROM (${rows}))`,
      ),
    );

    await cleanTextsOnce(
      history,
      table,
      textsCleanedOnce(headers).map(([staged]) => staged),
      dictionary,
    );

    // The distinct values of the judged columns (a few in a billing file, however many rows it has).
    interface Distinct {
      readonly tags: string[] | null;
      readonly currencies: string[] | null;
      readonly types: string[] | null;
      readonly providers: string[] | null;
      readonly most: number;
    }
    const reader = await history.connection.runAndReadAll(
      `SELECT list(DISTINCT Tags) AS tags, list(DISTINCT BillingCurrency) AS currencies, list(DISTINCT x_CostType) AS types,
         list(DISTINCT x_Provider) AS providers, count(DISTINCT Tags)::INTEGER AS most FROM ${table}`,
    );
    const [distinct] = reader.getRowObjectsJson() as unknown as Distinct[];
    const times = await history.query<{ k: string; canonical: boolean; ms: number | null }>(
      // Distinct first, then formatted: a file has a few times (days), and formatting each row's cost a second per 3M rows.
      `SELECT coalesce(r, strftime(t, ${literal(CANONICAL_TIME)})) AS k, r IS NULL AS canonical, epoch_ms(t)::DOUBLE AS ms
       FROM (SELECT DISTINCT ${RESIDUAL.start} AS r, ChargePeriodStart AS t FROM ${table})
       UNION SELECT coalesce(r, strftime(t, ${literal(CANONICAL_TIME)})) AS k, r IS NULL AS canonical, epoch_ms(t)::DOUBLE AS ms
       FROM (SELECT DISTINCT ${RESIDUAL.end} AS r, ChargePeriodEnd AS t FROM ${table})
       LIMIT ${MAX_DISTINCT + 1}`,
    );
    if (!distinct || distinct.most > MAX_DISTINCT || times.length > MAX_DISTINCT) return await abandon(history, table);

    const currencies = new Set(knownCurrencies());
    const changes = {
      time: judge(times, ({ k, canonical, ms }) => {
        const parsed = parseIsoTime(textOf(k)) ?? refused();
        // DuckDB read a canonical time only where its text round-trips: the reader must agree, or the file is its.
        if (canonical) return parsed === ms ? null : refused();
        return String(parsed);
      }),
      tags: judge(distinct.tags ?? [], (key) => {
        const json = JSON.stringify(parseTags(key, refused));
        return json === key ? null : json;
      }),
      currency: judge(distinct.currencies ?? [], (key) => {
        const code = textOf(key).toUpperCase();
        if (!currencies.has(code)) refused();
        return code === key ? null : code;
      }),
      costType: judge(distinct.types ?? [], (key) => {
        const type = parseCostType(key, refused);
        return type === key ? null : type;
      }),
      provider: judge(distinct.providers ?? [], (key) => {
        // A value the CASE above gave stands for every name it came from: the reader must read each of them so.
        const names = [key, ...PROVIDER_NAMES.filter(([, code]) => code === key).map(([name]) => name)];
        const answers = new Set(names.map((name) => providerFromName(name === '' ? undefined : name)));
        if (answers.size !== 1) refused();
        const [answer = ''] = answers;
        return answer === key ? null : answer;
      }),
    };
    if (Object.values(changes).some((change) => change === null)) return await abandon(history, table);

    // Rewrite only the rows whose value the reader reads otherwise (none, for a file in the exports' own layout).
    const rewrite = async (
      name: string,
      type: 'VARCHAR' | 'BIGINT',
      entries: ReadonlyArray<readonly [string, string]> | null,
      set: string,
      key: string,
    ): Promise<void> => {
      if (entries === null || entries.length === 0) return;
      const dict = await dictionary(name, type, entries);
      await history.run(`UPDATE ${table} SET ${set} FROM ${dict} AS d WHERE ${table}.${key} = d.k`);
    };
    const residualTimes = (changes.time ?? []).map(([row, ms]) => [row.k, ms] as const);
    await rewrite(
      'start',
      'BIGINT',
      residualTimes,
      `ChargePeriodStart = epoch_ms(d.v), x_Day = CAST(epoch_ms(d.v) AS DATE)`,
      RESIDUAL.start,
    );
    await rewrite('end', 'BIGINT', residualTimes, `ChargePeriodEnd = epoch_ms(d.v)`, RESIDUAL.end);
    await rewrite('tags', 'VARCHAR', changes.tags, `Tags = d.v`, 'Tags');
    await rewrite('cur', 'VARCHAR', changes.currency, `BillingCurrency = d.v`, 'BillingCurrency');
    await rewrite('type', 'VARCHAR', changes.costType, `x_CostType = d.v`, 'x_CostType');
    await rewrite('prov', 'VARCHAR', changes.provider, `x_Provider = d.v`, 'x_Provider');

    // The reader's rule across columns, on the values as read: a charge period ends after it starts.
    const [bad] = await history.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ChargePeriodStart IS NULL OR NOT (ChargePeriodEnd > ChargePeriodStart)`,
    );
    if (bad?.n !== 0) return await abandon(history, table);
    await history.run(`ALTER TABLE ${table} DROP COLUMN ${RESIDUAL.start}`);
    await history.run(`ALTER TABLE ${table} DROP COLUMN ${RESIDUAL.end}`);
    return table;
  } catch {
    // DuckDB refused a record, or a row failed its checks: the row reader names the line.
    return await abandon(history, table);
  } finally {
    for (const dict of dictionaries) await history.dropStaged(dict);
  }
}

/** Makes a temporary table named after `name` of each value to rewrite (k) and what it is rewritten to (v), and returns its name. */
type Dictionary = (
  name: string,
  type: 'VARCHAR' | 'BIGINT',
  entries: ReadonlyArray<readonly [key: string, value: string | null]>,
) => Promise<string>;

/**
 * Makes each of staging `table`'s `columns`, staged as DuckDB read their cells, textOf's reading of them: every
 * distinct value is read once (textOfSql), and only the rows whose value reads otherwise are rewritten (none, for
 * an export without padded or "null" cells).
 */
async function cleanTextsOnce(history: CostHistory, table: string, columns: readonly string[], dictionary: Dictionary): Promise<void> {
  if (columns.length === 0) return;
  const texts = `${table}_texts`;
  await history.run(`CREATE TEMP TABLE ${texts} AS SELECT DISTINCT ${columns.join(', ')} FROM ${table}`);
  try {
    for (const column of columns) {
      const changed = await history.query<{ k: string; v: string | null }>(
        `SELECT k, v FROM (SELECT k, ${textOfSql('k')} AS v FROM (SELECT DISTINCT ${column} AS k FROM ${texts} WHERE ${column} IS NOT NULL))
         WHERE v IS DISTINCT FROM k`,
      );
      if (changed.length === 0) continue;
      const dict = await dictionary(
        `text_${column}`,
        'VARCHAR',
        changed.map(({ k, v }) => [k, v] as const),
      );
      await history.run(`UPDATE ${table} SET ${column} = d.v FROM ${dict} AS d WHERE ${table}.${column} = d.k`);
    }
  } finally {
    await history.run(`DROP TABLE IF EXISTS ${texts}`);
  }
}

async function abandon(history: CostHistory, table: string): Promise<null> {
  await history.dropStaged(table);
  return null;
}
