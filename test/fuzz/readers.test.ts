/**
 * The fuzz suite: every reader, fed mutations of real inputs, either accepts them or refuses them with a
 * TollgateError (the user's mistake: one line, exit 2). Any other exception would be exit 3, a crash on
 * input, and fails here with the mutated input that caused it. Deterministic: fixed seed, bounded runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costFileRecords } from '../../src/billing/spend-file.js';
import { loadConfig, parseConfig } from '../../src/config/config.js';
import { parseBundle, readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { readTarEntries } from '../../src/engine/tar.js';
import { parseInventory } from '../../src/inputs/inventory/index.js';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { isTollgateError } from '../../src/model/errors.js';
import { builtinBundlePath, packageRoot } from '../../src/package-paths.js';
import { prepare, prepareSettings, type PreparedSettings } from '../../src/prepare/index.js';
import { AdmissionHandler } from '../../src/webhook/admission-handler.js';
import { MalformedReviewError } from '../../src/webhook/admission-review.js';
import type { Logger } from '../../src/webhook/logger.js';
import { WebhookMetrics } from '../../src/webhook/metrics.js';
import { tarOf } from '../engine/tar-writer.js';
import { FUZZ, mutatedJson, mutatedText } from './mutations.js';

const NOW = '2026-11-15T12:00:00.000Z';
const fixture = (path: string): string => readFileSync(join(packageRoot, path), 'utf8');

/** Runs `action`; only a TollgateError (or an error the caller names as expected) may escape it. */
async function acceptsOrRefuses(action: () => unknown, expected: (error: unknown) => boolean = isTollgateError): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (expected(error)) return;
    throw error;
  }
}

let engine: PolicyEngine;
let settings: PreparedSettings;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-fuzz-'));

beforeAll(async () => {
  const loaded = loadConfig(join(packageRoot, 'fixtures/tollgate.yaml'));
  settings = prepareSettings(loaded);
  engine = await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...loaded.config });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: readers accept or refuse, never crash', () => {
  it('the harness lets a TollgateError through and fails on anything else', async () => {
    await acceptsOrRefuses(() => parseConfig('rules: [', 'tollgate.yaml'));
    await expect(acceptsOrRefuses(() => JSON.parse('{') as unknown)).rejects.toThrow(SyntaxError);
  });

  it('Terraform plans, through prepare and the policies', async () => {
    const plan = JSON.parse(fixture('fixtures/plans/aws-ml-platform.json')) as unknown;
    await fc.assert(
      fc.asyncProperty(mutatedJson(plan), async (mutated) => {
        await acceptsOrRefuses(async () => {
          const read = parsePlan(JSON.stringify(mutated), 'plan.json');
          const input = await prepare({ subject: { kind: 'plan', plan: read, source: 'plan.json' }, settings, now: NOW });
          engine.evaluate(input);
        });
      }),
      FUZZ,
    );
  });

  it('plan text', async () => {
    const text = fixture('fixtures/plans/gcp-ml-platform.json');
    await fc.assert(
      fc.asyncProperty(mutatedText(text), async (mutated) => {
        await acceptsOrRefuses(() => parsePlan(mutated, 'plan.json'));
      }),
      FUZZ,
    );
  });

  it('tollgate.yaml', async () => {
    const text = fixture('fixtures/tollgate.yaml');
    await fc.assert(
      fc.asyncProperty(mutatedText(text), async (mutated) => {
        await acceptsOrRefuses(() => parseConfig(mutated, 'tollgate.yaml'));
      }),
      FUZZ,
    );
  });

  it('tollgate.yaml values, through the policies', async () => {
    const config = JSON.parse(JSON.stringify(parseConfig(fixture('fixtures/tollgate.yaml'), 'tollgate.yaml'))) as unknown;
    const plan = parsePlan(fixture('fixtures/plans/aws-ml-platform.json'), 'plan.json');
    await fc.assert(
      fc.asyncProperty(mutatedJson(config), async (mutated) => {
        await acceptsOrRefuses(async () => {
          const parsed = parseConfig(JSON.stringify(mutated), 'tollgate.yaml');
          const mutatedSettings = prepareSettings({ file: null, config: parsed });
          const input = await prepare({ subject: { kind: 'plan', plan, source: 'plan.json' }, settings: mutatedSettings, now: NOW });
          (await PolicyEngine.load(readBundleFile(builtinBundlePath), { ...parsed })).evaluate(input);
        });
      }),
      { ...FUZZ, numRuns: Math.ceil(FUZZ.numRuns / 4) },
    );
  });

  it('model inventories', async () => {
    const text = fixture('fixtures/inventory/ml-platform.yaml');
    await fc.assert(
      fc.asyncProperty(mutatedText(text), async (mutated) => {
        await acceptsOrRefuses(() => parseInventory(mutated, 'inventory.yaml', NOW));
      }),
      FUZZ,
    );
  });

  it('spend files', async () => {
    const text = fixture('fixtures/spend/focus-month.csv');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutatedText(text), async (mutated) => {
        const file = join(dir, `spend-${n++}.csv`);
        writeFileSync(file, mutated);
        await acceptsOrRefuses(async () => {
          let count = 0;
          for await (const record of costFileRecords(file)) count += record.BillingCurrency.length > 0 ? 1 : 0;
          return count;
        });
      }),
      FUZZ,
    );
  });

  it('policy bundles', async () => {
    const entries = readTarEntries(gunzipSync(readFileSync(builtinBundlePath)), { maxEntryBytes: 1 << 28, maxEntries: 100 });
    const data = JSON.parse(new TextDecoder().decode(entries.get('/data.json'))) as unknown;
    await fc.assert(
      fc.asyncProperty(mutatedJson(data), async (mutated) => {
        const bytes = gzipSync(tarOf({ ...Object.fromEntries(entries), '/data.json': new TextEncoder().encode(JSON.stringify(mutated)) }));
        await acceptsOrRefuses(async () => {
          await PolicyEngine.load(parseBundle(bytes, 'bundle.tar.gz'), {});
        });
      }),
      { ...FUZZ, numRuns: Math.ceil(FUZZ.numRuns / 4) },
    );
  });

  it('AdmissionReview bodies, through the webhook handler', async () => {
    const review = JSON.parse(fixture('fixtures/k8s/admission/gpu-deployment.json')) as unknown;
    const errors: string[] = [];
    const logger: Logger = {
      log: (_level, message, fields = {}) => {
        if (fields['decision'] === 'error') errors.push(`${message}: ${String(fields['error'])}`);
      },
    };
    const handler = new AdmissionHandler({
      policy: () => ({ engine, config: settings.config, revision: engine.revision, settings }),
      metrics: new WebhookMetrics(),
      logger,
      evalTimeoutMs: 60_000,
    });
    await fc.assert(
      fc.asyncProperty(mutatedJson(review), async (mutated) => {
        errors.length = 0;
        await acceptsOrRefuses(
          () => handler.handle(mutated, performance.now()),
          (error) => error instanceof MalformedReviewError,
        );
        // The handler fails closed on an evaluation error; on malformed input that would still be a crash.
        if (errors.length > 0) throw new Error(errors.join('; '));
      }),
      FUZZ,
    );
  });
});
