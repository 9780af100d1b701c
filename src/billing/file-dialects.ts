/**
 * The CSV/Parquet layouts Tollgate imports, as a table: how to recognise each from its header and how
 * each FOCUS column is computed from its columns (DuckDB SQL over the raw columns). Adding a layout is
 * one entry. The FOCUS layout is the native one; the others are the providers' own exports that teams
 * still have (AWS CUR 1.0, Azure cost details from EA and MCA accounts).
 */

import { curCommitmentSql, type CurCommitmentSql } from './cur-commitments.js';

/**
 * Amounts are read as exact decimals (NaN, Infinity and out-of-range figures fail the cast, so the row is an
 * error at file:line); times as TIMESTAMPTZ, so an offset is converted to UTC (the session's zone) rather than
 * dropped.
 */
export type RawType = 'VARCHAR' | 'DECIMAL(38, 6)' | 'TIMESTAMPTZ' | 'DATE';

/** What a layout needs to know about the file it reads. */
export interface FileShape {
  readonly headers: ReadonlySet<string>;
  /** The first data row's values by column, to pick date formats. */
  readonly sample: Readonly<Record<string, string>>;
}

export interface FileDialect {
  readonly name: 'focus' | 'aws-cur' | 'azure-cost-details';
  readonly description: string;
  matches(shape: FileShape): boolean;
  /** Columns whose values must parse while reading: a bad one is an error at file:line. */
  types(shape: FileShape): Readonly<Record<string, RawType>>;
  /** strptime format of the DATE-typed columns, when they are not ISO. */
  dateFormat?(shape: FileShape): string | undefined;
  /** SQL for each staged column except x_Source and x_Day (which the importer adds). */
  select(shape: FileShape): Readonly<Record<StagedColumn, string>>;
}

export type StagedColumn =
  | 'x_Provider'
  | 'ChargePeriodStart'
  | 'ChargePeriodEnd'
  | 'BilledCost'
  | 'EffectiveCost'
  | 'ListCost'
  | 'BillingCurrency'
  | 'ServiceName'
  | 'ServiceCategory'
  | 'RegionId'
  | 'ResourceId'
  | 'ResourceType'
  | 'SkuId'
  | 'PricingCategory'
  | 'SubAccountId'
  | 'Tags'
  | 'x_CostType'
  | 'x_Extras';

/** A column reference, quoted for SQL. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The first of `names` the file has, as SQL; NULL when it has none of them. */
function first(shape: FileShape, ...names: string[]): string {
  const found = names.filter((name) => shape.headers.has(name));
  if (found.length === 0) return 'NULL';
  return found.length === 1 ? ident(found[0] ?? '') : `coalesce(${found.map(ident).join(', ')})`;
}

function firstName(shape: FileShape, ...names: string[]): string | undefined {
  return names.find((name) => shape.headers.has(name));
}

/** A JSON object text from columns, keys renamed; '{}' when there are none. */
function jsonObject(entries: ReadonlyArray<readonly [key: string, column: string]>): string {
  if (entries.length === 0) return `'{}'`;
  const args = entries.map(([key, column]) => `${literal(key)}, ${ident(column)}`).join(', ');
  // Null members stay: json_extract_string reads them as NULL, the same as an absent key.
  return `CAST(json_object(${args}) AS VARCHAR)`;
}

/** Tags as a JSON object text: FOCUS writes an object; Azure's exports often leave the braces off. */
function tagsJson(column: string): string {
  const text = `trim(${column})`;
  // Valid JSON text that starts with "{" is an object, so one json_valid per row decides (this runs once
  // per row of multi-million-row files; the JSON check is the expensive part).
  const checked = (candidate: string): string => `CASE WHEN json_valid(${candidate}) THEN ${candidate} ELSE '{}' END`;
  return `CASE WHEN ${column} IS NULL OR ${text} = '' THEN '{}' WHEN starts_with(${text}, '{') THEN ${checked(text)} ELSE ${checked(`'{' || ${text} || '}'`)} END`;
}

/**
 * Provider from a publisher name; LIKE, not regex: this runs once per row of multi-million-row files. The names
 * the clouds' exports write are compared whole first (what the LIKEs give them), which costs a fifth as much.
 */
