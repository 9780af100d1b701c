import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/config.js';
import { STARTER_CONFIG } from '../../src/cli/init.js';
import { TollgateError } from '../../src/model/errors.js';

function errorOf(action: () => unknown): TollgateError {
  try {
    action();
  } catch (error) {
    if (error instanceof TollgateError) return error;
    throw error;
  }
  throw new Error('expected a TollgateError');
}

describe('tollgate.yaml', () => {
  it('expands enforcement shorthands into rule settings', () => {
    const config = parseConfig('rules:\n  TG-ENC-001: warn\n  TG-TAG-001:\n    enforcement: off\n', 'tollgate.yaml');
    expect(config.rules).toEqual({ 'TG-ENC-001': { enforcement: 'warn' }, 'TG-TAG-001': { enforcement: 'off' } });
  });

  it('treats an empty file as the defaults', () => {
    expect(parseConfig('# nothing yet\n', 'tollgate.yaml')).toEqual({});
  });

  it('accepts the starter config written by `tollgate init`', () => {
    const config = parseConfig(STARTER_CONFIG, 'tollgate.yaml');
    expect(config.environments?.prod?.gpu?.max_per_instance).toBe(8);
  });

  it.each([
    [
      'an unknown key',
      'environments:\n  prod:\n    allowed_regions: [a]\n    colour: red\n',
      4,
      5,
      'unknown key "colour" in environments.prod',
    ],
    ['a bad enforcement', 'rules:\n  TG-ENC-001: block\n', 2, 15, 'rules.TG-ENC-001'],
    ['a bad rule id', 'rules:\n  enc-1: warn\n', 2, 3, 'rules'],
    [
      'a malformed date',
      'exemptions:\n  - rule: TG-ENC-001\n    resource: x\n    reason: r\n    owner: o\n    expires: 2027-13-01\n',
      6,
      14,
      'expected a date YYYY-MM-DD',
    ],
    [
      'a missing exemption owner',
      'exemptions:\n  - rule: TG-ENC-001\n    resource: x\n    reason: r\n    expires: 2027-01-01\n',
      2,
      5,
      'missing "owner"',
    ],
    ['a YAML syntax error', 'environments: [1,\n', 2, 1, ''],
    ['a duplicate key', 'fail_on: deny\nfail_on: high\n', 2, 1, 'unique'],
  ])('names file:line:column for %s', (_what, text, line, column, message) => {
    const error = errorOf(() => parseConfig(text, 'tollgate.yaml'));
    expect(error.file).toBe('tollgate.yaml');
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
  });

  it('refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefghij'.split('').map((k, i) => {
        const prev = 'abcdefghij'[i];
        return `${k}: &${k} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
    ].join('\n');
    expect(errorOf(() => parseConfig(bomb, 'bomb.yaml')).message).toMatch(/alias/i);
  });

  it('refuses documents nested deeper than the limit', () => {
    const deep = `${'['.repeat(200)}${']'.repeat(200)}`;
    expect(errorOf(() => parseConfig(`x: ${deep}\n`, 'deep.yaml')).message).toContain('nests deeper');
  });

  it('uses ./tollgate.yaml when present and the defaults otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
    expect(loadConfig(undefined, dir)).toEqual({ file: null, config: {} });
    writeFileSync(join(dir, 'tollgate.yaml'), 'default_environment: prod\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadConfig(undefined, dir).config).toEqual({ default_environment: 'prod' });
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports a missing or binary config file in one line', () => {
    expect(errorOf(() => loadConfig('/nonexistent/tollgate.yaml')).format()).toBe('/nonexistent/tollgate.yaml: config file not found');
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
    writeFileSync(join(dir, 'bin.yaml'), Buffer.from([0x00, 0x01, 0x02]));
    expect(errorOf(() => loadConfig(join(dir, 'bin.yaml'))).message).toContain('binary');
  });
});
