/**
 * A report with many billed resources is evaluated in slices of them (report_decision once, then
 * usage_recommendations per slice; see src/engine/policy-engine.ts). The sliced decision must be the one
 * evaluation's decision exactly: same findings, same recommendations and figures, same savings fact. Checked on
 * the offline demo exports and the savings fixture, through the real import, prepare stage and opa-wasm bundle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostHistory } from '../../src/billing/history.js';
import { importSources, parseSourceSpec } from '../../src/billing/sources.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { readInventoryFile } from '../../src/inputs/inventory/index.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { prepare, prepareSettings, type ReportPolicyInput } from '../../src/prepare/index.js';
import { readReportFacts } from '../../src/report/report-facts.js';

const NOW = '2025-06-20T00:00:00.000Z';
const offline = (): never => {
  throw new Error('offline');
};

describe('savings over slices of the billed resources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-usage-slices-'));
  let engine: PolicyEngine;
  let input: ReportPolicyInput;

  beforeAll(async () => {
    const history = await CostHistory.open(join(dir, 'history.duckdb'));
    await importSources(
      history,
      [parseSourceSpec('focus:fixtures/billing'), parseSourceSpec('focus:fixtures/billing-cases/showback.csv')],
      {
        today: NOW.slice(0, 10),
        days: 60,
        tagKeys: ['team'],
        retentionDays: 400,
        refresh: false,
        cacheDir: dir,
        clients: { aws: offline, azure: offline, bigquery: offline },
      },
    );
    const facts = await readReportFacts(history, {
      today: NOW.slice(0, 10),
      now: NOW,
      days: 60,
      budgets: [],
      environmentTagKeys: ['environment'],
      teamTagKey: 'team',
    });
    const inventory = readInventoryFile('fixtures/billing-cases/showback-inventory.yaml', NOW);
    engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), {});
    input = await prepare({
      subject: { kind: 'report', facts, source: 'test' },
      sources: { history, inventory },
      settings: prepareSettings({ file: null, config: {} }),
      now: NOW,
    });
    history.close();
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has billed resources to slice and per-resource offers among its recommendations', () => {
    expect(input.report.usage?.resources.length).toBeGreaterThan(3);
    const whole = engine.evaluate(input, { slices: false });
    expect(whole.recommendations.filter((r) => r.rule === 'TG-SAV-COMMIT' || r.rule === 'TG-SAV-SPOT').length).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('slices of %i billed resource(s) give the one evaluation decision', (size) => {
    const whole = engine.evaluate(input, { slices: false });
    const sliced = engine.evaluate(input, { usageSliceResources: size });
    expect(sliced).toEqual(whole);
  });
});
