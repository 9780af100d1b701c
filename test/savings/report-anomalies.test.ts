/**
 * TG-ANO-001 end to end: a FOCUS export built here, `tollgate report` run on two nights and with --since, the
 * real opa-wasm bundle. The history runs from 2026-01-01 to 2026-03-19:
 * - team data spends 3,000 every Monday and 1,000 on other days (a weekly cycle, never an anomaly);
 * - team platform spends 500 a day plus a 5,000 support fee on the 1st of each month (a monthly charge);
 * - team ml-research spends 800 a day on i-base, and a runaway i-runaway adds 4,000 on 2026-03-11 and 4,500 on
 *   2026-03-12: one anomaly over two days. On its peak the team spent 5,300 against 800 expected (the same
 *   weekday on 03-05, 02-26, 02-19 and 02-12): 4,500 more, 562.5% → 563%.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = (args: string[]) => spawnSync(process.execPath, ['bin/tollgate.js', ...args], { encoding: 'utf8' });

interface Anomaly {
  resource: string;
  message: string;
  evidence: { day: string; days: string[]; peak_day: string; expected: number; increase: number; judged_since: string };
}

function dayList(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

function focusCsv(): string {
  const rows: string[] = [];
  const row = (day: string, cost: number, service: string, resource: string, team: string): void => {
    const tags = JSON.stringify({ team }).replaceAll('"', '""');
    const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    rows.push(`${day}T00:00:00Z,${end}T00:00:00Z,${cost.toFixed(2)},USD,Amazon Web Services,${service},${resource},Standard,"${tags}"`);
  };
  for (const day of dayList('2026-01-01', '2026-03-19')) {
    const monday = new Date(`${day}T00:00:00Z`).getUTCDay() === 1;
    row(day, monday ? 3000 : 1000, 'Amazon Elastic Compute Cloud', 'i-etl', 'data');
    row(day, 500, 'Amazon Elastic Compute Cloud', 'i-web', 'platform');
    if (day.endsWith('-01')) row(day, 5000, 'AWS Support', 'support-plan', 'platform');
    row(day, 800, 'Amazon Elastic Compute Cloud', 'i-base', 'ml-research');
    if (day === '2026-03-11') row(day, 4000, 'Amazon Elastic Compute Cloud', 'i-runaway', 'ml-research');
    if (day === '2026-03-12') row(day, 4500, 'Amazon Elastic Compute Cloud', 'i-runaway', 'ml-research');
  }
  return `ChargePeriodStart,ChargePeriodEnd,BilledCost,BillingCurrency,ServiceProviderName,ServiceName,ResourceId,PricingCategory,Tags\n${rows.join('\n')}\n`;
}

describe('tollgate report: anomalies worth waking up for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-anomalies-'));
  const history = join(dir, 'history.duckdb');
  const night = (now: string, extra: string[] = []) => {
    const out = join(dir, `out-${now}-${extra.length}`);
    const run = cli(['report', '--source', `focus:${join(dir, 'focus.csv')}`, '--out', out, '--history', history, '--now', now, ...extra]);
    const anomalies =
      run.status === 0 ? (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { anomalies: Anomaly[] }).anomalies : [];
    const read = (name: string): string => (run.status === 0 ? readFileSync(join(out, name), 'utf8') : '');
    return { run, anomalies, markdown: read('report.md'), html: read('report.html') };
  };
  let first: ReturnType<typeof night>;
  let second: ReturnType<typeof night>;
  beforeAll(() => {
    writeFileSync(join(dir, 'focus.csv'), focusCsv());
    first = night('2026-03-10');
    second = night('2026-03-20');
  });

  it('finds nothing in the first night: a Monday at three times a weekday is what that team spends on Mondays', () => {
    expect(first.run.stderr).toBe('');
    expect(first.run.status).toBe(0);
    expect(first.anomalies).toEqual([]);
  });

  it('judges every day since the last report (9 and 8 days ago, beyond the 7-day lookback) as one attributed anomaly', () => {
    expect(second.run.status).toBe(0);
    expect(second.anomalies).toHaveLength(1);
    const [anomaly] = second.anomalies;
    expect(anomaly?.resource).toBe('spend:team:ml-research');
    expect(anomaly?.evidence).toMatchObject({
      day: '2026-03-11',
      days: ['2026-03-11', '2026-03-12'],
      peak_day: '2026-03-12',
      expected: 800,
      increase: 4500,
      judged_since: 'last report',
    });
    expect(anomaly?.message).toBe(
      'team ml-research spend from 2026-03-11 to 2026-03-12 (2 days) peaked on 2026-03-12 and was $5,300.00, 563% above the $800.00 expected' +
        ' (the same weekday over the last 4 weeks); 100% of the increase is at the resource level: aws → Amazon Elastic Compute Cloud → i-runaway (+$4,500.00)',
    );
    expect(second.markdown).toContain(`## Anomalies\n\n- **TG-ANO-001** ${anomaly?.message ?? ''}\n`);
    // Both days of the event are marked on the daily chart.
    expect(
      second.html.match(/<rect class="bar anomaly"[^>]*><title>[^<]*<\/title>/g)?.map((bar) => bar.replace(/.*<title>([^:]*):.*/, '$1')),
    ).toEqual(['2026-03-11', '2026-03-12']);
  });

  it('judges from --since, where the 1st of March carries the monthly support fee and is not an anomaly', () => {
    const since = night('2026-03-20', ['--since', '2026-02-25']);
    expect(since.run.status).toBe(0);
    expect(since.anomalies.map((a) => [a.resource, a.evidence.days, a.evidence.judged_since])).toEqual([
      ['spend:team:ml-research', ['2026-03-11', '2026-03-12'], '--since'],
    ]);
  });

  it('refuses a --since that is not a day before today, naming the flag', () => {
    const bad = cli([
      'report',
      '--source',
      `focus:${join(dir, 'focus.csv')}`,
      '--out',
      join(dir, 'bad'),
      '--history',
      history,
      '--now',
      '2026-03-20',
      '--since',
      '2026-02-30',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('tollgate: --since must be a day before today as YYYY-MM-DD (got "2026-02-30")\n');
  });
});
