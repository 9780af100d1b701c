/**
 * The price catalog: loading (built-in snapshot or a refreshed file, validated against
 * schemas/catalog.schema.json) and look-ups by provider, SKU and region.
 *
 * Look-ups never guess: a SKU or region the catalog does not list gives `null` (unpriced), never $0.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { schemaValidator } from '../config/schema-validator.js';
import { TollgateError } from '../model/errors.js';
import builtinSnapshot from './catalog.json' with { type: 'json' };
import { microsToNumber as microsToUsd, unitsToMicros as usdToMicros, multiplyMicros, type Micros } from '../model/money.js';
import type { CatalogDocument, CatalogProvider, HourlyFigure, StorageFigure } from './catalog-document.js';

/** An hourly price with where it came from, as "source title (asOf)". */
export interface HourlyPrice {
  readonly onDemand: Micros;
  /** Null when the catalog does not know the spot price in this region. */
  readonly spot: Micros | null;
  readonly sources: readonly string[];
}

export interface StoragePrice {
  /** Per GB-month, or null for tier-priced disks. */
  readonly perGBMonth: Micros | null;
  /** Provisioned tiers in ascending order, or null. */
  readonly tiers: ReadonlyArray<{ readonly upToGiB: number; readonly monthly: Micros }> | null;
  readonly sources: readonly string[];
}

type PriceKey = string;

/** Providers spell SKUs and regions in several ways; the catalog keys use one. */
const canonicalType: Readonly<Record<CatalogProvider, (type: string) => string>> = {
  aws: (type) => type,
  // GCP machine and accelerator types also appear as URLs ending in the name.
  gcp: (type) => type.slice(type.lastIndexOf('/') + 1).toLowerCase(),
  // Azure size names are case-insensitive.
  azure: (type) => type.toLowerCase(),
};

const canonicalRegion: Readonly<Record<CatalogProvider, (region: string) => string>> = {
  aws: (region) => region,
  gcp: (region) => region.toLowerCase(),
  azure: (region) => region.replaceAll(' ', '').toLowerCase(),
};

function isCatalogProvider(provider: string): provider is CatalogProvider {
  return provider in canonicalType;
}

function keyOf(provider: CatalogProvider, type: string, region: string): PriceKey {
  return `${provider}|${canonicalType[provider](type)}|${canonicalRegion[provider](region)}`;
}

export class Catalog {
  // Built on the first look-up: a plan prices a handful of the catalog's SKUs and regions, so the figures are
  // found by key first and turned into prices only when asked for.
  private index: CatalogIndex | null = null;

  /** `origin` names the file (or "built-in") in messages. */
  constructor(
    readonly document: CatalogDocument,
    readonly origin: string,
  ) {}

  private figures(): CatalogIndex {
    this.index ??= indexCatalog(this.document);
    return this.index;
  }

  get asOf(): string {
    return this.document.asOf;
  }

  /** A machine type (VM size, node size, SageMaker `ml.*` hosting type) per instance-hour. */
  instance(provider: string, type: string, region: string): HourlyPrice | null {
    return isCatalogProvider(provider) ? this.figures().instances.price(keyOf(provider, type, region)) : null;
  }

  /** An attached GPU (per GPU-hour, "nvidia-tesla-t4") or a TPU ("tpu-v5e", per chip-hour). */
  accelerator(provider: string, type: string, region: string): HourlyPrice | null {
    return isCatalogProvider(provider) ? this.figures().accelerators.price(keyOf(provider, type, region)) : null;
  }

  /** Block or object storage ("gp3", "pd-ssd", "Premium_LRS", "s3-standard"). */
  storage(provider: string, type: string, region: string): StoragePrice | null {
    return isCatalogProvider(provider) ? this.figures().storage.price(keyOf(provider, type, region)) : null;
  }
}

function sourceLabel(document: CatalogDocument, id: string, asOf: string, note: string | undefined): string {
  const title = document.sources[id]?.title ?? id;
  return note === undefined ? `${title} (${asOf})` : `${title} (${asOf}; ${note})`;
}

function hourlyPrice(document: CatalogDocument, figure: HourlyFigure): HourlyPrice {
  const onDemand = usdToMicros(figure.onDemand);
  const sources = [sourceLabel(document, figure.source, figure.asOf, figure.note)];
  let spot: Micros | null = null;
  if (figure.spot !== undefined) spot = usdToMicros(figure.spot);
  else if (figure.spotDiscount !== undefined) spot = multiplyMicros(onDemand, 1 - figure.spotDiscount);
  if (spot !== null && figure.spotSource !== undefined) {
    sources.push(`spot: ${sourceLabel(document, figure.spotSource, figure.spotAsOf ?? figure.asOf, undefined)}`);
  }
  return { onDemand, spot, sources };
}

/** A catalog list's figures by key, each turned into a price on its first look-up and kept. */
class PriceTable<Figure, Price> {
  private readonly prices = new Map<PriceKey, Price | null>();

  constructor(
    private readonly figures: ReadonlyMap<PriceKey, Figure>,
    private readonly toPrice: (figure: Figure) => Price,
  ) {}

