/** Dates a user writes are checked against the calendar, never rolled over (2026-02-30 is not 2 March). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveNow } from '../../src/cli/now.js';
import { loadConfig } from '../../src/config/config.js';
import { isCalendarDate, isDateOrTime, isRfc3339 } from '../../src/dates.js';
import { parseInventory } from '../../src/inputs/inventory/index.js';
import { TollgateError } from '../../src/model/errors.js';

function failure(action: () => unknown): TollgateError {
  try {
    action();
  } catch (error) {
    if (error instanceof TollgateError) return error;
    throw error;
  }
  throw new Error('expected a TollgateError');
}

describe('calendar dates', () => {
  it.each(['2026-01-31', '2024-02-29', '2026-12-01', '0001-01-01'])('%s exists', (text) => {
    expect(isCalendarDate(text)).toBe(true);
  });

  it.each(['2026-02-30', '2026-02-29', '2025-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-5', '20260105', ' 2026-01-05'])(
    '%s does not',
    (text) => {
      expect(isCalendarDate(text)).toBe(false);
    },
  );

  it.each([
    ['2026-02-28T23:59:60Z', true],
    ['2026-02-28T10:00:00.123+05:30', true],
    ['2026-02-30T10:00:00Z', false],
    ['2026-02-28T24:00:00Z', false],
    ['2026-02-28T10:60:00Z', false],
    ['2026-02-28T10:00:00+24:00', false],
    ['2026-02-28T10:00:00', false],
  ])('%s as RFC 3339: %s', (text, valid) => {
    expect(isRfc3339(text)).toBe(valid);
    expect(isDateOrTime(text)).toBe(valid);
  });
});

describe('--now', () => {
  it('takes a date or an RFC 3339 time, in UTC', () => {
    expect(resolveNow('2026-02-28')).toBe('2026-02-28T00:00:00.000Z');
    expect(resolveNow('2026-03-01T01:30:00+02:00')).toBe('2026-02-28T23:30:00.000Z');
  });

  it.each(['2026-02-30', '2026-02-28T10:00:00', 'yesterday'])('refuses %s', (text) => {
    expect(failure(() => resolveNow(text)).message).toMatch(/^--now must be .* exists in the calendar \(got/);
  });
});

describe('dates in files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-dates-'));

  it('an exemption expiring on 30 February is an error at its line and column', () => {
    const file = join(dir, 'tollgate.yaml');
    writeFileSync(file, 'exemptions:\n  - rule: TG-ENC-001\n    resource: "*"\n    reason: r\n    owner: o\n    expires: 2026-02-30\n');
    const error = failure(() => loadConfig(file));
    expect(error.format()).toBe(
      `${file}:6:14: exemptions.0.expires is "2026-02-30", expected a date YYYY-MM-DD that exists in the calendar: the last day the exemption applies`,
    );
  });

  it('an inventory approval on 31 April is an error at its line', () => {
    const text = [
      'models:',
      '  - id: m',
      '    name: M',
      '    owner: {team: t, contact: t@example.com}',
      '    risk_tier: minimal',
      '    versions:',
      '      - version: "1"',
      '        artifact: {uri: "s3://b/m", digest: "sha256:' + '0'.repeat(64) + '"}',
      '        approvals:',
      '          - {reviewer: a@example.com, decision: approve, date: 2026-04-31}',
    ].join('\n');
    const error = failure(() => parseInventory(text, 'inventory.yaml', '2026-05-01T00:00:00Z'));
    expect(error.file).toBe('inventory.yaml');
    expect(error.line).toBe(10);
    expect(error.message).toMatch(/"2026-04-31", expected a date as YYYY-MM-DD or an RFC 3339 timestamp, one that exists in the calendar/);
  });
});
