/** Formats are read as specified, not guessed at: unknown plan format versions, collection keys, objectless reviews. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MalformedReviewError, parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { tollgate } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneLineExit2(args: readonly string[], message: RegExp): void {
  const result = tollgate([...args, '--now', '2026-11-15']);
  expect(result.code).toBe(2);
  expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
}

describe('strict formats', () => {
  it.each(['9.0', '2.0', 'latest'])('plan format_version %s is refused', (version) => {
    const plan = join(dir, `plan-${version}.json`);
    writeFileSync(plan, JSON.stringify({ format_version: version, resource_changes: [] }));
    oneLineExit2(
      ['check', '--plan', plan],
      new RegExp(`format_version "${version}" is not supported: Tollgate reads plan format versions 0.1 to 1.x`),
    );
  });

  it('a YAML key that is a list is an error at its place, with no process warning', () => {
    const config = join(dir, 'complex-key.yaml');
    writeFileSync(config, 'rules: {}\n? [a, b]\n: c\n');
    oneLineExit2(
      ['check', '--plan', 'fixtures/plans/aws-ml-platform.json', '--config', config],
      /complex-key\.yaml:2:3: a key must be a plain name, not a list or a map$/,
    );
  });

  it.each([null, [], 'a string', 42])('a CREATE whose object is %j is malformed (400), not allowed', (object) => {
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u1', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' }, object },
    };
    expect(() => parseAdmissionReview(review)).toThrow(MalformedReviewError);
    expect(() => parseAdmissionReview(review)).toThrow(/CREATE request has no object/);
  });

  it('a DELETE needs no object', () => {
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u2', operation: 'DELETE', object: null },
    };
    expect(parseAdmissionReview(review).operation).toBe('DELETE');
  });
});
