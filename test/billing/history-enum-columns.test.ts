/**
 * The history stores x_Provider, x_CostType and x_Class as ENUMs (history.ts ENUM_COLUMNS). A history written
 * before, with those columns as text, gets them as ENUMs on opening, and the report reads the same facts, savings
 * input and anomaly input from it; a column holding a value that is no member keeps its text, and the history opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostHistory, ENUM_COLUMNS } from '../../src/billing/history.js';
import { importSources, parseSourceSpec } from '../../src/billing/sources.js';
import { readAnomalyInput } from '../../src/prepare/report-anomalies.js';
import { readReportUsage } from '../../src/prepare/report-usage.js';
import { readReportFacts } from '../../src/report/report-facts.js';
import { asSingleTable } from './single-table-history.js';

const TODAY = '2025-06-20';

const offline = (): never => {
  throw new Error('offline');
};

/** The demo's three clouds (FOCUS CSV and Parquet, forecasts, several classes of compute). */
async function importDemo(history: CostHistory): Promise<void> {
  await importSources(history, [parseSourceSpec('focus:fixtures/billing')], {
    today: TODAY,
    days: 60,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: tmpdir(),
    clients: { aws: offline, azure: offline, bigquery: offline },
  });
}

/** Everything the report reads from the history. */
async function reportInputs(history: CostHistory): Promise<unknown> {
  return {
    facts: await readReportFacts(history, {
      today: TODAY,
      now: `${TODAY}T06:00:00.000Z`,
      days: 60,
      budgets: [{ name: 'research', scope: { team: 'ml-research' }, amount: 1000 }],
      environmentTagKeys: ['environment'],
      teamTagKey: 'team',
    }),
    usage: await readReportUsage(history, TODAY),
    anomalies: await readAnomalyInput(history, { today: TODAY, lastRun: null, days: 60, teamTagKey: 'team' }),
  };
}

async function columnTypes(history: CostHistory): Promise<Record<string, string>> {
  const rows = await history.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_name = 'cost_records' AND column_name IN (${Object.keys(ENUM_COLUMNS)
       .map((name) => `'${name}'`)
       .join(', ')})`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.type]));
}

/** Rewrites the ENUM columns of a closed history file as text, as a history written before them held them; then `more`. */
async function asWrittenBefore(file: string, more: readonly string[] = []): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await asSingleTable(connection);
  for (const name of Object.keys(ENUM_COLUMNS)) await connection.run(`ALTER TABLE cost_records ALTER ${name} TYPE VARCHAR`);
  for (const sql of more) await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

describe('the ENUM columns of the history', () => {
  let dir: string;
  let file: string;
  let inputs: unknown;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-enum-columns-'));
    file = join(dir, 'history.duckdb');
    const history = await CostHistory.open(file);
    try {
      await importDemo(history);
      inputs = await reportInputs(history);
      expect(await columnTypes(history)).toEqual(ENUM_COLUMNS);
    } finally {
      history.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are ENUMs of every value in text order', () => {
    expect(ENUM_COLUMNS).toEqual({
      x_Provider: "ENUM('aws', 'azure', 'gcp', 'other')",
      x_CostType: "ENUM('Actual', 'Forecast')",
      x_Class: "ENUM('accelerated', 'cpu', 'none', 'unknown')",
    });
  });

  it('are made ENUMs when a history written with them as text is opened, and the report reads the same', async () => {
    const old = join(dir, 'old.duckdb');
    const history = await CostHistory.open(old);
    await importDemo(history);
    history.close();
    await asWrittenBefore(old);

    const upgraded = await CostHistory.open(old);
    try {
      expect(await columnTypes(upgraded)).toEqual(ENUM_COLUMNS);
      expect(await reportInputs(upgraded)).toEqual(inputs);
      // The next night imports into it as into a new history.
      await importDemo(upgraded);
      expect(await reportInputs(upgraded)).toEqual(inputs);
    } finally {
      upgraded.close();
    }
  }, 60_000);

  it('keep the text of a column that holds a value that is no member, and the history opens', async () => {
    const odd = join(dir, 'odd.duckdb');
    const history = await CostHistory.open(odd);
    await importDemo(history);
    history.close();
    await asWrittenBefore(odd, [`UPDATE cost_records SET x_Provider = 'oracle' WHERE rowid = (SELECT min(rowid) FROM cost_records)`]);

    const opened = await CostHistory.open(odd);
    try {
      expect(await columnTypes(opened)).toEqual({ ...ENUM_COLUMNS, x_Provider: 'VARCHAR' });
      const [oracle] = await opened.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM cost_records WHERE x_Provider = 'oracle'`);
      expect(oracle?.n).toBe(1);
    } finally {
      opened.close();
    }
  }, 60_000);
});