  price(key: PriceKey): Price | null {
    let price = this.prices.get(key);
    if (price === undefined) {
      const figure = this.figures.get(key);
      price = figure === undefined ? null : this.toPrice(figure);
      this.prices.set(key, price);
    }
    return price;
  }
}

interface CatalogIndex {
  readonly instances: PriceTable<HourlyFigure, HourlyPrice>;
  readonly accelerators: PriceTable<HourlyFigure, HourlyPrice>;
  readonly storage: PriceTable<StorageFigure, StoragePrice>;
}

/** Figures by key; a key listed twice keeps its last figure. */
function figuresByKey<Figure>(
  entries: ReadonlyArray<{ readonly provider: CatalogProvider; readonly type: string; readonly prices: Readonly<Record<string, Figure>> }>,
): Map<PriceKey, Figure> {
  const figures = new Map<PriceKey, Figure>();
  for (const entry of entries) {
    for (const [region, figure] of Object.entries(entry.prices)) figures.set(keyOf(entry.provider, entry.type, region), figure);
  }
  return figures;
}

function indexCatalog(document: CatalogDocument): CatalogIndex {
  return {
    instances: new PriceTable(figuresByKey(document.instances), (figure) => hourlyPrice(document, figure)),
    accelerators: new PriceTable(figuresByKey(document.accelerators), (figure) => hourlyPrice(document, figure)),
    storage: new PriceTable(figuresByKey(document.storage), (figure) => storagePrice(document, figure)),
  };
}

function storagePrice(document: CatalogDocument, figure: StorageFigure): StoragePrice {
  return {
    perGBMonth: figure.perGBMonth === undefined ? null : usdToMicros(figure.perGBMonth),
    tiers:
      figure.tiers === undefined ? null : figure.tiers.map((tier) => ({ upToGiB: tier.upToGiB, monthly: usdToMicros(tier.usdPerMonth) })),
    sources: [sourceLabel(document, figure.source, figure.asOf, figure.note)],
  };
}

// ── Loading ──────────────────────────────────────────────────────────────────────────────────────

// Precompiled at build time (scripts/generate-validators.ts), with strict ajv and `strictRequired` off.
const catalogValidator = schemaValidator('catalog.schema.json');

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the catalog' : error.instancePath;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** What every list of the catalog has in common: figures by region. */
interface PricedEntry {
  readonly prices: Readonly<Record<string, HourlyFigure | StorageFigure>>;
}

/** Every figure's source must name an entry of `sources`, so no figure is without provenance. */
function danglingSource(document: CatalogDocument): string | null {
  const figures: Array<{ path: string; ids: Array<string | undefined> }> = [];
  const lists: ReadonlyArray<readonly [string, readonly PricedEntry[]]> = [
    ['instances', document.instances],
    ['accelerators', document.accelerators],
    ['storage', document.storage],
  ];
  for (const [list, entries] of lists) {
    entries.forEach((entry, i) => {
      for (const [region, figure] of Object.entries(entry.prices)) {
        const ids = 'onDemand' in figure ? [figure.source, figure.spotSource] : [figure.source];
        figures.push({ path: `/${list}/${i}/prices/${region}`, ids });
      }
    });
  }
  for (const { path, ids } of figures) {
    for (const id of ids)
      if (id !== undefined && !(id in document.sources)) return `${path} names source "${id}", which is not in /sources`;
  }
  return null;
}

/** Validates a parsed catalog document; `origin` (a file name) goes into the error. */
export function catalogFromDocument(document: unknown, origin: string): Catalog {
  const validate = catalogValidator();
  if (!validate(document)) {
    const first = validate.errors?.[0];
    throw new TollgateError(`not a valid price catalog: ${first ? describe(first) : 'schema validation failed'}`, { file: origin });
  }
  const typed = document as CatalogDocument;
  const dangling = danglingSource(typed);
  if (dangling !== null) throw new TollgateError(`not a valid price catalog: ${dangling}`, { file: origin });
  return new Catalog(typed, origin);
}

let builtin: Catalog | undefined;

/** The built-in snapshot, or a catalog file (from `tollgate pricing refresh`). Throws TollgateError on bad input. */
export function loadCatalog(file?: string): Catalog {
  if (file === undefined) {
    // Not validated at each start: the snapshot ships with the package, and test/pricing/catalog.test.ts
    // validates it (schema and sources) as catalogFromDocument does every catalog file.
    builtin ??= new Catalog(builtinSnapshot as unknown as CatalogDocument, 'built-in price catalog');
    return builtin;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TollgateError(code === 'ENOENT' ? 'price catalog file not found' : `cannot read price catalog (${code ?? 'error'})`, {
      file,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new TollgateError(`price catalog is not JSON: ${(error as Error).message}`, { file });
  }
  return catalogFromDocument(document, file);
}

/** USD view of one instance price, for callers outside the estimate (e.g. `tollgate pricing show`). */
export interface InstancePrice {
  readonly onDemand: number;
  readonly spot: number | null;
  readonly sources: readonly string[];
}

export function priceInstance(catalog: Catalog, provider: string, instanceType: string, region: string): InstancePrice | null {
  const price = catalog.instance(provider, instanceType, region);
  if (price === null) return null;
  return { onDemand: microsToUsd(price.onDemand), spot: price.spot === null ? null : microsToUsd(price.spot), sources: price.sources };
}
