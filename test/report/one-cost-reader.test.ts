/**
 * One reader for `check --spend` and `report --source focus:`: the same FOCUS file gives the same month to
 * date through both (a forecast row is not spend; a time with an offset is converted to UTC), and a bad
 * amount is exit 2 naming file:line in both, with the report's history unchanged.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tollgate } from '../cli/run-cli.js';

const PLAN = 'fixtures/plans/aws-ml-platform.json';
const NOW = ['--now', '2026-03-10'];
const HEADER = 'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ServiceName,Tags,x_CostType';
const ROWS = [
  // 2026-02-28T22:00Z: February, not March, once the offset is applied.
  '2026-03-01T00:00:00+02:00,2026-03-02T00:00:00+02:00,1000,,USD,Amazon EC2,"{""team"":""ml""}",Actual',
  // 15:00Z on 2 March.
  '2026-03-02T10:00:00-05:00,2026-03-03T10:00:00-05:00,10.25,,USD,Amazon EC2,"{""team"":""ml""}",Actual',
  '2026-03-05T00:00:00Z,2026-03-06T00:00:00Z,100.125,100.125,USD,Amazon S3,"{""team"":""ml""}",',
  // Forecasts are never spend: one for the rest of the month, one (stale) for a day already past.
  '2026-03-20T00:00:00Z,2026-03-21T00:00:00Z,500,,USD,Amazon EC2,"{""team"":""ml""}",Forecast',
  '2026-03-03T00:00:00Z,2026-03-04T00:00:00Z,999,,USD,Amazon EC2,"{""team"":""ml""}",Forecast',
];
const CONFIG = ['budgets:', '  - name: ml', '    scope: { team: ml }', '    amount: 1000', ''].join('\n');

function setup(rows: readonly string[]): { dir: string; spend: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-one-reader-'));
  const spend = join(dir, 'spend.csv');
  writeFileSync(spend, `${HEADER}\n${rows.join('\n')}\n`);
  const config = join(dir, 'tollgate.yaml');
  writeFileSync(config, CONFIG);
  return { dir, spend, config };
}

const report = (dir: string, config: string, source: string, out = join(dir, 'out')) =>
  tollgate(['report', '--config', config, '--source', `focus:${source}`, '--out', out, '--history', join(dir, 'history.duckdb'), ...NOW]);

describe('one cost-record reader for check --spend and report', () => {
  it('gives the same month to date through both, forecasts kept apart and offsets converted to UTC', () => {
    const { dir, spend, config } = setup(ROWS);
    const check = tollgate(['check', '--plan', PLAN, '--config', config, '--spend', spend, '-f', 'json', '--fail-on', 'never', ...NOW]);
    expect(check.stderr).toBe('');
    const checked = (JSON.parse(check.stdout) as { spend: Array<{ budget: string; monthToDate: number; forecastRemaining: number }> })
      .spend;
    expect(checked).toEqual([expect.objectContaining({ budget: 'ml', monthToDate: 110.375, forecastRemaining: 500 })]);

    const run = report(dir, config, spend);
    expect(run.stderr).toBe('');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as {
      budgets: Array<{ name: string; month_to_date: number; projected: number }>;
      month_to_date: number;
      top_cost_drivers: Array<{ service: string; cost: number }>;
      daily: Array<{ scope: string; points: Array<{ day: string; cost: number }> }>;
    };
    expect(json.budgets).toEqual([expect.objectContaining({ name: 'ml', month_to_date: 110.375, projected: 610.38 })]);
    expect(json.month_to_date).toBe(110.38);
    // Drivers count actual spend only: the forecast EC2 rows add nothing.
    expect(json.top_cost_drivers.map((driver) => [driver.service, driver.cost])).toEqual([
      ['Amazon S3', 100.13],
      ['Amazon EC2', 10.25],
    ]);
    const total = json.daily.find((series) => series.scope === 'total')?.points ?? [];
    expect(total.find((point) => point.day === '2026-02-28')?.cost).toBe(1000);
    expect(total.find((point) => point.day === '2026-03-01')?.cost).toBe(0);
    expect(total.find((point) => point.day === '2026-03-03')?.cost).toBe(0);
  });

  it.each(['NaN', 'Infinity', '1e400'])('refuses a %s amount with exit 2 naming file:line, the history unchanged', (amount) => {
    const { dir, spend, config } = setup(ROWS);
    const first = report(dir, config, spend);
    expect(first.stderr).toBe('');
    const history = join(dir, 'history.duckdb');
    const before = readFileSync(history);
    const reportBefore = readFileSync(join(dir, 'out', 'report.json'));

    const bad = join(dir, 'bad.csv');
    copyFileSync(spend, bad);
    writeFileSync(bad, `${HEADER}\n${ROWS[1]}\n2026-03-06T00:00:00Z,2026-03-07T00:00:00Z,${amount},,USD,Amazon EC2,{},Actual\n`);
    const check = tollgate(['check', '--plan', PLAN, '--config', config, '--spend', bad, '-f', 'json', ...NOW]);
    expect(check.code).toBe(2);
    expect(check.stderr).toBe(
      `tollgate: ${bad}:3: BilledCost ${amount === '1e400' ? '1e400 is out of range (at most ±9.2 trillion)' : `is not a decimal number (got "${amount}")`}\n`,
    );

    const rerun = report(dir, config, bad, join(dir, 'out2'));
    expect(rerun.code).toBe(2);
    expect(rerun.stderr.trim().split('\n')).toHaveLength(1);
    expect(rerun.stderr).toContain(`${bad}:3: BilledCost`);
    expect(readFileSync(history).equals(before)).toBe(true);
    expect(readFileSync(join(dir, 'out', 'report.json')).equals(reportBefore)).toBe(true);
    expect(existsSync(join(dir, 'out2'))).toBe(false);
  });
});
