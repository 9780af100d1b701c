/**
 * The batch document (src/engine/batch-input.ts) is written by one JSON.stringify over views of the inputs, and
 * an input's digest only when asked for. Both must be exactly what the field-by-field definition gives: each
 * element `{"input":{…},"preloaded":[…]}` with the fields in the input's order, a field left out only when its
 * value is the very object preloaded under its name, and the digest sha256 of the input's JSON with each
 * preloaded value written as the digest of that value.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { BatchSerialiser, digestOnRequest } from '../../src/engine/batch-input.js';

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
function expectedDigest(input: object): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const preloaded = (PRELOADED as Record<string, unknown>)[key];
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

  it('is computed when first asked for, once', () => {
    const serialiser = new BatchSerialiser(PRELOADED);
    const computed = vi.spyOn(serialiser, 'inputDigest');
    const input = INPUTS['an admission input with the preloaded offers and inventory'] ?? {};
    const digest = digestOnRequest(serialiser, input);
    expect(computed).not.toHaveBeenCalled();
    expect(digest()).toBe(expectedDigest(input));
    expect(digest()).toBe(expectedDigest(input));
    expect(computed).toHaveBeenCalledTimes(1);
  });
});
