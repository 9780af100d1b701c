/**
 * Commitments (Savings Plans and Reserved Instances) in an AWS Cost and Usage Report, as the FOCUS columns the
 * savings rules read: PricingCategory, EffectiveCost and the CommitmentDiscount* columns kept in x_Extras. The
 * CUR states the same facts as FOCUS on differently shaped rows (lineItem/LineItemType says which):
 *
 * | line item type            | PricingCategory | EffectiveCost (amortised)                                   | CommitmentDiscountStatus |
 * |---------------------------|-----------------|-------------------------------------------------------------|--------------------------|
 * | Usage, pricing/term OnDemand | Standard     | lineItem/NetUnblendedCost, else lineItem/UnblendedCost      |                          |
 * | SavingsPlanCoveredUsage   | Committed       | savingsPlan/SavingsPlanEffectiveCost                        | Used                     |
 * | SavingsPlanNegation       | Committed       | 0 (it cancels the covered usage's on-demand cost)           |                          |
 * | SavingsPlanRecurringFee   | Committed       | savingsPlan/TotalCommitmentToDate − savingsPlan/UsedCommitment | Unused                |
 * | SavingsPlanUpfrontFee     | Committed       | 0 (amortised into the covered usage)                        |                          |
 * | DiscountedUsage           | Committed       | reservation/EffectiveCost                                   | Used                     |
 * | RIFee                     | Committed       | reservation/UnusedAmortizedUpfrontFeeForBillingPeriod + reservation/UnusedRecurringFee | Unused |
 * | Fee (an RI's upfront fee) | Committed       | 0 (amortised into the discounted usage)                     |                          |
 *
 * So a resource's covered usage counts as committed spend at its effective cost, the fee rows carry only the
 * part of the commitment nobody used, and BilledCost stays lineItem/UnblendedCost (what the invoice shows).
 * Columns are named as in the legacy CUR (`savingsPlan/SavingsPlanARN`), the layout the CUR dialect reads.
 */

/** What the CUR dialect's SQL helpers give this module: a column by its names, NULL when the file has none. */
export type ColumnOf = (...names: string[]) => string;

/** SQL for the commitment facts of one CUR row. */
export interface CurCommitmentSql {
  readonly pricingCategory: string;
  readonly effectiveCost: string;
  /** [FOCUS column name, SQL] pairs for x_Extras. */
  readonly extras: ReadonlyArray<readonly [name: string, sql: string]>;
}

export function curCommitmentSql(column: ColumnOf): CurCommitmentSql {
  const cur = (name: string): string => column(name);
  const amount = (name: string): string => `coalesce(TRY_CAST(${cur(name)} AS DECIMAL(38, 6)), 0)`;
  const type = `coalesce(${cur('lineItem/LineItemType')}, '')`;
  const term = `coalesce(${cur('pricing/term')}, '')`;
  const usageType = `coalesce(${cur('lineItem/UsageType')}, '')`;
  const savingsPlan = `nullif(${cur('savingsPlan/SavingsPlanARN')}, '')`;
  const reservation = `nullif(${cur('reservation/ReservationARN')}, '')`;
  const onDemandEffective = `coalesce(TRY_CAST(${cur('lineItem/NetUnblendedCost')} AS DECIMAL(38, 6)), TRY_CAST(${cur('lineItem/UnblendedCost')} AS DECIMAL(38, 6)))`;
  const savingsPlanRow = `${type} IN ('SavingsPlanCoveredUsage', 'SavingsPlanNegation', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee')`;
  const reservationRow = `${type} IN ('DiscountedUsage', 'RIFee') OR (${type} = 'Fee' AND ${reservation} IS NOT NULL)`;
  return {
    pricingCategory: `CASE WHEN ${savingsPlanRow} OR ${reservationRow} OR ${term} = 'Reserved' THEN 'Committed'
      WHEN ${usageType} ILIKE '%Spot%' THEN 'Dynamic'
      WHEN ${term} = 'OnDemand' THEN 'Standard' ELSE NULL END`,
    effectiveCost: `CASE ${type}
      WHEN 'SavingsPlanCoveredUsage' THEN ${amount('savingsPlan/SavingsPlanEffectiveCost')}
      WHEN 'SavingsPlanNegation' THEN 0
      WHEN 'SavingsPlanRecurringFee' THEN greatest(${amount('savingsPlan/TotalCommitmentToDate')} - ${amount('savingsPlan/UsedCommitment')}, 0)
      WHEN 'SavingsPlanUpfrontFee' THEN 0
      WHEN 'DiscountedUsage' THEN ${amount('reservation/EffectiveCost')}
      WHEN 'RIFee' THEN ${amount('reservation/UnusedAmortizedUpfrontFeeForBillingPeriod')} + ${amount('reservation/UnusedRecurringFee')}
      ELSE CASE WHEN ${type} = 'Fee' AND ${reservation} IS NOT NULL THEN 0 ELSE ${onDemandEffective} END END`,
    extras: [
      [
        'CommitmentDiscountId',
        `CASE WHEN ${type} IN ('SavingsPlanCoveredUsage', 'SavingsPlanRecurringFee') THEN ${savingsPlan}
          WHEN ${type} IN ('DiscountedUsage', 'RIFee') THEN ${reservation} END`,
      ],
      [
        'CommitmentDiscountType',
        `CASE WHEN ${type} IN ('SavingsPlanCoveredUsage', 'SavingsPlanRecurringFee') AND ${savingsPlan} IS NOT NULL THEN 'Savings Plan'
          WHEN ${type} IN ('DiscountedUsage', 'RIFee') AND ${reservation} IS NOT NULL THEN 'Reservation' END`,
      ],
      [
        'CommitmentDiscountCategory',
        `CASE WHEN ${type} IN ('SavingsPlanCoveredUsage', 'SavingsPlanRecurringFee') AND ${savingsPlan} IS NOT NULL THEN 'Spend'
          WHEN ${type} IN ('DiscountedUsage', 'RIFee') AND ${reservation} IS NOT NULL THEN 'Usage' END`,
      ],
      [
        'CommitmentDiscountStatus',
        `CASE WHEN ${type} IN ('SavingsPlanCoveredUsage', 'DiscountedUsage') THEN 'Used'
          WHEN ${type} IN ('SavingsPlanRecurringFee', 'RIFee') THEN 'Unused' END`,
      ],
    ],
  };
}
