/**
 * The batch document (src/engine/batch-input.ts) is written by one JSON.stringify over views of the inputs, and
 * an input's digest separately, only for callers that read it. Both must be exactly what the field-by-field
 * definition gives: each element `{"input":{…},"preloaded":[…]}` with the fields in the input's order, a field
 * left out only when its value is the very object preloaded under its name, and the digest sha256 of the input's
 * JSON with each preloaded value written as the digest of that value. The webhook's evaluations compute no digest.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchSerialiser } from '../../src/engine/batch-input.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { policyInputFor } from '../../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { WebhookMetrics } from '../../src/webhook/metrics.js';
import { PolicyState, type ServedPolicy } from '../../src/webhook/policy-state.js';
import { gpuDeploymentReview, reviewFor } from '../webhook/reviews.js';

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const offers = { A100: [{ provider: 'aws', type: 'p4d.24xlarge', hourly: 32.77 }], 'L4 ü': [] };
const inventory = { models: [{ id: 'llama', version: '3.1.0', approvals: [] }] };
const PRELOADED = { catalog: offers, inventory, unused: { never: 'sent' } };

/** One field's text as JSON.stringify writes it inside an object, or null when it has no JSON form. */
function fieldText(key: string, value: unknown): string | null {
  const valueText = JSON.stringify(value) as string | undefined;
  return valueText === undefined ? null : `${JSON.stringify(key)}:${valueText}`;
}

/** The document as defined, written field by field. */
function expectedDocument(inputs: readonly object[]): string {
  const elements = inputs.map((input) => {
    const sent: string[] = [];
    const names: string[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined && (PRELOADED as Record<string, unknown>)[key] === value) names.push(JSON.stringify(key));
      else {
        const text = fieldText(key, value);
        if (text !== null) sent.push(text);
      }
    }
    return `{"input":{${sent.join(',')}},"preloaded":[${names.join(',')}]}`;
  });
  return `{"batch":[${elements.join(',')}]}`;
}

/** The digest as defined, written field by field. */
function expectedDigest(input: object, facts: Readonly<Record<string, unknown>> = PRELOADED): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const preloaded = facts[key];
    const text = value !== undefined && preloaded === value ? fieldText(key, sha256(JSON.stringify(preloaded))) : fieldText(key, value);
    if (text !== null) parts.push(text);
  }
  return sha256(`{${parts.join(',')}}`);
}

const INPUTS: Record<string, object> = {
  'an admission input with the preloaded offers and inventory': {
    subject: 'admission',
    context: { now: '2026-11-23T00:00:00Z', source: 'admission:uid-1' },
    resources: [{ address: 'Deployment/ml/llm', tags: { team: 'ml' }, values: { spec: { replicas: 3 } } }],
    inventory,
    catalog: offers,
    costs: { currency: 'USD', monthlyDelta: 0 },
  },
  'preloaded names holding copies of the facts, not the facts': {
    subject: 'admission',
    catalog: structuredClone(offers),
    inventory: structuredClone(inventory),
  },
  'nothing preloaded, fields without a JSON form, multi-byte text': {
    subject: 'admission',
    catalog: undefined,
    skipped: undefined,
    toJSON: (): string => 'not the input',
    note: 'réseau 😀 \u2028 "quoted"',
    count: 2,
  },
  'fields named like integers and __proto__ (from JSON.parse), in the order the input has them': JSON.parse(
    '{"b":1,"10":"ten","__proto__":{"kept":true},"2":"two","catalog":null}',
  ) as object,
  'no fields': {},
};

