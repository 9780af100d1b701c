/** "Now" is an input (policies have no clock): the --now flag, else the current time, as RFC 3339 UTC. */
import { isCalendarDate, isRfc3339 } from '../dates.js';
import { TollgateError } from '../model/errors.js';

export function resolveNow(value: string | undefined, clock: () => Date = () => new Date()): string {
  if (value === undefined) return clock().toISOString();
  if (!isCalendarDate(value) && !isRfc3339(value)) {
    throw new TollgateError(`--now must be an RFC 3339 time or a date YYYY-MM-DD that exists in the calendar (got "${value}")`);
  }
  return new Date(isCalendarDate(value) ? `${value}T00:00:00Z` : value).toISOString();
}
