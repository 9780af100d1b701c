/**
 * Azure prices from the Retail Prices REST API (no credentials needed): pay-as-you-go Linux VM meters for
 * on-demand, the "Spot" meters for spot. Windows products and Low Priority meters are left out. Pages are
 * followed through `NextPageLink`; HTTP 429 (and 503) are retried with backoff.
 */
import { PRICE_API_RETRY, withRetry, type RetryPolicy } from '../../retry.js';
import type { FetchedFigure, FetchResult, Progress } from './figures.js';

export const AZURE_RETAIL_PRICES_URL = 'https://prices.azure.com/api/retail/prices';
const API_VERSION = '2023-01-01-preview';
/** SKUs per request: the filter is an `or` of SKU names, kept short for the URL length limit. */
const SKUS_PER_REQUEST = 10;

interface RetailItem {
  readonly retailPrice?: number;
  readonly unitOfMeasure?: string;
  readonly armRegionName?: string;
  readonly armSkuName?: string;
  readonly meterName?: string;
  readonly productName?: string;
  readonly type?: string;
}

interface RetailPage {
  readonly Items?: readonly RetailItem[];
  readonly NextPageLink?: string | null;
}

export class AzureHttpError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`Azure Retail Prices API answered HTTP ${status} for ${url}`);
    this.name = 'AzureHttpError';
  }
}

export function isAzureThrottle(error: unknown): boolean {
  return error instanceof AzureHttpError && (error.status === 429 || error.status === 503);
}

export interface AzureRefreshOptions {
  readonly regions: readonly string[];
  /** armSkuName values, e.g. Standard_NC24ads_A100_v4 (case-sensitive in this API version). */
  readonly types: readonly string[];
  /** Injectable for tests (a local server). */
  readonly baseUrl?: string;
  readonly retry?: RetryPolicy;
  readonly progress?: Progress;
}

/** OData string literal: a quote is doubled. */
const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

export function retailPricesUrl(baseUrl: string, region: string, skus: readonly string[]): string {
  const skuFilter = skus.map((sku) => `armSkuName eq ${literal(sku)}`).join(' or ');
  const filter = `serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq ${literal(region)} and (${skuFilter})`;
  return `${baseUrl}?api-version=${API_VERSION}&$filter=${encodeURIComponent(filter)}`;
}

async function getPage(url: string): Promise<RetailPage> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new AzureHttpError(response.status, url);
  return (await response.json()) as RetailPage;
}

type Meter = 'onDemand' | 'spot' | null;

/** Which price a retail item is: Linux pay-as-you-go, Linux spot, or neither (Windows, Low Priority, not hourly). */
function meterOf(item: RetailItem): Meter {
  if (item.type !== 'Consumption' || item.unitOfMeasure !== '1 Hour') return null;
  if ((item.productName ?? '').includes('Windows')) return null;
  const meter = item.meterName ?? '';
  if (meter.includes('Low Priority')) return null;
  return meter.includes('Spot') ? 'spot' : 'onDemand';
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export async function fetchAzurePrices(options: AzureRefreshOptions): Promise<FetchResult> {
  const baseUrl = options.baseUrl ?? AZURE_RETAIL_PRICES_URL;
  // Answers spell SKU names as asked; matched case-insensitively all the same.
  const wanted = new Map(options.types.map((type) => [type.toLowerCase(), type]));
  const found = new Map<string, { onDemand: number | null; spot: number | null; type: string; region: string }>();
  for (const region of options.regions) {
    for (const group of chunks(options.types, SKUS_PER_REQUEST)) {
      options.progress?.(`azure ${region} ${group.join(', ')}`);
      let url: string | null = retailPricesUrl(baseUrl, region, group);
      while (url) {
        const pageUrl: string = url;
        const page = await withRetry(() => getPage(pageUrl), isAzureThrottle, options.retry ?? PRICE_API_RETRY);
        for (const item of page.Items ?? []) {
          const type = wanted.get((item.armSkuName ?? '').toLowerCase());
          const meter = meterOf(item);
          const price = item.retailPrice;
          if (type === undefined || meter === null || price === undefined || !(price > 0) || item.armRegionName !== region) continue;
          const key = `${type}|${region}`;
          const entry = found.get(key) ?? { onDemand: null, spot: null, type, region };
          entry[meter] = price;
          found.set(key, entry);
        }
        url = page.NextPageLink ?? null;
      }
    }
  }
  const figures: FetchedFigure[] = [];
  for (const { type, region, onDemand, spot } of found.values()) {
    if (onDemand !== null) figures.push({ list: 'instances', provider: 'azure', type, region, onDemand, spot });
  }
  return {
    sourceId: 'azure-retail-prices-api',
    source: {
      title: 'Azure Retail Prices API (Virtual Machines, Linux pay as you go; Spot meters for spot), fetched by tollgate pricing refresh',
      url: 'https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices',
    },
    figures,
  };
}
