/**
 * Format names the schemas use, checked against the calendar (src/dates.ts), so `2026-02-30` is an error at
 * its line and column rather than a day in March. Described in the schemas, so other validators read them as
 * annotations. The precompiled validators (src/config/generated/) import this table.
 */
import { isCalendarDate, isDateOrTime } from '../dates.js';

export const DATE_FORMATS = {
  'calendar-date': isCalendarDate,
  'date-or-time': isDateOrTime,
} as const;

/** The same, as ajv format definitions (string values only): what the precompiled validators call. */
export const SCHEMA_FORMATS = {
  'calendar-date': { type: 'string', validate: isCalendarDate },
  'date-or-time': { type: 'string', validate: isDateOrTime },
} as const;
