/**
 * `tollgate pricing`: the price catalog behind cost estimates.
 *   refresh  fetch current list prices from a provider's price API into a catalog file (atomic write)
 *   show     a machine type's hourly prices and their sources
 */
import type { Command } from 'commander';
import { TollgateError } from '../model/errors.js';
import { loadCatalog, priceInstance } from '../pricing/catalog.js';
import type { CatalogProvider } from '../pricing/catalog-document.js';
import { pricingRefreshPackages, requirePackages } from './optional-packages.js';

const PROVIDERS: readonly CatalogProvider[] = ['aws', 'gcp', 'azure'];
export const DEFAULT_CATALOG_FILE = 'tollgate-prices.json';

function parseProvider(value: string | undefined): CatalogProvider {
  if (value !== undefined && (PROVIDERS as readonly string[]).includes(value)) return value as CatalogProvider;
  throw new TollgateError(`--provider must be one of ${PROVIDERS.join(', ')} (got ${value === undefined ? 'nothing' : `"${value}"`})`);
}

function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (list.length === 0) throw new TollgateError('expected a comma-separated list');
  return list;
}

export interface RefreshCliOptions {
  readonly provider?: string;
  readonly out?: string;
  readonly regions?: string;
  readonly types?: string;
}

export async function runRefresh(options: RefreshCliOptions): Promise<number> {
  const provider = parseProvider(options.provider);
  const regions = parseList(options.regions);
  const types = parseList(options.types);
  const out = options.out ?? DEFAULT_CATALOG_FILE;
  // Loaded on demand: the cloud SDKs are large, optional, and only this command needs them.
  requirePackages(`pricing refresh --provider ${provider}`, pricingRefreshPackages(provider));
  const { refreshCatalog } = await import('../pricing/refresh/index.js');
  const progress = process.stderr.isTTY ? (message: string) => process.stderr.write(`\r\x1b[K${message}`) : undefined;
  const summary = await refreshCatalog({
    provider,
    out,
    today: new Date().toISOString().slice(0, 10),
    ...(regions ? { regions } : {}),
    ...(types ? { types } : {}),
    ...(progress ? { progress } : {}),
  });
  if (progress) process.stderr.write('\r\x1b[K');
  process.stdout.write(
    `${summary.out}: ${summary.figures} ${provider} prices for ${summary.types.length} types in ${summary.regions.length} regions\n`,
  );
  return 0;
}

export interface ShowCliOptions {
  readonly provider?: string;
  readonly region?: string;
  readonly catalog?: string;
}

export function runShow(type: string, options: ShowCliOptions): number {
  const provider = parseProvider(options.provider);
  const catalog = loadCatalog(options.catalog);
  const regions = new Set<string>();
  for (const entry of catalog.document.instances) {
    if (entry.provider === provider && entry.type.toLowerCase() === type.toLowerCase())
      for (const region of Object.keys(entry.prices)) regions.add(region);
  }
  const wanted = options.region === undefined ? [...regions].sort() : [options.region];
  const lines: string[] = [];
  for (const region of wanted) {
    const price = priceInstance(catalog, provider, type, region);
    if (price === null) lines.push(`${type}  ${region}  unpriced (not in the catalog)`);
    else
      lines.push(
        `${type}  ${region}  on-demand $${price.onDemand}/h  spot ${price.spot === null ? 'unknown' : `$${price.spot}/h`}\n    ${price.sources.join('\n    ')}`,
      );
  }
  if (lines.length === 0) throw new TollgateError(`no ${provider} prices for ${type} in the catalog (${catalog.origin})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export function registerPricing(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  const pricing = program
    .command('pricing')
    .description("The price catalog behind cost estimates: refresh it from the providers' price APIs, or look a price up.");
  pricing
    .command('refresh')
    .description('Fetch current on-demand (and, where the API has them, spot) list prices into a catalog file.')
    .requiredOption('--provider <cloud>', 'aws (Price List API), gcp (Cloud Billing Catalog API) or azure (Retail Prices API)')
    .option('--out <file>', `catalog file to write, atomically; refreshed in place when it exists (default ${DEFAULT_CATALOG_FILE})`)
    .option('--regions <list>', 'comma-separated regions (default: the regions the catalog already prices)')
    .option('--types <list>', 'comma-separated machine types or GCP GPU types (default: the types the catalog already prices)')
    .addHelpText(
      'after',
      `
Credentials come from each SDK's default chain (AWS: environment, profile, SSO or instance role; GCP:
Application Default Credentials); Azure's Retail Prices API needs none. Credentials are never printed.
Prices not fetched (other providers, storage, SageMaker hosting, TPUs) are kept from the file being refreshed
or from the built-in snapshot, each with its own source and date. Use the result with --catalog FILE.

Examples:
  tollgate pricing refresh --provider aws --regions us-east-1,eu-west-1 --types p5.48xlarge,g5.xlarge
  tollgate pricing refresh --provider azure --out prices.json`,
    )
    .action(async (options: RefreshCliOptions) => {
      await run(() => runRefresh(options));
    });
  pricing
    .command('show')
    .argument('<type>', 'machine type, e.g. p4d.24xlarge, ml.g5.xlarge, a2-highgpu-1g, Standard_NC24ads_A100_v4')
    .description('Print the hourly prices of a machine type per region, with the source and date of each figure.')
    .requiredOption('--provider <cloud>', 'aws, gcp or azure')
    .option('--region <region>', 'one region (default: every region the catalog prices)')
    .option('--catalog <file>', 'a catalog written by `tollgate pricing refresh` (default: the built-in snapshot)')
    .action(async (type: string, options: ShowCliOptions) => {
      await run(() => Promise.resolve(runShow(type, options)));
    });
}
