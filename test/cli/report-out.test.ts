/** `report --out` is checked before any import: a wrong directory costs nothing and changes no history. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tollgate } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-out-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report --out', () => {
  it.each([
    [aFile, /--out .*a-file is a file, not a directory$/],
    [join(aFile, 'sub'), /--out .*a-file\/sub cannot be created: .*a-file is a file$/],
    ['/dev/null', /--out \/dev\/null is a device, not a directory$/],
  ])('%s is exit 2 before any import', (out, message) => {
    const history = join(dir, 'history.duckdb');
    const result = tollgate(['report', '--source', 'focus:fixtures/billing', '--out', out, '--history', history, '--now', '2025-06-20']);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(existsSync(history)).toBe(false);
  });

  it('a first import that fails leaves no history file behind', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceName\n2025-06-01T00:00:00Z,2025-06-02T00:00:00Z,NaN,1,USD,x\n',
    );
    const history = join(dir, 'first-night.duckdb');
    const result = tollgate(['report', '--source', `focus:${bad}`, '--out', join(dir, 'out'), '--history', history, '--now', '2025-06-20']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.csv:2: BilledCost is not a decimal number/);
    expect(existsSync(history)).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('two exports of the same account and days are refused, naming both, and the history stays as it was', () => {
    const header = 'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceProviderName,SubAccountId\n';
    const row = (day: string, cost: string) => `2025-06-${day}T00:00:00Z,2025-06-${day}T23:00:00Z,${cost},${cost},USD,Microsoft,sub-1\n`;
    const first = join(dir, 'first');
    mkdirSync(first);
    writeFileSync(join(first, 'actual.csv'), `${header}${row('10', '10')}${row('11', '10')}`);
    const history = join(dir, 'overlap.duckdb');
    const args = ['--history', history, '--out', join(dir, 'overlap'), '--now', '2025-06-20'];
    expect(tollgate(['report', '--source', `focus:${first}`, ...args]).code).toBe(0);
    const before = readFileSync(history);
    const amortised = join(dir, 'amortised.csv');
    writeFileSync(amortised, `${header}${row('11', '9')}${row('12', '9')}`);
    const result = tollgate(['report', '--source', `focus:${amortised}`, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^tollgate: focus:.*amortised\.csv and focus:.*actual\.csv both hold azure spend of account sub-1 for 2025-06-11; .*import one of them; nothing was imported$/,
      ),
    ]);
    expect(readFileSync(history).equals(before)).toBe(true);
  });
});
