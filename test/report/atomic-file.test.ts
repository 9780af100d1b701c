import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EARLY_FLUSH_BYTES, writeFileAtomic, writeFilesAtomic, type EarlyFlush } from '../../src/atomic-file.js';
import { TollgateError } from '../../src/model/errors.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'tollgate-atomic-'));

describe('writeFileAtomic', () => {
  it('creates, replaces, keeps a symlink a link and leaves no temporary file', () => {
    const dir = tempDir();
    writeFileAtomic(join(dir, 'a.txt'), 'one');
    writeFileAtomic(join(dir, 'a.txt'), 'two');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('two');
    symlinkSync('a.txt', join(dir, 'link.txt'));
    writeFileAtomic(join(dir, 'link.txt'), 'three');
    expect(readlinkSync(join(dir, 'link.txt'))).toBe('a.txt');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('three');
    writeFileAtomic(join(dir, 'deep', 'er', 'b.bin'), new Uint8Array([1, 2, 3]), { createDirectory: true });
    expect([...readFileSync(join(dir, 'deep', 'er', 'b.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'deep', 'link.txt']);
  });

  it('refuses to replace a directory or a link to one (TollgateError naming the path)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    symlinkSync('sub', join(dir, 'to-sub'));
    for (const name of ['sub', 'to-sub']) {
      const attempt = (): void => writeFileAtomic(join(dir, name), 'x');
      expect(attempt).toThrow(TollgateError);
      expect(attempt).toThrow(/not a regular file/);
    }
    expect(() => writeFileAtomic('/dev/null', 'x')).toThrow(/device/);
    expect(readdirSync(dir).sort()).toEqual(['sub', 'to-sub']);
  });

  it('keeps the old file and removes the temporary one when the rename fails', () => {
    const dir = tempDir();
    const out = join(dir, 'f.json');
    writeFileSync(out, 'old');
    expect(() =>
      writeFileAtomic(out, 'new', {
        rename: () => {
          throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
        },
      }),
    ).toThrow(/cannot write: EXDEV/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['f.json']);
  });
});

describe('writing text in chunks', () => {
  it('writes the chunks in order, multi-byte characters included', () => {
    const dir = tempDir();
    const out = join(dir, 'r.json');
    writeFileAtomic(out, (write) => {
      for (let i = 0; i < 1000; i++) write(`${i}é😀,`);
    });
    expect(readFileSync(out, 'utf8')).toBe(Array.from({ length: 1000 }, (_, i) => `${i}é😀,`).join(''));
  });

  it('asks for the data written so far to be flushed every megabyte or so, and writes every chunk once', () => {
    const dir = tempDir();
    const out = join(dir, 'big.json');
    const chunk = 'x'.repeat(64 * 1024 - 2) + 'é'; // 64 KiB of UTF-8
    const sizesAtFlush: number[] = [];
    let released = 0;
    const flushEarly = (path: string): EarlyFlush => ({
      flush: () => sizesAtFlush.push(statSync(path).size),
      release: () => released++,
    });
    writeFileAtomic(
      out,
      (write) => {
        for (let i = 0; i < 80; i++) write(chunk);
      },
      { flushEarly },
    );
    // 5 MiB written: one flush after each megabyte, each once that megabyte is in the file.
    expect(sizesAtFlush).toEqual([1, 2, 3, 4, 5].map((mib) => mib * EARLY_FLUSH_BYTES));
    expect(released).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(chunk.repeat(80));
    expect(readdirSync(dir)).toEqual(['big.json']);
  });

  it('flushes a large file early on its own (the default) and still writes it whole', () => {
    const dir = tempDir();
    const out = join(dir, 'big.json');
    const chunk = 'y'.repeat(64 * 1024);
    writeFilesAtomic([{ path: out, data: (write) => Array.from({ length: 48 }, () => write(chunk)) }]);
    expect(readFileSync(out, 'utf8')).toBe(chunk.repeat(48));
    expect(readdirSync(dir)).toEqual(['big.json']);
  });

  it('a renderer failing halfway leaves every target as it was and no temporary file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), 'old a');
    const failing = (write: (chunk: string) => void): void => {
      write('half of b');
      throw new Error('renderer bug');
    };
    expect(() =>
      writeFilesAtomic([
        { path: join(dir, 'a.json'), data: (write) => write('new a') },
        { path: join(dir, 'b.json'), data: failing },
      ]),
    ).toThrow('renderer bug');
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('old a');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});

describe('writeFilesAtomic', () => {
  it('writes all files, or on a failed rename puts every file back as it was', () => {
    const dir = tempDir();
    writeFilesAtomic(
      [
        { path: join(dir, 'out', 'r.json'), data: '{}' },
        { path: join(dir, 'out', 'r.md'), data: '# r' },
      ],
      { createDirectory: true },
    );
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['r.json', 'r.md']);
    let renames = 0;
    const failSecond = (from: string, to: string): void => {
      if (++renames === 2) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      // The real rename for the first file.
      return process.getBuiltinModule('node:fs').renameSync(from, to);
    };
    expect(() =>
      writeFilesAtomic(
        [
          { path: join(dir, 'out', 'r.json'), data: '{"new":1}' },
          { path: join(dir, 'out', 'r.md'), data: 'new' },
          { path: join(dir, 'out', 'r.html'), data: 'new' },
        ],
        { rename: failSecond },
      ),
    ).toThrow(/ENOSPC/);
    expect(readFileSync(join(dir, 'out', 'r.json'), 'utf8')).toBe('{}');
    expect(readFileSync(join(dir, 'out', 'r.md'), 'utf8')).toBe('# r');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['r.json', 'r.md']);
  });

  it('checks every target before writing any', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'r.html'));
    expect(() =>
      writeFilesAtomic([
        { path: join(dir, 'r.json'), data: '{}' },
        { path: join(dir, 'r.html'), data: '' },
      ]),
    ).toThrow(/r\.html.*|not a regular file/);
    expect(readdirSync(dir)).toEqual(['r.html']);
  });
});
