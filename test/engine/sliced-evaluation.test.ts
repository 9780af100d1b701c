/**
 * The sliced evaluation (per-resource rules over slices, every other rule over the whole plan) must reach the
 * same decision as one evaluation: every fixture plan judged one resource per slice and a few per slice, and
 * generated plans judged with the default slices, each with and without exemptions and a model inventory; and
 * the same with the slices evaluated on worker threads (forced on these small inputs through `workers`).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configs, fixturePlanCases, inputFor, planDir } from './fixture-plan-cases.js';
import { generatePlan } from '../../bench/generate-plan.js';
import { loadConfig } from '../../src/config/config.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine, SLICE_RESOURCES } from '../../src/engine/policy-engine.js';
import { parsePlan, readPlanFile } from '../../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';

const engines = new Map<string, PolicyEngine>();
async function engineFor(configFile: string | undefined): Promise<PolicyEngine> {
  const key = configFile ?? '';
  let engine = engines.get(key);
  if (engine === undefined) {
    engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...loadConfig(configFile).config });
    engines.set(key, engine);
  }
  return engine;
}

describe('sliced evaluation', () => {
  beforeAll(async () => {
    await Promise.all(Object.values(configs).map((file) => engineFor(file)));
  });

  it.each(fixturePlanCases)('$plan with config $configName (inventory: $inventory): the same decision as one evaluation', async (c) => {
    const file = join(planDir, c.plan);
    const input = await inputFor(await readPlanFile(file), file, c.configFile, c.inventory);
    const engine = await engineFor(c.configFile);
    const single = engine.evaluate(input, { slices: false });
    expect(input.resources.length).toBeGreaterThan(1);
    for (const sliceResources of [1, 3]) expect(engine.evaluate(input, { sliceResources })).toEqual(single);
    // The slices on worker threads, joined in slice order.
    expect(engine.evaluate(input, { sliceResources: 1, workers: 2 })).toEqual(single);
  });

  it.each([
    { size: 2 * SLICE_RESOURCES + 17, configName: 'defaults' as const },
    { size: SLICE_RESOURCES + 17, configName: 'fixtures/tollgate.yaml' as const },
  ])('a generated plan of $size resources with config $configName: the same decision, findings included', async (c) => {
    const text = generatePlan(c.size);
    const input = await inputFor(parsePlan(text, 'generated.json'), 'generated.json', configs[c.configName], true);
    const engine = await engineFor(configs[c.configName]);
    const single = engine.evaluate(input, { slices: false });
    // Findings from the per-resource rules and from the whole-plan ones, so both halves are compared.
    expect(single.violations.length + single.warnings.length).toBeGreaterThan(c.size / 4);
    expect(new Set([...single.violations, ...single.warnings].map((f) => f.rule)).size).toBeGreaterThan(3);
    expect(engine.evaluate(input, { workers: 0 })).toEqual(single);
    // On worker threads: small slices, so that every worker has several and they finish out of order.
    for (const workers of [1, 3])
      expect(JSON.stringify(engine.evaluate(input, { sliceResources: 97, workers }))).toBe(JSON.stringify(single));
  });

  it('a plan whose values are not all ASCII: each slice holds whole resources (slices are cut from the encoded input)', async () => {
    // Two-, three- and four-byte UTF-8 characters in tag values, so a slice cut at a character count would split them.
    const text = generatePlan(60).replaceAll('research', 'recherche-é-データ-🚀');
    const input = await inputFor(parsePlan(text, 'generated.json'), 'generated.json', undefined, false);
    const engine = await engineFor(undefined);
    const single = engine.evaluate(input, { slices: false });
    expect(JSON.stringify(single)).toContain('データ');
    for (const sliceResources of [1, 7]) expect(engine.evaluate(input, { sliceResources })).toEqual(single);
    expect(engine.evaluate(input, { sliceResources: 7, workers: 2 })).toEqual(single);
  });
});
