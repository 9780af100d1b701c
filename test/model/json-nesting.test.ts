import { describe, expect, it } from 'vitest';
import { excessiveNestingAt } from '../../src/model/json-nesting.js';

describe('excessiveNestingAt', () => {
  it('accepts nesting up to the limit and finds the bracket that opens the level beyond it', () => {
    const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(excessiveNestingAt(nested(3), 3)).toBe(-1);
    expect(excessiveNestingAt(nested(4), 3)).toBe(3);
    expect(excessiveNestingAt(`{"a":${nested(2)},"b":{"c":{"d":[]}}}`, 3)).toBe(24);
  });

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    expect(excessiveNestingAt('{"a":"[[[[{{{{","b":"\\"[[[[","c":"\\\\"}', 1)).toBe(-1);
    // The quote after an even run of backslashes ends the string: the bracket after it counts.
    expect(excessiveNestingAt('["\\\\",[]]', 1)).toBe(6);
  });

  it('stops at an unterminated string, which JSON.parse refuses', () => {
    expect(excessiveNestingAt('["[[[[[', 1)).toBe(-1);
  });
});
