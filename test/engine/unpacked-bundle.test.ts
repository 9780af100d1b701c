/**
 * A bundle's unpacked copy (src/engine/bundle.ts): read in place of the gzip file while it was made from that
 * file as it is now, and ignored, the gzip file read instead, when it is stale, damaged or missing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBundleFile, unpackedBundleCopy } from '../../src/engine/bundle.js';
import { builtinBundlePath } from '../../src/package-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-unpacked-'));
const original = readFileSync(builtinBundlePath);
const revision = readBundleFile(builtinBundlePath).manifest.revision;

/** The tar with the manifest's revision replaced by one of the same length (tar checksums cover headers only). */
function withOtherRevision(tar: Buffer): Buffer {
  const at = tar.indexOf(revision, 0, 'latin1');
  expect(at).toBeGreaterThan(0);
  const changed = Buffer.from(tar);
  changed.write('x'.repeat(revision.length), at, 'latin1');
  return changed;
}

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('the unpacked copy of a bundle', () => {
  it('reads the same bundle as the gzip file', () => {
    const gz = write('same.tar.gz', original);
    const copy = write('same.tar', unpackedBundleCopy(original));
    const [fromCopy, fromGzip] = [readBundleFile(gz, copy), readBundleFile(gz)];
    // The wasm compared as bytes (a deep comparison of a megabyte array element by element takes seconds).
    expect(Buffer.from(fromCopy.wasm).equals(fromGzip.wasm)).toBe(true);
    expect({ ...fromCopy, wasm: null }).toEqual({ ...fromGzip, wasm: null });
  });

  it('is read in place of the gzip file while it is current', () => {
    const gz = write('current.tar.gz', original);
    const copy = unpackedBundleCopy(original);
    const header = copy.subarray(0, copy.indexOf(0x0a) + 1);
    // A copy whose tar differs from the gzip's, under the gzip's own header: what is read is the copy's.
    const planted = write('planted.tar', Buffer.concat([header, withOtherRevision(gunzipSync(original))]));
    expect(readBundleFile(gz, planted).manifest.revision).toBe('x'.repeat(revision.length));
    expect(readBundleFile(gz, planted).file).toBe(gz);
  });

  it.each([
    ['missing', null],
    ['empty', () => Buffer.alloc(0)],
    ['without its first line', (copy: Buffer) => copy.subarray(copy.indexOf(0x0a) + 1)],
    ['made from another gzip file', () => unpackedBundleCopy(gzipSync(withOtherRevision(gunzipSync(original))))],
  ])('is ignored when it is %s, and the gzip file is read', (name, make) => {
    const gz = write(`${name}.tar.gz`, original);
    const copy = join(dir, `${name}.tar`);
    if (make !== null) writeFileSync(copy, make(unpackedBundleCopy(original)));
    expect(readBundleFile(gz, copy).manifest.revision).toBe(revision);
  });

  it('is ignored once the gzip file it was made from is replaced', () => {
    const gz = write('replaced.tar.gz', original);
    const copy = write('replaced.tar', unpackedBundleCopy(original));
    writeFileSync(gz, gzipSync(withOtherRevision(gunzipSync(original))));
    expect(readBundleFile(gz, copy).manifest.revision).toBe('x'.repeat(revision.length));
  });
});
