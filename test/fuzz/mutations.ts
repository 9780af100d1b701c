/**
 * Mutations of well-formed inputs for the fuzz suite: structural ones (a value anywhere in a JSON document
 * replaced, a key dropped, an array emptied) reach deep into the readers; textual ones (bytes cut, repeated or
 * replaced) test the parsers and the error positions. Seeds are fixed, so a failure reproduces exactly.
 */
import fc from 'fast-check';

/** Every path to a value in a JSON document, the root included. */
function paths(value: unknown, prefix: ReadonlyArray<string | number> = []): Array<Array<string | number>> {
  const here = [[...prefix]];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  }
  return here;
}

function replaceAt(document: unknown, path: ReadonlyArray<string | number>, replacement: unknown, drop: boolean): unknown {
  const last = path.at(-1);
  if (last === undefined) return replacement;
  const copy: unknown = structuredClone(document);
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  if (drop && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (drop) Reflect.deleteProperty(parent, last);
  else parent[last] = replacement;
  return copy;
}

/** Values that break readers in practice: wrong types, empties, huge and odd numbers, hostile strings. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 1.5, Number.MAX_SAFE_INTEGER + 2, '', ' ', 'null', 'NaN', 'Infinity', '1e400'),
  fc.constantFrom([], {}, [[]], [{}], { '': '' }, '\u0000', '../../etc/passwd', '2026-02-30', '\u202e', 'x'.repeat(5000)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A JSON document with one of its values replaced or removed. */
export function mutatedJson(document: unknown): fc.Arbitrary<unknown> {
  const all = paths(document);
  return fc
    .record({ path: fc.constantFrom(...all), value: hostileValue, drop: fc.boolean() })
    .map(({ path, value, drop }) => replaceAt(document, path, value, drop && path.length > 0));
}

/** Text with a slice cut out, repeated, or replaced by random characters. */
export function mutatedText(text: string): fc.Arbitrary<string> {
  const position = fc.nat({ max: Math.max(0, text.length - 1) });
  return fc.oneof(
    fc.tuple(position, fc.nat({ max: 64 })).map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc
      .tuple(position, fc.nat({ max: 64 }))
      .map(([at, length]) => text.slice(0, at) + text.slice(at, at + length).repeat(3) + text.slice(at)),
    fc
      .tuple(position, fc.string({ maxLength: 16, unit: 'binary' }))
      .map(([at, noise]) => text.slice(0, at) + noise + text.slice(at + noise.length)),
    position.map((at) => text.slice(0, at)),
  );
}

/** Fixed seeds and a bounded number of runs: the suite is part of `npm test` and must be deterministic. */
export const FUZZ = { seed: 20261201, numRuns: Number(process.env.TOLLGATE_FUZZ_RUNS ?? 120) } as const;
