/**
 * A report judged in slices of its billed resources, serialised once: each billed resource's JSON, and the text of
 * the input and of a slice's input around them. The input digest, the report view's input and every slice's input
 * are written from these texts, instead of serialising the whole input for its digest, again without most billed
 * resources for the view, and again in slices: the billed resources are most of a large report's input (23 of its
 * 33 MiB at 5 million rows).
 *
 * The texts are JSON.stringify's own, member by member, as it writes a plain object: own keys in order, a member
 * whose value has no JSON form left out, an array element without one written as null.
 */
import { createHash } from 'node:crypto';
import type { ReportParts } from './report-view.js';

/** A text with the billed resources' place in it: before + the resources' texts joined by commas + after. */
export interface Around {
  readonly before: string;
  readonly after: string;
}

export interface ReportTexts {
  /** Each billed resource's JSON, in order. */
  readonly resources: readonly string[];
  /** The whole input. */
  readonly input: Around;
  /** A slice's input: what the per-billed-resource rules read (the input without its spend, the report's currency and usage). */
  readonly slice: Around;
}

/** Billed resources hashed per update: one update per resource costs more than the hashing itself. */
const HASHED_TOGETHER = 1000;

export function reportTexts(parts: ReportParts): ReportTexts {
  const resources = parts.resources.map((resource) => textOf(resource) ?? 'null');
  const usage = around(parts.usage, 'resources', { before: '[', after: ']' });
  const input = around(parts.input, 'report', around(parts.report, 'usage', usage));
  const { spend: _spend, ...rest } = parts.input;
  const slice = around(rest, 'report', around({ currency: parts.report.currency }, 'usage', usage));
  return { resources, input, slice };
}

/** The sha256 of the whole input's UTF-8 text, the input digest, hashed piece by piece. */
export function inputDigest(texts: ReportTexts): string {
  const hash = createHash('sha256').update(texts.input.before);
  for (let start = 0; start < texts.resources.length; start += HASHED_TOGETHER) {
    hash.update(`${start === 0 ? '' : ','}${texts.resources.slice(start, start + HASHED_TOGETHER).join(',')}`);
  }
  return `sha256:${hash.update(texts.input.after).digest('hex')}`;
}

/** The UTF-8 bytes of a text around some billed resources' texts, in an ArrayBuffer of their own. */
export function bytesAround(text: Around, resources: readonly string[]): Uint8Array {
  return new TextEncoder().encode(`${text.before}${resources.join(',')}${text.after}`);
}

/** The text of an object around the value of one of its members, whose own text is `value`. */
function around(object: Record<string, unknown>, key: string, value: Around): Around {
  const before: string[] = [];
  const after: string[] = [];
  let found = false;
  for (const [name, member] of Object.entries(object)) {
    if (name === key) {
      found = true;
      continue;
    }
    const text = textOf(member);
    if (text !== undefined) (found ? after : before).push(`${JSON.stringify(name)}:${text}`);
  }
  const opening = `{${before.map((member) => `${member},`).join('')}${JSON.stringify(key)}:`;
  return { before: `${opening}${value.before}`, after: `${value.after}${after.map((member) => `,${member}`).join('')}}` };
}

/** JSON.stringify's text of a value, undefined for one without a JSON form (undefined, a function). */
function textOf(value: unknown): string | undefined {
  // Typed as a string, JSON.stringify returns undefined for these.
  const text: string | undefined = JSON.stringify(value);
  return text;
}
