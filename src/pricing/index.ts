/**
 * Pricing: the price catalog and plan cost estimates.
 *
 *   const catalog = loadCatalog();                       // built-in snapshot, or loadCatalog('prices.json')
 *   const { resources, totals } = estimatePlanCost(plan.resources, catalog, { hoursPerMonth: 730 });
 */
export {
  Catalog,
  catalogFromDocument,
  loadCatalog,
  priceInstance,
  type HourlyPrice,
  type InstancePrice,
  type StoragePrice,
} from './catalog.js';
export type { CatalogDocument } from './catalog-document.js';
export { DEFAULT_HOURS_PER_MONTH, estimatePlanCost, type EstimateOptions, type PlanEstimate } from './estimate.js';
export { acceleratorCatalog } from './accelerator-offers.js';
