/**
 * Reads a model inventory (YAML or JSON): size, alias and depth limits, schema validation with
 * file:line:column errors, then the checks a schema cannot express (duplicates, dates after "now").
 */
import { parseYamlSource, readTextFile, validateYamlSource, type YamlLimits, type YamlSource } from '../../config/yaml-source.js';
import { TollgateError } from '../../model/errors.js';
import { schemaValidator } from '../../config/schema-validator.js';
import type { Inventory, Model, ModelVersion } from '../../model/inventory.js';

/**
 * Documented limits (README "Model inventory and review gates"): a registry export of thousands of
 * models stays far below them, while a "billion laughs" alias bomb or a pathologically nested document
 * is refused before it costs memory.
 */
export const INVENTORY_LIMITS: YamlLimits = { maxBytes: 16 << 20, maxAliases: 100, maxDepth: 32 };

const inventoryValidator = schemaValidator('inventory.schema.json');

type Path = ReadonlyArray<string | number>;

function failAt(source: YamlSource, path: Path, message: string): never {
  throw new TollgateError(message, { file: source.file, ...source.positionOf(path) });
}

function lineOf(source: YamlSource, path: Path): string {
  const position = source.positionOf(path);
  return position ? `line ${position.line}` : 'earlier';
}

/** The UTC day of a YYYY-MM-DD date or an RFC 3339 timestamp. */
export function dayOf(date: string): string {
  return date.length === 10 ? date : new Date(date).toISOString().slice(0, 10);
}

/** Reports the second occurrence of a key, naming where the first one is. */
function rejectDuplicates<T>(
  source: YamlSource,
  items: readonly T[],
  keyOf: (item: T, index: number) => { key: string | undefined; path: Path },
  describe: (key: string) => string,
): void {
  const first = new Map<string, Path>();
  items.forEach((item, index) => {
    const { key, path } = keyOf(item, index);
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier) failAt(source, path, `duplicate ${describe(key)} (first at ${lineOf(source, earlier)})`);
    first.set(key, path);
  });
}

interface Dated {
  readonly date: string;
}

function rejectFutureDates(source: YamlSource, items: readonly Dated[] | undefined, path: Path, what: string, today: string): void {
  (items ?? []).forEach((item, index) => {
    if (dayOf(item.date) > today) {
      failAt(
        source,
        [...path, index, 'date'],
        `${what} is dated ${item.date}, after today (${today}); a review cannot come from the future`,
      );
    }
  });
}

/** Checks across entries that JSON Schema cannot state. `today` is the policies' clock (YYYY-MM-DD). */
function checkConsistency(source: YamlSource, inventory: Inventory, today: string): void {
  const modelsPath = ['models'];
  rejectDuplicates(
    source,
    inventory.models,
    (model, m) => ({ key: model.id, path: [...modelsPath, m, 'id'] }),
    (id) => `model id "${id}"`,
  );
  const deployments: Array<{ key: string | undefined; path: Path }> = [];
  inventory.models.forEach((model, m) => {
    const versionsPath = [...modelsPath, m, 'versions'];
    rejectDuplicates(
      source,
      model.versions,
      (version, v) => ({ key: version.version, path: [...versionsPath, v, 'version'] }),
      (version) => `version "${version}" of model "${model.id}"`,
    );
    model.versions.forEach((version, v) => {
      const versionPath = [...versionsPath, v];
      rejectFutureDates(source, version.approvals, [...versionPath, 'approvals'], 'approval', today);
      rejectFutureDates(source, version.evaluations, [...versionPath, 'evaluations'], 'evaluation', today);
      (version.deployments ?? []).forEach((deployment, d) =>
        deployments.push({ key: deployment.resource, path: [...versionPath, 'deployments', d, 'resource'] }),
      );
    });
  });
  // A resource serves one model version; two records for it would make the join ambiguous.
  rejectDuplicates(
    source,
    deployments,
    (entry) => entry,
    (resource) => `deployment resource "${resource}"`,
  );
}

/** YAML reads `version: 3` as a number; versions are names, so the model always holds a string. */
function withStringVersions(inventory: Inventory): Inventory {
  const models = inventory.models.map((model): Model => ({
    ...model,
    versions: model.versions.map((version): ModelVersion => ({ ...version, version: String(version.version as unknown) })),
  }));
  return { ...inventory, models };
}

/** Parses and checks inventory text. `now` is an RFC 3339 timestamp (the policies' clock). */
export function parseInventory(text: string, file: string, now: string): Inventory {
  const source = parseYamlSource(text, file, INVENTORY_LIMITS);
  if (source.value === null || source.value === undefined) {
    throw new TollgateError('inventory is empty; it needs at least `models: []`', { file });
  }
  validateYamlSource(source, inventoryValidator());
  const inventory = withStringVersions(source.value as Inventory);
  checkConsistency(source, inventory, now.slice(0, 10));
  return inventory;
}

export function readInventoryFile(file: string, now: string): Inventory {
  return parseInventory(readTextFile(file, INVENTORY_LIMITS.maxBytes, 'inventory'), file, now);
}
