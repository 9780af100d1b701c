/**
 * The DuckDB reader of FOCUS CSV (focus-csv.ts) against the one row reader (spend-file.ts): the same staged
 * rows for every FOCUS CSV fixture, every FOCUS CSV under ../shared/realworld, and files built to be tricky;
 * and, for every file the row reader refuses, the DuckDB reader stages nothing, so the import names the
 * row reader's file:line.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageFocusCsvWithDuckDb } from '../../src/billing/focus-csv.js';
import { stageCostFile } from '../../src/billing/focus-files.js';
import { CostHistory } from '../../src/billing/history.js';
import { costFileRecords } from '../../src/billing/spend-file.js';
import { TollgateError } from '../../src/model/errors.js';

const REALWORLD = '../shared/realworld/billing';
const FIXTURES = ['fixtures/billing', 'fixtures/billing-cases', 'fixtures/spend'];

let dir: string;
let history: CostHistory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-focus-csv-'));
  history = await CostHistory.open(':memory:');
});
afterEach(() => history.close());

/** The header as the importer reads it (first line, BOM dropped, names trimmed); these files quote no header. */
function headerOf(file: string): string[] {
  const [first = ''] = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  return first.split(',').map((name) => name.trim());
}

function isFocus(file: string): boolean {
  const header = headerOf(file);
  return header.includes('ChargePeriodStart') && header.includes('BilledCost');
}

/** A staging table's rows as sorted canonical text: Tags and x_Extras compared as JSON values, not as text. */
async function rowsOf(table: string): Promise<string[]> {
  const rows = await history.query(
    `SELECT * EXCLUDE (ChargePeriodStart, ChargePeriodEnd, x_Day), strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%S.%g') AS ChargePeriodStart,
       strftime(ChargePeriodEnd, '%Y-%m-%dT%H:%M:%S.%g') AS ChargePeriodEnd, strftime(x_Day, '%Y-%m-%d') AS x_Day FROM ${table}`,
  );
  return rows
    .map((row) =>
      JSON.stringify({ ...row, Tags: JSON.parse(String(row.Tags)) as unknown, x_Extras: JSON.parse(String(row.x_Extras)) as unknown }),
    )
    .sort();
}