const PROVIDER_CASE = (expr: string): string => {
  const name = `lower(coalesce(${expr}, ''))`;
  return `CASE ${expr} WHEN 'Amazon Web Services' THEN 'aws' WHEN 'AWS' THEN 'aws' WHEN 'Microsoft' THEN 'azure' WHEN 'Google Cloud' THEN 'gcp'
    ELSE CASE WHEN ${name} LIKE '%amazon%' OR ${name} LIKE '%aws%' THEN 'aws'
    WHEN ${name} LIKE '%microsoft%' OR ${name} LIKE '%azure%' THEN 'azure'
    WHEN ${name} LIKE '%google%' OR ${name} LIKE '%gcp%' THEN 'gcp' ELSE 'other' END END`;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * FOCUS columns kept in x_Extras: the x_ columns, and the CommitmentDiscount* columns (which commitment a row
 * used or left unused) that the savings rules read for commitment coverage and utilisation.
 */
export function isExtraFocusColumn(name: string): boolean {
  return (name.startsWith('x_') && name !== 'x_CostType') || name.startsWith('CommitmentDiscount');
}

const focus: FileDialect = {
  name: 'focus',
  description: 'FOCUS (FinOps Open Cost and Usage Specification) export',
  matches: ({ headers }) => headers.has('ChargePeriodStart') && headers.has('BilledCost'),
  types: ({ headers }) => {
    const types: Record<string, RawType> = { ChargePeriodStart: 'TIMESTAMPTZ', BilledCost: 'DECIMAL(38, 6)' };
    for (const name of ['ChargePeriodEnd']) if (headers.has(name)) types[name] = 'TIMESTAMPTZ';
    for (const name of ['EffectiveCost', 'ListCost']) if (headers.has(name)) types[name] = 'DECIMAL(38, 6)';
    return types;
  },
  select: (shape) => ({
    x_Provider: PROVIDER_CASE(
      first(shape, 'ServiceProviderName', 'ProviderName', 'PublisherName', 'InvoiceIssuerName', 'HostProviderName'),
    ),
    ChargePeriodStart: ident('ChargePeriodStart'),
    ChargePeriodEnd: shape.headers.has('ChargePeriodEnd') ? ident('ChargePeriodEnd') : `${ident('ChargePeriodStart')} + INTERVAL 1 DAY`,
    BilledCost: ident('BilledCost'),
    EffectiveCost: first(shape, 'EffectiveCost'),
    ListCost: first(shape, 'ListCost'),
    BillingCurrency: `upper(trim(${first(shape, 'BillingCurrency')}))`,
    ServiceName: first(shape, 'ServiceName'),
    ServiceCategory: first(shape, 'ServiceCategory'),
    RegionId: first(shape, 'RegionId', 'Region'),
    ResourceId: first(shape, 'ResourceId'),
    ResourceType: first(shape, 'ResourceType'),
    SkuId: first(shape, 'SkuId'),
    PricingCategory: first(shape, 'PricingCategory'),
    SubAccountId: first(shape, 'SubAccountId'),
    Tags: shape.headers.has('Tags') ? tagsJson(ident('Tags')) : `'{}'`,
    x_CostType: shape.headers.has('x_CostType') ? `coalesce(nullif(trim(${ident('x_CostType')}), ''), 'Actual')` : `'Actual'`,
    x_Extras: jsonObject(
      [...shape.headers]
        .filter(isExtraFocusColumn)
        .sort()
        .map((name) => [name, name] as const),
    ),
  }),
};

const CUR_TAG_PREFIX = 'resourceTags/user:';

/** The CUR's commitment amounts (src/billing/cur-commitments.ts reads them). */
const CUR_COMMITMENT_AMOUNTS = [
  'savingsPlan/SavingsPlanEffectiveCost',
  'savingsPlan/TotalCommitmentToDate',
  'savingsPlan/UsedCommitment',
  'reservation/EffectiveCost',
  'reservation/UnusedAmortizedUpfrontFeeForBillingPeriod',
  'reservation/UnusedRecurringFee',
];

const awsCur: FileDialect = {
  name: 'aws-cur',
  description: 'AWS Cost and Usage Report (CUR 1.0)',
  matches: ({ headers }) => headers.has('lineItem/UsageStartDate') && headers.has('lineItem/UnblendedCost'),
  types: ({ headers }) => {
    const types: Record<string, RawType> = {
      'lineItem/UsageStartDate': 'TIMESTAMPTZ',
      'lineItem/UnblendedCost': 'DECIMAL(38, 6)',
    };
    if (headers.has('lineItem/UsageEndDate')) types['lineItem/UsageEndDate'] = 'TIMESTAMPTZ';
    if (headers.has('pricing/publicOnDemandCost')) types['pricing/publicOnDemandCost'] = 'DECIMAL(38, 6)';
    if (headers.has('lineItem/NetUnblendedCost')) types['lineItem/NetUnblendedCost'] = 'DECIMAL(38, 6)';
    // The commitment amounts too, so that a malformed one is an error at file:line, never a zero.
    for (const name of CUR_COMMITMENT_AMOUNTS) if (headers.has(name)) types[name] = 'DECIMAL(38, 6)';
    return types;
  },
  select: (shape) =>
    curSelect(
      shape,
      curCommitmentSql((...names) => first(shape, ...names)),
    ),
};

function curSelect(shape: FileShape, commitments: CurCommitmentSql): Readonly<Record<StagedColumn, string>> {
  return {
    x_Provider: `'aws'`,
    ChargePeriodStart: ident('lineItem/UsageStartDate'),
    ChargePeriodEnd: first(shape, 'lineItem/UsageEndDate'),
    BilledCost: ident('lineItem/UnblendedCost'),
    EffectiveCost: commitments.effectiveCost,
    ListCost: first(shape, 'pricing/publicOnDemandCost'),
    BillingCurrency: `upper(trim(${first(shape, 'lineItem/CurrencyCode', 'pricing/currency')}))`,
    ServiceName: first(shape, 'product/ProductName', 'lineItem/ProductCode'),
    ServiceCategory: first(shape, 'product/productFamily'),
    RegionId: first(shape, 'product/regionCode', 'product/region'),
    ResourceId: `nullif(${first(shape, 'lineItem/ResourceId')}, '')`,
    ResourceType: first(shape, 'product/instanceType'),
    SkuId: first(shape, 'product/sku'),
    PricingCategory: commitments.pricingCategory,
    SubAccountId: first(shape, 'lineItem/UsageAccountId'),
    x_CostType: `'Actual'`,
    Tags: jsonObject(
      [...shape.headers]
        .filter((name) => name.startsWith(CUR_TAG_PREFIX))
        .sort()
        .map((name) => [name.slice(CUR_TAG_PREFIX.length), name] as const),
    ),
    x_Extras: `CAST(json_object(${[
      ...(['lineItem/UsageType', 'lineItem/LineItemType', 'lineItem/Operation'] as const)
        .filter((name) => shape.headers.has(name))
        .map((name) => [`x_${name.split('/')[1] ?? name}`, ident(name)] as const),
      ...commitments.extras,
    ]
      .map(([key, sql]) => `${literal(key)}, ${sql}`)
      .join(', ')}) AS VARCHAR)`,
  };
}

const AZURE_COST_COLUMNS = ['CostInBillingCurrency', 'Cost', 'PreTaxCost'];

const azureCostDetails: FileDialect = {
  name: 'azure-cost-details',
  description: 'Azure cost details export (EA or MCA actual/amortised cost)',
  matches: ({ headers }) => headers.has('Date') && headers.has('MeterCategory') && AZURE_COST_COLUMNS.some((name) => headers.has(name)),
  types: (shape) => ({
    Date: ISO_DATE.test(shape.sample.Date ?? '') ? 'TIMESTAMPTZ' : 'DATE',
    [firstName(shape, ...AZURE_COST_COLUMNS) ?? 'Cost']: 'DECIMAL(38, 6)',
  }),
  dateFormat: (shape) => (ISO_DATE.test(shape.sample.Date ?? '') ? undefined : '%m/%d/%Y'),
  select: (shape) => ({
    x_Provider: `'azure'`,
    ChargePeriodStart: `CAST(${ident('Date')} AS TIMESTAMPTZ)`,
    ChargePeriodEnd: `CAST(${ident('Date')} AS TIMESTAMPTZ) + INTERVAL 1 DAY`,
    BilledCost: ident(firstName(shape, ...AZURE_COST_COLUMNS) ?? 'Cost'),
    EffectiveCost: 'NULL',
    ListCost: 'NULL',
    BillingCurrency: `upper(trim(${first(shape, 'BillingCurrencyCode', 'BillingCurrency', 'Currency')}))`,
    ServiceName: first(shape, 'MeterCategory'),
    ServiceCategory: first(shape, 'ServiceFamily'),
    RegionId: first(shape, 'ResourceLocation'),
    ResourceId: first(shape, 'ResourceId', 'InstanceId'),
    ResourceType: first(shape, 'ConsumedService'),
    SkuId: first(shape, 'MeterId'),
    PricingCategory: `CASE WHEN coalesce(${first(shape, 'PricingModel')}, '') ILIKE '%spot%' THEN 'Dynamic'
      WHEN coalesce(${first(shape, 'PricingModel')}, '') ILIKE '%reservation%' OR ${first(shape, 'ReservationId')} IS NOT NULL THEN 'Committed'
      ELSE 'Standard' END`,
    SubAccountId: first(shape, 'SubscriptionId', 'SubscriptionGuid'),
    Tags: shape.headers.has('Tags') ? tagsJson(ident('Tags')) : `'{}'`,
    x_CostType: `'Actual'`,
    x_Extras: jsonObject(
      (['ResourceGroup', 'MeterName', 'ChargeType'] as const)
        .filter((name) => shape.headers.has(name))
        .map((name) => [`x_${name}`, name] as const),
    ),
  }),
};

export const FILE_DIALECTS: readonly FileDialect[] = [focus, awsCur, azureCostDetails];

export function dialectFor(shape: FileShape): FileDialect | undefined {
  return FILE_DIALECTS.find((dialect) => dialect.matches(shape));
}
