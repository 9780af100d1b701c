/**
 * A report judged in slices is serialised once (src/engine/report-texts.ts): the whole input, its digest and each
 * slice's input are written from the billed resources' texts and the text around them, and must be exactly what
 * JSON.stringify writes for those inputs, whatever the members' order, values without a JSON form or text.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesAround, inputDigest, reportTexts } from '../../src/engine/report-texts.js';
import type { ReportParts } from '../../src/engine/report-view.js';

function partsOf(input: Record<string, unknown>): ReportParts {
  const report = input.report as Record<string, unknown>;
  const usage = report.usage as Record<string, unknown>;
  return { input, report, usage, resources: usage.resources as unknown[] };
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const billed = (id: string): Record<string, unknown> => ({ resource: id, provider: 'aws', cost: { standard: 1.5, other: 0 } });

const INPUTS: Record<string, Record<string, unknown>> = {
  'a report as prepare writes it': {
    subject: 'report',
    context: { now: '2025-06-20T00:00:00Z' },
    resources: [],
    spend: [{ day: '2025-06-19', cost: 12.5 }],
    report: {
      currency: 'USD',
      series: [1, 2, 3],
      usage: { from: '2025-05-21', days_with_data: 30, resources: [billed('i-1'), billed('i-2'), billed('i-3')], providers: {} },
      anomaly: { nodes: [] },
    },
  },
  'members without a JSON form, billed resources first and last, multi-byte text': {
    subject: 'report',
    inventory: undefined,
    report: {
      usage: {
        resources: [billed('réseau-ü'), undefined, { resource: '😀', tags: { clé: 'valeur' }, skip: undefined }],
        commitments: [],
        note: (): number => 1,
      },
      currency: 'EUR',
      estimates: undefined,
    },
    spend: null,
    'a key "quoted"': '\u2028',
  },
  'no billed resources': { report: { usage: { resources: [] }, currency: 'USD' }, subject: 'report' },
};

describe('a report serialised once for its slices', () => {
  it.each(Object.entries(INPUTS))('%s: the whole input is JSON.stringify(input), and its digest that text', (_, input) => {
    const texts = reportTexts(partsOf(input));
    const whole = JSON.stringify(input);
    expect(text(bytesAround(texts.input, texts.resources))).toBe(whole);
    expect(inputDigest(texts)).toBe(`sha256:${createHash('sha256').update(whole).digest('hex')}`);
  });

  it.each(Object.entries(INPUTS))(
    '%s: a slice is the input without its spend, with the currency and usage of its billed resources',
    (_, input) => {
      const parts = partsOf(input);
      const texts = reportTexts(parts);
      const { spend: _spend, ...rest } = input;
      for (const [start, end] of [
        [0, 1],
        [1, 3],
        [0, parts.resources.length],
      ] as const) {
        const slice = {
          ...rest,
          report: { currency: parts.report.currency, usage: { ...parts.usage, resources: parts.resources.slice(start, end) } },
        };
        expect(text(bytesAround(texts.slice, texts.resources.slice(start, end)))).toBe(JSON.stringify(slice));
      }
    },
  );

  it('hashes many billed resources in pieces as one text', () => {
    const resources = Array.from({ length: 2500 }, (_, i) => billed(`i-${i}`));
    const input = { subject: 'report', report: { currency: 'USD', usage: { resources } } };
    const whole = JSON.stringify(input);
    expect(inputDigest(reportTexts(partsOf(input)))).toBe(`sha256:${createHash('sha256').update(whole).digest('hex')}`);
  });
});
