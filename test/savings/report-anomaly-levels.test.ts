/**
 * TG-ANO-001 at every level of the spend tree, end to end: a FOCUS export built here, one `tollgate report`
 * night on 2026-03-20 (no earlier report: the last 7 days are judged), the real opa-wasm bundle. From
 * 2026-01-01 to 2026-03-19, every day the same unless said:
 * - team vision: Amazon EC2 i-1 … i-4 at 250 each, Amazon S3 bucket-a at 1,000. On 2026-03-17 each instance
 *   costs 400 (EC2 1,600 against 1,000: +600, 60%) while bucket-a drops to 400: the team stays at 2,000. No
 *   instance explains more than half (+150 each), so the anomaly is the service's.
 * - team search: four services of one resource each at 500. On 2026-03-18 each costs 1,000: the team spent
 *   4,000 against 2,000 (+2,000, 100%), and every service rose 100%: one anomaly, the team's, attributed to
 *   aws, which explains all of it; no service explains more than half (+500 each).
 * - team noise: Amazon EC2 small at 20 and Amazon S3 big at 1,000. On 2026-03-16 small costs 110 (+90, under
 *   the 100 minimum) and big 1,150 (+150, 15%, under the 50% threshold): nothing to report.
 * - untagged: Amazon S3 logs-bucket at 300 and Amazon EC2 i-x at 1,000. On 2026-03-19 logs-bucket costs 900
 *   (+600, 200%) while i-x drops to 400: the untagged total stays at 1,300; S3's spike is found, all of it
 *   logs-bucket's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

interface Anomaly {
  resource: string;
  message: string;
  evidence: { day: string; level: string; attributed_to: { level: string; path: string[]; increase: number; share_percent: number } };
}

const EC2 = 'Amazon Elastic Compute Cloud';
const S3 = 'Amazon Simple Storage Service';

function focusCsv(): string {
  const rows: string[] = [];
  const row = (day: string, cost: number, service: string, resource: string, team: string | null): void => {
    const tags = JSON.stringify(team === null ? {} : { team }).replaceAll('"', '""');
    const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    rows.push(`${day}T00:00:00Z,${end}T00:00:00Z,${cost.toFixed(2)},USD,Amazon Web Services,${service},${resource},Standard,"${tags}"`);
  };
  for (let t = Date.parse('2026-01-01T00:00:00Z'); t <= Date.parse('2026-03-19T00:00:00Z'); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    for (const instance of ['i-1', 'i-2', 'i-3', 'i-4']) row(day, day === '2026-03-17' ? 400 : 250, EC2, instance, 'vision');
    row(day, day === '2026-03-17' ? 400 : 1000, S3, 'bucket-a', 'vision');
    for (const [service, resource] of [
      [EC2, 'web-1'],
      ['Amazon Relational Database Service', 'db-1'],
      [S3, 'assets'],
      ['Amazon CloudFront', 'cdn-1'],
    ] as const) {
      row(day, day === '2026-03-18' ? 1000 : 500, service, resource, 'search');
    }
    row(day, day === '2026-03-16' ? 110 : 20, EC2, 'small', 'noise');
    row(day, day === '2026-03-16' ? 1150 : 1000, S3, 'big', 'noise');
    row(day, day === '2026-03-19' ? 900 : 300, S3, 'logs-bucket', null);
    row(day, day === '2026-03-19' ? 400 : 1000, EC2, 'i-x', null);
  }
  return `ChargePeriodStart,ChargePeriodEnd,BilledCost,BillingCurrency,ServiceProviderName,ServiceName,ResourceId,PricingCategory,Tags\n${rows.join('\n')}\n`;
}

describe('tollgate report: anomalies judged at every level of the spend tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-anomaly-levels-'));
  let status: number | null;
  let stderr: string;
  let anomalies: Anomaly[] = [];
  beforeAll(() => {
    writeFileSync(join(dir, 'focus.csv'), focusCsv());
    const out = join(dir, 'out');
    const run = spawnSync(
      process.execPath,
      ['bin/tollgate.js', 'report', '--source', `focus:${join(dir, 'focus.csv')}`, '--out', out, '--history', join(dir, 'h.duckdb')].concat(
        ['--now', '2026-03-20'],
      ),
      { encoding: 'utf8' },
    );
    status = run.status;
    stderr = run.stderr;
    if (run.status === 0) anomalies = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { anomalies: Anomaly[] }).anomalies;
  });
  const find = (resource: string): Anomaly | undefined => anomalies.find((anomaly) => anomaly.resource === resource);

  it('reports three anomalies and nothing for noise under the thresholds', () => {
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(anomalies.map((anomaly) => anomaly.resource).sort()).toEqual([
      `spend:service:(untagged)/aws/${S3}`,
      `spend:service:vision/aws/${EC2}`,
      'spend:team:search',
    ]);
  });

  it('finds a service spike hidden in a flat team total and attributes it to the service', () => {
    const anomaly = find(`spend:service:vision/aws/${EC2}`);
    expect(anomaly?.evidence).toMatchObject({
      day: '2026-03-17',
      level: 'service',
      attributed_to: { level: 'service', path: ['vision', 'aws', EC2], increase: 600, share_percent: 100 },
    });
    expect(anomaly?.message).toBe(
      `team vision's service aws → ${EC2} spend on 2026-03-17 was $1,600.00, 60% above the $1,000.00 expected (the same weekday over the last 4 weeks)`,
    );
  });

  it('tells a team-wide rise once, at the team, attributed to the cloud that explains it', () => {
    const anomaly = find('spend:team:search');
    expect(anomaly?.evidence).toMatchObject({ day: '2026-03-18', level: 'team', attributed_to: { level: 'cloud', share_percent: 100 } });
    expect(anomaly?.message).toBe(
      'team search spend on 2026-03-18 was $4,000.00, 100% above the $2,000.00 expected (the same weekday over the last 4 weeks);' +
        ' 100% of the increase is at the cloud level: aws (+$2,000.00)',
    );
  });

  it('finds the spike inside the untagged line, down to its resource', () => {
    const anomaly = find(`spend:service:(untagged)/aws/${S3}`);
    expect(anomaly?.evidence).toMatchObject({ day: '2026-03-19', attributed_to: { level: 'resource', increase: 600, share_percent: 100 } });
    expect(anomaly?.message).toBe(
      `team (untagged)'s service aws → ${S3} spend on 2026-03-19 was $900.00, 200% above the $300.00 expected (the same weekday over the last 4 weeks);` +
        ` 100% of the increase is at the resource level: aws → ${S3} → logs-bucket (+$600.00)`,
    );
  });
});
