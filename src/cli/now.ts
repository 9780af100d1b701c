/** "Now" is an input (policies have no clock): the --now flag, else the current time, as RFC 3339 UTC. */
import { TollgateError } from '../model/errors.js';

export function resolveNow(value: string | undefined, clock: () => Date = () => new Date()): string {
  if (value === undefined) return clock().toISOString();
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const parsed = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(parsed.getTime())) {
    throw new TollgateError(`--now must be an RFC 3339 time or a date YYYY-MM-DD (got "${value}")`);
  }
  return parsed.toISOString();
}
