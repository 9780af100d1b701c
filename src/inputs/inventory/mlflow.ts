/**
 * MLflow Model Registry → inventory, from recorded REST responses of
 * `GET /api/2.0/mlflow/registered-models/search` and `GET /api/2.0/mlflow/model-versions/search`
 * (one page, or a JSON array of pages). Risk, ownership, datasets, digests, approvals and evaluations live
 * in tags (conventions in the README, "Model inventory and review gates"); aliases and stages give the stage.
 */
import { parseYamlSource, readTextFile, type YamlSource } from '../../config/yaml-source.js';
import { TollgateError } from '../../model/errors.js';
import type { Approval, Dataset, Evaluation, Inventory, Model, ModelVersion, Stage } from '../../model/inventory.js';
import { INVENTORY_LIMITS } from './read-inventory.js';

interface MlflowTag {
  readonly key: string;
  readonly value: string;
}

interface RegisteredModel {
  readonly name: string;
  readonly description?: string;
  readonly tags?: readonly MlflowTag[];
  /** Registered-model aliases: which version each alias points at. */
  readonly aliases?: ReadonlyArray<{ readonly alias: string; readonly version: string }>;
}

interface MlflowModelVersion {
  readonly name: string;
  readonly version: string;
  readonly source?: string;
  readonly current_stage?: string;
  readonly tags?: readonly MlflowTag[];
  /** Model-version aliases (names only). */
  readonly aliases?: readonly string[];
}

/** Aliases that mean a stage, else MLflow's (deprecated) current_stage. */
const stageOfAlias: Readonly<Record<string, Stage>> = {
  champion: 'production',
  production: 'production',
  prod: 'production',
  challenger: 'staging',
  staging: 'staging',
};

const stageOfMlflowStage: Readonly<Record<string, Stage>> = {
  production: 'production',
  staging: 'staging',
  archived: 'archived',
};

/** Reads a response file (JSON with positions) and the list under `key` of every page. */
function readPages(file: string, key: string): { items: unknown[]; source: YamlSource } {
  const source = parseYamlSource(readTextFile(file, INVENTORY_LIMITS.maxBytes, 'MLflow response'), file, INVENTORY_LIMITS);
  const pages = Array.isArray(source.value) ? source.value : [source.value];
  const items: unknown[] = [];
  pages.forEach((page, index) => {
    const path = Array.isArray(source.value) ? [index] : [];
    if (typeof page !== 'object' || page === null || Array.isArray(page)) {
      throw new TollgateError(`expected a ${key} search response (an object with "${key}")`, { file, ...source.positionOf(path) });
    }
    const list = (page as Record<string, unknown>)[key] ?? [];
    if (!Array.isArray(list)) throw new TollgateError(`"${key}" must be an array`, { file, ...source.positionOf([...path, key]) });
    list.forEach((item, i) => {
      const name = (item as Record<string, unknown> | null)?.['name'];
      if (typeof name !== 'string')
        throw new TollgateError(`${key}[${i}] has no "name"`, { file, ...source.positionOf([...path, key, i]) });
    });
    items.push(...(list as unknown[]));
  });
  return { items, source };
}

function tagMap(tags: readonly MlflowTag[] | undefined): Map<string, string> {
  return new Map((tags ?? []).map((tag) => [tag.key, tag.value]));
}

/** `tollgate.<group>.<n>.<field>` tags as records, in the order of n. */
function indexed(tags: Map<string, string>, group: string): Array<Record<string, string>> {
  const byIndex = new Map<number, Record<string, string>>();
  const pattern = new RegExp(`^tollgate\\.${group}\\.(\\d+)\\.([a-z_]+)$`);
  for (const [key, value] of tags) {
    const [, position, field] = pattern.exec(key) ?? [];
    if (position === undefined || field === undefined) continue;
    const index = Number(position);
    byIndex.set(index, { ...byIndex.get(index), [field]: value });
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, record]) => record);
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items && items.length > 0 ? items : undefined;
}

/** Keys with undefined values are left out, so the inventory reads as if written by hand. */
function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

function required(tags: Map<string, string>, key: string, what: string, file: string): string {
  const value = tags.get(key);
  if (value === undefined || value === '')
    throw new TollgateError(`${what} has no "${key}" tag (see the README's MLflow tag conventions)`, { file });
  return value;
}

function stageOf(version: MlflowModelVersion, modelAliases: readonly string[]): Stage | undefined {
  for (const alias of [...(version.aliases ?? []), ...modelAliases]) {
    const stage = stageOfAlias[alias.toLowerCase()];
    if (stage) return stage;
  }
  return stageOfMlflowStage[(version.current_stage ?? '').toLowerCase()];
}

function versionOf(
  version: MlflowModelVersion,
  model: RegisteredModel,
  file: string,
  framework: (v: MlflowModelVersion) => string | undefined,
): ModelVersion {
  const tags = tagMap(version.tags);
  const what = `model version ${model.name}/${version.version}`;
  const aliases = (model.aliases ?? []).filter((alias) => alias.version === version.version).map((alias) => alias.alias);
  const parameters = tags.get('tollgate.parameters');
  return defined({
    version: version.version,
    artifact: { uri: version.source ?? '', digest: required(tags, 'tollgate.digest', what, file) },
    framework: tags.get('tollgate.framework') ?? framework(version),
    parameters: parameters === undefined ? undefined : Number(parameters),
    precision: tags.get('tollgate.precision') as ModelVersion['precision'],
    stage: stageOf(version, aliases),
    evaluations: indexed(tags, 'evaluation').map((e) => defined({ ...e, passed: e['passed'] === 'true' }) as unknown as Evaluation),
    approvals: indexed(tags, 'approval') as unknown as Approval[],
  });
}

export interface MlflowImportOptions {
  /** Framework of a version when no `tollgate.framework` tag names it (from its MLmodel file). */
  readonly framework?: (model: string, version: string) => string | undefined;
}

/**
 * Builds an inventory from the two responses. Shapes the inventory schema also checks (enums, digests, dates)
 * are left to `parseInventory`, which the caller runs on the result, so there is one set of rules.
 */
export function importMlflow(modelsFile: string, versionsFile: string, options: MlflowImportOptions = {}): Inventory {
  const registered = readPages(modelsFile, 'registered_models').items as RegisteredModel[];
  const versions = readPages(versionsFile, 'model_versions').items as MlflowModelVersion[];
  const framework = (v: MlflowModelVersion) => options.framework?.(v.name, v.version);
  const models = registered.map((model): Model => {
    const tags = tagMap(model.tags);
    const what = `registered model ${model.name}`;
    return defined({
      id: tags.get('tollgate.id') ?? slug(model.name),
      name: model.name,
      owner_team: required(tags, 'tollgate.owner_team', what, modelsFile),
      owners: list(tags.get('tollgate.owners')),
      // An empty description says nothing: no purpose rather than an empty one.
      purpose: tags.get('tollgate.purpose') ?? (model.description === '' ? undefined : model.description),
      risk_tier: required(tags, 'tollgate.risk_tier', what, modelsFile) as Model['risk_tier'],
      datasets: indexed(tags, 'dataset').map((d) => defined({ ...d, residency: list(d['residency']) }) as unknown as Dataset),
      versions: versions
        .filter((version) => version.name === model.name)
        .sort((a, b) => Number(a.version) - Number(b.version))
        .map((version) => versionOf(version, model, versionsFile, framework)),
    });
  });
  return { version: 1, models };
}
