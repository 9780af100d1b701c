/**
 * A Parquet cost file is staged as a view over the file (never copied into a temporary table): its rows are
 * judged, committed exactly, and a bad or vanished file leaves history as it was, with no staging left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageCostFile } from '../../src/billing/focus-files.js';
import { CostHistory } from '../../src/billing/history.js';
import { INSTANCE_CLASS_TABLE } from '../../src/billing/instance-classes.js';
import type { Progress } from '../../src/billing/progress.js';
import { importSources, parseSourceSpec, type SourceClients } from '../../src/billing/sources.js';
import { TollgateError } from '../../src/model/errors.js';

const offline = (): never => {
  throw new Error('offline');
};
const noClients: SourceClients = { aws: offline, azure: offline, bigquery: offline };

let dir: string;
let history: CostHistory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-parquet-'));
  history = await CostHistory.open(join(dir, 'h.duckdb'));
});
afterEach(() => {
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a Parquet file from a SELECT (DuckDB's own writer, as the exports use). */
async function parquet(name: string, select: string): Promise<string> {
  const file = join(dir, name);
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  await connection.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  connection.closeSync();
  db.closeSync();
  return file;
}

const ROWS = `SELECT * FROM (VALUES
  ('2025-06-10T22:30:00-02:00', '2025-06-11T22:30:00-02:00', '12.345678', '12.000001', 'usd ', 'Amazon Web Services', 'i-1', '{"team":"fraud","tollgate.io/model":"scorer@3"}', 'sub-1'),
  ('2025-06-11T00:00:00Z', '2025-06-12T00:00:00Z', '0.000001', NULL, 'USD', 'Microsoft', 'vm-1', '"team":"ml"', 'sub-2')
) AS t(ChargePeriodStart, ChargePeriodEnd, BilledCost, EffectiveCost, BillingCurrency, ServiceProviderName, ResourceId, Tags, SubAccountId)`;

async function importFile(file: string, progress?: Progress): Promise<readonly string[]> {
  const result = await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: '2025-06-20',
    days: 60,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: noClients,
    ...(progress === undefined ? {} : { progress }),
  });
  return result.notes;
}

async function rows(): Promise<Array<Record<string, unknown>>> {
  return history.query(
    `SELECT strftime(x_Day, '%Y-%m-%d') AS day, strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%S') AS start, x_Provider AS provider,
       CAST(BilledCost AS VARCHAR) AS billed, CAST(EffectiveCost AS VARCHAR) AS effective, BillingCurrency AS currency,
       ResourceId AS id, x_Model AS model, x_Tag_1 AS team FROM cost_records ORDER BY id`,
  );
}

async function stagingLeft(): Promise<number> {
  const [row] = await history.query<{ n: number }>(
    // The instance-class look-up tables are constants kept for the connection, not staging.
    `SELECT (SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal) + (SELECT count(*) FROM duckdb_tables()
       WHERE temporary AND NOT internal AND NOT starts_with(table_name, '${INSTANCE_CLASS_TABLE}')) AS n`,
  );
  return Number(row?.n);
}

