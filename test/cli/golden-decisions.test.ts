/**
 * The sample plans in fixtures/plans, judged by the real CLI with the demo config: their decisions are
 * golden files (test/golden/decisions/, rewritten with UPDATE_GOLDEN=1 and reviewed in the diff), and the
 * problems planted in them (fixtures/plans/README.md) must each be found.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from './run-cli.js';

const goldenDir = join(repoRoot, 'test', 'golden', 'decisions');

function decide(plan: string): Record<string, unknown> {
  const result = tollgate([
    'check',
    '--plan',
    `fixtures/plans/${plan}.json`,
    '--config',
    'fixtures/tollgate.yaml',
    '--now',
    '2026-11-23',
    '-f',
    'json',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  // The revision changes with every policy edit; the decisions are what the golden files pin.
  return { ...(JSON.parse(result.stdout) as Record<string, unknown>), bundleRevision: '(any)' };
}

interface Found {
  rule: string;
  resource: string;
}
const pairs = (items: unknown): string[] => (items as Found[]).map((f) => `${f.rule} ${f.resource}`);

describe.each(['aws-ml-platform', 'gcp-ml-platform', 'azure-ml-platform'])('fixtures/plans/%s.json', (plan) => {
  const decision = decide(plan);

  it('matches its golden decision', () => {
    const golden = join(goldenDir, `${plan}.json`);
    const text = `${JSON.stringify(decision, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(golden, text);
    }
    // A missing golden file is a failure, not a new baseline: otherwise deleting one makes the test pass.
    expect(existsSync(golden), `${golden} is missing; run with UPDATE_GOLDEN=1 to write it, then review it`).toBe(true);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it.each(['text', 'json', 'sarif', 'junit', 'github', 'markdown'])('never prints a sensitive value in %s', (format) => {
    const result = tollgate([
      'check',
      '--plan',
      `fixtures/plans/${plan}.json`,
      '--config',
      'fixtures/tollgate.yaml',
      '--tf-dir',
      'fixtures/terraform/aws',
      '-f',
      format,
    ]);
    expect(result.stdout.length).toBeGreaterThan(0);
    // Every sample plan plants a sensitive value named Planted-...-Secret-...
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/Planted-[A-Za-z-]*Secret/);
  });
});

describe('planted problems are found', () => {
  it.each([
    ['aws-ml-platform', 'violations', 'TG-ENC-001 aws_ebs_volume.scratch'],
    ['aws-ml-platform', 'violations', 'TG-ENC-001 aws_instance.trainer'],
    ['aws-ml-platform', 'violations', 'TG-ENC-004 aws_lb_listener.http'],
    ['aws-ml-platform', 'violations', 'TG-REG-002 aws_s3_bucket.eu_replica'],
    ['aws-ml-platform', 'violations', 'TG-GPU-001 aws_eks_node_group.gpu'],
    ['aws-ml-platform', 'violations', 'TG-TAG-001 module.inference["green"].aws_instance.server'],
    ['aws-ml-platform', 'warnings', 'TG-TAG-001 aws_sagemaker_endpoint.llm'],
    ['aws-ml-platform', 'exempted', 'TG-ENC-003 aws_lb_listener.https'],
    ['gcp-ml-platform', 'violations', 'TG-GPU-001 google_container_node_pool.a100'],
    ['gcp-ml-platform', 'violations', 'TG-ENC-002 google_storage_bucket.datasets'],
    ['gcp-ml-platform', 'violations', 'TG-ENC-003 google_compute_ssl_policy.legacy'],
    ['gcp-ml-platform', 'violations', 'TG-ENC-004 google_sql_database_instance.metadata'],
    ['gcp-ml-platform', 'violations', 'TG-REG-001 google_storage_bucket.models'],
    ['azure-ml-platform', 'violations', 'TG-ENC-003 azurerm_storage_account.datasets'],
    ['azure-ml-platform', 'violations', 'TG-ENC-003 azurerm_mssql_server.meta'],
    ['azure-ml-platform', 'violations', 'TG-REG-002 azurerm_storage_account.models'],
    ['azure-ml-platform', 'violations', 'TG-GPU-002 azurerm_kubernetes_cluster_node_pool.gpu'],
  ])('%s: %s include %s', (plan, list, pair) => {
    expect(pairs(decide(plan)[list])).toContain(pair);
  });

  it('deleted resources are not judged', () => {
    const all = ['violations', 'warnings', 'exempted'].flatMap((list) => pairs(decide('aws-ml-platform')[list]));
    expect(all.filter((pair) => pair.includes('legacy_notebook'))).toEqual([]);
  });
});
