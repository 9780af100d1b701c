/**
 * The engine evaluates the compact decision (policies/decision.rego: each violation and warning as [rule id,
 * finding], each rule's severity and remediation once in `rules`) and readDecision spells its items out. What it
 * reads must be the decision tollgate/decision spells out in Rego, field for field and as JSON text: every fixture
 * plan with the default config and with the fixture config (exemptions, a warn rule, indeterminate findings), with
 * and without a model inventory, and a generated plan judged in slices (each slice states its own rules). Then
 * readDecision alone, on compact results made by hand: a finding's own severity and remediation win over its rule's.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configs, fixturePlanCases, inputFor, planDir } from './fixture-plan-cases.js';
import { generatePlan } from '../../bench/generate-plan.js';
import { loadConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { loadPolicySync } from '../../src/engine/opa-wasm.js';
import { pagesFor, PolicyEngine, SLICE_RESOURCES } from '../../src/engine/policy-engine.js';
import { readDecision } from '../../src/engine/read-decision.js';
import { parsePlan, readPlanFile } from '../../src/inputs/terraform/index.js';
import { DECISION_ENTRYPOINT, type Decision, type PolicyDecision } from '../../src/model/decision.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { present } from '../present.js';

/** The engine's decision and tollgate/decision's, evaluated by opa-wasm with the same data, both as readDecision reads them. */
async function bothDecisions(input: PolicyInput, configFile: string | undefined): Promise<[PolicyDecision, PolicyDecision]> {
  const bundle = readBundleFile(builtinBundlePath);
  const config = { ...loadConfig(configFile).config };
  const engine = await PolicyEngine.load(bundle, config);
  const { bundleRevision: _revision, inputDigest: _digest, ...compact }: Decision = engine.evaluate(input, { workers: 0 });
  const bytes = new TextEncoder().encode(JSON.stringify(input));
  const module = new (globalThis as unknown as { WebAssembly: { Module: new (wasm: Uint8Array) => object } }).WebAssembly.Module(
    bundle.wasm,
  );
  const policy = loadPolicySync(module, pagesFor(bytes.byteLength));
  const tollgate = { ...(bundle.data.tollgate as Record<string, unknown>), config };
  policy.setData({ ...bundle.data, tollgate });
  const full = readDecision(policy.evaluate(bytes.buffer, present(policy.entrypoints[DECISION_ENTRYPOINT], 'tollgate/decision')), 'test');
  return [compact, full];
}

describe('the compact decision, as the engine reads it', () => {
  it.each(fixturePlanCases)(
    '$plan with config $configName (inventory: $inventory): the decision tollgate/decision spells out',
    async (c) => {
      const file = join(planDir, c.plan);
      const input = await inputFor(await readPlanFile(file), file, c.configFile, c.inventory);
      const [compact, full] = await bothDecisions(input, c.configFile);
      expect(compact.violations.length + compact.warnings.length).toBeGreaterThan(0);
      expect(compact).toEqual(full);
      expect(JSON.stringify(compact)).toBe(JSON.stringify(full));
    },
  );

  it('a generated plan judged in slices: each slice’s items spelled out with the rules it states', async () => {
    const configFile = configs['fixtures/tollgate.yaml'];
    const input = await inputFor(parsePlan(generatePlan(2 * SLICE_RESOURCES + 17), 'generated.json'), 'generated.json', configFile, true);
    const [compact, full] = await bothDecisions(input, configFile);
    // Findings of several per-resource rules (from the slices) and of whole-plan ones, some of them exempted.
    expect(new Set([...compact.violations, ...compact.warnings].map((f) => f.rule)).size).toBeGreaterThan(3);
    expect(compact.violations.length).toBeGreaterThan(SLICE_RESOURCES / 2);
    expect(JSON.stringify(compact)).toBe(JSON.stringify(full));
  });
});

describe('readDecision on a compact result', () => {
  const rules = { 'TG-ENC-001': { severity: 'high', remediation: 'Encrypt it.' } };
  const finding = { resource: 'aws_ebs_volume.a', message: 'not encrypted', indeterminate: false, evidence: { a: 1 } };
  const read = (result: Record<string, unknown>): PolicyDecision => readDecision([{ result }], 'test');

  it('fills what an item leaves out from its rule’s settings, as the full item states it', () => {
    const full = { rule: 'TG-ENC-001', severity: 'high', ...finding, remediation: 'Encrypt it.' };
    expect(read({ violations: [['TG-ENC-001', finding]], rules })).toEqual(read({ violations: [full] }));
    expect(read({ violations: [['TG-ENC-001', finding]], rules }).violations).toEqual([
      { rule: 'TG-ENC-001', severity: 'high', ...finding, remediation: 'Encrypt it.' },
    ]);
  });

  it('keeps a severity and a remediation the finding states itself', () => {
    const own = { ...finding, severity: 'critical', remediation: 'Now.' };
    const [violation] = read({ violations: [['TG-ENC-001', own]], rules }).violations;
    expect([violation?.severity, violation?.remediation]).toEqual(['critical', 'Now.']);
  });

  it('reads a finding’s own null severity as the full item does (medium), not as its rule’s', () => {
    const nullSeverity = { ...finding, severity: null };
    expect(read({ warnings: [['TG-ENC-001', nullSeverity]], rules }).warnings).toEqual(
      read({ warnings: [{ rule: 'TG-ENC-001', ...nullSeverity, remediation: 'Encrypt it.' }] }).warnings,
    );
    expect(read({ warnings: [['TG-ENC-001', nullSeverity]], rules }).warnings[0]?.severity).toBe('medium');
  });

  it('gives an item of a rule without settings the defaults of a full item without them', () => {
    const [violation] = read({ violations: [['TG-OWN-001', { resource: 'x', message: 'm' }]], rules }).violations;
    expect(violation).toEqual({
      rule: 'TG-OWN-001',
      severity: 'medium',
      resource: 'x',
      message: 'm',
      remediation: '',
      indeterminate: false,
      evidence: {},
    });
  });

  it('reads compact and full items side by side, sorted together', () => {
    const decision = read({
      violations: [['TG-ENC-001', finding], { rule: 'TG-ENC-001', ...finding, resource: 'aws_ebs_volume.0', severity: 'low' }],
      rules,
    });
    expect(decision.violations.map((v) => [v.resource, v.severity, v.remediation])).toEqual([
      ['aws_ebs_volume.0', 'low', ''],
      ['aws_ebs_volume.a', 'high', 'Encrypt it.'],
    ]);
  });
});
