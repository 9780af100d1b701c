/**
 * `tollgate inventory`: check a model inventory, or build one from an MLflow Model Registry.
 *   tollgate inventory validate inventory.yaml
 *   tollgate inventory import-mlflow --models registered-models.json --versions model-versions.json -o inventory.yaml
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../atomic-file.js';
import { TollgateError } from '../model/errors.js';
import {
  importMlflow,
  inventoryWarnings,
  parseInventory,
  readInventoryFile,
  readMlmodel,
  type Inventory,
} from '../inputs/inventory/index.js';
import { resolveNow } from './now.js';

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
  // Valid, but with consequences the owner should know before a deployment is refused.
  for (const warning of inventoryWarnings(inventory)) process.stderr.write(`tollgate: warning: ${file}: ${warning}\n`);
  return 0;
}

interface ImportOptions {
  readonly models: string;
  readonly versions: string;
  readonly output: string;
  readonly artifacts?: string;
  readonly force: boolean;
  readonly now?: string;
}

/** The framework from DIR/<model name>/<version>/MLmodel, when the artifacts were downloaded there. */
function frameworkFromArtifacts(dir: string | undefined): ((model: string, version: string) => string | undefined) | undefined {
  if (dir === undefined) return undefined;
  return (model, version) => {
    const file = join(dir, model, version, 'MLmodel');
    return existsSync(file) ? (readMlmodel(file).framework ?? undefined) : undefined;
  };
}

export function runImportMlflow(options: ImportOptions): number {
  if (existsSync(options.output) && !options.force) {
    throw new TollgateError('already exists; pass --force to overwrite it', { file: options.output });
  }
  const inventory = importMlflow(options.models, options.versions, { framework: frameworkFromArtifacts(options.artifacts) });
  const text = `# Imported from the MLflow Model Registry (${options.models}, ${options.versions}) by tollgate inventory import-mlflow.\n${stringify(inventory)}`;
  try {
    // The same rules as a hand-written inventory, before anything is written.
    parseInventory(text, options.output, resolveNow(options.now));
  } catch (error) {
    if (error instanceof TollgateError) {
      throw new TollgateError(`the registry's tags do not make a valid inventory: ${error.format()}`, { file: options.versions });
    }
    throw error;
  }
  writeFileAtomic(options.output, text);
  const versions = inventory.models.reduce((sum, model) => sum + model.versions.length, 0);
  process.stderr.write(
    `tollgate: wrote ${options.output} (${inventory.models.length} models, ${versions} versions); add deployments, then run \`tollgate check --inventory ${options.output}\`\n`,
  );
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
    .addHelpText(
      'after',
      '\nWarnings (exit 0, on stderr): a model trained on a pii or phi dataset that states no residency, which TG-REV-006\n' +
        'refuses to deploy anywhere until the residency is written.\n' +
        '\nExit codes: 0 valid, 2 invalid (one line: file:line:column: what is wrong).',
    )
    .action(async (file: string, options: { now?: string }) => {
      await run(() => Promise.resolve(runValidate(file, options)));
    });
  inventory
    .command('import-mlflow')
    .description('Build an inventory from recorded MLflow Model Registry search responses (tag conventions in the README).')
    .requiredOption('--models <file>', 'response of GET /api/2.0/mlflow/registered-models/search (one page or a JSON array of pages)')
    .requiredOption('--versions <file>', 'response of GET /api/2.0/mlflow/model-versions/search (one page or a JSON array of pages)')
    .requiredOption('-o, --output <file>', 'inventory to write')
    .option('--artifacts <dir>', 'downloaded artifacts as DIR/<model>/<version>/MLmodel, for the framework of untagged versions')
    .option('--force', 'overwrite an existing file', false)
    .option('--now <time>', 'today for the "no approval from the future" check (default: now)')
    .action(async (options: ImportOptions) => {
      await run(() => Promise.resolve(runImportMlflow(options)));
    });
}
