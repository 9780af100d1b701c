/**
 * The value a test relies on (a fixture's element, a line it found), or a thrown error naming what is missing:
 * the test fails with that message instead of a TypeError further on.
 */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found nothing`);
  return value;
}
