/**
 * The one money type of Tollgate, for pricing (catalog prices, plan estimates) and billing (spend files, cost
 * history): integer micro-units (millionths of the currency unit) in a bigint.
 *
 * Why bigint and not a number of micros: spend files hold hundreds of thousands of rows with many decimals,
 * and their sums must be exact. A number is exact only to 2^53 µ ≈ 9 billion units, so every sum would need a
 * range guard; a bigint never loses a micro-unit, and the type keeps micros (bigint) and currency units
 * (number) from being mixed by accident. Amounts become numbers once, where they leave the model
 * (`microsToNumber`), and are rounded to cents only when a renderer prints them. Input that is not a finite
 * decimal (NaN, Infinity, 1e400 as a float) never becomes Micros: `parseMicros` and `unitsToMicros` refuse it.
 */

/** An integer number of micro-units of some currency. */
export type Micros = bigint;

export const MICROS_PER_UNIT = 1_000_000n;

// A plain decimal with an optional exponent: "12", "-0.5", ".25", "1.2E-5". No thousands separators, no
// currency signs: FOCUS costs are plain decimals, and guessing at "1,234" would silently misread "1,234.5" in
// locales that swap the separators.
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * The largest amount a cost record may carry: what a signed 64-bit integer of micro-units holds (the history
 * stores BIGINT micros), about 9.2 trillion units. A larger figure in a cost file is an input error.
 */
export const MAX_RECORD_MICROS = 2n ** 63n - 1n;

export function isRecordableMicros(micros: Micros): boolean {
  return micros <= MAX_RECORD_MICROS && micros >= -MAX_RECORD_MICROS;
}

/** Rounds a quotient of integers half away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/**
 * A decimal string as micro-units, rounded half away from zero below one micro-unit; null when the text
 * is not a decimal number.
 */
export function parseMicros(text: string): bigint | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return null;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  // The value is digits × 10^(exponent - fraction.length); micro-units multiply it by 10^6.
  const digits = BigInt(`${whole}${fraction}` || '0');
  const scale = exponent - fraction.length + 6;
  const micros = scale >= 0 ? digits * 10n ** BigInt(scale) : divideRounded(digits, 10n ** BigInt(-scale));
  return sign === '-' ? -micros : micros;
}

/** The largest integer a double holds exactly, and every integer below it: 2^53. */
const EXACT_IN_A_DOUBLE = 2n ** 53n;

/** Micro-units as a number of currency units: the one conversion to floating point. */
export function microsToNumber(micros: bigint): number {
  // Up to 2^53 the micro-units are exact as a double, and a division of exact doubles is correctly rounded: the
  // quotient is the double nearest to micros / 10^6, the one parsing its exact decimal text gives. A priced plan
  // converts a few numbers per resource; the division costs a third of building and parsing the text.
  if (micros <= EXACT_IN_A_DOUBLE && micros >= -EXACT_IN_A_DOUBLE) return Number(micros) / 1e6;
  const magnitude = micros < 0n ? -micros : micros;
  const whole = magnitude / MICROS_PER_UNIT;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0');
  // Parsing the exact decimal gives the double nearest to it; adding whole and fraction as floats may not.
  return Number(`${micros < 0n ? '-' : ''}${whole}.${fraction}`);
}

/**
 * A figure in currency units (a validated catalog price) as micro-units, rounded to the micro-unit. Goes
 * through the number's shortest decimal text, so 0.1 is exactly 100000 µ. Callers validate their input
 * first; a non-finite number here is a bug (RangeError).
 */
export function unitsToMicros(units: number): Micros {
  const micros = Number.isFinite(units) ? parseMicros(String(units)) : null;
  if (micros === null) throw new RangeError(`not a finite amount: ${units}`);
  return micros;
}

/** rate × quantity (hours, GB, a discount factor), rounded half away from zero once, where the product is formed. */
export function multiplyMicros(rate: Micros, quantity: number): Micros {
  // A whole quantity (hours, instances, GiB: nearly every one) gives an exact product, so nothing is rounded and
  // the decimal parse of the quantity that rounding needs is spared.
  if (Number.isSafeInteger(quantity)) return rate * BigInt(quantity);
  if (!Number.isFinite(quantity)) throw new RangeError(`not a finite quantity: ${quantity}`);
  const factor = parseMicros(String(quantity));
  if (factor === null) throw new RangeError(`not a decimal quantity: ${quantity}`);
  return divideRounded(rate * factor, MICROS_PER_UNIT);
}

export function sumMicros(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}
