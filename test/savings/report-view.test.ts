/**
 * The report view: on a report judged in slices of its billed resources, report_decision is given only the billed
 * resources an inventory deployment's spend is looked up by (policies/decision.rego, report_view). The decision must
 * be the one evaluation's, on a report where every reader of the billed spend has something to say: commitment and
 * spot offers, an under-used commitment, an idle deployment joined by resource id, a quantization joined by model
 * tag, budgets over their amounts and anomalies. A bundle with a rule or a fact of its own, which may read any
 * billed resource, is judged on the whole input.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savingsFocusCsv } from './focus-csv.js';
import { CostHistory } from '../../src/billing/history.js';
import { importSources, parseSourceSpec } from '../../src/billing/sources.js';
import { buildBundle } from '../../src/compiler/build-bundle.js';
import { installedOpa } from '../installed-opa.js';
import { loadConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { readOverView } from '../../src/engine/report-view.js';
import { parseInventory } from '../../src/inputs/inventory/index.js';
import type { Decision } from '../../src/model/decision.js';
import { builtinBundlePath, builtinPolicyDir } from '../../src/package-paths.js';
import { prepare, prepareSettings, type ReportPolicyInput } from '../../src/prepare/index.js';
import { readReportFacts } from '../../src/report/report-facts.js';

const opa = installedOpa();
const NOW = '2025-06-20T00:00:00.000Z';
const CONFIG = 'fixtures/billing/tollgate.yaml';
const offline = (): never => {
  throw new Error('offline');
};

const ENDPOINT = 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/chat-llm';
const SP = 'arn:aws:savingsplans::111122223333:savingsplan/sp-1';

interface Line {
  readonly resource: string;
  readonly service: string;
  readonly type: string;
  readonly sku: string;
  readonly pricing: 'Standard' | 'Dynamic' | 'Committed';
  readonly tags: Record<string, string>;
  readonly daily: number;
  readonly commitment?: 'Used' | 'Unused';
}

/** The billed spend of the last 30 days (2025-05-21 to 2025-06-19), beside the demo exports' teams and budgets. */
const LINES: readonly Line[] = [
  // Serving on demand every day: a commitment offer (TG-SAV-COMMIT), like the fillers below.
  ...Array.from({ length: 6 }, (_, i) => ({
    resource: `i-serving-${i}`,
    service: 'Amazon Elastic Compute Cloud',
    type: 'Virtual Machine',
    sku: 'g5.12xlarge',
    pricing: 'Standard' as const,
    tags: { team: 'ml-research', workload: 'serving' },
    daily: 100 + 10 * i,
  })),
  // Training on demand: a spot offer (TG-SAV-SPOT).
  {
    resource: 'arn:aws:sagemaker:us-east-1:111122223333:training-job/llm-finetune',
    service: 'Amazon SageMaker',
    type: 'Training Job',
    sku: 'ml.p4d.24xlarge',
    pricing: 'Standard',
    tags: { team: 'ml-research' },
    daily: 500,
  },
  // The inventory's endpoint, on a Savings Plan a quarter unused: TG-SAV-IDLE by resource id, TG-SAV-COMMIT's commitment.
  {
    resource: ENDPOINT,
    service: 'Amazon SageMaker',
    type: 'Endpoint',
    sku: 'ml.g5.12xlarge',
    pricing: 'Committed',
    tags: { team: 'inference' },
    daily: 60,
    commitment: 'Used',
  },
  {
    resource: '',
    service: 'Savings Plans for AWS Compute usage',
    type: '',
    sku: 'ComputeSP:1yrNoUpfront',
    pricing: 'Committed',
    tags: {},
    daily: 20,
    commitment: 'Unused',
  },
  // Tagged with the inventory's only deployment of llama-70b@3: TG-SAV-QUANT by model tag.
  {
    resource: 'i-llama',
    service: 'Amazon Elastic Compute Cloud',
    type: 'Virtual Machine',
    sku: 'p4d.24xlarge',
    pricing: 'Standard',
    tags: { team: 'inference', 'tollgate.io/model': 'llama-70b@3' },
    daily: 480,
  },
  // Tagged with a model the inventory does not deploy: never read by report_decision.
  {
    resource: 'i-other-model',
    service: 'Amazon Elastic Compute Cloud',
    type: 'Virtual Machine',
    sku: 'p4d.24xlarge',
    pricing: 'Standard',
    tags: { team: 'inference', 'tollgate.io/model': 'mistral-7b@1' },
    daily: 300,
  },
];

