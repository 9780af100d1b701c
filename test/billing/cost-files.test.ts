import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageCostFile, NotCostDataError } from '../../src/billing/focus-files.js';
import { CostHistory } from '../../src/billing/history.js';
import { importSources, parseSourceSpec, type SourceClients } from '../../src/billing/sources.js';
import { TollgateError } from '../../src/model/errors.js';

const REALWORLD = '/work/shared/realworld/billing';
const noClients: SourceClients = {
  aws: () => {
    throw new Error('no AWS in this test');
  },
  azure: () => {
    throw new Error('no Azure in this test');
  },
  bigquery: () => {
    throw new Error('no BigQuery in this test');
  },
};

const HEADER = 'ChargePeriodStart,ChargePeriodEnd,BilledCost,BillingCurrency,ServiceName,Tags';
const good = (day: string, cost: string): string => `${day}T00:00:00Z,${day}T23:59:59Z,${cost},USD,Compute,"{""team"":""a""}"`;

let dir: string;
let history: CostHistory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-files-'));
  history = await CostHistory.open(':memory:');
});
afterEach(() => history.close());

function csv(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function importFile(file: string): Promise<void> {
  await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: '2025-06-20',
    days: 60,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: noClients,
  });
}

async function total(): Promise<{ rows: number; cost: number }> {
  const [row] = await history.query<{ rows: number; cost: number }>(
    'SELECT count(*)::INTEGER AS rows, coalesce(sum(BilledCost), 0)::DOUBLE AS cost FROM cost_records',
  );
  return row ?? { rows: 0, cost: 0 };
}

describe('cost files', () => {
  it.each([
    [
      'wrong column count',
      [HEADER, good('2025-06-01', '1.5'), '2025-06-02T00:00:00Z,2025-06-03T00:00:00Z,2.5,USD'],
      3,
      /row has 4 fields, the header has 6/,
    ],
    [
      'non-numeric cost',
      [HEADER, good('2025-06-01', '1.5'), good('2025-06-02', 'abc')],
      3,
      /BilledCost is not a decimal number \(got "abc"\)/,
    ],
    ['bad date', [HEADER, good('2025-06-01', '1.5'), good('2025-13-45', '2')], 3, /ChargePeriodStart is not an ISO 8601 date or time/],
  ])('rejects a row with a %s at file:line', async (_name, lines, line, message) => {
    const file = csv('bad.csv', lines);
    const error = await importFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).format()).toMatch(new RegExp(`^${file}:${line}: `));
    expect((error as TollgateError).message).toMatch(message);
  });

  it('rejects an unknown currency, naming the file', async () => {
    const file = csv('eur.csv', [HEADER, '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,1,EURO,Compute,{}']);
    await expect(importFile(file)).rejects.toThrow(/BillingCurrency must be an ISO 4217 code such as USD \(got "EURO"\)/);
  });

  it('replaces a re-imported night instead of duplicating it', async () => {
    const file = csv('night.csv', [HEADER, good('2025-06-01', '10'), good('2025-06-02', '20')]);
    await importFile(file);
    await importFile(file);
    expect(await total()).toEqual({ rows: 2, cost: 30 });
    csv('night.csv', [HEADER, good('2025-06-02', '25')]);
    await importFile(file);
    expect(await total()).toEqual({ rows: 2, cost: 35 });
  });

  it('leaves history unchanged when one source of a night fails', async () => {
    const first = csv('first.csv', [HEADER, good('2025-06-01', '10')]);
    await importFile(first);
    csv('first.csv', [HEADER, good('2025-06-01', '99')]);
    const broken = csv('broken.csv', [HEADER, good('2025-06-01', 'x')]);
    await expect(
      importSources(history, [parseSourceSpec(`focus:${first}`), parseSourceSpec(`focus:${broken}`)], {
        today: '2025-06-20',
        days: 60,
        tagKeys: [],
        retentionDays: 400,
        refresh: false,
        cacheDir: dir,
        clients: noClients,
      }),
    ).rejects.toSatisfy((error: TollgateError) => error.format().startsWith(`${broken}:2: `));
    expect(await total()).toEqual({ rows: 1, cost: 10 });
  });

  it('drops rows older than the retention', async () => {
    const file = csv('old.csv', [HEADER, good('2024-01-01', '5'), good('2025-06-01', '7')]);
    await importSources(history, [parseSourceSpec(`focus:${file}`)], {
      today: '2025-06-20',
      days: 60,
      tagKeys: [],
      retentionDays: 90,
      refresh: false,
      cacheDir: dir,
      clients: noClients,
    });
    expect(await total()).toEqual({ rows: 1, cost: 7 });
  });

  it('reads the demo fixtures (CSV and Parquet) from three clouds', async () => {
    await importFile('fixtures/billing');
    const providers = await history.query<{ p: string; days: number }>(
      'SELECT x_Provider AS p, count(DISTINCT x_Day)::INTEGER AS days FROM cost_records GROUP BY 1 ORDER BY 1',
    );
    expect(providers).toEqual([
      { p: 'aws', days: 60 },
      { p: 'azure', days: 60 },
      { p: 'gcp', days: 60 },
    ]);
  });
});

describe.skipIf(!existsSync(REALWORLD))('real-world billing files', () => {
  const files = existsSync(REALWORLD) ? readdirSync(REALWORLD).sort() : [];
  const notCostData: Record<string, RegExp> = {
    'aws_aws-cli__awscli_examples_ce_get-cost-and-usage.rst': /documentation/,
    'microsoft_finops-toolkit__src_open-data_dataset-metadata_FocusCost_1.0.json': /FOCUS dataset metadata/,
  };
  it.each(files)('%s imports, or is named as not cost data', async (name) => {
    const file = join(REALWORLD, name);
    const expected = notCostData[name];
    if (expected) {
      const error = await stageCostFile(history, file, 'rw', { today: '2025-06-20' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotCostDataError);
      expect((error as Error).message).toMatch(expected);
      return;
    }
    const staged = await stageCostFile(history, file, 'rw', { today: '2025-06-20' });
    const [summary] = await history.commitStaged([{ source: 'rw', table: staged.table }], { days: 100_000, today: '2025-06-20' });
    expect(summary?.rows).toBeGreaterThan(0);
    expect(summary?.currencies.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
  });
});
