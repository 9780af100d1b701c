/**
 * GCP prices from the Cloud Billing Catalog API (Compute Engine service). Compute Engine bills a machine as
 * separate SKUs — per vCPU-hour ("Core"), per GiB-hour ("Ram") and per GPU-hour — so a machine type's price
 * is assembled here: vCPUs × core + memory × RAM (+ built-in GPUs × GPU for a2, a3, g2), with the specs from
 * instance-specs.ts. Attached GPUs (nvidia-tesla-t4, …) become per-GPU accelerator figures.
 */
import type { CloudCatalogClient } from '@google-cloud/billing';
import { lookupGpuAcceleratorType, lookupInstanceSpec } from '../../model/instance-specs.js';
import { PRICE_API_RETRY, withRetry, type RetryPolicy } from '../../retry.js';
import type { FetchedFigure, FetchResult, Progress } from './figures.js';

export const COMPUTE_ENGINE_SERVICE = 'services/6F81-5844-456A';

/** The SKU description stem of each family's core and RAM SKUs ("N1 Predefined Instance Core running in Americas"). */
const familySkus: Readonly<Record<string, { readonly core: string; readonly ram: string }>> = {
  n1: { core: 'N1 Predefined Instance Core', ram: 'N1 Predefined Instance Ram' },
  n2: { core: 'N2 Instance Core', ram: 'N2 Instance Ram' },
  e2: { core: 'E2 Instance Core', ram: 'E2 Instance Ram' },
  a2: { core: 'A2 Instance Core', ram: 'A2 Instance Ram' },
  a3: { core: 'A3 Instance Core', ram: 'A3 Instance Ram' },
  g2: { core: 'G2 Instance Core', ram: 'G2 Instance Ram' },
};

/** GPU SKU stems by model and memory (built into a2/a3/g2, or attached by accelerator type). */
const gpuSkus: Readonly<Record<string, string>> = {
  'A100/40': 'Nvidia Tesla A100 GPU',
  'A100/80': 'Nvidia Tesla A100 80GB GPU',
  'H100/80': 'Nvidia H100 80GB GPU',
  'L4/24': 'Nvidia L4 GPU',
  'T4/16': 'Nvidia Tesla T4 GPU',
  'V100/16': 'Nvidia Tesla V100 GPU',
  'P100/16': 'Nvidia Tesla P100 GPU',
};

type Usage = 'OnDemand' | 'Preemptible';

/** The part of a Sku this module reads (protos.google.cloud.billing.v1.ISku). */
interface SkuView {
  readonly description?: string | null;
  readonly category?: { readonly resourceFamily?: string | null; readonly usageType?: string | null } | null;
  readonly serviceRegions?: readonly string[] | null;
  readonly pricingInfo?: ReadonlyArray<{
    readonly pricingExpression?: {
      readonly tieredRates?: ReadonlyArray<{
        readonly unitPrice?: {
          readonly units?: number | string | { toString(): string } | null;
          readonly nanos?: number | null;
        } | null;
      }> | null;
    } | null;
  }> | null;
}

export interface SkuPage {
  readonly skus: readonly SkuView[];
  readonly nextPageToken: string | null;
}

/** One page of SKUs; `pageToken` empty for the first. The real client is adapted by `catalogClientPages`. */
export type SkuPager = (pageToken: string) => Promise<SkuPage>;

/**
 * Pages from a real CloudCatalogClient, one call per page so throttling is retried page by page. The gax retry
 * of each call is off (`retry: null`): withRetry (src/retry.ts) owns retries.
 */
export function catalogClientPages(client: CloudCatalogClient): SkuPager {
  return async (pageToken) => {
    const [skus, nextRequest] = await client.listSkus(
      { parent: COMPUTE_ENGINE_SERVICE, currencyCode: 'USD', pageSize: 5000, pageToken },
      { autoPaginate: false, retry: null, maxRetries: 0 },
    );
    const token = nextRequest?.pageToken;
    // The last page comes with no next request, or one with an empty token.
    return { skus, nextPageToken: typeof token === 'string' && token !== '' ? token : null };
  };
}

/** gRPC RESOURCE_EXHAUSTED (8), or HTTP 429 on the REST fallback. */
export function isGcpThrottle(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  return code === 8 || code === 429 || code === 'RESOURCE_EXHAUSTED';
}

/** Money as units + nanos → USD. */
export function moneyToUsd(units: number | string | { toString(): string } | null | undefined, nanos: number | null | undefined): number {
  return Number(units === null || units === undefined ? 0 : String(units)) + (nanos ?? 0) / 1e9;
}

