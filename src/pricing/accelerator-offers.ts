/**
 * The price catalog facts the model savings rules need (input.catalog): every priced instance type that
 * carries accelerators, per region, with its accelerator memory. Rego chooses among them; TypeScript only
 * lists them, so what counts as "cheaper" and "fits" stays in policy.
 */
import { priceInstance, type Catalog } from './catalog.js';
import { lookupInstanceSpec } from '../model/instance-specs.js';
import type { AcceleratorCatalog, AcceleratorOffer } from '../model/resource.js';

/** The catalog's region keys, as the policies compare them: lower case, no spaces. */
function regionKey(region: string): string {
  return region.replaceAll(' ', '').toLowerCase();
}

export function acceleratorCatalog(catalog: Catalog): AcceleratorCatalog {
  const offers: AcceleratorOffer[] = [];
  for (const entry of catalog.document.instances) {
    const accelerator = lookupInstanceSpec(entry.provider, entry.type)?.accelerator;
    if (!accelerator) continue;
    for (const region of Object.keys(entry.prices)) {
      const price = priceInstance(catalog, entry.provider, entry.type, region);
      if (price === null) continue;
      offers.push({
        cloud: entry.provider,
        region: regionKey(region),
        instance_type: entry.type.toLowerCase(),
        accelerator: accelerator.model,
        accelerator_count: accelerator.count,
        accelerator_memory_gib: accelerator.memoryGiB,
        hourly_usd: price.onDemand,
      });
    }
  }
  // Same catalog, same bytes: the input digest must not depend on object key order in the file.
  offers.sort((a, b) => `${a.cloud}|${a.region}|${a.instance_type}`.localeCompare(`${b.cloud}|${b.region}|${b.instance_type}`, 'en'));
  return { as_of: catalog.asOf, source: catalog.origin, offers };
}