function focusCsv(): string {
  const days = Array.from({ length: 30 }, (_, i) => new Date(Date.parse('2025-05-21T00:00:00Z') + i * 86_400_000));
  const rows = LINES.flatMap((line) =>
    days.map((day) => [
      day.toISOString().replace('.000', ''),
      new Date(day.getTime() + 86_400_000).toISOString().replace('.000', ''),
      line.daily.toFixed(2),
      line.daily.toFixed(2),
      'USD',
      'Amazon Web Services',
      line.service,
      'Compute',
      'us-east-1',
      line.resource,
      line.type,
      line.sku,
      line.pricing,
      // An account of its own: the demo exports hold spend of 111122223333 for the same days.
      '777788889999',
      JSON.stringify(line.tags),
      line.sku.replace(/^ml\./, ''),
      line.commitment ? SP : '',
      line.commitment ? 'Savings Plan' : '',
      line.commitment ?? '',
    ]),
  );
  return savingsFocusCsv(rows);
}

const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const INVENTORY = `version: 1
models:
  - id: chat
    owner_team: inference
    risk_tier: limited
    versions:
      - version: "2"
        artifact: { uri: "s3://models/chat/2", digest: "${digest('a')}" }
        deployments:
          - { resource: "${ENDPOINT}", environment: prod, platform: sagemaker, region: us-east-1, instance_type: ml.g5.12xlarge, replicas: 4, gpu_utilization: 12 }
  - id: llama-70b
    owner_team: inference
    risk_tier: limited
    versions:
      - version: "3"
        artifact: { uri: "s3://models/llama-70b/3", digest: "${digest('b')}" }
        parameters: 70000000000
        precision: fp16
        deployments:
          - { environment: prod, platform: kubernetes, cloud: aws, region: us-east-1, instance_type: p4d.24xlarge, replicas: 1, gpu_utilization: 70 }
`;

const json = (decision: Decision): string => JSON.stringify(decision);
const rulesOf = (decision: Decision): Set<string> =>
  new Set([...decision.violations, ...decision.warnings, ...decision.recommendations].map((item) => item.rule));

