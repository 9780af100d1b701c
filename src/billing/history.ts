/**
 * Spend history in DuckDB (`--history FILE`, default .tollgate/history.duckdb). DuckDB reads CSV and
 * Parquet natively and aggregates millions of rows in seconds, so FOCUS files go from disk to the table
 * without passing through JavaScript, and the report's aggregations run as SQL.
 *
 * Every import is staged first (a temporary table), validated, then swapped in by (source, day) in one
 * transaction: re-running a night replaces that night's rows, and a failed import leaves history as it was.
 * Readers query the view cost_records; each row's texts are stored once per distinct combination
 * (history-layout.ts).
 *
 * Amounts are stored exactly, as DECIMAL(38, 6): the micro-units of the records, never floats, in each row's
 * own BillingCurrency (a history may hold several; the report converts with the rates in tollgate.yaml, or
 * reports a currency it has no rate for on its own line). Forecast rows of cost files are stored with
 * x_CostType = 'Forecast' and count as spend nowhere. Both BilledCost and EffectiveCost are kept.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { MODEL_REFERENCE_KEYS } from '../inputs/model-reference.js';
import { createRowClassTable, type InstanceClass, ROW_CLASS_TABLE, rowClassSql } from './instance-classes.js';
import {
  addDimensionColumn,
  combinationsSql,
  createLayout,
  dropUnusedDimensions,
  FACTS_TABLE,
  insertStaged,
  recordsLayout,
  splitRecordsTable,
} from './history-layout.js';
import { TollgateError } from '../model/errors.js';
import type { CloudProvider, CostRecord, CostType } from '../model/cost-record.js';
import { MICROS_PER_UNIT, type Micros } from '../model/money.js';

export { DEFAULT_HISTORY_FILE, DEFAULT_RETENTION_DAYS } from './history-defaults.js';

/** The history's columns (the view cost_records): FOCUS names plus where each row came from. */
const COST_TABLE_COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['x_Source', 'VARCHAR NOT NULL'],
  ['x_Day', 'DATE NOT NULL'],
  ['x_Provider', 'VARCHAR NOT NULL'],
  ['ChargePeriodStart', 'TIMESTAMP NOT NULL'],
  ['ChargePeriodEnd', 'TIMESTAMP'],
  ['BilledCost', 'DECIMAL(38, 6) NOT NULL'],
  ['EffectiveCost', 'DECIMAL(38, 6)'],
  ['ListCost', 'DECIMAL(38, 6)'],
  ['BillingCurrency', 'VARCHAR NOT NULL'],
  ['ServiceName', 'VARCHAR'],
  ['ServiceCategory', 'VARCHAR'],
  ['RegionId', 'VARCHAR'],
  ['ResourceId', 'VARCHAR'],
  ['ResourceType', 'VARCHAR'],
  ['SkuId', 'VARCHAR'],
  ['PricingCategory', 'VARCHAR'],
  ['SubAccountId', 'VARCHAR'],
  ['Tags', 'VARCHAR'],
  ['x_CostType', 'VARCHAR NOT NULL'],
  ['x_Extras', 'VARCHAR'],
];

/**
 * Columns of cost_records that no importer writes: tags the report groups by, read out of the Tags JSON once
 * when rows are committed (commitStaged), so the report's queries read a plain column instead of parsing the
 * JSON of every row on every query. x_Model is the project's model reference (tollgate.io/model, else its
 * label-safe form, as written); the tag columns (x_Tag_1, …) are the keys listed in tag_columns, the team
 * tag key among them. x_Class is what kind of compute the row paid for (accelerated, cpu, unknown, none:
 * billing/instance-classes.ts), which the report's GPU spend sums.
 */
const DERIVED_COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['x_Model', 'VARCHAR'],
  ['x_Class', 'VARCHAR'],
];

