/**
 * Strict dates. `new Date('2026-02-30')` quietly rolls over to March 2; an exemption written to end on
 * 30 February would then apply two days longer than anyone read. Every date a user writes (tollgate.yaml
 * expiries, inventory approvals and evaluations, --now) is checked against the calendar instead.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "YYYY-MM-DD" naming a day that exists. */
export function isCalendarDate(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** An RFC 3339 timestamp with a real date, a real time of day and an offset within ±23:59. */
export function isRfc3339(text: string): boolean {
  const match = TIME.exec(text);
  if (!match || !isCalendarDate(match[1] ?? '')) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])];
  const offsetOk = match[7] === undefined || (Number(match[7]) <= 23 && Number(match[8]) <= 59);
  // 60 is a leap second, which RFC 3339 allows.
  return hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

/** A date or an RFC 3339 timestamp, as the inventory and --now accept. */
export function isDateOrTime(text: string): boolean {
  return isCalendarDate(text) || isRfc3339(text);
}
