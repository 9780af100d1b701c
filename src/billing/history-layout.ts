/**
 * How the history stores its rows. A night of billing repeats the same texts on every row of a resource (its
 * service, region, SKU, account, tags and the columns derived from them), and writing each of them into the
 * history's compressed row groups is most of an import's INSERT: about 0.2 CPU seconds per million rows and text
 * column. So each distinct combination of those texts is kept once, in cost_dimensions, and each row of
 * cost_facts holds its times, amounts, source, currency and cost type and the integer key of its combination.
 * cost_records is a view joining the two, with the columns, names and types of the single table it replaces, so
 * every query of the history reads as before. A history written as one table is split once, when opened.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { FOCUS_COLUMNS } from '../model/cost-record.js';

/** What runs SQL on the history's connection: CostHistory, named by shape so that history.ts can call in here. */
export interface HistorySql {
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  query<T extends Record<string, string | number | boolean | null>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
}

/** The view every reader of the history queries. */
export const RECORDS_VIEW = 'cost_records';
export const FACTS_TABLE = 'cost_facts';
export const DIMENSIONS_TABLE = 'cost_dimensions';
/**
 * The key of a combination, in both tables; never shown through the view. A reader that sums many rows per
 * combination may sum cost_facts by it first and join the few combinations after, instead of joining every row.
 */
export const COMBINATION_KEY = 'x_Dimension';
const KEY = COMBINATION_KEY;

/** The columns stored on every row. Every other column of the view is a dimension's. */
const FACT_COLUMNS: readonly string[] = [
  'x_Source',
  'x_Day',
  'x_Provider',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'BillingCurrency',
  'x_CostType',
];

/**
 * The imported columns a combination is made of. The derived columns (the model and tag columns, the instance
 * class) are functions of them, so they are dimension columns too, worked out once per new combination.
 */
const DIMENSION_KEY_COLUMNS: readonly string[] = [...FOCUS_COLUMNS.filter((name) => !isFact(name)), 'x_Extras'];

export type ColumnDefinitions = ReadonlyArray<readonly [name: string, type: string]>;

/** What cost_records is in a history file: nothing yet, the single table of earlier versions, or the view. */
export async function recordsLayout(db: HistorySql): Promise<'none' | 'table' | 'view'> {
  const [found] = await db.query<{ type: string }>(
    `SELECT table_type AS type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = '${RECORDS_VIEW}'`,
  );
  if (found === undefined) return 'none';
  return found.type === 'VIEW' ? 'view' : 'table';
}

function isFact(name: string): boolean {
  return FACT_COLUMNS.includes(name);
}

/** Creates both tables and the view for `columns` (the view's columns, in its order). */
export async function createLayout(db: HistorySql, columns: ColumnDefinitions): Promise<void> {
  await createTables(db, columns);
  await createView(
    db,
    columns.map(([name]) => name),
  );
}

/** The two tables, each with the key and its share of `columns`. */
async function createTables(db: HistorySql, columns: ColumnDefinitions): Promise<void> {
  const definitions = (fact: boolean): string =>
    [`${KEY} INTEGER NOT NULL`, ...columns.filter(([name]) => isFact(name) === fact).map(([name, type]) => `${name} ${type}`)].join(', ');
  await db.run(`CREATE TABLE ${DIMENSIONS_TABLE} (${definitions(false)})`);
  await db.run(`CREATE TABLE ${FACTS_TABLE} (${definitions(true)})`);
}

/** (Re)creates the view over both tables with `order`'s columns, in that order. */
async function createView(db: HistorySql, order: readonly string[]): Promise<void> {
  const select = order.map((name) => `${isFact(name) ? 'f' : 'd'}.${name}`).join(', ');
  await db.run(
    `CREATE OR REPLACE VIEW ${RECORDS_VIEW} AS SELECT ${select} FROM ${FACTS_TABLE} AS f JOIN ${DIMENSIONS_TABLE} AS d ON f.${KEY} = d.${KEY}`,
  );
}

