/**
 * Showback end to end through `tollgate report` on fixtures/billing-cases/showback.csv, whose figures are
 * worked out by hand in fixtures/billing-cases/README.md: spend by team with the untagged share on its own
 * line, by cloud, service and model (the model reference in both spellings is one line, joined to the
 * inventory), this month against the previous one, the same in JSON and Markdown.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tollgate, type CliResult } from '../cli/run-cli.js';

interface Line {
  key: string;
  month_to_date: number;
  previous_month_to_date: number;
  previous_month: number;
  share_percent: number | null;
  change_percent: number | null;
  trend: string;
  owner_team?: string | null;
  risk_tier?: string | null;
  in_inventory?: boolean;
}

interface ReportJson {
  month_to_date: number;
  cost_basis: { shown: string; billed_month_to_date: number; effective_month_to_date: number };
  showback: { totals: Line; by_team: Line[]; by_cloud: Line[]; by_service: Line[]; by_model: Line[]; complete_through: string };
  gpu_spend: { total: number; unknown: number; by_team: Array<{ key: string; cost: number }> };
  freshness: Array<{ provider: string; account: string; status: string }>;
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-showback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('showback on hand-computed fixtures', () => {
  let run: CliResult;
  let json: ReportJson;
  let markdown: string;
  beforeAll(() => {
    run = tollgate([
      'report',
      '--source',
      'focus:fixtures/billing-cases/showback.csv',
      '--inventory',
      'fixtures/billing-cases/showback-inventory.yaml',
      '--out',
      join(dir, 'out'),
      '--history',
      join(dir, 'history.duckdb'),
      '--now',
      '2025-06-04',
    ]);
    json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as ReportJson;
    markdown = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
  });

  it('runs cleanly', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('splits this month by team, the untagged share on its own line, against May to the same day', () => {
    const rows = json.showback.by_team.map((l) => [
      l.key,
      l.month_to_date,
      l.share_percent,
      l.previous_month_to_date,
      l.change_percent,
      l.trend,
    ]);
    expect(rows).toEqual([
      ['risk-ml', 400, 72.7, 200, 100, 'up'],
      ['(untagged)', 90, 16.4, 100, -10, 'down'],
      ['search', 60, 10.9, 0, null, 'new'],
    ]);
    expect(json.showback.by_team.map((l) => [l.key, l.previous_month])).toEqual([
      ['risk-ml', 500],
      ['(untagged)', 100],
      ['search', 0],
    ]);
    expect(json.showback.totals).toMatchObject({ month_to_date: 550, previous_month_to_date: 300, previous_month: 600 });
    expect(json.showback.complete_through).toBe('2025-06-03');
  });

  it('by cloud and by service', () => {
    expect(json.showback.by_cloud.map((l) => [l.key, l.month_to_date, l.previous_month])).toEqual([
      ['gcp', 290, 0],
      ['aws', 260, 600],
    ]);
    expect(json.showback.by_service.map((l) => [l.key, l.month_to_date])).toEqual([
      ['Vertex AI', 290],
      ['Amazon SageMaker', 150],
      ['Amazon EC2', 60],
      ['Amazon S3', 50],
    ]);
  });

  it('by model: both spellings of the reference are one line, joined to the inventory', () => {
    expect(json.showback.by_model.map((l) => [l.key, l.month_to_date, l.owner_team, l.risk_tier, l.in_inventory])).toEqual([
      ['fraud-detector@7', 400, 'risk-ml', 'high', true],
      ['(untagged)', 110, null, null, false],
      ['ranker@2', 40, null, null, false],
    ]);
  });

  it('labels the cost shown and keeps billed cost beside it; a forecast row is never spend', () => {
    expect(json.cost_basis).toEqual(
      expect.objectContaining({ shown: 'effective', effective_month_to_date: 550, billed_month_to_date: 590 }),
    );
    expect(json.month_to_date).toBe(550);
  });

  it('GPU spend from the instance-type tables', () => {
    expect(json.gpu_spend).toMatchObject({
      total: 440,
      unknown: 0,
      by_team: [
        { key: 'risk-ml', cost: 400 },
        { key: '(untagged)', cost: 40 },
      ],
    });
  });

  it('says the same in Markdown', () => {
    expect(markdown).toContain(
      'Figures are effective (amortised) cost where the source gives it, else billed cost, in USD. Billed cost this month: 590.00 USD; effective: 550.00 USD.',
    );
    expect(markdown).toContain('| (untagged) | 90.00 USD | 16.4% | 100.00 USD | ▼ -10% | 100.00 USD |');
    expect(markdown).toContain('| fraud-detector@7 | risk-ml | high | 400.00 USD | 72.7% | 200.00 USD | ▲ +100% | 500.00 USD |');
  });
});
