/**
 * What a price API fetcher returns and how it becomes a catalog: fetched figures replace the base
 * catalog's figures for the same provider, SKU and region; everything else (other providers, storage,
 * SKUs the API did not return) is kept with its own source and date.
 */
import type { CatalogDocument, CatalogProvider, CatalogSource, HourlyEntry, HourlyFigure } from '../catalog-document.js';

export interface FetchedFigure {
  readonly list: 'instances' | 'accelerators';
  readonly provider: CatalogProvider;
  readonly type: string;
  readonly unit?: 'gpu-hour' | 'chip-hour';
  readonly region: string;
  readonly onDemand: number;
  readonly spot: number | null;
}

export interface FetchResult {
  /** The source id the figures cite, and its entry. */
  readonly sourceId: string;
  readonly source: CatalogSource;
  readonly figures: readonly FetchedFigure[];
}

/** Reports progress; the CLI prints it on a TTY only. */
export type Progress = (message: string) => void;

function mergeList(base: readonly HourlyEntry[], figures: readonly FetchedFigure[], sourceId: string, asOf: string): HourlyEntry[] {
  const entries = new Map<
    string,
    { provider: CatalogProvider; type: string; unit?: HourlyEntry['unit']; prices: Record<string, HourlyFigure> }
  >();
  for (const entry of base) entries.set(`${entry.provider}|${entry.type}`, { ...entry, prices: { ...entry.prices } });
  for (const figure of figures) {
    const key = `${figure.provider}|${figure.type}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { provider: figure.provider, type: figure.type, ...(figure.unit ? { unit: figure.unit } : {}), prices: {} };
      entries.set(key, entry);
    }
    // An API without spot prices (the AWS Price List) keeps the spot figure already known, with its own source.
    const previous = entry.prices[figure.region];
    const spot =
      figure.spot !== null
        ? { spot: figure.spot, spotSource: sourceId, spotAsOf: asOf }
        : previous?.spot !== undefined && previous.spotSource !== undefined && previous.spotAsOf !== undefined
          ? { spot: previous.spot, spotSource: previous.spotSource, spotAsOf: previous.spotAsOf }
          : {};
    entry.prices[figure.region] = { onDemand: figure.onDemand, ...spot, source: sourceId, asOf };
  }
  return [...entries.values()]
    .map((entry) => ({
      ...entry,
      prices: Object.fromEntries(Object.entries(entry.prices).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    }))
    .sort((a, b) => (`${a.provider}|${a.type}` < `${b.provider}|${b.type}` ? -1 : 1));
}

/** `asOf` is the day of the refresh (YYYY-MM-DD). */
export function mergeFetched(base: CatalogDocument, fetched: FetchResult, asOf: string): CatalogDocument {
  const { $schema: _ignored, ...rest } = base;
  return {
    ...rest,
    asOf: asOf > base.asOf ? asOf : base.asOf,
    sources: { ...base.sources, [fetched.sourceId]: fetched.source },
    instances: mergeList(
      base.instances,
      fetched.figures.filter((figure) => figure.list === 'instances'),
      fetched.sourceId,
      asOf,
    ),
    accelerators: mergeList(
      base.accelerators,
      fetched.figures.filter((figure) => figure.list === 'accelerators'),
      fetched.sourceId,
      asOf,
    ),
  };
}
