/**
 * Spend per configured budget for the current calendar month (UTC), the `input.spend` the budget rules read.
 * "Now" is the policy input's clock (`input.context.now`), never the machine's, so a pinned --now gives the
 * same summary on any day.
 *
 * - monthToDate: EffectiveCost (else BilledCost) of the scope's Actual rows that started this month before now;
 *   null when no such row exists: no data is indeterminate, not zero.
 * - forecastRemaining: the scope's Forecast rows from today to the end of the month; with none, a run-rate
 *   projection (month to date ÷ whole days before today × days left, today included), said so in `sources`.
 */
import type { Budget } from '../config/config.js';
import { TollgateError } from '../model/errors.js';
import type { SpendSummary } from '../model/resource.js';
import { DEFAULT_BUDGET_CURRENCY, firstTag, matchesScope } from './budgets.js';
import { divideRounded, microsToNumber } from '../model/money.js';
import { countedCost, type CostRecord } from '../model/cost-record.js';

const DAY_MS = 86_400_000;

/** The calendar facts of "now" that the summary and proration need. */
export interface BillingMonth {
  /** First instant of the month. */
  readonly start: number;
  /** First instant of the next month. */
  readonly end: number;
  /** First instant of today. */
  readonly today: number;
  readonly now: number;
  readonly daysInMonth: number;
  /** Days from today to the end of the month, today included. */
  readonly daysLeft: number;
  /** Whole days of the month before today. */
  readonly daysElapsed: number;
}

export function billingMonth(now: string): BillingMonth {
  const instant = Date.parse(now);
  if (Number.isNaN(instant)) throw new RangeError(`not a time: ${now}`);
  const date = new Date(instant);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const start = Date.UTC(year, month, 1);
  const end = Date.UTC(year, month + 1, 1);
  const daysInMonth = Math.round((end - start) / DAY_MS);
  return {
    start,
    end,
    today: Date.UTC(year, month, day),
    now: instant,
    daysInMonth,
    daysLeft: daysInMonth - day + 1,
    daysElapsed: day - 1,
  };
}

/** Whether a row can count towards this month at all (the CLI keeps only these in memory). */
export function isInMonth(record: CostRecord, month: BillingMonth): boolean {
  const start = Date.parse(record.ChargePeriodStart);
  return start >= month.start && start < month.end;
}

function isMonthToDate(record: CostRecord, month: BillingMonth): boolean {
  const start = Date.parse(record.ChargePeriodStart);
  return record.x_CostType === 'Actual' && start >= month.start && start < month.now;
}

function isRestOfMonthForecast(record: CostRecord, month: BillingMonth): boolean {
  const start = Date.parse(record.ChargePeriodStart);
  return record.x_CostType === 'Forecast' && start >= month.today && start < month.end;
}

/** A budget's figures stay in one currency: a row in another cannot be added without a rate nobody gave. */
function assertCurrency(record: CostRecord, budget: Budget, currency: string): void {
  if (record.BillingCurrency === currency) return;
  throw new TollgateError(
    `BillingCurrency ${record.BillingCurrency} in the scope of budget "${budget.name}", which is in ${currency}: ` +
      'spend in one budget scope must be in the budget currency',
    record.x_Origin ?? {},
  );
}

function summariseBudget(
  records: readonly CostRecord[],
  budget: Budget,
  month: BillingMonth,
  environmentTagKeys: readonly string[],
): SpendSummary {
  const currency = budget.currency ?? DEFAULT_BUDGET_CURRENCY;
  let actualMicros = 0n;
  let actualRows = 0;
  let forecastMicros = 0n;
  let forecastRows = 0;
  const files: string[] = [];
  for (const record of records) {
    const monthToDate = isMonthToDate(record, month);
    const forecast = isRestOfMonthForecast(record, month);
    if (!monthToDate && !forecast) continue;
    const subject = { tags: record.Tags, environment: firstTag(record.Tags, environmentTagKeys), account: record.SubAccountId };
    if (!matchesScope(budget.scope, subject)) continue;
    assertCurrency(record, budget, currency);
    const file = record.x_Origin?.file ?? 'history';
    if (!files.includes(file)) files.push(file);
    if (monthToDate) {
      actualMicros += countedCost(record);
      actualRows++;
    } else {
      forecastMicros += countedCost(record);
      forecastRows++;
    }
  }

  const sources = [...files];
  let forecastRemaining: bigint | null = null;
  if (forecastRows > 0) {
    forecastRemaining = forecastMicros;
  } else if (actualRows > 0 && month.daysElapsed > 0) {
    forecastRemaining = divideRounded(actualMicros * BigInt(month.daysLeft), BigInt(month.daysElapsed));
    sources.push(`run-rate projection: month to date over ${month.daysElapsed} days × ${month.daysLeft} days left`);
  }
  return {
    budget: budget.name,
    currency,
    monthToDate: actualRows > 0 ? microsToNumber(actualMicros) : null,
    forecastRemaining: forecastRemaining === null ? null : microsToNumber(forecastRemaining),
    daysInMonth: month.daysInMonth,
    daysLeft: month.daysLeft,
    sources,
  };
}

/** One summary per configured budget, in the config's order. */
export function summariseSpend(
  records: readonly CostRecord[],
  budgets: readonly Budget[],
  now: string,
  environmentTagKeys: readonly string[],
): SpendSummary[] {
  const month = billingMonth(now);
  return budgets.map((budget) => summariseBudget(records, budget, month, environmentTagKeys));
}
