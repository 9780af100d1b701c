import { describe, expect, it } from 'vitest';
import { normaliseEntryPath, readTarEntries, TarFormatError } from '../../src/engine/tar.js';

/** A ustar archive built by hand, so the reader is tested against the format, not against itself. */
function tarEntry(name: string, body: string, type = '0'): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, text: string): void => header.set(new TextEncoder().encode(text), offset);
  const data = new TextEncoder().encode(body);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${data.length.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(156, type);
  put(257, 'ustar\0');
  put(263, '00');
  put(148, '        ');
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return new Uint8Array([...header, ...padded]);
}

function archive(...entries: Uint8Array[]): Uint8Array {
  return new Uint8Array([...entries.flatMap((entry) => [...entry]), ...new Uint8Array(1024)]);
}

describe('tar reader', () => {
  it('reads regular files under normalised absolute paths', () => {
    const entries = readTarEntries(archive(tarEntry('/policy.wasm', 'wasm'), tarEntry('data.json', '{}')), {
      maxEntryBytes: 1024,
    });
    expect([...entries.keys()]).toEqual(['/policy.wasm', '/data.json']);
    expect(new TextDecoder().decode(entries.get('/data.json'))).toBe('{}');
  });

  it.each([
    ['a path escaping the root', archive(tarEntry('../etc/passwd', 'x')), /unsafe path/],
    ['a symlink', archive(tarEntry('link', '', '2')), /unsupported tar entry type/],
    ['an oversized file', archive(tarEntry('/big', 'x'.repeat(2048))), /over the 1024-byte limit/],
  ])('refuses %s', (_what, bytes, message) => {
    expect(() => readTarEntries(bytes, { maxEntryBytes: 1024 })).toThrow(message);
  });

  it('detects a corrupted header', () => {
    const bytes = archive(tarEntry('/policy.wasm', 'wasm'));
    bytes[10] = 0x41;
    expect(() => readTarEntries(bytes, { maxEntryBytes: 1024 })).toThrow(TarFormatError);
  });

  it('normalises paths', () => {
    expect(normaliseEntryPath('./a//b/./c')).toBe('/a/b/c');
  });
});