async function bothReaders(file: string, currency = 'USD'): Promise<{ rowReader: string[]; duckdb: string[] }> {
  const rowTable = await history.stageRecords('s', costFileRecords(file, { defaultCurrency: currency }));
  const duckTable = await stageFocusCsvWithDuckDb(history, file, 's', headerOf(file), currency);
  expect(duckTable, 'the DuckDB reader vouches for the file').not.toBeNull();
  return { rowReader: await rowsOf(rowTable), duckdb: await rowsOf(duckTable ?? '') };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const HEADER =
  'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,BillingCurrency,ServiceProviderName,ServiceName,Region,SubAccountId,Tags,x_CostType,x_InstanceType,CommitmentDiscountId';

/** Rows that exercise every rule of the row reader the DuckDB reader must match. */
const TRICKY_ROWS = [
  // Quoted commas and doubled quotes in text, an offset with a colon, a forecast row.
  '2025-06-01T00:00:00+05:30,2025-06-02T00:00:00+05:30,1.5,1.25,2,USD,Amazon Web Services,"Compute, GPU","us-east-1",111,"{""team"":""a, b""}",Forecast,p4d.24xlarge,',
  // An offset without a colon, a negative offset, fractions of a second cut to milliseconds.
  '2025-06-01T10:00:00.1239999-0700,2025-06-01 18:30:00.5-07:00,  0.0000125 ,-0.0000125,.5,usd,Microsoft,Virtual Machines,westeurope,sub,"{""team"":"" a ""}",Actual,,cd-1',
  // An embedded line break in a quoted field; empty tags; date-only times; exponents and signs.
  '2025-06-02,2025-06-03,1.5e3,+5,5.,EUR,Google Cloud,"Vertex\nAI",,proj,,,"multi\nline",',
  // Tags with numbers, booleans, null and a key-only tag; the word null as an empty cell; a nbsp-padded name.
  '2025-06-03T00:00:00Z,2025-06-04T00:00:00Z,2.345678901,null,NULL,USD,Lawson Cloud,\u00a0Storage\u00a0,null,NULL,"{""n"":1.50,""b"":true,""z"":null,""k"":""""}",,x,',
  // Quoted empty fields, a quoted number, an amount with many digits rounded half away from zero.
  '2025-06-04T00:00:00Z,2025-06-05T00:00:00Z,"0.0000005","",1234567890123.4567895,"USD","",Storage,"",,"{}",Actual,"",""',
  // Seconds omitted, a lower-case z is not a zone the reader knows: written with Z.
  '2025-06-05T01:02Z,2025-06-05T03:04Z,7,7,7,JPY,AWS,EC2,ap-northeast-1,222,"{""tollgate.io/model"":""m@1"",""team"":""t""}",Forecast,g5.xlarge,arn:aws:sp/1',
];

describe('FOCUS CSV read by DuckDB', () => {
  const fixtures = FIXTURES.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith('.csv'))
      .map((name) => join(folder, name)),
  ).filter(isFocus);

  it('finds FOCUS CSV fixtures to compare', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtures)('stages %s exactly as the row reader does', async (file) => {
    const { rowReader, duckdb } = await bothReaders(file);
    expect(rowReader.length).toBeGreaterThan(0);
    expect(duckdb).toEqual(rowReader);
  });

  const realworld = existsSync(REALWORLD)
    ? readdirSync(REALWORLD)
        .filter((name) => name.endsWith('.csv'))
        .map((name) => join(REALWORLD, name))
        .filter(isFocus)
    : [];
  it.runIf(realworld.length === 0)('compares real exports when ../shared/realworld is present', () => {
    console.warn(`skipped: no FOCUS CSV under ${REALWORLD}`);
  });
  it.each(realworld)('stages the real export %s exactly as the row reader does', async (file) => {
    const { rowReader, duckdb } = await bothReaders(file);
    expect(duckdb).toEqual(rowReader);
  });

  it.each([
    ['LF line ends', (rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`],
    [
      'CRLF line ends and CRLF inside quotes',
      (rows: string[]) => `${[HEADER, ...rows].join('\r\n').replaceAll('\n', '\r\n').replaceAll('\r\r', '\r')}\r\n`,
    ],
    ['a byte-order mark and no final line break', (rows: string[]) => `\uFEFF${[HEADER, ...rows].join('\n')}`],
    ['blank lines between rows', (rows: string[]) => `${[HEADER, ...rows].join('\n\n')}\n\n`],
  ])('stages tricky rows with %s exactly as the row reader does', async (_name, layout) => {
    const file = write('tricky.csv', layout(TRICKY_ROWS));
    const { rowReader, duckdb } = await bothReaders(file);
    expect(rowReader).toHaveLength(TRICKY_ROWS.length);
    expect(duckdb).toEqual(rowReader);
  });

  it('reads offsets as UTC, rounds amounts half away from zero and keeps forecasts apart, as hand-computed', async () => {
    const file = write('tricky.csv', `${[HEADER, ...TRICKY_ROWS].join('\n')}\n`);
    const table = await stageFocusCsvWithDuckDb(history, file, 's', headerOf(file), 'USD');
    const rows = await history.query<{
      start: string;
      end: string;
      billed: string;
      type: string;
      currency: string;
      provider: string;
      list: string | null;
    }>(
      `SELECT strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%S.%g') AS start, strftime(ChargePeriodEnd, '%Y-%m-%dT%H:%M:%S.%g') AS end,
         CAST(BilledCost AS VARCHAR) AS billed, x_CostType AS type, BillingCurrency AS currency, x_Provider AS provider,
         CAST(ListCost AS VARCHAR) AS list
       FROM ${table ?? ''} ORDER BY ChargePeriodStart`,
    );
    expect(rows.map((row) => row.list)).toEqual(['2.000000', '0.500000', '5.000000', null, '1234567890123.456790', '7.000000']);
    expect(rows.map((row) => [row.start, row.end, row.billed, row.type, row.currency, row.provider])).toEqual([
      ['2025-05-31T18:30:00.000', '2025-06-01T18:30:00.000', '1.500000', 'Forecast', 'USD', 'aws'],
      ['2025-06-01T17:00:00.123', '2025-06-02T01:30:00.500', '0.000013', 'Actual', 'USD', 'azure'],
      ['2025-06-02T00:00:00.000', '2025-06-03T00:00:00.000', '1500.000000', 'Actual', 'EUR', 'gcp'],
      ['2025-06-03T00:00:00.000', '2025-06-04T00:00:00.000', '2.345679', 'Actual', 'USD', 'other'],
      ['2025-06-04T00:00:00.000', '2025-06-05T00:00:00.000', '0.000001', 'Actual', 'USD', 'other'],
      ['2025-06-05T01:02:00.000', '2025-06-05T03:04:00.000', '7.000000', 'Forecast', 'JPY', 'aws'],
    ]);
  });

  it("stages the exports' own layout (read by DuckDB) beside texts only the row reader reads, as the row reader does", async () => {
    // Canonical times beside padded and date-only ones, provider names DuckDB maps itself beside codes and no name,
    // tags written compactly beside spaced and empty ones: one file, so that rewritten and kept rows meet.
    const rows = [
      '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,1,1,1,USD,AWS,EC2,us-east-1,1,"{""team"":""a""}",Actual,,',
      ' 2025-06-01T00:00:00Z ,2025-06-02T00:00:00Z,2,2,2,usd,aws,EC2,us-east-1,1,"{""team"":""a""}",Actual,,',
      '2025-06-01T00:00:00Z,2025-06-02,3,3,3,USD,Google Cloud,GCE,,2,"{ ""team"": ""a"" }",Forecast,,',
      // Cells that end with a tab and a vertical tab, which trim removes.
      '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,4,4,4,USD,Microsoft,VM\t,,3,"{""team"":""a""}",,x\u000b,',
      '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,5,,,USD,,VM,,3,,,,',
      '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,6,,,USD,other,VM,,3,{},null,,',
      '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,7,,,USD,azure,VM,,3,{},Actual,,',
    ];
    const file = write('layouts.csv', `${[HEADER, ...rows].join('\n')}\n`);
    const { rowReader, duckdb } = await bothReaders(file);
    expect(duckdb).toEqual(rowReader);
    const staged = await history.query<{ provider: string; tags: string; type: string; end: string; currency: string }>(
      `SELECT x_Provider AS provider, Tags AS tags, x_CostType AS type, strftime(ChargePeriodEnd, '%Y-%m-%d %H:%M') AS end,
         BillingCurrency AS currency FROM ${(await stageFocusCsvWithDuckDb(history, file, 's', headerOf(file), 'USD')) ?? ''} ORDER BY BilledCost`,
    );
    expect(staged.map((row) => row.provider)).toEqual(['aws', 'aws', 'gcp', 'azure', 'other', 'other', 'azure']);
    expect(staged.map((row) => row.tags)).toEqual(['{"team":"a"}', '{"team":"a"}', '{"team":"a"}', '{"team":"a"}', '{}', '{}', '{}']);
    expect(staged.map((row) => row.type)).toEqual(['Actual', 'Actual', 'Forecast', 'Actual', 'Actual', 'Actual', 'Actual']);
    expect(staged.map((row) => row.currency)).toEqual(['USD', 'USD', 'USD', 'USD', 'USD', 'USD', 'USD']);
    expect(new Set(staged.map((row) => row.end))).toEqual(new Set(['2025-06-02 00:00']));
  });

  it('takes the given currency for a file without a BillingCurrency column, as the row reader does', async () => {
    const file = write('no-currency.csv', 'ChargePeriodStart,ChargePeriodEnd,BilledCost\n2025-06-01,2025-06-02,3\n');
    const { rowReader, duckdb } = await bothReaders(file, 'GBP');
    expect(duckdb).toEqual(rowReader);
    expect(duckdb[0]).toContain('"BillingCurrency":"GBP"');
  });

  const GOOD = TRICKY_ROWS[0] ?? '';
  it.each([
    ['a non-numeric cost', GOOD.replace(',1.5,', ',1.5x,'), /BilledCost is not a decimal number/],
    ['a cost with a thousands separator', GOOD.replace(',1.5,', ',"1,500",'), /BilledCost is not a decimal number/],
    ['an empty billed cost', GOOD.replace(',1.5,', ',,'), /BilledCost is empty/],
    ['a cost out of range', GOOD.replace(',1.5,', ',9223372036855,'), /BilledCost 9223372036855 is out of range/],
    ['an impossible date', GOOD.replace('2025-06-01T00', '2025-02-30T00'), /ChargePeriodStart is not an ISO 8601 date or time/],
    ['an hour 24', GOOD.replace('2025-06-01T00', '2025-06-01T24'), /ChargePeriodStart is not an ISO 8601 date or time/],
    [
      'a time without its leading zeros, which DuckDB would read',
      GOOD.replace('2025-06-01T00:00:00+05:30,', '2025-6-01T00:00:00Z,'),
      /ChargePeriodStart is not an ISO 8601 date or time/,
    ],
    ['an end before the start', GOOD.replace('2025-06-02T00:00:00+05:30', '2025-05-02T00:00:00+05:30'), /ChargePeriodEnd must be after/],
    ['an unknown currency', GOOD.replace(',USD,', ',XYZ,'), /BillingCurrency must be an ISO 4217 code/],
    ['tags that are not JSON', GOOD.replace('"{""team"":""a, b""}"', '"{team: a}"'), /Tags is not valid JSON/],
    ['tags that are a list', GOOD.replace('"{""team"":""a, b""}"', '"[1]"'), /Tags must be a JSON object/],
    ['a tag value that is an object', GOOD.replace('"{""team"":""a, b""}"', '"{""a"":{}}"'), /Tags value of "a" must be a string/],
    ['an unknown cost type', GOOD.replace(',Forecast,', ',Budget,'), /x_CostType must be Actual or Forecast/],
    ['a missing field', GOOD.replace(/,[^,]*$/, ''), /row has 13 fields, the header has 14/],
    ['text after a closing quote', GOOD.replace('"us-east-1"', '"us-east-1"x'), /unexpected "x" after the closing quote/],
    ['a quote never closed in the last row', `${GOOD}"cd-2`, /quoted field is never closed/],
  ])('stages nothing for %s, and the import names the row reader file:line', async (_name, bad, message) => {
    // An unclosed quote takes the rest of the file into its field, so it is tried as the last row.
    const rows = bad.endsWith('"cd-2') ? [HEADER, TRICKY_ROWS[1], bad] : [HEADER, TRICKY_ROWS[1], bad, TRICKY_ROWS[2]];
    const file = write('bad.csv', `${rows.join('\n')}\n`);
    expect(await stageFocusCsvWithDuckDb(history, file, 's', headerOf(file), 'USD')).toBeNull();
    const error = await stageCostFile(history, file, 's').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).format()).toMatch(new RegExp(`^${file}:3: `));
    expect((error as TollgateError).message).toMatch(message);
    const [left] = await history.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE temporary`);
    expect(left?.n).toBe(0);
  });

  it('leaves a file its CSV parser refuses to the row reader, which accepts it', async () => {
    // A quote inside an unquoted field is text to the row reader; DuckDB's strict parser refuses it.
    const file = write('quote-in-field.csv', `${HEADER}\n${GOOD.replace('p4d.24xlarge', 'p4d"24')}\n`);
    const staged = await stageCostFile(history, file, 's');
    const rows = await history.query<{ extras: string }>(`SELECT x_Extras AS extras FROM ${staged.table}`);
    expect(rows.map((row) => JSON.parse(row.extras) as unknown)).toEqual([{ x_InstanceType: 'p4d"24' }]);
  });
});
