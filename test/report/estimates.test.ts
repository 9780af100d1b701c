/**
 * `tollgate report --estimates`: check results joined to actual spend, on the hand-computed fixture described
 * in fixtures/billing-cases/README.md; the over-estimate flag and its threshold are the policies'.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tollgate } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-estimates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Judged {
  estimated_monthly: number | null;
  actual_monthly: number | null;
  error_percent: number | null;
  status: string;
}

interface ReportJson {
  estimates: {
    days: number;
    over_percent: number;
    resources: Array<Judged & { address: string; matched_by: string | null }>;
    teams: Array<Judged & { team: string; unmatched: number }>;
  };
  warnings: Array<{ rule: string; resource: string; message: string }>;
}

function report(name: string, extra: string[] = []): { code: number | null; stderr: string; json: ReportJson; markdown: string } {
  const out = join(dir, name);
  const run = tollgate([
    'report',
    '--source',
    'focus:fixtures/billing-cases/estimates-spend.csv',
    '--estimates',
    'fixtures/billing-cases/estimates-check.json',
    '--out',
    out,
    '--history',
    join(dir, `${name}.duckdb`),
    '--now',
    '2025-06-11',
    ...extra,
  ]);
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
  return { code: run.code, stderr: run.stderr, json, markdown: readFileSync(join(out, 'report.md'), 'utf8') };
}

describe('report --estimates', () => {
  it('joins each resource by cloud id, else model, and flags the one more than 20% over', () => {
    const { code, stderr, json, markdown } = report('default');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(json.estimates.days).toBe(10);
    expect(
      json.estimates.resources.map((r) => [r.address, r.matched_by, r.estimated_monthly, r.actual_monthly, r.error_percent, r.status]),
    ).toEqual([
      ['aws_instance.trainer', 'resource id', 730, 1095, 50, 'over'],
      ['aws_sagemaker_endpoint.chat', 'model', 1460, 1460, 0, 'within'],
      ['google_compute_instance.idle', null, 500, null, null, 'unmatched'],
    ]);
    expect(
      json.estimates.teams.map((t) => [t.team, t.estimated_monthly, t.actual_monthly, t.error_percent, t.status, t.unmatched]),
    ).toEqual([
      ['research', 2190, 2555, 16.7, 'within', 0],
      ['search', null, null, null, 'unmatched', 1],
    ]);
    expect(json.warnings.filter((w) => w.rule === 'TG-RPT-002').map((w) => w.resource)).toEqual(['aws_instance.trainer']);
    expect(markdown).toContain('| aws_instance.trainer | research | 730.00 USD | 1,095.00 USD | +50% | over | resource id I-0ABC123 |');
  });

  it('takes the threshold from the rule parameter in tollgate.yaml', () => {
    const config = join(dir, 'tollgate.yaml');
    writeFileSync(config, 'rules:\n  TG-RPT-002:\n    parameters: { over_percent: 60 }\n');
    const { json } = report('relaxed', ['--config', config]);
    expect(json.estimates.over_percent).toBe(60);
    expect(json.estimates.resources[0]?.status).toBe('within');
    expect(json.warnings.filter((w) => w.rule === 'TG-RPT-002')).toEqual([]);
  });

  it('exits 2 naming a file that is not a check result', () => {
    const bad = join(dir, 'not-a-result.json');
    writeFileSync(bad, '{"violations": []}');
    const run = tollgate([
      'report',
      '--estimates',
      bad,
      '--out',
      join(dir, 'bad'),
      '--history',
      join(dir, 'bad.duckdb'),
      '--now',
      '2025-06-11',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/not-a-result\.json: not a `tollgate check --format json` result with costs/),
    ]);
  });
});