describe('the batch document', () => {
  const serialiser = new BatchSerialiser(PRELOADED);

  it.each(Object.entries(INPUTS))('%s: the element is the field-by-field definition', (_, input) => {
    expect(serialiser.document([input])).toBe(expectedDocument([input]));
  });

  it('every input of a batch, in order', () => {
    const inputs = Object.values(INPUTS);
    expect(serialiser.document(inputs)).toBe(expectedDocument(inputs));
    expect(serialiser.document([...inputs].reverse())).toBe(expectedDocument([...inputs].reverse()));
  });

  it('sends a preloaded name whose value is not the preloaded object with the input', () => {
    const copied = INPUTS['preloaded names holding copies of the facts, not the facts'] ?? {};
    expect(JSON.parse(serialiser.document([copied]))).toEqual({ batch: [{ input: copied, preloaded: [] }] });
  });

  it('with nothing preloaded, each element is the whole input', () => {
    const input = INPUTS['an admission input with the preloaded offers and inventory'] ?? {};
    expect(new BatchSerialiser({}).document([input])).toBe(`{"batch":[{"input":${JSON.stringify(input)},"preloaded":[]}]}`);
  });
});

describe('the input digest', () => {
  it.each(Object.entries(INPUTS))('%s: the field-by-field definition', (_, input) => {
    expect(new BatchSerialiser(PRELOADED).inputDigest(input)).toBe(expectedDigest(input));
  });

  it('of an input with nothing preloaded is the sha256 of its JSON, as evaluate gives it', () => {
    const input = INPUTS['an admission input with the preloaded offers and inventory'] ?? {};
    expect(new BatchSerialiser({}).inputDigest(input)).toBe(sha256(JSON.stringify(input)));
  });

  it('differs between a preloaded fact and a copy sent inline only in how the fact is written', () => {
    const serialiser = new BatchSerialiser(PRELOADED);
    const input = INPUTS['an admission input with the preloaded offers and inventory'] ?? {};
    expect(serialiser.inputDigest(input)).not.toBe(serialiser.inputDigest(structuredClone(input)));
    expect(serialiser.inputDigest(structuredClone(input))).toBe(sha256(JSON.stringify(input)));
  });
});

describe('a batch evaluated by the engine', () => {
  const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/k8s/${path}`, import.meta.url));
  let policy: ServedPolicy;
  let inputs: PolicyInput[];

  beforeAll(async () => {
    const quiet = { log: (): void => undefined };
    const state = new PolicyState(
      { configFile: fixture('tollgate.yaml'), inventoryFile: fixture('inventory.yaml') },
      quiet,
      new WebhookMetrics({ defaultMetrics: false }),
    );
    policy = await state.load();
    const now = new Date('2026-11-23T00:00:00Z');
    // A GPU the development environment does not allow, without the required tags: findings to compare.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer', namespace: 'ml-dev' },
      spec: {
        nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100' },
        containers: [{ name: 'train', image: 'registry.example/train:1', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
      },
    };
    inputs = [gpuDeploymentReview, reviewFor(pod)].map((review) => policyInputFor(parseAdmissionReview(review), policy, now));
  }, 60_000);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("gives each decision its input's digest, the preloaded offers and inventory written as their digests", () => {
    const facts = { catalog: policy.settings.acceleratorOffers(), inventory: policy.inventory };
    expect(inputs.every((input) => input.catalog === facts.catalog && input.inventory === facts.inventory)).toBe(true);
    const digests = policy.engine.evaluateBatch(inputs).map((decision) => decision.inputDigest);
    expect(digests).toEqual(inputs.map((input) => expectedDigest(input, facts)));
    expect(new Set(digests).size).toBe(inputs.length);
  });

  it('without digests, gives the same decisions and hashes no input', () => {
    const withDigests = policy.engine.evaluateBatch(inputs);
    const hashed = vi.spyOn(BatchSerialiser.prototype, 'inputDigest');
    const without = policy.engine.evaluateBatch(inputs, { inputDigests: false });
    expect(hashed).not.toHaveBeenCalled();
    expect(without).toEqual(withDigests.map(({ inputDigest: _digest, ...decision }) => decision));
    expect(without.some((decision) => 'inputDigest' in decision)).toBe(false);
    expect(without.reduce((sum, decision) => sum + decision.violations.length + decision.warnings.length, 0)).toBeGreaterThan(0);
  });
});