/** The view's columns as they are now: the facts', then the dimensions', each table's in its order. */
async function viewOrder(db: HistorySql, leading: readonly string[]): Promise<string[]> {
  const held = await db.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'main' AND table_name IN ('${FACTS_TABLE}', '${DIMENSIONS_TABLE}')
       AND column_name <> '${KEY}' ORDER BY table_name = '${DIMENSIONS_TABLE}', ordinal_position`,
  );
  const names = held.map((row) => row.name);
  return [...leading.filter((name) => names.includes(name)), ...names.filter((name) => !leading.includes(name))];
}

/**
 * Adds a dimension column (a tag column), filled from each combination's texts by `value` (SQL over the
 * dimension's columns), and shows it through the view after the columns it had, `leading` first.
 */
export async function addDimensionColumn(
  db: HistorySql,
  name: string,
  type: string,
  value: string,
  leading: readonly string[],
): Promise<void> {
  await db.run(`ALTER TABLE ${DIMENSIONS_TABLE} ADD COLUMN ${name} ${type}`);
  await db.run(`UPDATE ${DIMENSIONS_TABLE} SET ${name} = ${value}`);
  await createView(db, await viewOrder(db, leading));
}

/**
 * Splits a history written as the single table cost_records, inside the caller's transaction: every column keeps
 * the type it held (a column left as text by an older upgrade stays text), the declared NOT NULL constraints are
 * kept, and each distinct combination of the dimension columns, the derived ones included as they were stored,
 * becomes one dimension. `declared` gives the view's leading columns and their constraints.
 */
export async function splitRecordsTable(db: HistorySql, declared: ColumnDefinitions): Promise<void> {
  const held = await db.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = '${RECORDS_VIEW}'
     ORDER BY ordinal_position`,
  );
  const notNull = new Set(declared.filter(([, type]) => type.includes('NOT NULL')).map(([name]) => name));
  const order = [...declared.map(([name]) => name).filter((name) => held.some((column) => column.name === name))];
  for (const { name } of held) if (!order.includes(name)) order.push(name);
  const typeOf = new Map(held.map(({ name, type }) => [name, `${type}${notNull.has(name) ? ' NOT NULL' : ''}`]));
  const columns = order.map((name) => [name, typeOf.get(name) ?? 'VARCHAR'] as const);
  const dimensions = order.filter((name) => !isFact(name));
  const legacy = `${RECORDS_VIEW}_single_table`;
  await db.run(`ALTER TABLE ${RECORDS_VIEW} RENAME TO ${legacy}`);
  await createTables(db, columns);
  await db.run(
    `INSERT INTO ${DIMENSIONS_TABLE} (${KEY}, ${dimensions.join(', ')})
     SELECT row_number() OVER (), * FROM (SELECT DISTINCT ${dimensions.join(', ')} FROM ${legacy})`,
  );
  const facts = order.filter(isFact);
  await db.run(
    `INSERT INTO ${FACTS_TABLE} (${facts.join(', ')}, ${KEY})
     SELECT ${facts.map((name) => `r.${name}`).join(', ')}, d.${KEY} FROM ${legacy} AS r JOIN ${DIMENSIONS_TABLE} AS d
       ON ${dimensions.map((name) => `r.${name} IS NOT DISTINCT FROM d.${name}`).join(' AND ')}`,
  );
  await db.run(`DROP TABLE ${legacy}`);
  await createView(db, order);
}

/**
 * Inserts the rows of staging `table` (the staged columns, as text where the view has ENUMs) into the history,
 * inside the caller's transaction. Each distinct combination of DIMENSION_KEY_COLUMNS is worked out once: the
 * derived columns (`derived`, SQL over a combination's columns named as the view names them) computed for it,
 * then the dimension holding exactly those values found or added; each staged row is then written to cost_facts
 * with its combination's key. `combinations` names a temporary table the caller has filled with
 * combinationsSql(table) (so that it can classify them first); it is dropped here.
 */
export async function insertStaged(db: HistorySql, table: string, combinations: string, derived: ColumnDefinitions): Promise<void> {
  const dimensions = [...DIMENSION_KEY_COLUMNS, ...derived.map(([name]) => name)];
  const valued = `${combinations}_valued`;
  const [top] = await db.query<{ top: number }>(`SELECT coalesce(max(${KEY}), 0)::INTEGER AS top FROM ${DIMENSIONS_TABLE}`);
  // An existing dimension with the same values is reused (a re-run night, or yesterday's resources); the key of a new
  // one is above every key in use.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${valued} AS
     SELECT v.*, d.${KEY} AS found, coalesce(d.${KEY}, ${top?.top ?? 0} + row_number() OVER ())::INTEGER AS ${KEY}
     FROM (SELECT *, ${derived.map(([name, sql]) => `${sql} AS ${name}`).join(', ')} FROM ${combinations}) AS v
     LEFT JOIN ${DIMENSIONS_TABLE} AS d ON ${dimensions.map((name) => `v.${name} IS NOT DISTINCT FROM d.${name}`).join(' AND ')}`,
  );
  await db.run(`INSERT INTO ${DIMENSIONS_TABLE} BY NAME SELECT * EXCLUDE (found) FROM ${valued} WHERE found IS NULL`);
  await db.run(
    `INSERT INTO ${FACTS_TABLE} BY NAME SELECT ${FACT_COLUMNS.map((name) => `s.${name}`).join(', ')}, v.${KEY}
     FROM ${table} AS s JOIN ${valued} AS v
       ON ${DIMENSION_KEY_COLUMNS.map((name) => `CAST(s.${name} AS VARCHAR) IS NOT DISTINCT FROM v.${name}`).join(' AND ')}`,
  );
  await db.run(`DROP TABLE IF EXISTS ${valued}`);
  await db.run(`DROP TABLE IF EXISTS ${combinations}`);
}

/** The distinct combinations of staging `table`, as text (a column a file leaves empty throughout is typed as it likes). */
export function combinationsSql(table: string): string {
  return `SELECT DISTINCT ${DIMENSION_KEY_COLUMNS.map((name) => `CAST(${name} AS VARCHAR) AS ${name}`).join(', ')} FROM ${table}`;
}

/** Drops the combinations no row refers to any more (after replaced days and the retention were deleted). */
export async function dropUnusedDimensions(db: HistorySql): Promise<void> {
  await db.run(`DELETE FROM ${DIMENSIONS_TABLE} WHERE ${KEY} NOT IN (SELECT DISTINCT ${KEY} FROM ${FACTS_TABLE})`);
}
