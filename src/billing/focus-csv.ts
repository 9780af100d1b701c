/**
 * FOCUS CSV read by DuckDB with the meaning of the one row reader (focus-row.ts): the fast path of `report
 * --source focus:FILE.csv`, about ten times quicker than reading the rows in JavaScript at millions of rows.
 *
 * The values whose rules are subtle (times with offsets, Tags JSON, currencies, x_CostType, the provider's
 * name) are few distinct texts in a billing file, however many rows it has: DuckDB lists the distinct ones, the
 * row reader's own functions judge each, and DuckDB joins the answers back to the rows. Amounts, which are
 * nearly all distinct, are checked in SQL against the reader's decimal grammar and cast exactly, rounded half
 * away from zero as parseMicros rounds. Plain text columns are trimmed of the same whitespace as
 * String.prototype.trim, and the word null is empty, as textOf reads them.
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
 * read, so it is done only for a cell that starts or ends with something other than printable ASCII (every
 * character trim removes is below "!" or above "~") or holds a carriage return; any other cell is kept as it is.
 */
function trimmed(column: string): string {
  const cell = ident(column);
  const unusual = `ord(${cell}) NOT BETWEEN 33 AND 126 OR ord(${cell}[-1]) NOT BETWEEN 33 AND 126 OR contains(${cell}, ${CR})`;
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

/**
 * The file's rows with each cell read once: the raw texts the dictionaries are keyed by (k_*), every text
 * column read as textOf reads it (n:*), amounts cast (a:*). Built in layers so that no expression is repeated
 * per use (DuckDB would evaluate a repeated expression once per use).
 */
function rowsSql(csv: string, headers: readonly string[], defaultCurrency: string): string {
  const has = (name: string): boolean => headers.includes(name);
  const columns = [...new Set([...TEXT_COLUMNS, ...MORE_TEXT_COLUMNS, ...headers.filter(isExtraFocusColumn)])].filter(has);
  const providers = PROVIDER_COLUMNS.filter(has);
  const keys = `k_start, k_end, k_tags, k_cur, k_type`;
  const trims = columns.map((column) => `${trimmed(column)} AS ${ident(`t:${column}`)}`);
  const read = columns.map((column) => {
    const t = ident(`t:${column}`);
    return `CASE WHEN ${t} IN ('', 'null', 'NULL') THEN NULL ELSE ${t} END AS ${text(column)}`;
  });
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

/** What the first pass finds: the distinct texts of the judged columns (null for a file of no rows), the most of any, and the rows. */
interface Distinct {
  readonly starts: readonly string[] | null;
  readonly ends: readonly string[] | null;
  readonly tags: readonly string[] | null;
  readonly currencies: readonly string[] | null;
  readonly types: readonly string[] | null;
  readonly providers: readonly string[] | null;
  readonly most: number;
  readonly rows: number;
}

function refused(): never {
  throw new Error('refused');
}

/** Judges each distinct key with the row reader's rule; null when any is refused (the row reader will name its line). */
function judge(keys: readonly string[], rule: (key: string) => string): Array<[string, string]> | null {
  const judged: Array<[string, string]> = [];
  for (const key of keys) {
    try {
      judged.push([key, rule(key)]);
    } catch {
      return null;
    }
  }
  return judged;
}

/**
 * Stages a FOCUS CSV file whose header is `headers` (trimmed, as read by the caller) into a new staging
 * table, or returns null with nothing staged when this path cannot vouch for the file.
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
  const tables: string[] = [];
  /** A table of each distinct text (k) and the reader's reading of it (v), or null when the reader refuses one. */
  const dictionary = async (name: string, values: readonly string[], rule: (key: string) => string): Promise<string | null> => {
    const judged = judge(values, rule);
    if (judged === null) return null;
    const table = `${history.newStagingTable()}_${name}`;
    tables.push(table);
    await history.run(`CREATE TEMP TABLE ${table} (k VARCHAR PRIMARY KEY, v VARCHAR NOT NULL)`);
    const appender = await history.connection.createAppender(table, 'main', 'temp');
    for (const [key, value] of judged) {
      appender.appendVarchar(key);
      appender.appendVarchar(value);
      appender.endRow();
    }
    appender.closeSync();
    return table;
  };

  const table = history.newStagingTable();
  try {
    // Pass 1: the distinct texts of the judged columns, in one scan.
    const reader = await history.connection.runAndReadAll(
      `SELECT list(DISTINCT s) AS starts, list(DISTINCT e) AS ends, list(DISTINCT tags) AS tags, list(DISTINCT currency) AS currencies,
         list(DISTINCT cost_type) AS types, list(DISTINCT provider) AS providers,
         greatest(count(DISTINCT tags), count(DISTINCT s), count(DISTINCT e))::INTEGER AS most, count(*)::INTEGER AS rows
       FROM (SELECT k_start AS s, k_end AS e, k_tags AS tags, k_cur AS currency, k_type AS cost_type, k_prov AS provider FROM (${rows}))`,
    );
    const [distinct] = reader.getRowObjectsJson() as unknown as Distinct[];
    if (!distinct || distinct.most > MAX_DISTINCT) return null;
    const currencies = new Set(knownCurrencies());
    const maps = {
      time: await dictionary('time', [...new Set([...(distinct.starts ?? []), ...(distinct.ends ?? [])])], (key) =>
        String(parseIsoTime(textOf(key)) ?? refused()),
      ),
      tags: await dictionary('tags', distinct.tags ?? [], (key) => JSON.stringify(parseTags(key, refused))),
      currency: await dictionary('cur', distinct.currencies ?? [], (key) => {
        const code = textOf(key).toUpperCase();
        return currencies.has(code) ? code : refused();
      }),
      costType: await dictionary('type', distinct.types ?? [], (key) => parseCostType(key, refused)),
      provider: await dictionary('prov', distinct.providers ?? [], (key) => providerFromName(key === '' ? undefined : key)),
    };
    if (Object.values(maps).some((map) => map === null)) return null;
    const name = (map: string | null): string => map ?? '';

    // Pass 2: every row, its judged values joined back; a row the reader would refuse fails the statement.
    const billed = amountChecks('BilledCost');
    const effective = has('EffectiveCost') ? amountChecks('EffectiveCost') : { value: 'NULL', ok: 'true' };
    const list = has('ListCost') ? amountChecks('ListCost') : { value: 'NULL', ok: 'true' };
    const start = `epoch_ms(CAST(s.v AS BIGINT))`;
    const end = `epoch_ms(CAST(e.v AS BIGINT))`;
    const ok = `${end} > ${start} AND ${text('BilledCost')} IS NOT NULL AND ${billed.ok} AND ${effective.ok} AND ${list.ok}`;
    const optional = (...names: string[]): string => {
      const present = names.filter(has);
      return present.length === 0 ? 'NULL' : present.length === 1 ? text(present[0] ?? '') : `coalesce(${present.map(text).join(', ')})`;
    };
    const extras = headers.filter(isExtraFocusColumn);
    const extrasJson =
      extras.length === 0
        ? `'{}'`
        : `'{' || concat_ws(',', ${extras.map((column) => `CASE WHEN ${text(column)} IS NOT NULL THEN ${literal(JSON.stringify(column))} || ':' || CAST(to_json(${text(column)}) AS VARCHAR) END`).join(', ')}) || '}'`;
    await history.run(
      `CREATE TEMP TABLE ${table} AS
       SELECT ${literal(source)} AS x_Source, CAST(${start} AS DATE) AS x_Day, p.v AS x_Provider,
         ${start} AS ChargePeriodStart, ${end} AS ChargePeriodEnd,
         CASE WHEN ${ok} THEN ${billed.value} ELSE error('row refused') END AS BilledCost,
         ${effective.value} AS EffectiveCost, ${list.value} AS ListCost, c.v AS BillingCurrency,
         ${optional('ServiceName')} AS ServiceName, ${optional('ServiceCategory')} AS ServiceCategory,
         ${optional('RegionId', 'Region')} AS RegionId, ${optional('ResourceId')} AS ResourceId,
         ${optional('ResourceType')} AS ResourceType, ${optional('SkuId')} AS SkuId,
         ${optional('PricingCategory')} AS PricingCategory, ${optional('SubAccountId')} AS SubAccountId,
         g.v AS Tags, y.v AS x_CostType, ${extrasJson} AS x_Extras
       FROM (${rows}) AS r
         JOIN ${name(maps.time)} AS s ON s.k = r.k_start
         JOIN ${name(maps.time)} AS e ON e.k = r.k_end
         JOIN ${name(maps.tags)} AS g ON g.k = r.k_tags
         JOIN ${name(maps.currency)} AS c ON c.k = r.k_cur
         JOIN ${name(maps.costType)} AS y ON y.k = r.k_type
         JOIN ${name(maps.provider)} AS p ON p.k = r.k_prov`,
    );
    // Every row found its judged values (the file did not change between the passes), or none is used.
    const [staged] = await history.query<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM ${table}`);
    if (staged?.rows !== distinct.rows) throw new Error('the file changed while it was read');
    return table;
  } catch {
    // DuckDB refused a record, or a row failed its checks: the row reader names the line.
    await history.dropStaged(table);
    return null;
  } finally {
    for (const map of tables) await history.dropStaged(map);
  }
}
