/**
 * What the input adds for models: the inventory and the accelerator offers of the configured price catalog.
 * Both only when some model is judged (an inventory was given or a resource names a model), so inputs
 * without models stay unchanged.
 */
import type { Inventory } from '../model/inventory.js';
import type { PolicyInput, Resource } from '../model/resource.js';
import type { PreparedSettings } from './settings.js';

export function modelFacts(
  inventory: Inventory | undefined,
  resources: readonly Resource[],
  settings: PreparedSettings,
): Pick<PolicyInput, 'inventory' | 'catalog'> {
  const referencesModels = resources.some((resource) => resource.model);
  if (inventory === undefined && !referencesModels) return {};
  return { ...(inventory ? { inventory } : {}), catalog: settings.acceleratorOffers() };
}