/** Every value of each type, as a record so that a value added to the type does not compile until it is listed here. */
const CLOUD_PROVIDERS: Readonly<Record<CloudProvider, true>> = { aws: true, azure: true, gcp: true, other: true };
const COST_TYPES: Readonly<Record<CostType, true>> = { Actual: true, Forecast: true };
const INSTANCE_CLASSES: Readonly<Record<InstanceClass, true>> = { accelerated: true, cpu: true, none: true, unknown: true };

/** An ENUM of `values` in text order, written as DuckDB writes its type back (information_schema's data_type). */
function enumType(values: Readonly<Record<string, true>>): string {
  return `ENUM(${Object.keys(values)
    .sort()
    .map((value) => `'${value}'`)
    .join(', ')})`;
}

/**
 * The history's columns whose every value the code defines, stored as ENUMs rather than text. DuckDB stores an
 * ENUM value as a one-byte index, where each text costs statistics, a dictionary look-up and compression: about
 * 0.2 CPU seconds per million rows and column on the commit's INSERT, and more on every scan of the column.
 * Members are in text order, so ORDER BY, min and max give what they gave on the text, and a comparison with a
 * text that is no member is false, as it was. Staging tables keep text: a staged value is checked before it is
 * committed, and the INSERT casts it.
 */
export const ENUM_COLUMNS: Readonly<Record<string, string>> = {
  x_Provider: enumType(CLOUD_PROVIDERS),
  x_CostType: enumType(COST_TYPES),
  x_Class: enumType(INSTANCE_CLASSES),
};

/** The history's columns and their types, as the view cost_records shows them (before the tag columns). */
function storedColumns(): ReadonlyArray<readonly [name: string, type: string]> {
  return [...COST_TABLE_COLUMNS, ...DERIVED_COLUMNS].map(([name, type]) => {
    const members = ENUM_COLUMNS[name];
    return [name, members === undefined ? type : type.replace('VARCHAR', members)] as const;
  });
}

/** A staging table's definition of `columns`: all as the history types them, but the ENUM columns as text. */
function stagingColumnDefinitions(columns: ReadonlyArray<readonly [name: string, type: string]>): string {
  return columns.map(([name, type]) => `${name} ${type}`).join(', ');
}

/** The tag key every history has a column for: the report's default team tag. */
export const DEFAULT_TAG_COLUMN_KEYS: readonly string[] = ['team'];

/** DuckDB's text of one tag of a row's Tags JSON (null when absent or not a string). */
export function tagSql(key: string, tags = 'Tags'): string {
  return `json_extract_string(${tags}, '$."${key.replaceAll("'", "''").replaceAll('"', '')}"')`;
}

/** The model reference tag as written (tollgate.io/model, else its label-safe form), the keys the Terraform and Kubernetes readers use. */
export const MODEL_TAG_SQL = `coalesce(${MODEL_REFERENCE_KEYS.map((key) => tagSql(key)).join(', ')})`;

/** The column list in table order, for INSERT ... SELECT statements the importers build. */
export const COST_TABLE_COLUMN_NAMES: readonly string[] = COST_TABLE_COLUMNS.map(([name]) => name);

export type Row = Record<string, string | number | boolean | null>;

export interface ImportSummary {
  readonly source: string;
  readonly rows: number;
  readonly days: number;
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly currencies: readonly string[];
}

export interface Forecast {
  readonly source: string;
  /** YYYY-MM of the forecast month. */
  readonly month: string;
  /** Forecast spend from the day after the last actual day to the end of the month. */
  readonly remaining: Micros;
  readonly currency: string;
}

let stagingCounter = 0;