function unitPriceOf(sku: SkuView): number | null {
  const rates = sku.pricingInfo?.[0]?.pricingExpression?.tieredRates ?? [];
  const last = rates[rates.length - 1];
  if (last?.unitPrice === undefined || last.unitPrice === null) return null;
  return moneyToUsd(last.unitPrice.units, last.unitPrice.nanos);
}

const SPOT_PREFIX = /^(?:Spot Preemptible|Preemptible) /;

/** Unit prices by usage, SKU stem and region. */
class SkuIndex {
  private readonly prices = new Map<string, number>();

  add(sku: SkuView): void {
    const usage = sku.category?.usageType;
    if (usage !== 'OnDemand' && usage !== 'Preemptible') return;
    const match = /^(.*) running in /.exec((sku.description ?? '').replace(SPOT_PREFIX, ''));
    const price = unitPriceOf(sku);
    if (!match?.[1] || price === null) return;
    for (const region of sku.serviceRegions ?? []) this.prices.set(`${usage}|${match[1]}|${region}`, price);
  }

  get(usage: Usage, stem: string, region: string): number | null {
    return this.prices.get(`${usage}|${stem}|${region}`) ?? null;
  }
}

const round6 = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/** A machine type's hourly price from its parts, or null when a part is missing. */
function machinePrice(index: SkuIndex, usage: Usage, type: string, region: string): number | null {
  const spec = lookupInstanceSpec('gcp', type);
  const family = familySkus[type.slice(0, type.indexOf('-'))];
  if (spec === null || family === undefined) return null;
  const core = index.get(usage, family.core, region);
  const ram = index.get(usage, family.ram, region);
  if (core === null || ram === null) return null;
  let total = spec.vcpus * core + spec.memoryGiB * ram;
  if (spec.accelerator !== null) {
    const stem = gpuSkus[`${spec.accelerator.model}/${spec.accelerator.memoryGiB}`];
    const gpu = stem === undefined ? null : index.get(usage, stem, region);
    if (gpu === null) return null;
    total += spec.accelerator.count * gpu;
  }
  return round6(total);
}

export interface GcpRefreshOptions {
  readonly regions: readonly string[];
  /** Machine types (n1-standard-8) and attachable GPU types (nvidia-tesla-t4). */
  readonly types: readonly string[];
  readonly pages: SkuPager;
  readonly retry?: RetryPolicy;
  readonly progress?: Progress;
}

export async function fetchGcpPrices(options: GcpRefreshOptions): Promise<FetchResult> {
  const index = new SkuIndex();
  let pageToken = '';
  let pageCount = 0;
  do {
    const token = pageToken;
    const page = await withRetry(() => options.pages(token), isGcpThrottle, options.retry ?? PRICE_API_RETRY);
    for (const sku of page.skus) index.add(sku);
    options.progress?.(`gcp Compute Engine SKUs: page ${++pageCount}`);
    pageToken = page.nextPageToken ?? '';
  } while (pageToken !== '');

  const figures: FetchedFigure[] = [];
  for (const region of options.regions) {
    for (const type of options.types) {
      const gpu = lookupGpuAcceleratorType(type);
      if (gpu !== null) {
        const stem = gpuSkus[`${gpu.model}/${gpu.memoryGiB}`];
        const onDemand = stem === undefined ? null : index.get('OnDemand', stem, region);
        const spot = stem === undefined ? null : index.get('Preemptible', stem, region);
        if (onDemand !== null)
          figures.push({
            list: 'accelerators',
            provider: 'gcp',
            type,
            unit: 'gpu-hour',
            region,
            onDemand: round6(onDemand),
            spot: spot === null ? null : round6(spot),
          });
        continue;
      }
      const onDemand = machinePrice(index, 'OnDemand', type, region);
      if (onDemand !== null)
        figures.push({
          list: 'instances',
          provider: 'gcp',
          type,
          region,
          onDemand,
          spot: machinePrice(index, 'Preemptible', type, region),
        });
    }
  }
  return {
    sourceId: 'gcp-cloud-billing-catalog',
    source: {
      title:
        'Google Cloud Billing Catalog API (Compute Engine SKUs; machine prices assembled from core, RAM and GPU SKUs), fetched by tollgate pricing refresh',
      url: 'https://cloud.google.com/billing/docs/reference/rest/v1/services.skus/list',
    },
    figures,
  };
}
