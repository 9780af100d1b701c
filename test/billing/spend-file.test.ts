import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpendFiles, spendFileFormat } from '../../src/billing/spend-file.js';
import { TollgateError } from '../../src/model/errors.js';

const HEADER =
  'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceName,RegionId,ResourceId,SubAccountId,Tags,x_CostType';
const ROW =
  '2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,10.50,9.25,USD,Amazon Elastic Compute Cloud,us-east-1,i-1,111122223333,"{""team"":""ml-platform""}",Actual';

function spendFile(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-spend-')), name);
  writeFileSync(path, content);
  return path;
}

async function failure(path: string): Promise<TollgateError> {
  try {
    await readSpendFiles([path]);
  } catch (error) {
    if (error instanceof TollgateError) return error;
    throw error;
  }
  throw new Error('expected the spend file to be refused');
}

describe('spend file: CSV', () => {
  it('reads the FOCUS columns of a row', async () => {
    const [record] = await readSpendFiles([spendFile('a.csv', `${HEADER}\n${ROW}\n`)]);
    expect(record).toEqual({
      ChargePeriodStart: '2026-11-01T00:00:00.000Z',
      ChargePeriodEnd: '2026-11-02T00:00:00.000Z',
      ListCost: null,
      ServiceCategory: null,
      ResourceType: null,
      SkuId: null,
      PricingCategory: null,
      x_Provider: 'other',
      x_Extras: {},
      BilledCost: 10_500_000n,
      EffectiveCost: 9_250_000n,
      BillingCurrency: 'USD',
      ServiceName: 'Amazon Elastic Compute Cloud',
      RegionId: 'us-east-1',
      ResourceId: 'i-1',
      SubAccountId: '111122223333',
      Tags: { team: 'ml-platform' },
      x_CostType: 'Actual',
      x_Origin: { file: expect.stringMatching(/a\.csv$/) as unknown, line: 2 },
    });
  });

  it('follows RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes', async () => {
    const content =
      `${HEADER}\n` +
      '2026-11-01,2026-11-02,1,,usd,"Storage, archive tier\nsecond line",eu-west-1,"bucket ""a""",acc,"{""note"":""a, b"",""team"":""x""}",\n' +
      `${ROW}\n`;
    const records = await readSpendFiles([spendFile('q.csv', content)]);
    expect(records).toHaveLength(2);
    const [quoted, next] = records;
    expect(quoted?.ServiceName).toBe('Storage, archive tier\nsecond line');
    expect(quoted?.ResourceId).toBe('bucket "a"');
    expect(quoted?.Tags).toEqual({ note: 'a, b', team: 'x' });
    expect(quoted?.BillingCurrency).toBe('USD');
    expect(quoted?.EffectiveCost).toBeNull();
    expect(quoted?.x_CostType).toBe('Actual');
    // The record after a two-line record starts on line 4.
    expect(next?.x_Origin?.line).toBe(4);
  });

  it('reads a byte-order mark, CRLF line ends, blank lines and extra FOCUS columns', async () => {
    const header = `\uFEFFBillingAccountId,${HEADER},PricingCategory`;
    const row = `acct-1,${ROW},Standard`;
    const records = await readSpendFiles([spendFile('crlf.csv', `${header}\r\n${row}\r\n\r\n${row}\r\n`)]);
    expect(records.map((r) => r.x_Origin?.line)).toEqual([2, 4]);
    expect(records[0]?.Tags).toEqual({ team: 'ml-platform' });
  });

  it('needs only the required columns', async () => {
    const records = await readSpendFiles([
      spendFile('min.csv', 'BillingCurrency,BilledCost,ChargePeriodEnd,ChargePeriodStart\nEUR,3,2026-11-02,2026-11-01\n'),
    ]);
    expect(records[0]).toMatchObject({
      BilledCost: 3_000_000n,
      BillingCurrency: 'EUR',
      Tags: {},
      SubAccountId: null,
      x_CostType: 'Actual',
    });
  });

  it.each([
    ['a missing required column, named', `ChargePeriodStart,ChargePeriodEnd,BillingCurrency\n`, 1, 'missing required column BilledCost'],
    [
      'a column in the wrong case',
      'chargeperiodstart,ChargePeriodEnd,BilledCost,BillingCurrency\n',
      1,
      'missing required column ChargePeriodStart (found "chargeperiodstart": column names are case-sensitive)',
    ],
    ['a duplicate column', `${HEADER},BilledCost\n`, 1, 'column BilledCost appears twice in the header'],
    ['a row with too few fields', `${HEADER}\n${ROW}\n2026-11-01,2026-11-02,1\n`, 3, 'row has 3 fields, the header has 11'],
    ['a row with too many fields', `${HEADER}\n${ROW},extra\n`, 2, 'row has 12 fields, the header has 11'],
    ['a non-numeric cost', `${HEADER}\n${ROW.replace('10.50', '10,50')}\n`, 2, 'row has 12 fields'],
    ['a non-numeric quoted cost', `${HEADER}\n${ROW.replace('10.50', '"10,50"')}\n`, 2, 'BilledCost is not a decimal number (got "10,50")'],
    ['a non-numeric effective cost', `${HEADER}\n${ROW.replace('9.25', 'n/a')}\n`, 2, 'EffectiveCost is not a decimal number (got "n/a")'],
    ['an empty billed cost', `${HEADER}\n${ROW.replace('10.50', '')}\n`, 2, 'BilledCost is empty'],
    [
      'a bad date',
      `${HEADER}\n${ROW.replace('2026-11-01T00:00:00Z', '11/01/2026')}\n`,
      2,
      'ChargePeriodStart is not an ISO 8601 date or time (got "11/01/2026")',
    ],
    [
      'a day that does not exist',
      `${HEADER}\n${ROW.replace('2026-11-02T00:00:00Z', '2026-11-31')}\n`,
      2,
      'ChargePeriodEnd is not an ISO 8601',
    ],
    [
      'an end before the start',
      `${HEADER}\n${ROW.replace('2026-11-02T00:00:00Z', '2026-10-31')}\n`,
      2,
      'ChargePeriodEnd must be after ChargePeriodStart',
    ],
    ['a bad currency', `${HEADER}\n${ROW.replace(',USD,', ',$,')}\n`, 2, 'BillingCurrency must be an ISO 4217 code such as USD (got "$")'],
    [
      'tags that are not JSON',
      `${HEADER}\n${ROW.replace('"{""team"":""ml-platform""}"', 'team=ml')}\n`,
      2,
      'Tags is not valid JSON: "team=ml"',
    ],
    ['tags that are a list', `${HEADER}\n${ROW.replace('"{""team"":""ml-platform""}"', '"[1]"')}\n`, 2, 'Tags must be a JSON object'],
    [
      'an unknown cost type',
      `${HEADER}\n${ROW.replace('Actual', 'Amortized')}\n`,
      2,
      'x_CostType must be Actual or Forecast (got "Amortized")',
    ],
    ['a quote left open', `${HEADER}\n${ROW}\n2026-11-01,"unterminated\n2026-11-02\n`, 3, 'quoted field is never closed'],
    ['text after a closing quote', `${HEADER}\n${ROW.replace('}"', '}"x')}\n`, 2, 'unexpected "x" after the closing quote of field 10'],
    ['an empty file', '', 1, 'spend file is empty'],
  ])('refuses %s with file:line', async (_what, content, line, message) => {
    const path = spendFile('bad.csv', content);
    const error = await failure(path);
    expect(error.file).toBe(path);
    expect(error.line).toBe(line);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
    expect(error.format()).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: `));
    expect(error.format()).not.toContain('\n');
  });

  it('refuses a file that does not exist or is a directory', async () => {
    expect((await failure('/nonexistent/spend.csv')).message).toBe('spend file not found');
    expect((await failure(tmpdir())).message).toBe('spend file is not a regular file');
  });

  it('streams: a large file is read row by row', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ROW.replace('10.50', `0.00${i % 10}`)).join('\n');
    const records = await readSpendFiles([spendFile('big.csv', `${HEADER}\n${rows}\n`)], (r) => r.BilledCost > 0n);
    expect(records).toHaveLength(45_000);
    expect(records.at(-1)?.x_Origin?.line).toBe(50_001);
  });
});

describe('spend file: JSON array', () => {
  const object = {
    ChargePeriodStart: '2026-11-01T00:00:00+00:00',
    ChargePeriodEnd: '2026-11-02',
    BilledCost: '10.50',
    EffectiveCost: 9.25,
    BillingCurrency: 'USD',
    ServiceName: 'Vertex AI',
    SubAccountId: 'ml-prod',
    Tags: { team: 'ml-platform', env: 'prod' },
    x_CostType: 'Forecast',
  };

  it('reads objects with the same keys, tags as an object or as JSON text', async () => {
    const text = `[\n${JSON.stringify(object, null, 2)},\n${JSON.stringify({ ...object, Tags: '{"team":"research"}' })}\n]\n`;
    const records = await readSpendFiles([spendFile('s.json', text)]);
    expect(records.map((r) => [r.x_Origin?.line, r.Tags, r.x_CostType, r.EffectiveCost])).toEqual([
      [2, { team: 'ml-platform', env: 'prod' }, 'Forecast', 9_250_000n],
      [16, { team: 'research' }, 'Forecast', 9_250_000n],
    ]);
    expect(records[0]?.ChargePeriodEnd).toBe('2026-11-02T00:00:00.000Z');
  });

  it('reads several objects on one line and braces inside strings', async () => {
    const tricky = { ...object, ServiceName: 'has } and { and "quotes" \\' };
    const records = await readSpendFiles([spendFile('one-line.json', JSON.stringify([tricky, object, object]))]);
    expect(records).toHaveLength(3);
    expect(records[0]?.ServiceName).toBe('has } and { and "quotes" \\');
  });

  it.each([
    ['not an array', '{"a":1}', 1, 'expected a JSON array "[", found "{"'],
    ['an element that is not an object', '[\n1]', 2, 'expected an object or "]", found "1"'],
    ['a missing comma', `[\n${JSON.stringify(object)}\n${JSON.stringify(object)}]`, 3, 'expected "," or "]", found "{"'],
    ['a missing required key', `[\n${JSON.stringify({ ...object, BilledCost: undefined })}]`, 2, 'missing required column BilledCost'],
    ['a bad cost', `[\n{}, ${JSON.stringify({ ...object, BilledCost: 'ten' })}]`, 2, 'missing required columns'],
    ['an unterminated array', `[\n${JSON.stringify(object)},\n`, 2, 'unexpected end of file: expected an object'],
    ['an unclosed object', `[\n{"BilledCost": "1"\n`, 2, 'object is never closed'],
    ['invalid JSON in an object', `[\n{"BilledCost": 1,}]`, 2, 'invalid JSON object'],
    ['trailing text', `[]\nx`, 2, 'expected nothing after the closing "]"'],
  ])('refuses %s with file:line', async (_what, content, line, message) => {
    const path = spendFile('bad.json', content);
    const error = await failure(path);
    expect([error.file, error.line]).toEqual([path, line]);
    expect(error.message).toContain(message);
  });

  it('picks the format by extension', () => {
    expect(spendFileFormat('a/b.JSON')).toBe('json');
    expect(spendFileFormat('focus.csv')).toBe('csv');
    expect(spendFileFormat('export')).toBe('csv');
  });
});