describe('the report view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-view-'));
  const config = { ...loadConfig(CONFIG).config };
  let input: ReportPolicyInput;
  let builtin: PolicyEngine;

  beforeAll(async () => {
    writeFileSync(join(dir, 'focus.csv'), focusCsv());
    const history = await CostHistory.open(join(dir, 'history.duckdb'));
    await importSources(history, [parseSourceSpec('focus:fixtures/billing'), parseSourceSpec(`focus:${join(dir, 'focus.csv')}`)], {
      today: NOW.slice(0, 10),
      days: 60,
      tagKeys: ['team'],
      retentionDays: 400,
      refresh: false,
      cacheDir: dir,
      clients: { aws: offline, azure: offline, bigquery: offline },
    });
    const settings = prepareSettings(loadConfig(CONFIG));
    const inventory = parseInventory(INVENTORY, 'inventory.yaml', NOW);
    const facts = await readReportFacts(history, {
      today: NOW.slice(0, 10),
      now: NOW,
      days: 60,
      budgets: config.budgets ?? [],
      environmentTagKeys: settings.environmentTagKeys,
      teamTagKey: 'team',
      inventory,
    });
    input = await prepare({ subject: { kind: 'report', facts, source: 'test' }, sources: { history, inventory }, settings, now: NOW });
    history.close();
    builtin = await PolicyEngine.load(readBundleFile(builtinBundlePath), config);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps for report_decision only the billed resources the inventory deployments are joined to', () => {
    const view = builtin.reportView(input);
    expect(view).not.toBeNull();
    expect([...(view?.keys.resources ?? [])]).toContain(JSON.stringify(ENDPOINT));
    expect([...(view?.keys.models ?? [])]).toContain(JSON.stringify(['llama-70b', '3', 'aws']));
    const resources = input.report.usage?.resources ?? [];
    expect(resources.length).toBeGreaterThan(10);
    const keys = view?.keys ?? { resources: new Set<string>(), models: new Set<string>() };
    const kept = resources.filter((u) => readOverView(u, keys)).map((u) => u.resource);
    expect(kept.sort()).toEqual([ENDPOINT, 'i-llama']);
  });

  it('gives the one evaluation decision, sliced over the view, whatever the slice size', () => {
    const single = builtin.evaluate(input, { slices: false });
    // Every reader of the billed spend has something to lose if the view left out what it reads.
    const rules = rulesOf(single);
    for (const rule of ['TG-SAV-COMMIT', 'TG-SAV-SPOT', 'TG-SAV-IDLE', 'TG-SAV-QUANT', 'TG-BUD-002', 'TG-ANO-001'])
      expect(rules).toContain(rule);
    const joined = single.recommendations.filter((r) => r.evidence['source'] === 'billing').map((r) => [r.rule, r.evidence['matched_by']]);
    expect(joined).toContainEqual(['TG-SAV-IDLE', 'resource id']);
    expect(joined).toContainEqual(['TG-SAV-QUANT', 'model tag']);
    expect(single.recommendations.some((r) => r.resource === SP)).toBe(true);
    expect(single.facts.budgets.length).toBe(3);
    for (const size of [1, 4, 9]) expect(json(builtin.evaluate(input, { usageSliceResources: size }))).toBe(json(single));
  });

  it.skipIf(opa === null)(
    'a bundle with a rule or a fact of its own reading the billed resources gets the whole input',
    async () => {
      const custom = join(dir, 'custom');
      const rule = join(custom, 'rules', 'acme', 'ACME-002');
      mkdirSync(rule, { recursive: true });
      writeFileSync(
        join(rule, 'on_demand.rego'),
        `# METADATA
# title: Large on-demand spend
# description: A billed resource with more than 3,000 of on-demand spend in the window.
# custom:
#   id: ACME-002
#   severity: low
package tollgate.rules.acme["ACME-002"]

findings contains {"resource": u.resource, "message": "large on-demand spend"} if {
	some u in object.get(input, ["report", "usage", "resources"], [])
	u.cost.standard > 3000
}
`,
      );
      const withRule = join(dir, 'with-rule.tar.gz');
      await buildBundle({ policyDirs: [builtinPolicyDir, custom], output: withRule, opa: opa ?? '' });
      const ruleEngine = await PolicyEngine.load(readBundleFile(withRule), config);
      expect(ruleEngine.reportView(input)).toBeNull();
      const single = ruleEngine.evaluate(input, { slices: false });
      expect(single.violations.filter((v) => v.rule === 'ACME-002').map((v) => v.resource)).toContain('i-serving-5');
      expect(json(ruleEngine.evaluate(input, { usageSliceResources: 4 }))).toBe(json(single));

      // A fact only a report defines: report_view (over the input without its report) does not see it, the
      // evaluation over the view publishes it, and the engine judges the whole input again.
      const factOnly = join(dir, 'fact');
      mkdirSync(join(factOnly, 'facts'), { recursive: true });
      writeFileSync(
        join(factOnly, 'facts', 'billed.rego'),
        `package tollgate.facts

billed_resources := count(input.report.usage.resources) if input.report.usage
`,
      );
      const withFact = join(dir, 'with-fact.tar.gz');
      await buildBundle({ policyDirs: [builtinPolicyDir, factOnly], output: withFact, opa: opa ?? '' });
      const factEngine = await PolicyEngine.load(readBundleFile(withFact), config);
      expect(factEngine.reportView(input)).not.toBeNull();
      const whole = factEngine.evaluate(input, { slices: false });
      expect((whole.facts as Record<string, unknown>)['billed_resources']).toBe(input.report.usage?.resources.length);
      expect(json(factEngine.evaluate(input, { usageSliceResources: 4 }))).toBe(json(whole));
    },
    240_000,
  );
});
