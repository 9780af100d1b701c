import { describe, expect, it } from 'vitest';
import {
  divideRounded,
  isRecordableMicros,
  microsToNumber,
  multiplyMicros,
  parseMicros,
  sumMicros,
  unitsToMicros,
} from '../../src/model/money.js';

describe('money in micro-units', () => {
  it.each([
    ['12', 12_000_000n],
    ['0.1', 100_000n],
    ['-0.02', -20_000n],
    ['.25', 250_000n],
    ['40.3543773134', 40_354_377n],
    ['0.0000005', 1n],
    ['-0.0000005', -1n],
    ['0.00000049', 0n],
    ['1e-7', 0n],
    ['1.5E3', 1_500_000_000n],
    ['  7.000001 ', 7_000_001n],
  ])('parses %j', (text, micros) => {
    expect(parseMicros(text)).toBe(micros);
  });

  it.each(['', 'abc', '1,234.50', '$12', '12.3.4', 'NaN', 'Infinity', '.', '-', '1e', '0x10'])('refuses %j', (text) => {
    expect(parseMicros(text)).toBeNull();
  });

  it('adds a hundred thousand tenths of a cent with no drift', () => {
    const micros = Array.from({ length: 100_000 }, () => parseMicros('0.001') ?? 0n);
    expect(microsToNumber(sumMicros(micros))).toBe(100);
    // The same sum in floating point is not exact.
    expect(Array.from({ length: 100_000 }, () => 0.001).reduce((a, b) => a + b, 0)).not.toBe(100);
  });

  it('converts to the nearest number once', () => {
    expect(microsToNumber(123_456_789n)).toBe(123.456789);
    expect(microsToNumber(-1n)).toBe(-0.000001);
    expect(microsToNumber(0n)).toBe(0);
  });

  it('converts to the number its exact decimal text parses to, on both sides of 2^53', () => {
    // The decimal text of micros / 10^6 is exact, so the double it parses to is the one conversion's reference.
    const decimal = (micros: bigint): number => {
      const magnitude = micros < 0n ? -micros : micros;
      const fraction = (magnitude % 1_000_000n).toString().padStart(6, '0');
      return Number(`${micros < 0n ? '-' : ''}${magnitude / 1_000_000n}.${fraction}`);
    };
    const samples: bigint[] = [];
    for (let d = -2000n; d <= 2000n; d++) samples.push(d, 2n ** 53n + d, -(2n ** 53n) + d, 10n ** 15n + d * 7n);
    // A fixed sequence of amounts of every length up to 18 digits (a linear congruential generator).
    let state = 12_345n;
    for (let i = 0; i < 20_000; i++) {
      state = (state * 6_364_136_223_846_793_005n + 1_442_695_040_888_963_407n) % 2n ** 64n;
      const amount = state % 10n ** BigInt(1 + (i % 18));
      samples.push(i % 2 === 0 ? amount : -amount);
    }
    const wrong = samples.filter((micros) => !Object.is(microsToNumber(micros), decimal(micros)));
    expect(wrong).toEqual([]);
  });

  it('multiplies by a whole quantity exactly as by its decimal text', () => {
    const byDecimal = (rate: bigint, quantity: number): bigint => divideRounded(rate * (parseMicros(String(quantity)) ?? 0n), 1_000_000n);
    const quantities = [0, -0, 1, 2, 730, 744, -3, 1_000_000, 2 ** 53 - 1, -(2 ** 53 - 1), 123_456_789];
    const rates = [0n, 1n, -1n, 100_000n, 32_772_600n, 999_999_999_999n, -7n];
    for (const rate of rates) {
      for (const quantity of quantities) expect(multiplyMicros(rate, quantity), `${rate} × ${quantity}`).toBe(byDecimal(rate, quantity));
    }
    // Fractions still round once, half away from zero.
    expect(multiplyMicros(3n, 0.5)).toBe(2n);
    expect(multiplyMicros(-3n, 0.5)).toBe(-2n);
  });

  it('rounds quotients half away from zero', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
    expect(() => divideRounded(1n, 0n)).toThrow(RangeError);
  });

  it('serves pricing too: catalog figures and rate × hours, exact and rounded once', () => {
    expect(unitsToMicros(0.1)).toBe(100_000n);
    expect(unitsToMicros(32.7726)).toBe(32_772_600n);
    expect(unitsToMicros(1e-7)).toBe(0n);
    expect(() => unitsToMicros(Number.NaN)).toThrow(RangeError);
    expect(() => unitsToMicros(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(multiplyMicros(100_000n, 730)).toBe(73_000_000n);
    expect(multiplyMicros(1n, 0.5)).toBe(1n);
    expect(multiplyMicros(1_000_000n, 1 - 0.7)).toBe(300_000n);
    expect(Array.from({ length: 1000 }, () => unitsToMicros(0.1)).reduce((a, b) => a + b, 0n)).toBe(100_000_000n);
  });

  it('bounds what a record may carry to 64-bit micros', () => {
    expect(isRecordableMicros(parseMicros('9000000000000') ?? 0n)).toBe(true);
    expect(isRecordableMicros(parseMicros('1e400') ?? 0n)).toBe(false);
    expect(isRecordableMicros(parseMicros('-1e13') ?? 0n)).toBe(false);
  });
});