export class CostHistory {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<CostHistory> {
    let instance: DuckDBInstance;
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      instance = await DuckDBInstance.create(file);
    } catch (error) {
      throw new TollgateError(`cannot open the history database (${(error as Error).message})`, { file });
    }
    const connection = await instance.connect();
    const history = new CostHistory(instance, connection, file);
    // Timestamps are UTC throughout; a day is a UTC day.
    await connection.run(`SET TimeZone = 'UTC'`);
    // DuckDB would take 80% of RAM by default; the nightly job shares the machine. Beyond the limit it spills to disk.
    await connection.run(`SET memory_limit = '${process.env.TOLLGATE_DUCKDB_MEMORY ?? '1GB'}'`);
    // cost_records is a view joining each row to its combination of texts (history-layout.ts); DuckDB would
    // otherwise pick the join's sides by their estimated sizes, and a view probing the combinations instead of
    // the rows gives the rows in another order than they are stored. No figure of the report depends on that
    // order (where a resource's rows disagree on a text, the one shown is chosen by spend and text order), and
    // letting DuckDB choose made no measurable difference; the rows keep the order the single table gave them.
    await connection.run(`SET disabled_optimizers = 'build_side_probe_side'`);
    const layout = await recordsLayout(history);
    if (layout === 'none') await createLayout(history, storedColumns());
    // Which tag key each x_Tag_<n> column holds.
    await connection.run(`CREATE TABLE IF NOT EXISTS tag_columns (tag_key VARCHAR PRIMARY KEY, column_name VARCHAR NOT NULL)`);
    await connection.run(
      `CREATE TABLE IF NOT EXISTS forecasts (x_Source VARCHAR NOT NULL, month VARCHAR NOT NULL,
        remaining DECIMAL(38, 6) NOT NULL, currency VARCHAR NOT NULL)`,
    );
    // The nights a report was written, so the next one judges every day since (anomalies).
    await connection.run(`CREATE TABLE IF NOT EXISTS report_runs (day DATE PRIMARY KEY)`);
    if (layout === 'table') {
      await history.upgrade();
      await history.inTransaction(() => splitRecordsTable(history, storedColumns()));
    }
    await history.upgradeForecasts();
    for (const key of DEFAULT_TAG_COLUMN_KEYS) await history.tagColumn(key);
    return history;
  }

  /**
   * A history written as the single table cost_records (before history-layout.ts), brought to that table's last
   * form before it is split. One written before amounts were exact and forecasts were kept apart: amounts become
   * DECIMAL (the doubles they held are rounded to the micro-unit) and every old row is actual spend (the old
   * import counted forecast rows as spend; they cannot be told apart any more and are re-imported by the next run).
   */
  private async upgrade(): Promise<void> {
    const columns = await this.query<{ name: string; type: string }>(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'cost_records'`,
    );
    if (!columns.some((column) => column.name === 'x_CostType')) {
      await this.run(`ALTER TABLE cost_records ADD COLUMN x_CostType VARCHAR DEFAULT 'Actual'`);
    }
    for (const name of ['BilledCost', 'EffectiveCost', 'ListCost']) {
      if (columns.find((column) => column.name === name)?.type === 'DOUBLE') {
        await this.run(`ALTER TABLE cost_records ALTER ${name} TYPE DECIMAL(38, 6) USING round(${name}, 6)`);
      }
    }
    // A history written before the tag columns: the model reference read out of every row once.
    if (!columns.some((column) => column.name === 'x_Model')) {
      await this.inTransaction(async () => {
        await this.run(`ALTER TABLE cost_records ADD COLUMN x_Model VARCHAR`);
        await this.run(`UPDATE cost_records SET x_Model = ${MODEL_TAG_SQL}`);
      });
    }
    // A history written before the instance class column: every row classified once.
    if (!columns.some((column) => column.name === 'x_Class')) {
      await createRowClassTable(this, [{ table: 'cost_records' }]);
      await this.inTransaction(async () => {
        await this.run(`ALTER TABLE cost_records ADD COLUMN x_Class ${ENUM_COLUMNS.x_Class}`);
        await this.run(`UPDATE cost_records SET x_Class = ${rowClassSql()}`);
      });
    }
    await this.storeAsEnums();
  }

  private async upgradeForecasts(): Promise<void> {
    const [forecast] = await this.query<{ type: string }>(
      `SELECT data_type AS type FROM information_schema.columns WHERE table_name = 'forecasts' AND column_name = 'remaining'`,
    );
    if (forecast?.type === 'DOUBLE') await this.run(`ALTER TABLE forecasts ALTER remaining TYPE DECIMAL(38, 6) USING round(remaining, 6)`);
  }

  /**
   * A history written before ENUM_COLUMNS holds them as text: each becomes its ENUM once, unless it holds a value
   * that is no member (no importer wrote one; such a column keeps its text, which every query reads the same).
   */
  private async storeAsEnums(): Promise<void> {
    const columns = await this.query<{ name: string; type: string }>(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'cost_records'`,
    );
    for (const [name, type] of Object.entries(ENUM_COLUMNS)) {
      const held = columns.find((column) => column.name === name)?.type;
      if (held === undefined || held === type) continue;
      const members = type.slice('ENUM('.length, -1);
      const [stray] = await this.query(`SELECT 1 AS found FROM cost_records WHERE CAST(${name} AS VARCHAR) NOT IN (${members}) LIMIT 1`);
      if (!stray) await this.run(`ALTER TABLE cost_records ALTER ${name} TYPE ${type} USING CAST(${name} AS VARCHAR)`);
    }
  }

  /**
   * The column holding tag `key` of every row (its text, null when a row has no such tag), added and filled
   * from the Tags JSON the first time a key is asked for; every import after fills it as rows are committed.
   */
  async tagColumn(key: string): Promise<string> {
    const known = await this.tagColumns();
    const held = known.get(key);
    if (held !== undefined) return held;
    const name = `x_Tag_${known.size + 1}`;
    await this.inTransaction(async () => {
      await addDimensionColumn(
        this,
        name,
        'VARCHAR',
        tagSql(key),
        storedColumns().map(([column]) => column),
      );
      await this.run(`INSERT INTO tag_columns VALUES (?, ?)`, [key, name]);
    });
    return name;
  }

  private async tagColumns(): Promise<Map<string, string>> {
    const rows = await this.query<{ key: string; name: string }>(`SELECT tag_key AS key, column_name AS name FROM tag_columns ORDER BY 2`);
    return new Map(rows.map((row) => [row.key, row.name]));
  }

  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.run('BEGIN TRANSACTION');
    try {
      await work();
      await this.run('COMMIT');
    } catch (error) {
      await this.run('ROLLBACK');
      throw error;
    }
  }

  async query<T extends Row = Row>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as T[];
  }

  async run(sql: string, params: DuckDBValue[] = []): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** A fresh name for a staging table or view (temporary, this connection only). */
  newStagingTable(): string {
    stagingCounter += 1;
    return `staged_${process.pid}_${stagingCounter}`;
  }

  /**
   * Stages validated records (an API's, or a cost file's from the one reader). They are written as NDJSON to
   * a temporary file as they come, never all held in memory, and read back by DuckDB in one statement, which
   * is much faster than row-by-row inserts. A record that fails validation ends the staging: nothing is staged.
   */
  async stageRecords(source: string, records: Iterable<CostRecord> | AsyncIterable<CostRecord>): Promise<string> {
    const table = this.newStagingTable();
    await this.run(`CREATE TEMP TABLE ${table} (${stagingColumnDefinitions(COST_TABLE_COLUMNS)})`);
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-stage-'));
    try {
      const file = join(dir, 'records.ndjson');
      let count = 0;
      const fd = openSync(file, 'w');
      try {
        let batch: string[] = [];
        for await (const record of records) {
          batch.push(JSON.stringify(toStagedRow(source, record)));
          count++;
          if (batch.length >= 10_000) {
            writeSync(fd, `${batch.join('\n')}\n`);
            batch = [];
          }
        }
        if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
      } finally {
        closeSync(fd);
      }
      if (count === 0) return table;
      await this.run(
        `INSERT INTO ${table} SELECT ${COST_TABLE_COLUMN_NAMES.join(', ')} FROM read_json(?, format = 'newline_delimited',
          columns = {${COST_TABLE_COLUMN_NAMES.map((name) => `${name}: '${stagedJsonType(name)}'`).join(', ')}})`,
        [file],
      );
    } catch (error) {
      await this.dropStaged(table);
      throw error;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return table;
  }

  /**
   * Two sources that hold the same account's spend for the same day would count it twice: typically an
   * actual-cost and an amortised-cost export of one account and period, or a re-delivered export under a new
   * name. Judged inside the import's transaction over the days being imported, on what history will hold once
   * the staged rows are swapped in and the retention applied: the rows history keeps (those of a (source, day)
   * not being replaced) and the staged rows (a later staging of the same source replacing an earlier's days).
   * It runs before the swap, because reading the rows a transaction has just inserted costs DuckDB several
   * times the work of reading the committed table and the staging tables. Such a night is rolled back with a
   * message naming both sources, the account and the days.
   */
  private async assertNoOverlap(
    staged: ReadonlyArray<{ readonly source: string; readonly table: string }>,
    retention: { days: number; today: string },
  ): Promise<void> {
    if (staged.length === 0) return;
    const kept = `x_Day >= CAST($today AS DATE) - CAST($days AS INTEGER)`;
    const params: Record<string, DuckDBValue> = { today: retention.today, days: retention.days };
    const replaced = staged
      .map(({ source, table }, i) => {
        params[`source${i}`] = source;
        return `SELECT CAST($source${i} AS VARCHAR) AS x_Source, x_Day FROM (SELECT DISTINCT x_Day FROM ${table})`;
      })
      .join(' UNION ALL ');
    const incoming = staged
      .map(({ source, table }, i) => {
        const later = staged.slice(i + 1).filter((other) => other.source === source);
        return `SELECT DISTINCT x_Provider, SubAccountId, x_Day, CAST($source${i} AS VARCHAR) AS x_Source FROM ${table}
          WHERE x_CostType = 'Actual' AND ${kept}${later.map((other) => ` AND x_Day NOT IN (SELECT x_Day FROM ${other.table})`).join('')}`;
      })
      .join(' UNION ');
    const reader = await this.connection.runAndReadAll(
      `WITH replaced AS (${replaced}),
       held AS (
         SELECT DISTINCT x_Provider, SubAccountId, x_Day, x_Source FROM cost_records AS c
         WHERE x_CostType = 'Actual' AND ${kept} AND x_Day IN (SELECT x_Day FROM replaced)
           AND NOT EXISTS (SELECT 1 FROM replaced AS r WHERE r.x_Source = c.x_Source AND r.x_Day = c.x_Day)
         UNION ${incoming}
       ), doubled AS (
         SELECT x_Provider, SubAccountId, x_Day, string_agg(x_Source, ' and ' ORDER BY x_Source) AS sources FROM held
         GROUP BY ALL HAVING count(*) > 1
       )
       SELECT x_Provider AS provider, SubAccountId AS account, sources,
         strftime(min(x_Day), '%Y-%m-%d') AS first, strftime(max(x_Day), '%Y-%m-%d') AS last
       FROM doubled GROUP BY ALL ORDER BY first, provider, account LIMIT 1`,
      params,
    );
    const [overlap] = reader.getRowObjectsJson() as Array<{
      provider: string;
      account: string | null;
      sources: string;
      first: string;
      last: string;
    }>;
    if (!overlap) return;
    const account = overlap.account === null ? 'with no account id' : `of account ${overlap.account}`;
    const period = overlap.first === overlap.last ? overlap.first : `${overlap.first} to ${overlap.last}`;
    throw new TollgateError(
      `${overlap.sources} both hold ${overlap.provider} spend ${account} for ${period}; the report would count it twice ` +
        '(an actual-cost and an amortised-cost export of the same period?): import one of them; nothing was imported',
    );
  }

  /**
   * Swaps staged imports in: every (source, day) a staging table covers is deleted and re-inserted, then
   * rows older than the retention are dropped, all in ONE transaction, so a night that fails half way
   * (one source of three) leaves history exactly as it was. The staging tables are dropped.
   */
  async commitStaged(
    staged: ReadonlyArray<{ readonly source: string; readonly table: string }>,
    retention: { days: number; today: string },
  ): Promise<ImportSummary[]> {
    const summaries: ImportSummary[] = [];
    const keyed = staged.map(({ source, table }) => ({ source, table: stagedKeysTable(table) }));
    try {
      for (const { source, table } of staged) {
        const keys = await this.stagedKeys(table);
        const [facts] = await this.query<{ rows: number; days: number; first: string | null; last: string | null; currencies: string }>(
          `SELECT coalesce(sum(n), 0)::INTEGER AS rows, count(DISTINCT x_Day)::INTEGER AS days, strftime(min(x_Day), '%Y-%m-%d') AS first,
            strftime(max(x_Day), '%Y-%m-%d') AS last,
            CAST(to_json(coalesce(list_sort(list(DISTINCT BillingCurrency)), [])) AS VARCHAR) AS currencies FROM ${keys}`,
        );
        summaries.push({
          source,
          rows: facts?.rows ?? 0,
          days: facts?.days ?? 0,
          firstDay: facts?.first ?? null,
          lastDay: facts?.last ?? null,
          currencies: facts ? (JSON.parse(facts.currencies) as string[]) : [],
        });
      }
      // The tag columns and the instance class are filled here, once per distinct combination of a staging's texts,
      // on the one path every import's rows pass through.
      const combinations = staged.map(({ table }) => ({ table: `${table}_combinations` }));
      for (const [i, { table }] of staged.entries()) {
        await this.run(`CREATE OR REPLACE TEMP TABLE ${combinations[i]?.table} AS ${combinationsSql(table)}`);
      }
      await createRowClassTable(this, combinations);
      const derived: Array<readonly [string, string]> = [
        ['x_Model', MODEL_TAG_SQL],
        ['x_Class', rowClassSql()],
        ...[...(await this.tagColumns())].map(([key, name]) => [name, tagSql(key)] as const),
      ];
      await this.inTransaction(async () => {
        await this.assertNoOverlap(keyed, retention);
        for (const [i, { source, table }] of staged.entries()) {
          await this.run(
            `DELETE FROM ${FACTS_TABLE} WHERE x_Source = ? AND x_Day IN (SELECT DISTINCT x_Day FROM ${stagedKeysTable(table)})`,
            [source],
          );
          await insertStaged(this, table, combinations[i]?.table ?? '', derived);
        }
        await this.run(`DELETE FROM ${FACTS_TABLE} WHERE x_Day < CAST(? AS DATE) - CAST(? AS INTEGER)`, [retention.today, retention.days]);
        await dropUnusedDimensions(this);
      });
    } finally {
      for (const { table } of staged) {
        await this.dropStaged(table);
        await this.run(`DROP TABLE IF EXISTS ${table}_combinations`);
      }
      // The classes of this commit's distinct rows: derived from the staging, so dropped with it.
      await this.run(`DROP TABLE IF EXISTS ${ROW_CLASS_TABLE}`);
    }
    return summaries;
  }

  /**
   * The name of a small table of what the summary, the checks of a staged file, the overlap check and the DELETE
   * of replaced days need of staging `table`, made from one read of it (a Parquet file's staging is a view: every
   * query of it reads the file): its rows counted per day, provider, account, cost type and currency, with those
   * that lack a start or billed cost and those whose period ends before it starts. Made once per staging; the
   * staging must not change after.
   */
  async stagedKeys(table: string): Promise<string> {
    const keys = stagedKeysTable(table);
    await this.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${keys} AS SELECT x_Day, x_Provider, SubAccountId, x_CostType, BillingCurrency, count(*) AS n,
         count(*) FILTER (WHERE ChargePeriodStart IS NULL OR BilledCost IS NULL) AS missing,
         count(*) FILTER (WHERE ChargePeriodEnd IS NOT NULL AND ChargePeriodEnd <= ChargePeriodStart) AS bad_period
       FROM ${table} GROUP BY ALL`,
    );
    return keys;
  }

  /** Drops a staging table, or a staging view (a Parquet file is staged as a view over the file), and its keys. */
  async dropStaged(table: string): Promise<void> {
    const [view] = await this.query(`SELECT 1 AS found FROM duckdb_views() WHERE view_name = ? AND temporary AND NOT internal`, [table]);
    await this.run(`DROP ${view ? 'VIEW' : 'TABLE'} IF EXISTS ${table}`);
    await this.run(`DROP TABLE IF EXISTS ${stagedKeysTable(table)}`);
  }

  async saveForecast(forecast: Forecast): Promise<void> {
    await this.inTransaction(async () => {
      await this.run(`DELETE FROM forecasts WHERE x_Source = ? AND month = ?`, [forecast.source, forecast.month]);
      await this.run(`INSERT INTO forecasts VALUES (?, ?, ?, ?)`, [
        forecast.source,
        forecast.month,
        microsToDecimal(forecast.remaining),
        forecast.currency,
      ]);
    });
  }

  /** Records that the report of `day` (YYYY-MM-DD) was written; a night run again is recorded once. */
  async recordReportRun(day: string): Promise<void> {
    await this.run(`INSERT OR IGNORE INTO report_runs VALUES (CAST(? AS DATE))`, [day]);
  }

  /** The day of the latest report written before `day`, or null when none was: what the next night judges from. */
  async lastReportRunBefore(day: string): Promise<string | null> {
    const [row] = await this.query<{ day: string | null }>(
      `SELECT strftime(max(day), '%Y-%m-%d') AS day FROM report_runs WHERE day < CAST(? AS DATE)`,
      [day],
    );
    return row?.day ?? null;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The keys table of staging `table` (CostHistory.stagedKeys). */
function stagedKeysTable(table: string): string {
  return `${table}_keys`;
}

function stagedJsonType(column: string): string {
  if (column === 'x_Day') return 'DATE';
  if (column === 'ChargePeriodStart' || column === 'ChargePeriodEnd') return 'TIMESTAMP';
  if (column === 'BilledCost' || column === 'EffectiveCost' || column === 'ListCost') return 'DECIMAL(38, 6)';
  return 'VARCHAR';
}

/** Micro-units as an exact decimal text ("-12.000034"), for DECIMAL(38, 6) columns. */
function microsToDecimal(micros: Micros): string {
  const magnitude = micros < 0n ? -micros : micros;
  return `${micros < 0n ? '-' : ''}${magnitude / MICROS_PER_UNIT}.${(magnitude % MICROS_PER_UNIT).toString().padStart(6, '0')}`;
}

function toStagedRow(source: string, record: CostRecord): Record<string, unknown> {
  const { x_Origin: _origin, ...columns } = record;
  return {
    ...columns,
    BilledCost: microsToDecimal(record.BilledCost),
    EffectiveCost: record.EffectiveCost === null ? null : microsToDecimal(record.EffectiveCost),
    ListCost: record.ListCost === null ? null : microsToDecimal(record.ListCost),
    x_Source: source,
    x_Day: record.ChargePeriodStart.slice(0, 10),
    Tags: JSON.stringify(record.Tags),
    x_Extras: JSON.stringify(record.x_Extras),
  };
}
