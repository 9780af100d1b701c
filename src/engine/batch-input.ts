/**
 * The input of `tollgate/batch_decisions` (policies/decision.rego): many policy inputs in one document, each
 * with the names of its top-level fields that the engine passed once with the data (data.tollgate.preloaded)
 * instead of with every input. A field is left out only when its value is the very object that was preloaded
 * (the same reference, as the prepare stage hands out the catalog's accelerator offers and the inventory it
 * was given), so what Rego sees is always what the caller prepared.
 */
import { createHash } from 'node:crypto';

/** Facts passed once with the data, by top-level input field name. */
export type PreloadedFacts = Readonly<Record<string, unknown>>;

interface Preloaded {
  readonly value: unknown;
  /** `sha256:…` of the value's JSON, standing for it in the input digest. */
  readonly digest: string;
}

/** One input of a batch, serialised. */
export interface BatchElement {
  /** `{"input":{…},"preloaded":[…]}`. */
  readonly text: string;
  /**
   * The input's digest: sha256 of its JSON, in which a preloaded field's value is written as the digest of
   * that value. An input with nothing preloaded has the digest `evaluate` gives it.
   */
  readonly inputDigest: string;
}

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export class BatchSerialiser {
  private readonly preloaded: ReadonlyMap<string, Preloaded>;

  constructor(facts: PreloadedFacts) {
    this.preloaded = new Map(
      Object.entries(facts)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, { value, digest: sha256(JSON.stringify(value)) }]),
    );
  }

  /** Serialises one input (an object, as the prepare stage builds it). */
  element(input: object): BatchElement {
    const evaluated: string[] = [];
    const digested: string[] = [];
    const names: string[] = [];
    for (const [key, value] of Object.entries(input)) {
      const keyText = JSON.stringify(key);
      const preloaded = this.preloaded.get(key);
      if (preloaded !== undefined && preloaded.value === value) {
        names.push(keyText);
        digested.push(`${keyText}:"${preloaded.digest}"`);
        continue;
      }
      // As JSON.stringify does: a field whose value has no JSON (undefined, a function) is left out.
      const valueText = JSON.stringify(value) as string | undefined;
      if (valueText === undefined) continue;
      const part = `${keyText}:${valueText}`;
      evaluated.push(part);
      digested.push(part);
    }
    return {
      text: `{"input":{${evaluated.join(',')}},"preloaded":[${names.join(',')}]}`,
      inputDigest: sha256(`{${digested.join(',')}}`),
    };
  }
}

/** The document `tollgate/batch_decisions` evaluates. */
export function batchDocument(elements: readonly BatchElement[]): string {
  return `{"batch":[${elements.map((element) => element.text).join(',')}]}`;
}
