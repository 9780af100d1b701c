/**
 * What tollgate.yaml says about preparing the policy input, resolved once when the config loads: the price
 * catalog named by `pricing.catalog` (relative to tollgate.yaml), `pricing.usage`, `pricing.hours_per_month`,
 * the Kubernetes namespace mappings and the environment tag keys. Every enforcement point builds its input
 * from one of these, so the same file means the same everywhere.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { assertUniqueBudgetNames, DEFAULT_ENVIRONMENT_TAG_KEYS } from '../billing/budgets.js';
import type { KubernetesSettings, LoadedConfig, TollgateConfig } from '../config/config.js';
import { TollgateError } from '../model/errors.js';
import type { AcceleratorCatalog } from '../model/resource.js';
import { acceleratorCatalog, loadCatalog, type Catalog } from '../pricing/index.js';

export interface PreparedSettings {
  readonly config: TollgateConfig;
  /** The config file read, or null for the built-in defaults. */
  readonly configFile: string | null;
  /** False with `check --no-pricing`: resources are not priced and the input has no costs. */
  readonly pricing: boolean;
  /** The catalog file (resolved against tollgate.yaml's directory), or null for the built-in snapshot. */
  readonly catalogFile: string | null;
  /** The configured catalog, loaded on first use and kept. */
  catalog(): Catalog;
  /** Its accelerator offers (input.catalog), computed on first use and kept. */
  acceleratorOffers(): AcceleratorCatalog;
  /** undefined: the pricing default (730). */
  readonly hoursPerMonth: number | undefined;
  readonly usage: Readonly<Record<string, number>> | undefined;
  readonly kubernetes: KubernetesSettings | undefined;
  readonly environmentTagKeys: readonly string[];
}

export interface SettingsOverrides {
  /** `--hours-per-month`, over `pricing.hours_per_month`. */
  readonly hoursPerMonth?: number;
  /** false for `--no-pricing`. */
  readonly pricing?: boolean;
}

/** A path in tollgate.yaml is relative to the file that names it, wherever the command runs from. */
export function configRelative(path: string, configFile: string | null): string {
  return isAbsolute(path) || configFile === null ? path : join(dirname(configFile), path);
}

/** "--hours-per-month" value → hours; a usage error when out of range. */
export function parseHoursPerMonth(value: string | undefined, flag = '--hours-per-month'): number | undefined {
  if (value === undefined) return undefined;
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 744) {
    throw new TollgateError(`${flag} must be a number of hours above 0 and at most 744 (got "${value}")`);
  }
  return hours;
}

function memo<T>(load: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: load() }).v;
}

export function prepareSettings(loaded: LoadedConfig, overrides: SettingsOverrides = {}): PreparedSettings {
  const { config, file } = loaded;
  assertUniqueBudgetNames(config.budgets ?? [], file);
  const pricing = config.pricing ?? {};
  const catalogFile = pricing.catalog === undefined ? null : configRelative(pricing.catalog, file);
  const catalog = memo(() => loadCatalog(catalogFile ?? undefined));
  const acceleratorOffers = memo(() => acceleratorCatalog(catalog()));
  return {
    config,
    configFile: file,
    pricing: overrides.pricing !== false,
    catalogFile,
    catalog,
    acceleratorOffers,
    hoursPerMonth: overrides.hoursPerMonth ?? pricing.hours_per_month,
    usage: pricing.usage,
    kubernetes: config.kubernetes,
    environmentTagKeys: config.environment_tag_keys ?? DEFAULT_ENVIRONMENT_TAG_KEYS,
  };
}
