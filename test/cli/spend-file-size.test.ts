/** `--max-spend-file-size`: a spend or cost file over the limit is exit 2, one line naming the file and the flag. */
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { costFileRecords, spendFileLimit } from '../../src/billing/spend-file.js';
import { tollgate } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-spend-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'ChargePeriodStart,ChargePeriodEnd,BilledCost,BillingCurrency,Tags\n';
const row = '2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,1.5,USD,"{""team"":""ml""}"\n';
// 2,000 rows: about 110 KB, over a limit of 0.05 MiB (52,428 bytes).
const big = join(dir, 'big.csv');
writeFileSync(big, HEADER + row.repeat(2000));
const config = join(dir, 'tollgate.yaml');
writeFileSync(config, 'budgets:\n  - name: ml\n    scope: { team: ml }\n    amount: 100\n');

describe('--max-spend-file-size', () => {
  it('check --spend: exit 2 naming the file, its size, the limit and the flag', () => {
    const result = tollgate([
      'check',
      '--plan',
      'fixtures/plans/aws-ml-platform.json',
      '--config',
      config,
      '--spend',
      big,
      '--max-spend-file-size',
      '0.05',
      '--now',
      '2025-06-10',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/big\.csv: spend file is \d+ bytes, over the 52428 bytes limit \(raise it with --max-spend-file-size\)$/),
    ]);
  });

  it('report --source focus: exit 2 before anything is imported, no history left behind', () => {
    const history = join(dir, 'history.duckdb');
    const result = tollgate([
      'report',
      '--source',
      `focus:${big}`,
      '--max-spend-file-size',
      '0.05',
      '--out',
      join(dir, 'out'),
      '--history',
      history,
      '--now',
      '2025-06-10',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/big\.csv: spend file is .* \(raise it with --max-spend-file-size\)$/),
    ]);
    expect(existsSync(history)).toBe(false);
  });

  it('accepts the same file under a limit it fits', () => {
    const result = tollgate([
      'check',
      '--plan',
      'fixtures/plans/aws-ml-platform.json',
      '--config',
      config,
      '--spend',
      big,
      '--max-spend-file-size',
      '1',
      '--now',
      '2025-06-10',
      '-f',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.each([['0'], ['-1'], ['lots']])('refuses --max-spend-file-size %s', (value) => {
    const result = tollgate(['check', '--plan', 'fixtures/plans/aws-ml-platform.json', '--spend', big, '--max-spend-file-size', value]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd()).toBe(`tollgate: --max-spend-file-size must be a positive number of MiB (got "${value}")`);
  });

  it('counts bytes while reading: a file that grows past the limit after it was sized is refused', async () => {
    const growing = join(dir, 'growing.csv');
    writeFileSync(growing, HEADER + row);
    const records = costFileRecords(growing, {}, spendFileLimit(4096))[Symbol.asyncIterator]();
    // The first next() sizes the file (small) and opens it; the bytes are read only after it has grown.
    const first = records.next();
    appendFileSync(growing, row.repeat(200));
    await expect(
      (async () => {
        await first;
        for (;;) if ((await records.next()).done === true) break;
      })(),
    ).rejects.toThrow(/^spend file is larger than the 4096 bytes limit \(raise it with --max-spend-file-size\)/);
  });
});
