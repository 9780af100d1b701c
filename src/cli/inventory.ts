/**
 * `tollgate inventory`: check a model inventory, or build one from an MLflow Model Registry.
 *   tollgate inventory validate inventory.yaml
 *   tollgate inventory import-mlflow --models registered-models.json --versions model-versions.json -o inventory.yaml
 */
import type { Command } from 'commander';
import { acceleratorCatalog, readInventoryFile, type Inventory } from '../inputs/inventory/index.js';
import type { PolicyInput, Resource } from '../inputs/resource.js';
import type { Catalog } from '../pricing/index.js';
import { resolveNow } from './now.js';

/**
 * What `tollgate check` adds to the policy input for models: the inventory (--inventory) and the
 * accelerator offers of the price catalog. Both only when some model is judged (an inventory was given
 * or a resource names a model), so checks of plans without models keep their input unchanged.
 */
export function modelFacts(
  inventoryFile: string | undefined,
  now: string,
  resources: readonly Resource[],
  catalog: () => Catalog,
): Pick<PolicyInput, 'inventory' | 'catalog'> {
  const inventory = inventoryFile === undefined ? undefined : readInventoryFile(inventoryFile, now);
  const referencesModels = resources.some((resource) => resource.model);
  if (inventory === undefined && !referencesModels) return {};
  return { ...(inventory ? { inventory } : {}), catalog: acceleratorCatalog(catalog()) };
}

function countOf(inventory: Inventory): { versions: number; deployments: number } {
  let versions = 0;
  let deployments = 0;
  for (const model of inventory.models) {
    versions += model.versions.length;
    for (const version of model.versions) deployments += version.deployments?.length ?? 0;
  }
  return { versions, deployments };
}

export function runValidate(file: string, options: { now?: string }): number {
  const inventory = readInventoryFile(file, resolveNow(options.now));
  const { versions, deployments } = countOf(inventory);
  process.stdout.write(`${file}: valid (${inventory.models.length} models, ${versions} versions, ${deployments} deployments)\n`);
  return 0;
}

export function registerInventory(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  const inventory = program
    .command('inventory')
    .description('Work with a model inventory: validate it, or import one from an MLflow Model Registry.');
  inventory
    .command('validate')
    .description('Check an inventory file against schemas/inventory.schema.json and its consistency rules.')
    .argument('<file>', 'inventory YAML or JSON')
    .option('--now <time>', 'today for the "no approval from the future" check, RFC 3339 or YYYY-MM-DD (default: now)')
    .addHelpText('after', '\nExit codes: 0 valid, 2 invalid (one line: file:line:column: what is wrong).')
    .action(async (file: string, options: { now?: string }) => {
      await run(async () => runValidate(file, options));
    });
}
