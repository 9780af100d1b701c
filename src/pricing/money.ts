/**
 * Money without float drift. Prices and sums are integer micro-dollars (1e-6 USD) from the moment a
 * catalog figure is read until a figure leaves the pricing module, so adding 1000 × $0.10 gives exactly
 * $100. Products with fractional hours are rounded to the micro-dollar once, where they are formed.
 */

/** An integer number of micro-dollars. Safe to 2^53 µ$ ≈ $9 billion, far above any plan. */
export type Micros = number;

const MICROS_PER_USD = 1_000_000;

/** A catalog figure in USD → micro-dollars (figures finer than a micro-dollar are rounded). */
export function usdToMicros(usd: number): Micros {
  return Math.round(usd * MICROS_PER_USD);
}

/** The one rounding edge: micro-dollars → USD for the model and outputs. */
export function microsToUsd(micros: Micros): number {
  return micros / MICROS_PER_USD;
}

/** rate × quantity (hours, GB), rounded once to the micro-dollar. */
export function multiply(rate: Micros, quantity: number): Micros {
  return Math.round(rate * quantity);
}
