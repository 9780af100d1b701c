/**
 * Money as integer micro-units (millionths of the currency unit) in a bigint: spend files hold hundreds of
 * thousands of rows with many decimals, and summing them as floats drifts. Amounts become numbers only when
 * they leave billing (SpendSummary), and are rounded to cents only when a renderer prints them.
 */

export const MICROS_PER_UNIT = 1_000_000n;

// A plain decimal with an optional exponent: "12", "-0.5", ".25", "1.2E-5". No thousands separators, no
// currency signs: FOCUS costs are plain decimals, and guessing at "1,234" would silently misread "1,234.5" in
// locales that swap the separators.
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

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

/** Micro-units as a number of currency units: the one conversion to floating point. */
export function microsToNumber(micros: bigint): number {
  const magnitude = micros < 0n ? -micros : micros;
  const whole = magnitude / MICROS_PER_UNIT;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0');
  // Parsing the exact decimal gives the double nearest to it; adding whole and fraction as floats may not.
  return Number(`${micros < 0n ? '-' : ''}${whole}.${fraction}`);
}

export function sumMicros(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}
