/** The FOCUS CSV the savings tests import: AWS compute lines with commitment columns, one row per day. */

/** The columns each row gives, in this order. */
const HEADER = [
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'BillingCurrency',
  'ServiceProviderName',
  'ServiceName',
  'ServiceCategory',
  'RegionId',
  'ResourceId',
  'ResourceType',
  'SkuId',
  'PricingCategory',
  'SubAccountId',
  'Tags',
  'x_InstanceType',
  'CommitmentDiscountId',
  'CommitmentDiscountType',
  'CommitmentDiscountStatus',
] as const;

const csvField = (value: string): string => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The CSV text of rows whose values follow HEADER's order. */
export function savingsFocusCsv(rows: ReadonlyArray<readonly string[]>): string {
  for (const row of rows) {
    if (row.length !== HEADER.length) throw new Error(`a row of ${row.length} values for ${HEADER.length} columns`);
  }
  return `${HEADER.join(',')}\n${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}
