/** Command-line mistakes are input errors like any other: exit 2 and exactly one line on stderr. */
import { describe, expect, it } from 'vitest';
import { tollgate } from './run-cli.js';

describe('usage errors', () => {
  it.each([
    [['check', '--plann', 'plan.json'], /unknown option '--plann' \(Did you mean --plan\?\)/],
    [['chek'], /unknown command 'chek'/],
    [['check', '--fail-on'], /option '--fail-on <level>' argument missing/],
    [['report'], /required option '-o, --out <dir>' not specified/],
  ])('tollgate %j', (args, message) => {
    const result = tollgate(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tollgate: error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/\(run with --help for usage\)$/);
  });
});
