/**
 * What a valid inventory still leaves undecided, for `tollgate inventory validate` to say: a model trained on
 * personal or health data (pii, phi) whose dataset states no residency. TG-REV-006 keeps such a model inside its
 * datasets' residency regions; with none stated, no region is inside, so every deployment of the model is
 * refused until the residency is written down. The inventory is valid; the warning says what will happen.
 */
import type { Inventory } from '../../model/inventory.js';

/** The classifications whose residency models inherit (TG-REV-006's default `classifications`). */
export const RESIDENCY_CLASSIFICATIONS: readonly string[] = ['pii', 'phi'];

/** One sentence per dataset that needs a residency and has none, naming where it is in the file. */
export function inventoryWarnings(inventory: Inventory): string[] {
  const warnings: string[] = [];
  inventory.models.forEach((model, m) => {
    (model.datasets ?? []).forEach((dataset, d) => {
      if (!RESIDENCY_CLASSIFICATIONS.includes(dataset.classification)) return;
      if ((dataset.residency ?? []).length > 0) return;
      warnings.push(
        `models[${m}].datasets[${d}]: model "${model.id}" is trained on ${dataset.classification} dataset "${dataset.name}", which states no residency; ` +
          `TG-REV-006 refuses every deployment of the model until residency lists the regions it may serve in`,
      );
    });
  });
  return warnings;
}
