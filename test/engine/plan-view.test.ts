/**
 * The plan view: on a plan judged in slices, plan_decision reads each resource narrowed to the fields the
 * whole-plan rules read (policies/decision.rego, plan_view). The decision must be the one evaluation's, on a
 * plan where the whole-plan rules have much to say (savings recommendations, budgets over and under their
 * amounts, model reviews); and a bundle with a rule or fact of its own, which may read any field, is judged
 * on the whole input.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePlan } from '../../bench/generate-plan.js';
import { buildBundle } from '../../src/compiler/build-bundle.js';
import { installedOpa } from '../installed-opa.js';
import { loadConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine, SLICE_RESOURCES } from '../../src/engine/policy-engine.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import type { Decision } from '../../src/model/decision.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { builtinBundlePath, builtinPolicyDir, packageRoot } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';

const opa = installedOpa();
const now = '2026-11-23T00:00:00Z';
const inventoryFile = join(packageRoot, 'fixtures', 'inventory', 'ml-platform.yaml');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-plan-view-'));

/** Budgets one team exceeds and one it does not, on top of the demo configuration. */
const configFile = join(dir, 'tollgate.yaml');
writeFileSync(
  configFile,
  `version: 1
default_environment: dev
budgets:
  - { name: research, scope: { team: research }, amount: 1000, currency: USD, warn_at: 80, deny_at: 100 }
  - { name: platform-prod, scope: { team: ml-platform, environment: prod }, amount: 100000000, currency: USD }
  - { name: everything, scope: {}, amount: 5000000, currency: USD }
`,
);

/**
 * A generated plan whose work is labelled: research serving a model of the inventory (commitment and
 * quantization recommendations for its on-demand instances) and ml-platform training (checkpointing findings
 * for its spot node pools).
 */
function labelledPlan(size: number): string {
  return generatePlan(size)
    .replaceAll('"team":"research"', '"team":"research","workload":"serving","tollgate.io/model":"assistant-70b@2"')
    .replaceAll('"team":"ml-platform"', '"team":"ml-platform","workload":"training"');
}

async function inputFor(text: string): Promise<PolicyInput> {
  return prepare({
    subject: { kind: 'plan', plan: parsePlan(text, 'generated.json'), source: 'generated.json', environment: null },
    sources: { inventoryFile, spendFiles: [] },
    settings: prepareSettings(loadConfig(configFile)),
    now,
  });
}

async function engineOf(bundleFile: string): Promise<PolicyEngine> {
  return PolicyEngine.load(readBundleFile(bundleFile), { ...loadConfig(configFile).config });
}

const rulesOf = (decision: Decision): Set<string> =>
  new Set([...decision.violations, ...decision.warnings, ...decision.recommendations].map((item) => item.rule));

describe('the plan view', () => {
  let builtin: PolicyEngine;
  beforeAll(async () => {
    builtin = await engineOf(builtinBundlePath);
  });

  it('the built-in bundle narrows the resources to what its whole-plan rules read: not the raw values or cost sources', () => {
    const view = builtin.planView();
    expect(view).not.toBeNull();
    const fields = view?.fields ?? new Map();
    expect(fields.get('address')).toBe(true);
    expect(fields.get('tags')).toBe(true);
    expect((fields.get('compute') as ReadonlySet<string> | undefined)?.has('variants')).toBe(false);
    expect(fields.has('values')).toBe(false);
    expect(fields.has('transport')).toBe(false);
    const cost = fields.get('cost') as ReadonlySet<string> | undefined;
    expect(cost?.has('monthlyDelta')).toBe(true);
    expect(cost?.has('sources')).toBe(false);
    expect([...(view?.facts ?? [])].sort()).toEqual(['budgets', 'estimates', 'freshness', 'savings', 'showback']);
  });

  it('a plan with savings, budgets and model reviews: the same decision sliced (one thread and workers) as in one piece', async () => {
    const input = await inputFor(labelledPlan(2 * SLICE_RESOURCES + 17));
    const single = builtin.evaluate(input, { slices: false });
    // The whole-plan rules have findings and recommendations to lose if they read a field the view leaves out.
    expect(single.recommendations.length).toBeGreaterThan(250);
    const rules = rulesOf(single);
    for (const rule of ['TG-SAV-COMMIT', 'TG-SAV-QUANT', 'TG-SAV-CKPT', 'TG-REV-005', 'TG-BUD-002', 'TG-TAG-001', 'TG-ENC-001'])
      expect(rules).toContain(rule);
    expect(single.facts.budgets.length).toBe(3);
    expect(single.facts.savings?.monthly_savings_usd).toBeGreaterThan(0);
    const text = JSON.stringify(single);
    expect(JSON.stringify(builtin.evaluate(input, { workers: 0 }))).toBe(text);
    expect(JSON.stringify(builtin.evaluate(input, { sliceResources: 97, workers: 2 }))).toBe(text);
  });

  it.skipIf(opa === null)(
    'a bundle with a rule and a fact of its own gets the whole input: the rule reads the raw values, the fact only a plan defines',
    async () => {
      const custom = join(dir, 'custom');
      const rule = join(custom, 'rules', 'acme', 'ACME-001');
      mkdirSync(rule, { recursive: true });
      writeFileSync(
        join(rule, 'big_volumes.rego'),
        `# METADATA
# title: Volumes stay small
# description: A volume of more than 400 GiB, read from the raw planned values.
# custom:
#   id: ACME-001
#   severity: low
package tollgate.rules.acme["ACME-001"]

findings contains {"resource": r.address, "message": "a big volume"} if {
	some r in input.resources
	r.values.size > 400
}
`,
      );
      mkdirSync(join(custom, 'facts'), { recursive: true });
      writeFileSync(
        join(custom, 'facts', 'raw.rego'),
        `package tollgate.facts

# The planned volume sizes, from the raw values: defined only for a plan with resources.
volume_gib := sum([r.values.size | some r in input.resources; is_number(r.values.size)]) if count(input.resources) > 0
`,
      );
      const output = join(dir, 'custom.tar.gz');
      await buildBundle({ policyDirs: [builtinPolicyDir, custom], output, opa: opa ?? '' });
      const engine = await engineOf(output);
      expect(engine.planView()).toBeNull();
      const input = await inputFor(labelledPlan(SLICE_RESOURCES + 17));
      const single = engine.evaluate(input, { slices: false });
      expect(rulesOf(single)).toContain('ACME-001');
      expect(JSON.stringify(engine.evaluate(input, { workers: 0 }))).toBe(JSON.stringify(single));

      // A fact of its own alone: the view applies, the fact is undefined for an input without resources, and the
      // narrowed decision publishing it is judged again on the whole input.
      const factOnly = join(dir, 'fact-only');
      mkdirSync(join(factOnly, 'facts'), { recursive: true });
      writeFileSync(join(factOnly, 'facts', 'raw.rego'), readFileSync(join(custom, 'facts', 'raw.rego'), 'utf8'));
      const factOutput = join(dir, 'fact-only.tar.gz');
      await buildBundle({ policyDirs: [builtinPolicyDir, factOnly], output: factOutput, opa: opa ?? '' });
      const factEngine = await engineOf(factOutput);
      expect(factEngine.planView()).not.toBeNull();
      const factSingle = factEngine.evaluate(input, { slices: false });
      expect((factSingle.facts as unknown as Record<string, unknown>).volume_gib).toBeGreaterThan(0);
      expect(JSON.stringify(factEngine.evaluate(input, { workers: 0 }))).toBe(JSON.stringify(factSingle));
    },
  );
});
