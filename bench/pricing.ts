/**
 * `node --import tsx bench/pricing.ts [resources]`: what pricing adds to a check of a generated plan
 * (default 10,000 resources): catalog load and plan cost estimate, next to the engine's evaluation of the
 * same resources. Median of 5 runs. Prints figures; asserts nothing (target: pricing under 10% of the check).
 */
import { readBundleFile } from '../src/engine/bundle.js';
import { PolicyEngine } from '../src/engine/policy-engine.js';
import { parsePlan } from '../src/inputs/terraform/index.js';
import { builtinBundlePath } from '../src/package-paths.js';
import { catalogFromDocument, estimatePlanCost, loadCatalog } from '../src/pricing/index.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';
import { generatePlan } from './generate-plan.js';
import { median } from './median.js';

const RUNS = 5;
const size = Number(process.argv[2] ?? 10_000);

function timeMs(action: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    action();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const text = generatePlan(size);
const parseMs = timeMs(() => parsePlan(text, 'bench.json'));
const { resources } = parsePlan(text, 'bench.json');
const document = loadCatalog().document;
// A fresh catalog each run: schema validation and indexing are part of what a check pays.
const catalogMs = timeMs(() => catalogFromDocument(structuredClone(document), 'built-in'));
const catalog = loadCatalog();
const estimate = estimatePlanCost(resources, catalog);
const estimateMs = timeMs(() => estimatePlanCost(resources, catalog));

const engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
// The input `tollgate check` evaluates, from the one prepare stage (which prices with the same catalog).
const input = await prepare({
  subject: { kind: 'plan', plan: { resources, terraformVersion: null, formatVersion: null }, source: 'bench.json' },
  settings: prepareSettings({ file: null, config: {} }),
  now: '2026-01-01T00:00:00Z',
});
const evaluateMs = timeMs(() => engine.evaluate(input));

const pricingMs = catalogMs + estimateMs;
const checkMs = parseMs + pricingMs + evaluateMs;
const priced = estimate.resources.filter((resource) => resource.cost !== undefined).length;
const rows: Array<[string, string]> = [
  [
    'resources',
    `${resources.length.toLocaleString('en-US')} (${priced.toLocaleString('en-US')} priced, ${estimate.totals.unpricedResources} unpriced)`,
  ],
  ['parse + normalise', `${parseMs.toFixed(1)} ms`],
  ['catalog load + validate', `${catalogMs.toFixed(1)} ms`],
  ['estimate', `${estimateMs.toFixed(1)} ms`],
  ['engine evaluation', `${evaluateMs.toFixed(1)} ms`],
  ['pricing share of the check', `${((pricingMs / checkMs) * 100).toFixed(1)} % (target < 10 %)`],
];
for (const [label, value] of rows) process.stdout.write(`${label.padEnd(28)} ${value}\n`);