describe('Parquet import', () => {
  it('commits every row exactly: times in UTC, amounts to the micro-unit, provider, currency, tags and tag columns', async () => {
    const file = await parquet('focus.parquet', ROWS);
    expect(await importFile(file)).toEqual([]);
    expect(await rows()).toEqual([
      {
        day: '2025-06-11',
        start: '2025-06-11T00:30:00',
        provider: 'aws',
        billed: '12.345678',
        effective: '12.000001',
        currency: 'USD',
        id: 'i-1',
        model: 'scorer@3',
        team: 'fraud',
      },
      {
        day: '2025-06-11',
        start: '2025-06-11T00:00:00',
        provider: 'azure',
        billed: '0.000001',
        effective: null,
        currency: 'USD',
        id: 'vm-1',
        model: null,
        team: 'ml',
      },
    ]);
    expect(await stagingLeft()).toBe(0);
  });

  it('commits typed times as UTC: an instant at its UTC time and day, a time without a zone as written', async () => {
    const file = await parquet(
      'typed.parquet',
      `SELECT TIMESTAMPTZ '2025-06-11 01:30:00+02' AS ChargePeriodStart, TIMESTAMP '2025-06-11 23:30:00' AS ChargePeriodEnd,
         CAST(1.5 AS DECIMAL(18, 4)) AS BilledCost, 'USD' AS BillingCurrency, 'Google Cloud' AS ServiceProviderName, 'vm-1' AS ResourceId`,
    );
    await importFile(file);
    expect(
      await history.query(
        `SELECT strftime(x_Day, '%Y-%m-%d') AS day, strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%S') AS start,
           strftime(ChargePeriodEnd, '%Y-%m-%dT%H:%M:%S') AS "end" FROM cost_records`,
      ),
    ).toEqual([{ day: '2025-06-10', start: '2025-06-10T23:30:00', end: '2025-06-11T23:30:00' }]);
  });

  it('takes the amounts of a file without a currency column in the default currency, and says so', async () => {
    const file = await parquet('eur.parquet', `SELECT * EXCLUDE (BillingCurrency) FROM (${ROWS})`);
    const staged = await stageCostFile(history, file, 'eur', { defaultCurrency: 'EUR' });
    expect(staged.notes).toEqual(['no BillingCurrency column: amounts taken as EUR']);
    await history.commitStaged([{ source: 'eur', table: staged.table }], { days: 400, today: '2025-06-20' });
    expect((await rows()).map((row) => row.currency)).toEqual(['EUR', 'EUR']);
  });

  it.each([
    [
      'a value that is not an amount',
      `SELECT * REPLACE ('1e' AS BilledCost) FROM (${ROWS})`,
      /row 1: BilledCost "1e" is not a valid finite decimal number/,
    ],
    [
      'an unknown currency',
      `SELECT * REPLACE ('XYZ' AS BillingCurrency) FROM (${ROWS})`,
      /unknown currency: "XYZ" is not an ISO 4217 code/,
    ],
    [
      'two unknown currencies and an empty one',
      `SELECT * REPLACE (CASE WHEN ResourceId = 'i-1' THEN 'XYZ' ELSE NULL END AS BillingCurrency) FROM (${ROWS}) UNION ALL SELECT * REPLACE ('ABC' AS BillingCurrency) FROM (${ROWS})`,
      /unknown currency: an empty currency, "ABC", "XYZ" is not an ISO 4217 code; nothing was imported/,
    ],
    [
      'a row without a billed cost',
      `SELECT * REPLACE (CASE WHEN ResourceId = 'i-1' THEN NULL ELSE BilledCost END AS BilledCost) FROM (${ROWS})`,
      /^1 rows have no charge period start or no billed cost; nothing was imported$/,
    ],
    [
      'a cost type other than Actual and Forecast',
      `SELECT *, CASE WHEN ResourceId = 'i-1' THEN 'Budget' ELSE 'Forecast' END AS x_CostType FROM (${ROWS})`,
      /x_CostType must be Actual or Forecast \(got "Budget"\); nothing was imported/,
    ],
    [
      'a period that ends before it starts',
      `SELECT * REPLACE (ChargePeriodStart AS ChargePeriodEnd) FROM (${ROWS})`,
      /2 rows have ChargePeriodEnd not after/,
    ],
  ])('refuses %s, naming the file; history unchanged and no staging left', async (_, select, message) => {
    const good = await parquet('good.parquet', ROWS);
    await importFile(good);
    const before = await rows();
    const bad = await parquet('bad.parquet', select);
    const error = await importFile(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).message).toMatch(message);
    expect((error as TollgateError).file).toBe(bad);
    expect(await rows()).toEqual(before);
    expect(await stagingLeft()).toBe(0);
  });

  it('fails the commit, history unchanged, when the file is gone between staging and commit', async () => {
    const first = await parquet('first.parquet', ROWS);
    await importFile(first);
    const before = await rows();
    const file = await parquet('gone.parquet', `SELECT * REPLACE ('acct-9' AS SubAccountId) FROM (${ROWS})`);
    const staged = await stageCostFile(history, file, 'gone');
    rmSync(file);
    await expect(history.commitStaged([{ source: 'gone', table: staged.table }], { days: 400, today: '2025-06-20' })).rejects.toThrow();
    expect(await rows()).toEqual(before);
    expect(await stagingLeft()).toBe(0);
  });

  it('names the file, as a user error, when it is removed while the import runs', async () => {
    const first = await parquet('first.parquet', ROWS);
    await importFile(first);
    const before = await rows();
    const file = await parquet('removed.parquet', `SELECT * REPLACE ('acct-9' AS SubAccountId) FROM (${ROWS})`);
    // The import reports 'writing history' just before the commit reads the staged file again.
    const progress = { update: (message: string) => (message === 'writing history' ? rmSync(file) : undefined), done: () => undefined };
    const error: unknown = await importFile(file, progress).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).exitCode).toBe(2);
    expect((error as TollgateError).format()).toBe(
      `${file}: removed while it was being imported; history is unchanged, run the import again`,
    );
    expect(await rows()).toEqual(before);
    expect(await stagingLeft()).toBe(0);
  });
});
