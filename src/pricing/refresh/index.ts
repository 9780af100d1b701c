/**
 * `tollgate pricing refresh`: fetch current list prices for one provider, merge them over the base catalog
 * (the file being refreshed if it exists, else the built-in snapshot), validate the result against the
 * catalog schema and write it atomically.
 */
import { existsSync } from 'node:fs';
import { catalogFromDocument, loadCatalog } from '../catalog.js';
import { writeFileAtomic } from '../../atomic-file.js';
import { fetchAwsPrices, type AwsRefreshOptions } from './aws.js';
import { fetchAzurePrices, type AzureRefreshOptions } from './azure.js';
import { mergeFetched, type FetchResult, type Progress } from './figures.js';
import { fetchGcpPrices, type SkuPager } from './gcp.js';
import type { CatalogDocument, CatalogProvider } from '../catalog-document.js';
import type { RetryPolicy } from '../../retry.js';

export type { SkuPager } from './gcp.js';
export { catalogClientPages } from './gcp.js';

export interface RefreshOptions {
  readonly provider: CatalogProvider;
  readonly out: string;
  /** Default: the regions the base catalog prices for this provider. */
  readonly regions?: readonly string[];
  /** Default: the SKUs the base catalog prices for this provider. */
  readonly types?: readonly string[];
  /** The refresh day (YYYY-MM-DD), pinned in tests. */
  readonly today: string;
  readonly progress?: Progress;
  readonly retry?: RetryPolicy;
  /** Injected clients (tests), else each SDK's default credential chain. */
  readonly aws?: Pick<AwsRefreshOptions, 'client'>;
  readonly gcp?: { readonly pages: () => Promise<SkuPager> };
  readonly azure?: Pick<AzureRefreshOptions, 'baseUrl'>;
}

export interface RefreshSummary {
  readonly out: string;
  readonly figures: number;
  readonly regions: readonly string[];
  readonly types: readonly string[];
}

/** What the base catalog prices for a provider: the defaults of --regions and --types. */
function baseCoverage(base: CatalogDocument, provider: CatalogProvider): { regions: string[]; types: string[] } {
  const regions = new Set<string>();
  const types = new Set<string>();
  for (const entry of [...base.instances, ...base.accelerators]) {
    if (entry.provider !== provider) continue;
    // SageMaker hosting and TPU prices come from other services than the ones refreshed here.
    if (entry.type.startsWith('ml.') || entry.type.startsWith('tpu-')) continue;
    types.add(entry.type);
    for (const region of Object.keys(entry.prices)) regions.add(region);
  }
  return { regions: [...regions].sort(), types: [...types].sort() };
}

async function defaultGcpPages(): Promise<SkuPager> {
  const { CloudCatalogClient } = await import('@google-cloud/billing');
  const { catalogClientPages } = await import('./gcp.js');
  return catalogClientPages(new CloudCatalogClient());
}

async function fetchFor(options: RefreshOptions, regions: readonly string[], types: readonly string[]): Promise<FetchResult> {
  const common = {
    regions,
    types,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  const fetchers: Record<CatalogProvider, () => Promise<FetchResult>> = {
    aws: () => fetchAwsPrices({ ...common, ...options.aws }),
    gcp: async () => fetchGcpPrices({ ...common, pages: await (options.gcp?.pages ?? defaultGcpPages)() }),
    azure: () => fetchAzurePrices({ ...common, ...options.azure }),
  };
  return fetchers[options.provider]();
}

export async function refreshCatalog(options: RefreshOptions): Promise<RefreshSummary> {
  const base = (existsSync(options.out) ? loadCatalog(options.out) : loadCatalog()).document;
  const coverage = baseCoverage(base, options.provider);
  const regions = options.regions ?? coverage.regions;
  const types = options.types ?? coverage.types;
  const fetched = await fetchFor(options, regions, types);
  const merged = mergeFetched(base, fetched, options.today);
  // Never write what could not be read back.
  catalogFromDocument(merged, options.out);
  writeFileAtomic(options.out, `${JSON.stringify(merged, null, 1)}\n`);
  return { out: options.out, figures: fetched.figures.length, regions, types };
}
