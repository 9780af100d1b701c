/**
 * Where a resource runs: from the resource's own attributes when it states them, else from the provider
 * configuration it uses (aliases and module inheritance included), else null.
 */
import { providerConfigChain, type ConfigurationIndex } from './configuration.js';
import { isObject } from './plan-shape.js';
import type { PlannedValues } from './planned-values.js';
import type { Provider } from '../../model/resource.js';

// AWS zones are the region plus a letter ("us-east-1a"); Local Zones and Wavelength zones add a suffix
// ("us-west-2-lax-1a"). The region is always the leading "<area>-<direction>-<number>".
const awsRegionPrefix = /^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)/;
// GCP zones are the region plus "-<letter>" ("us-central1-a").
const gcpZone = /^([a-z]+-[a-z]+\d+)-[a-z]$/;

/** The region a zone belongs to; a value that is already a region is returned unchanged. */
export function zoneToRegion(provider: Provider, zone: string): string {
  // Some plans carry self links ("projects/p/zones/us-central1-a"); the name is the last segment.
  const slash = zone.lastIndexOf('/');
  if (slash !== -1) zone = zone.slice(slash + 1);
  if (provider === 'aws') return awsRegionPrefix.exec(zone)?.[1] ?? zone;
  if (provider === 'gcp') {
    const lower = zone.toLowerCase();
    return gcpZone.exec(lower)?.[1] ?? lower;
  }
  return zone;
}

/** Azure accepts display names ("West Europe") and canonical names ("westeurope"); policies see the canonical one. */
export function canonicalAzureLocation(location: string): string {
  return location.replaceAll(' ', '').toLowerCase();
}

/** Shared by the resources whose extractor names no region attributes, rather than an empty list made per call. */
const NO_PATHS: readonly string[] = [];

/** The region a resource states itself, or null. Extractors may name extra attributes to look at first. */
export function regionFromValues(provider: Provider, values: PlannedValues, extraPaths: readonly string[] = NO_PATHS): string | null {
  for (const path of extraPaths) {
    const value = values.nonEmptyString(path);
    if (value !== null) return normaliseRegion(provider, value);
  }
  if (provider === 'aws') {
    const region = values.nonEmptyString('region') ?? values.nonEmptyString('availability_zone');
    return region === null ? null : zoneToRegion('aws', region);
  }
  if (provider === 'gcp') {
    const region = values.nonEmptyString('region') ?? values.nonEmptyString('location') ?? values.nonEmptyString('zone');
    return region === null ? null : zoneToRegion('gcp', region);
  }
  if (provider === 'azure') {
    const location = values.nonEmptyString('location');
    return location === null ? null : canonicalAzureLocation(location);
  }
  return null;
}

/** The attributes that state a resource's region, per provider, in the order regionFromValues reads them. */
const regionAttributes: Readonly<Record<Provider, readonly string[]>> = {
  aws: ['region', 'availability_zone'],
  gcp: ['region', 'location', 'zone'],
  azure: ['location'],
  kubernetes: [],
  other: [],
};

/**
 * The region attribute the configuration sets but whose value is unknown until apply (`region = var.x` of a
 * computed value, the AWS provider 6 per-resource `region = aws_x.y.region`), or null. Such a region is
 * unknown, not the provider's: falling back to the provider region would judge a place the resource may not
 * be in. An attribute the configuration does not set (so the provider computes it) may fall back.
 */
export function unknownRegionAttribute(
  provider: Provider,
  values: PlannedValues,
  configured: Readonly<Record<string, unknown>> | undefined,
  extraPaths: readonly string[] = NO_PATHS,
): string | null {
  // Nothing unknown (most resources): nothing to look for.
  if (values.unknown.length === 0) return null;
  for (const paths of [extraPaths, regionAttributes[provider]]) {
    for (const path of paths) {
      if (!values.isUnknown(path)) continue;
      // Without the resource's configuration the provider region is not known either (it comes from the same
      // section), except for a resource the index cannot place; that one keeps the provider's region.
      if (configured !== undefined && (path.split('.')[0] ?? '') in configured) return path;
    }
  }
  return null;
}

function normaliseRegion(provider: Provider, value: string): string {
  return provider === 'azure' ? canonicalAzureLocation(value) : zoneToRegion(provider, value);
}

/** Region and default tags per provider configuration key, resolved once per key and cached. */
export class ProviderSettings {
  private readonly regions = new Map<string, string | null>();
  private readonly defaultTags = new Map<string, Readonly<Record<string, string>>>();

  constructor(private readonly configuration: ConfigurationIndex) {}

  region(providerConfigKey: string, provider: Provider): string | null {
    let region = this.regions.get(providerConfigKey);
    if (region === undefined) {
      region = this.resolveRegion(providerConfigKey, provider);
      this.regions.set(providerConfigKey, region);
    }
    return region;
  }

  private resolveRegion(providerConfigKey: string, provider: Provider): string | null {
    for (const key of providerConfigChain(providerConfigKey)) {
      const config = this.configuration.providers.get(key);
      if (config === undefined) continue;
      // google configurations may give a region, a zone or both; the region wins.
      for (const attribute of ['region', 'zone', 'location']) {
        const value = this.configuration.resolveString(config.expressions[attribute], config.callPath);
        if (value !== null && value !== '') return normaliseRegion(provider, value);
      }
    }
    return null;
  }

  /** AWS `default_tags { tags = {...} }` of the provider configuration, when stated as constants. */
  awsDefaultTags(providerConfigKey: string): Readonly<Record<string, string>> {
    let tags = this.defaultTags.get(providerConfigKey);
    if (tags === undefined) {
      tags = {};
      for (const key of providerConfigChain(providerConfigKey)) {
        const config = this.configuration.providers.get(key);
        const block = config?.expressions['default_tags'];
        const first: unknown = Array.isArray(block) ? block[0] : undefined;
        const constant = isObject(first) && isObject(first['tags']) ? first['tags']['constant_value'] : undefined;
        if (isObject(constant)) {
          tags = Object.fromEntries(Object.entries(constant).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
          break;
        }
        if (config !== undefined) break;
      }
      this.defaultTags.set(providerConfigKey, tags);
    }
    return tags;
  }
}
