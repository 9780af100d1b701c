/**
 * The input of `tollgate/batch_decisions` (policies/decision.rego): many policy inputs in one document, each
 * with the names of its top-level fields that the engine passed once with the data (data.tollgate.preloaded)
 * instead of with every input. A field is left out only when its value is the very object that was preloaded
 * (the same reference, as the prepare stage hands out the catalog's accelerator offers and the inventory it
 * was given), so what Rego sees is always what the caller prepared.
 *
 * The document is written by one JSON.stringify over light views of the inputs (their fields, the preloaded
 * ones left out), not a text per field joined and concatenated: for a 2.5 kB admission input that was 27 kB
 * allocated per input, most of it strings copied on the way. An input's digest is a separate hash, computed only
 * for callers that read it (`tollgate audit` does, the webhook does not).
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../model/decision.js';

/** Facts passed once with the data, by top-level input field name. */
export type PreloadedFacts = Readonly<Record<string, unknown>>;

/** A decision of a batch evaluated without input digests. */
export type DecisionWithoutDigest = Omit<Decision, 'inputDigest'>;

export interface BatchOptions {
  /** false: no input digest is computed, and the decisions have none. Default true. */
  readonly inputDigests?: boolean;
}

/** One element of the batch document, as `tollgate/batch_decisions` reads it. */
interface BatchElement {
  readonly input: Readonly<Record<string, unknown>>;
  /** The fields left out of `input`, to be read from data.tollgate.preloaded. */
  readonly preloaded: readonly string[];
}

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * A record for field names taken from an input: without a prototype, so that a field named `__proto__` is a
 * field like any other (as it was in the input) rather than the record's prototype.
 */
function fields(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

export class BatchSerialiser {
  private readonly preloaded: ReadonlyMap<string, unknown>;
  /** `sha256:…` of each preloaded value's JSON, standing for it in input digests; computed on the first digest. */
  private preloadedDigests: Map<string, string> | null = null;

  constructor(facts: PreloadedFacts) {
    this.preloaded = new Map(Object.entries(facts).filter(([, value]) => value !== undefined));
  }

  /** The document `tollgate/batch_decisions` evaluates: `{"batch":[{"input":{…},"preloaded":[…]},…]}`, in order. */
  document(inputs: readonly object[]): string {
    return JSON.stringify({ batch: inputs.map((input) => this.element(input)) });
  }

  /**
   * The input's digest: sha256 of its JSON, in which a preloaded field's value is written as the digest of that
   * value. An input with nothing preloaded has the digest `evaluate` gives it (sha256 of its JSON).
   */
  inputDigest(input: object): string {
    const digested = fields();
    for (const [key, value] of Object.entries(input)) {
      if (this.isPreloaded(key, value)) digested[key] = this.digestOf(key);
      else if (typeof value !== 'function') digested[key] = value;
    }
    return sha256(JSON.stringify(digested));
  }

  /** The input's fields with the preloaded ones left out, and their names; the field order is the input's. */
  private element(input: object): BatchElement {
    const sent = fields();
    const names: string[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (this.isPreloaded(key, value)) names.push(key);
      // As JSON.stringify would: a field whose value has no JSON (undefined, a function) is left out. A function
      // is left out here rather than by JSON.stringify, which would call one named toJSON on the record.
      else if (typeof value !== 'function') sent[key] = value;
    }
    return { input: sent, preloaded: names };
  }

  private isPreloaded(key: string, value: unknown): boolean {
    return value !== undefined && this.preloaded.get(key) === value;
  }

  private digestOf(key: string): string {
    this.preloadedDigests ??= new Map([...this.preloaded].map(([name, value]) => [name, sha256(JSON.stringify(value))]));
    const digest = this.preloadedDigests.get(key);
    if (digest === undefined) throw new Error(`no preloaded fact named ${key}`);
    return digest;
  }
}
