/**
 * The price catalog as it is stored: the built-in snapshot (catalog.json) and files written by
 * `tollgate pricing refresh` share this shape, published as schemas/catalog.schema.json. Keep the two in step.
 */
import type { SpecProvider } from '../model/instance-specs.js';

export type CatalogProvider = SpecProvider;

export interface CatalogSource {
  readonly title: string;
  readonly url?: string;
  readonly note?: string;
}

/** One region's hourly price of an instance type, a GPU or a TPU chip. */
export interface HourlyFigure {
  readonly onDemand: number;
  readonly spot?: number;
  readonly spotDiscount?: number;
  /** A key of `CatalogDocument.sources`. */
  readonly source: string;
  /** YYYY-MM-DD or YYYY-MM. */
  readonly asOf: string;
  readonly spotSource?: string;
  readonly spotAsOf?: string;
  readonly note?: string;
}

export interface HourlyEntry {
  readonly provider: CatalogProvider;
  readonly type: string;
  readonly unit?: 'instance-hour' | 'gpu-hour' | 'chip-hour';
  /** By region. */
  readonly prices: Readonly<Record<string, HourlyFigure>>;
}

export interface StorageTier {
  readonly upToGiB: number;
  readonly usdPerMonth: number;
}

export interface StorageFigure {
  readonly perGBMonth?: number;
  readonly tiers?: readonly StorageTier[];
  readonly source: string;
  readonly asOf: string;
  readonly note?: string;
}

export interface StorageEntry {
  readonly provider: CatalogProvider;
  readonly type: string;
  readonly unit: 'GB-month';
  readonly prices: Readonly<Record<string, StorageFigure>>;
}

export interface CatalogDocument {
  readonly $schema?: string;
  readonly version: 1;
  readonly currency: 'USD';
  readonly asOf: string;
  readonly description?: string;
  readonly sources: Readonly<Record<string, CatalogSource>>;
  readonly instances: readonly HourlyEntry[];
  readonly accelerators: readonly HourlyEntry[];
  readonly storage: readonly StorageEntry[];
}
