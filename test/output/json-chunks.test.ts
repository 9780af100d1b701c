import { describe, expect, it } from 'vitest';
import { withSortedKeys } from '../../src/output/check-result.js';
import { collectChunks, MemberList, writeJsonChunks, type MemberSink } from '../../src/output/json-chunks.js';
import { getRenderer, getStreamRenderer, OUTPUT_FORMATS } from '../../src/output/index.js';
import { costedReport, sampleReport } from './sample-report.js';

/** Plain data with every case JSON.stringify treats specially. */
const awkward = {
  zeta: [1, -0, 1.5e300, Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, null, true, false],
  alpha: { nested: { b: 'x', a: 'line\nbreak "quoted" \u0001 \u2028 😀' }, empty: {}, none: [] },
  gone: undefined,
  fn: () => 2,
  __proto__: { inherited: 'never written' },
  Upper: 'sorted by code unit, before lower case',
  '10': 'integer-like keys',
  '9': 'come first in an object of their own order',
  deep: [[[{ k: [] }]], [{}], { y: { x: [{}] } }],
};

describe('writeJsonChunks', () => {
  for (const indent of [0, 2]) {
    it(`gives JSON.stringify's text, sorted and in own key order (indent ${indent})`, () => {
      const sorted = collectChunks((sink) => writeJsonChunks(awkward, sink, { indent, sortKeys: true }));
      expect(sorted).toBe(JSON.stringify(withSortedKeys(awkward), null, indent));
      const own = collectChunks((sink) => writeJsonChunks(awkward, sink, { indent, sortKeys: false }));
      expect(own).toBe(JSON.stringify(awkward, null, indent));
    });
  }

  it('writes scalars and empty containers at the top level as JSON.stringify does', () => {
    for (const value of [null, 0, 'text', true, [], {}, [undefined], { a: undefined }]) {
      expect(collectChunks((sink) => writeJsonChunks(value, sink, { indent: 2, sortKeys: true }))).toBe(
        JSON.stringify(withSortedKeys(value), null, 2),
      );
    }
  });

  it('sorts objects of every size by code unit, small ones in place and large ones with Array.prototype.sort', () => {
    // Keys that localeCompare or a case-folding order would put elsewhere: case, prefixes, astral and high BMP text.
    const awkwardKeys = ['b', 'B', 'a', 'aa', 'ab', 'A', '_', '~', 'é', 'e', '\uffff', '😀', 'z0', 'z', '1x', '-1', '01', ' '];
    for (let count = 0; count <= 40; count++) {
      const keys = Array.from(
        { length: count },
        (_, i) => `${awkwardKeys[i % awkwardKeys.length] ?? ''}${Math.floor(i / awkwardKeys.length)}`,
      );
      for (const order of [keys, [...keys].reverse(), [...keys.slice(count >> 1), ...keys.slice(0, count >> 1)]]) {
        const value = Object.fromEntries(order.map((key, i) => [key, i]));
        expect(collectChunks((sink) => writeJsonChunks(value, sink, { indent: 2, sortKeys: true }))).toBe(
          JSON.stringify(withSortedKeys(value), null, 2),
        );
      }
    }
  });

  it('writes long strings, repeated or of a length seen before, each as its own text', () => {
    // Strings of one length with other contents (and escapes), the same content as a string of its own, and
    // lengths that share a remembered slot (64 and 64 + 256).
    const long = (fill: string, length: number): string => `${fill.repeat(length - 4)}"\n😀`.slice(0, length);
    const texts = [long('a', 70), long('b', 70), long('a', 70), [long('a', 35), long('a', 35)].join(''), long('\u0001', 70)];
    const slotted = [long('x', 64), long('y', 320), long('x', 64), long('\ud800', 320), long('y', 320)];
    const values = [...texts, ...slotted, ...texts.reverse(), { a: long('a', 70), b: long('a', 70), c: long('c', 70) }];
    expect(collectChunks((sink) => writeJsonChunks(values, sink, { indent: 2, sortKeys: true }))).toBe(JSON.stringify(values, null, 2));
  });

  it('hands a large document on in bounded chunks that join to the whole text', () => {
    const large = { items: Array.from({ length: 20_000 }, (_, i) => ({ id: `r${i}`, tags: { team: 'ml', n: i } })) };
    const chunks: string[] = [];
    writeJsonChunks(large, (chunk) => chunks.push(chunk), { indent: 2, sortKeys: true });
    expect(chunks.length).toBeGreaterThan(10);
    // A chunk is handed on once it reaches 64K characters; one element more is all it can exceed that by.
    for (const chunk of chunks) expect(chunk.length).toBeLessThan((1 << 16) + 200);
    expect(chunks.join('')).toBe(JSON.stringify(withSortedKeys(large), null, 2));
  });
});

describe('MemberList', () => {
  interface Row {
    readonly name: string;
    readonly size?: number;
    readonly parts: readonly Row[];
  }
  const rows: Row[] = [
    { name: 'a', size: 1, parts: [] },
    { name: 'b "quoted"', parts: [{ name: 'b1', size: Number.NaN, parts: [] }] },
    {
      name: 'c',
      size: 3,
      parts: [
        { name: 'c1', parts: [{ name: 'c11', size: 0, parts: [] }] },
        { name: 'c2', size: 2, parts: [] },
      ],
    },
  ];
  /** Members in sorted order; an empty name leaves the row with none, a missing size leaves that member out. */
  const rowMembers = (row: Row, sink: MemberSink): void => {
    if (row.name === '') return;
    sink.member('name', row.name);
    // Each row's parts written by a list of their own, nested in this row's member.
    sink.member('parts', new MemberList(row.parts, rowMembers));
    sink.member('size', row.size);
  };
  const asObjects = (row: Row): unknown => (row.name === '' ? {} : { name: row.name, parts: row.parts.map(asObjects), size: row.size });

  for (const indent of [0, 2]) {
    it(`writes the text of the objects its members make, nested lists and members left out included (indent ${indent})`, () => {
      const lists = [rows, [], [{ name: '', parts: [] }, ...rows]];
      for (const list of lists) {
        const document = { before: 1, rows: new MemberList(list, rowMembers), zafter: [new MemberList(list, rowMembers)] };
        const expected = { before: 1, rows: list.map(asObjects), zafter: [list.map(asObjects)] };
        expect(collectChunks((sink) => writeJsonChunks(document, sink, { indent, sortKeys: true }))).toBe(
          JSON.stringify(withSortedKeys(expected), null, indent),
        );
      }
    });
  }
});

describe('streamed renderers', () => {
  it('give each format exactly the text of its whole renderer', () => {
    for (const format of OUTPUT_FORMATS) {
      for (const report of [sampleReport, costedReport]) {
        const streamed = collectChunks((sink) => getStreamRenderer(format)(report, sink));
        expect(streamed, format).toBe(getRenderer(format)(report));
      }
    }
  });
});
