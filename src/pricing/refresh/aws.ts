/**
 * AWS on-demand prices from the Price List API (`GetProducts` on AmazonEC2): Linux, shared tenancy, no
 * pre-installed software, capacity in use — the figure on the EC2 on-demand pricing page. The Price List
 * has no spot prices; spot figures already in the catalog are kept.
 */
import { GetProductsCommand, PricingClient, type Filter } from '@aws-sdk/client-pricing';
import { PRICE_API_RETRY, withRetry, type RetryPolicy } from '../../retry.js';
import type { FetchedFigure, FetchResult, Progress } from './figures.js';

// The Price List API is served from us-east-1 (also eu-central-1 and ap-south-1), whatever region is priced.
export const PRICING_ENDPOINT_REGION = 'us-east-1';

export interface AwsRefreshOptions {
  readonly regions: readonly string[];
  readonly types: readonly string[];
  readonly client?: PricingClient;
  readonly retry?: RetryPolicy;
  readonly progress?: Progress;
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export function isAwsThrottle(error: unknown): boolean {
  return error instanceof Error && THROTTLING.has(error.name);
}

function filters(type: string, region: string): Filter[] {
  const terms: Array<[string, string]> = [
    ['instanceType', type],
    ['regionCode', region],
    ['operatingSystem', 'Linux'],
    ['tenancy', 'Shared'],
    ['preInstalledSw', 'NA'],
    ['capacitystatus', 'Used'],
  ];
  return terms.map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value }));
}

interface PriceDimension {
  readonly unit?: string;
  readonly pricePerUnit?: { readonly USD?: string };
}

interface PriceListItem {
  readonly product?: { readonly attributes?: Readonly<Record<string, string>> };
  readonly terms?: {
    readonly OnDemand?: Readonly<Record<string, { readonly priceDimensions?: Readonly<Record<string, PriceDimension>> }>>;
  };
}

/** The hourly USD price in one Price List entry (a JSON string), or null when it has none. */
export function hourlyPriceOf(entry: string): number | null {
  const item = JSON.parse(entry) as PriceListItem;
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(dimension.pricePerUnit?.USD);
      if (dimension.unit === 'Hrs' && Number.isFinite(usd) && usd > 0) return usd;
    }
  }
  return null;
}

export async function fetchAwsPrices(options: AwsRefreshOptions): Promise<FetchResult> {
  const client = options.client ?? new PricingClient({ region: PRICING_ENDPOINT_REGION, maxAttempts: 1 });
  const figures: FetchedFigure[] = [];
  for (const region of options.regions) {
    for (const type of options.types) {
      options.progress?.(`aws ${region} ${type}`);
      let nextToken: string | undefined;
      let price: number | null = null;
      do {
        const page = await withRetry(
          () =>
            client.send(
              new GetProductsCommand({
                ServiceCode: 'AmazonEC2',
                Filters: filters(type, region),
                FormatVersion: 'aws_v1',
                MaxResults: 100,
                NextToken: nextToken,
              }),
            ),
          isAwsThrottle,
          options.retry ?? PRICE_API_RETRY,
        );
        for (const entry of page.PriceList ?? []) price ??= hourlyPriceOf(typeof entry === 'string' ? entry : JSON.stringify(entry));
        nextToken = page.NextToken;
      } while (nextToken);
      if (price !== null) figures.push({ list: 'instances', provider: 'aws', type, region, onDemand: price, spot: null });
    }
  }
  return {
    sourceId: 'aws-price-list-api',
    source: {
      title: 'AWS Price List API (GetProducts, AmazonEC2, Linux, shared tenancy, on-demand), fetched by tollgate pricing refresh',
      url: 'https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html',
    },
    figures,
  };
}
