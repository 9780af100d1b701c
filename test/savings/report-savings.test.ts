/**
 * Savings from billing, end to end: a FOCUS export built here, `tollgate report` with an inventory, the real
 * opa-wasm bundle. Every figure below is worked out by hand from the rows (30 days of data, 2026-03-01 to
 * 2026-03-30; a month is 730 h = 30.41667 days, so a window sum × 730 / 24 / 30 is its monthly run rate).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { savingsFocusCsv } from './focus-csv.js';

const cli = (args: string[]) => spawnSync(process.execPath, ['bin/tollgate.js', ...args], { encoding: 'utf8' });

const SP = 'arn:aws:savingsplans::111122223333:savingsplan/sp-1';
const ENDPOINT = 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/chat-llm';

interface Line {
  readonly days: readonly number[];
  readonly cost: (day: number) => number;
  readonly service: string;
  readonly resource: string;
  readonly type: string;
  readonly sku: string;
  readonly pricing: string;
  readonly tags: Record<string, string>;
  readonly commitment?: { readonly status: 'Used' | 'Unused' };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const LINES: readonly Line[] = [
  // Steady serving on demand, never under 120/day: a Savings Plan for 120/day = 3,650/month saves 28% = 1,022.00.
  {
    days: range(1, 30),
    cost: (day) => (day % 3 === 0 ? 130 : 120),
    service: 'Amazon Elastic Compute Cloud',
    resource: 'i-steady',
    type: 'Virtual Machine',
    sku: 'g5.12xlarge',
    pricing: 'Standard',
    tags: { team: 'ml-platform', workload: 'serving' },
  },
  // A training job on demand for 12 days: 6,000 in the window = 6,083.33/month; spot at 18% off saves 1,095.00.
  {
    days: range(1, 12),
    cost: () => 500,
    service: 'Amazon SageMaker',
    resource: 'arn:aws:sagemaker:us-east-1:111122223333:training-job/llm-finetune',
    type: 'Training Job',
    sku: 'ml.p4d.24xlarge',
    pricing: 'Standard',
    tags: { team: 'ml-research' },
  },
  // Batch work already on spot: nothing to recommend.
  {
    days: range(1, 30),
    cost: () => 40,
    service: 'Amazon Elastic Compute Cloud',
    resource: 'i-batch-spot',
    type: 'Virtual Machine',
    sku: 'g5.xlarge',
    pricing: 'Dynamic',
    tags: { team: 'ml-research', workload: 'batch' },
  },
  // The endpoint runs on the Savings Plan (60/day used) and 20/day of the plan goes unused: 75% used,
  // 600 in the window = 608.33/month unused. The inventory says 4 replicas at 12% GPU: 1 would do, so
  // 3/4 of its 1,800 = 1,825.00/month saves 1,368.75.
  {
    days: range(1, 30),
    cost: () => 60,
    service: 'Amazon SageMaker',
    resource: ENDPOINT,
    type: 'Endpoint',
    sku: 'ml.g5.12xlarge',
    pricing: 'Committed',
    tags: { team: 'ml-platform' },
    commitment: { status: 'Used' },
  },
  {
    days: range(1, 30),
    cost: () => 20,
    service: 'Savings Plans for AWS Compute usage',
    resource: '',
    type: '',
    sku: 'ComputeSP:1yrNoUpfront',
    pricing: 'Committed',
    tags: {},
    commitment: { status: 'Unused' },
  },
  // llama-70b@3 (fp16, 70B) on a p4d.24xlarge found by its model tag, 24 days at 480: 11,520 = 11,680.00/month.
  // At int8 (78.2 GiB) it fits g6.12xlarge ($4.6016/h vs $21.9576/h): 11,680 × 17.356 / 21.9576 = 9,232.25;
  // at int4 (39.1 GiB) g6e.xlarge ($1.861/h): 11,680 × 20.0966 / 21.9576 = 10,690.07.
  {
    days: range(7, 30),
    cost: () => 480,
    service: 'Amazon Elastic Compute Cloud',
    resource: 'i-llama',
    type: 'Virtual Machine',
    sku: 'p4d.24xlarge',
    pricing: 'Standard',
    tags: { team: 'genai', 'tollgate.io/model': 'llama-70b@3' },
  },
];

function focusCsv(): string {
  const rows = LINES.flatMap((line) =>
    line.days.map((day) => {
      const start = `2026-03-${String(day).padStart(2, '0')}T00:00:00Z`;
      const end = new Date(Date.parse(start) + 86_400_000).toISOString().replace('.000', '');
      const cost = line.cost(day).toFixed(2);
      return [
        start,
        end,
        cost,
        cost,
        'USD',
        'Amazon Web Services',
        line.service,
        'Compute',
        'us-east-1',
        line.resource,
        line.type,
        line.sku,
        line.pricing,
        '111122223333',
        JSON.stringify(line.tags),
        line.sku.replace(/^ml\./, ''),
        line.commitment ? SP : '',
        line.commitment ? 'Savings Plan' : '',
        line.commitment?.status ?? '',
      ];
    }),
  );
  return savingsFocusCsv(rows);
}

const INVENTORY = `version: 1
models:
  - id: chat
    owner_team: ml-platform
    risk_tier: limited
    versions:
      - version: "2"
        artifact: { uri: "s3://models/chat/2", digest: "sha256:${'a'.repeat(64)}" }
        approvals:
          - { reviewer: ana@example.com, role: ml-lead, decision: approve, date: "2026-02-27", digest: "sha256:${'a'.repeat(64)}" }
        deployments:
          - resource: ${ENDPOINT}
            environment: prod
            platform: sagemaker
            region: us-east-1
            instance_type: ml.g5.12xlarge
            replicas: 4
            gpu_utilization: 12
  - id: llama-70b
    owner_team: genai
    risk_tier: limited
    versions:
      - version: "3"
        artifact: { uri: "s3://models/llama-70b/3", digest: "sha256:${'b'.repeat(64)}" }
        approvals:
          - { reviewer: ana@example.com, role: ml-lead, decision: approve, date: "2026-02-27", digest: "sha256:${'b'.repeat(64)}" }
        parameters: 70000000000
        precision: fp16
        deployments:
          - environment: prod
            platform: kubernetes
            cloud: aws
            region: us-east-1
            instance_type: p4d.24xlarge
            replicas: 1
            gpu_utilization: 70
`;

interface Recommendation {
  rule: string;
  resource: string;
  message: string;
  monthly_savings_usd: number;
  evidence: Record<string, unknown>;
}

describe('tollgate report: savings from billing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-savings-'));
  const out = join(dir, 'out');
  let run: ReturnType<typeof cli>;
  let recommendations: Recommendation[];
  beforeAll(() => {
    writeFileSync(join(dir, 'focus.csv'), focusCsv());
    writeFileSync(join(dir, 'inventory.yaml'), INVENTORY);
    run = cli([
      'report',
      '--source',
      `focus:${join(dir, 'focus.csv')}`,
      '--inventory',
      join(dir, 'inventory.yaml'),
      '--out',
      out,
      '--history',
      join(dir, 'history.duckdb'),
      '--now',
      '2026-03-31T06:00:00Z',
    ]);
    recommendations = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { recommendations: Recommendation[] }).recommendations;
  });

  it('runs clean', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('ranks every saving by dollars, each naming its resource, with the hand-computed figure', () => {
    expect(recommendations.map((r) => [r.rule, r.resource, r.monthly_savings_usd])).toEqual([
      ['TG-SAV-QUANT', 'llama-70b@3/prod/kubernetes/us-east-1', 10690.07],
      ['TG-SAV-QUANT', 'llama-70b@3/prod/kubernetes/us-east-1', 9232.25],
      ['TG-SAV-IDLE', ENDPOINT, 1368.75],
      ['TG-SAV-SPOT', 'arn:aws:sagemaker:us-east-1:111122223333:training-job/llm-finetune', 1095],
      ['TG-SAV-COMMIT', 'i-steady', 1022],
      ['TG-SAV-COMMIT', SP, 608.33],
    ]);
    for (const r of recommendations) {
      expect(r.evidence['source']).toBe('billing');
      expect(typeof r.evidence['assumption']).toBe('string');
    }
  });

  it('states the commitment: hours covered, term, discount, coverage today', () => {
    const commit = recommendations.find((r) => r.resource === 'i-steady');
    expect(commit?.evidence).toMatchObject({
      hours_covered_per_month: 730,
      term: '1 year',
      discount: 0.28,
      lowest_daily_on_demand: 120,
      monthly_commitment: 3650,
      // Covered 1,800 of 1,800 + 3,700 + 6,000 + 11,520 on-demand-eligible.
      coverage_percent: 7.8,
    });
    expect(commit?.message).toContain('a 1-year Savings Plan for that baseline ($3,650.00/month, 28% off assumed)');
  });

  it('reports the Savings Plan used 75% with its unused dollars', () => {
    const unused = recommendations.find((r) => r.resource === SP);
    expect(unused?.evidence).toMatchObject({ utilization_percent: 75, used: 1800, unused: 600 });
    expect(unused?.message).toBe(
      `Savings Plan ${SP} was 75% used over the last 30 days: $608.33/month of it is paid for and unused; move matching on-demand work onto it or exchange it`,
    );
  });

  it('joins the inventory to spend by resource id and by model tag', () => {
    const idle = recommendations.find((r) => r.rule === 'TG-SAV-IDLE');
    expect(idle?.evidence).toMatchObject({ matched_by: 'resource id', monthly_spend: 1825, recommended_replicas: 1, share_saved: 0.75 });
    const quant = recommendations.find((r) => r.rule === 'TG-SAV-QUANT');
    expect(quant?.evidence).toMatchObject({ matched_by: 'model tag', billed_resources: ['i-llama'], monthly_spend: 11680 });
  });

  it('shows the ranked savings in Markdown and HTML', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    // 10,690.07 + 9,232.25 + 1,368.75 + 1,095.00 + 1,022.00 + 608.33
    expect(md).toContain(
      '## Savings recommendations\n\n6 recommendation(s), **24,016.40 USD/month** in all, largest first.\n\n1. **10,690.07 USD/month** TG-SAV-QUANT',
    );
    expect(md).toMatch(
      /^5\. \*\*1,022\.00 USD\/month\*\* TG-SAV-COMMIT `i-steady`: .* _Assumes a 1-year, no-upfront commitment sized to the lowest on-demand day \(not the peak\), 28% off on-demand prices \(the rule's discount parameter\)\._$/m,
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<b>24,016.40 USD/month</b> in all');
    expect(html).toMatch(
      /<li><b>1,095\.00 USD\/month<\/b> TG-SAV-SPOT <code>arn:aws:sagemaker:us-east-1:111122223333:training-job\/llm-finetune<\/code>/,
    );
  });
});
