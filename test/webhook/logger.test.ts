/** The JSON logger: the same line as JSON.stringify of the record, and stdout written once per turn of the event loop. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonLogger, stdoutLines, type LogFields } from '../../src/webhook/logger.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function lineOf(level: 'info' | 'warn', message: string, fields?: LogFields): string {
  const lines: string[] = [];
  jsonLogger('debug', (line) => lines.push(line)).log(level, message, fields);
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('jsonLogger', () => {
  it('writes each record as JSON.stringify({ time, level, msg, ...fields }) would, one per line', () => {
    const cases: Array<LogFields | undefined> = [
      undefined,
      {},
      { uid: 'a"b\\c', rules: ['TG-GPU-001', 'TG-TAG-001'], allowed: false, latencyMs: 1.25, error: null },
      { message: 'line\nbreak', 'odd key "x"': 'ü' },
      // A field named like a reserved one replaces it in place, as an object spread does.
      { msg: 'overridden', level: 'custom', extra: 1 },
      { time: 'then' },
    ];
    for (const fields of cases) {
      const line = lineOf('warn', 'admission "decision"', fields);
      expect(line.endsWith('\n')).toBe(true);
      const parsed = JSON.parse(line) as { time: string };
      expect(line).toBe(`${JSON.stringify({ time: parsed.time, level: 'warn', msg: 'admission "decision"', ...fields })}\n`);
      if (fields?.time === undefined) expect(new Date(parsed.time).toISOString()).toBe(parsed.time);
    }
  });

  it("stamps each line with the clock's millisecond, lines of the same millisecond alike", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 31, 23, 59, 59, 998) });
    try {
      const lines: string[] = [];
      const logger = jsonLogger('info', (line) => lines.push(line));
      const expected: string[] = [];
      for (const step of [0, 0, 1, 1, 86_400_000]) {
        vi.advanceTimersByTime(step);
        expected.push(new Date().toISOString());
        logger.log('info', 'decision');
      }
      expect(lines.map((line) => (JSON.parse(line) as { time: string }).time)).toEqual(expected);
      expect(new Set(expected).size).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops records below the minimum level', () => {
    const lines: string[] = [];
    const logger = jsonLogger('warn', (line) => lines.push(line));
    logger.log('info', 'quiet');
    logger.log('error', 'loud');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['loud']);
  });

  it('writes the lines of one turn to stdout in one write, in order, after the turn', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const logger = jsonLogger('info', stdoutLines());
    const other = jsonLogger('info');
    logger.log('info', 'first', { n: 1 });
    other.log('info', 'second', { n: 2 });
    expect(write).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(1);
    const text = String(write.mock.calls[0]?.[0]);
    expect(text.split('\n').map((line) => (line === '' ? null : (JSON.parse(line) as { msg: string }).msg))).toEqual([
      'first',
      'second',
      null,
    ]);
  });

  it('writes at once when a turn has logged a lot', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const logger = jsonLogger('info');
    const field = 'x'.repeat(1_000);
    for (let i = 0; i < 100; i += 1) logger.log('info', 'bulk', { field });
    expect(write).toHaveBeenCalled();
    const written = write.mock.calls.map(([text]) => String(text)).join('');
    expect(written.split('\n').length).toBeGreaterThan(60);
    // The rest is written after the turn, still to the mock.
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      write.mock.calls
        .map(([text]) => String(text))
        .join('')
        .split('\n'),
    ).toHaveLength(101);
  });
});
