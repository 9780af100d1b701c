/**
 * Plan JSON (already parsed) → normalised `Resource` list.
 *
 * Reads `resource_changes` (one entry per resource instance, with the planned action), or, when a file has
 * none, `planned_values` (or a state's `values`). Each instance's values are merged once with their
 * unknown/sensitive masks (PlannedValues), then the provider's table entry for the resource type extracts
 * the normalised facts. Unknown types are kept as kind 'other' with their raw values.
 */
import { moduleCallPath, moduleOfAddress, parseAddress } from './address.js';
import { awsExtractors } from './aws.js';
import { azureExtractors } from './azure.js';
import { CompanionLinker } from './companions.js';
import { ConfigurationIndex, type ConfigResource } from './configuration.js';
import { gcpExtractors } from './gcp.js';
import { isObject, type JsonObject, type PlanShape } from './plan-shape.js';
import { PlannedValues } from './planned-values.js';
import { ProviderSettings, regionFromValues, unknownRegionAttribute } from './region.js';
import { readAwsTags, readTags } from './tags.js';
import type { JsonPath } from './plan-json.js';
import type { Extractor, ExtractorTable } from './extractor.js';
import type { ChangeAction, Compute, Provider, Resource } from '../../model/resource.js';
import { statedCheckpointing } from '../checkpointing.js';
import { modelReferenceOf } from '../model-reference.js';

export interface NormalisedPlan {
  readonly resources: Resource[];
  readonly terraformVersion: string | null;
  readonly formatVersion: string | null;
  /** Resource instances left out of `resources`: deleted (or forgotten) ones are not judged. */
  readonly skipped: { deleted: number };
}

const extractorTables: Readonly<Record<Provider, ExtractorTable>> = {
  aws: awsExtractors,
  gcp: gcpExtractors,
  azure: azureExtractors,
  kubernetes: {},
  other: {},
};

const providerPrefixes: ReadonlyArray<readonly [prefix: string, provider: Provider]> = [
  ['aws_', 'aws'],
  ['google_', 'gcp'],
  ['azurerm_', 'azure'],
  ['kubernetes_', 'kubernetes'],
];

export function providerOfType(type: string): Provider {
  // A plan's first thousands of resources run before V8 optimises this, and unoptimised, a for...of that
  // destructures each pair walks two iterator objects.
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- see above
  for (let i = 0; i < providerPrefixes.length; i++) {
    const entry = providerPrefixes[i];
    if (entry !== undefined && type.startsWith(entry[0])) return entry[1];
  }
  return 'other';
}

/** Where tags live when the extractor does not say. */
const defaultTagPaths: Readonly<Record<Provider, string>> = {
  aws: 'tags',
  gcp: 'labels',
  azure: 'tags',
  kubernetes: 'metadata.0.labels',
  other: 'tags',
};

/** The top-level attribute holding the tags, for types without a table entry. */
const defaultTagAttributes: Readonly<Record<Provider, string>> = {
  aws: 'tags',
  gcp: 'labels',
  azure: 'tags',
  kubernetes: 'metadata',
  other: 'tags',
};

type PlannedAction = ChangeAction | 'delete';

/**
 * Terraform's action lists: ["create"], ["update"], ["delete"], ["no-op"], ["read"], a replace as
 * ["delete","create"] or ["create","delete"], and since 1.7 ["forget"] (removed from state, not destroyed,
 * and no longer managed: like a delete, it is not judged).
 */
function plannedAction(actions: readonly string[]): PlannedAction | null {
  const creates = actions.includes('create');
  const removes = actions.includes('delete') || actions.includes('forget');
  if (creates && removes) return 'replace';
  if (actions.length !== 1) return null;
  switch (actions[0]) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'no-op':
      return 'no-op';
    case 'read':
      return 'read';
    case 'delete':
    case 'forget':
      return 'delete';
    default:
      return null;
  }
}

/** "registry.terraform.io/hashicorp/aws" or "provider.aws" (Terraform 0.12) → "aws". */
function localProviderName(providerName: string | null): string | null {
  if (providerName === null) return null;
  const slash = providerName.lastIndexOf('/');
  const last = slash === -1 ? providerName : providerName.slice(slash + 1);
  return last.startsWith('provider.') ? last.slice('provider.'.length) : last;
}

/**
 * Terraform up to 1.0 wrote a module's provider key with only the innermost call name ("db_instance:aws");
 * the model uses the full module path, as later versions do ("module.db.module.db_instance:aws").
 */
function canonicalProviderKey(key: string, callPath: string): string {
  const colon = key.indexOf(':');
  if (colon === -1 || key.startsWith('module.')) return key;
  const modulePath = callPath === '' ? `module.${key.slice(0, colon)}` : `module.${callPath.replaceAll('.', '.module.')}`;
  return `${modulePath}${key.slice(colon)}`;
}

interface InstanceFacts {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly module: string | null;
  readonly index: string | number | null;
  readonly providerName: string | null;
  readonly action: ChangeAction;
}

class ResourceBuilder {
  private readonly callPaths = new Map<string, string>();
  private readonly providerKeys = new Map<string, Map<string, string>>();
  readonly companions = new CompanionLinker();

  constructor(
    private readonly configuration: ConfigurationIndex,
    private readonly settings: ProviderSettings,
  ) {}

  /** `prior` is the state before the change, given for update and replace only. */
  build(facts: InstanceFacts, values: PlannedValues, position: number, prior: PlannedValues | null = null): Resource {
    const provider = providerOfType(facts.type);
    const callPath = this.callPath(facts.module);
    const config = this.configuration.resource(callPath, `${facts.type}.${facts.name}`);
    const providerConfig = this.providerKey(config?.providerConfigKey ?? localProviderName(facts.providerName), callPath);
    const extractor = extractorTables[provider][facts.type];
    const region = this.regionOf(values, provider, extractor, config, providerConfig);
    // A type without a table entry is taggable when its values carry the provider's usual tag attribute.
    const taggable = extractor?.taggable ?? defaultTagAttributes[provider] in values.values;
    const read = taggable ? this.tags(provider, values, extractor?.tagsPath, providerConfig) : null;
    const tags = read === null ? {} : read.tags;
    // Only resources that name a model carry the key, so inputs without models are unchanged.
    const model = modelReferenceOf(tags);

    // Written member by member, not with spreads (which build each resource on V8's slow path); the optional
    // members are added last, in the order the input's JSON has always had them.
    const resource: { -readonly [K in keyof Resource]: Resource[K] } = {
      address: facts.address,
      type: facts.type,
      name: facts.name,
      module: facts.module,
      index: facts.index,
      provider,
      providerConfig,
      kind: extractor?.kind ?? 'other',
      action: facts.action,
      region,
      tags,
      taggable,
      compute: withStatedCheckpointing(extractor?.compute?.(values) ?? null, tags),
      encryption: extractor?.encryption?.(values) ?? null,
      transport: extractor?.transport?.(values) ?? null,
      unknown: read === null ? values.unknown : withTagPaths(values.unknown, read.path),
      location: null,
      values: values.values,
    };
    // The same table entry reads the prior state, so before and after are judged and priced alike.
    if (prior !== null) {
      resource.before = {
        compute: extractor?.compute?.(prior) ?? null,
        region: this.regionOf(prior, provider, extractor, config, providerConfig),
        values: prior.values,
      };
    }
    if (model !== null) resource.model = model;
    this.companions.record(position, resource, values, config);
    return resource;
  }

  /**
   * A region the resource states wins; one it sets to a value unknown until apply is unknown (null); only a
   * resource that does not set it at all takes its provider configuration's region. A method, not a closure made
   * for every resource.
   */
  private regionOf(
    state: PlannedValues,
    provider: Provider,
    extractor: Extractor | undefined,
    config: ConfigResource | undefined,
    providerConfig: string | null,
  ): string | null {
    return (
      regionFromValues(provider, state, extractor?.regionPaths) ??
      (unknownRegionAttribute(provider, state, config?.expressions, extractor?.regionPaths) !== null
        ? null
        : providerConfig === null
          ? null
          : this.settings.region(providerConfig, provider))
    );
  }

  /** The tags, and the attribute they were read from (whose unknown keys are the tags' unknown keys). */
  private tags(
    provider: Provider,
    values: PlannedValues,
    tagsPath: string | undefined,
    providerConfig: string | null,
  ): { tags: Readonly<Record<string, string>> | null; path: string } {
    if (tagsPath !== undefined) return { tags: readTags(values, tagsPath), path: tagsPath };
    if (provider === 'aws') {
      const tags = readAwsTags(values, providerConfig === null ? {} : this.settings.awsDefaultTags(providerConfig));
      const fromAll = values.record('tags_all') !== null && !values.hasUnknownWithin('tags_all');
      return { tags, path: fromAll ? 'tags_all' : 'tags' };
    }
    // google provider 5+: terraform_labels adds the provider's default_labels to the resource's own labels.
    if (provider === 'gcp' && values.record('terraform_labels') !== null && !values.hasUnknownWithin('terraform_labels')) {
      return { tags: readTags(values, 'terraform_labels'), path: 'terraform_labels' };
    }
    return { tags: readTags(values, defaultTagPaths[provider]), path: defaultTagPaths[provider] };
  }

  private callPath(module: string | null): string {
    if (module === null) return '';
    let path = this.callPaths.get(module);
    if (path === undefined) {
      path = moduleCallPath(module);
      this.callPaths.set(module, path);
    }
    return path;
  }

  private providerKey(key: string | null, callPath: string): string | null {
    if (key === null) return null;
    // By call path, then key: no joined string to build and hash for every resource.
    let inModule = this.providerKeys.get(callPath);
    if (inModule === undefined) {
      inModule = new Map();
      this.providerKeys.set(callPath, inModule);
    }
    let canonical = inModule.get(key);
    if (canonical === undefined) {
      canonical = canonicalProviderKey(key, callPath);
      inModule.set(key, canonical);
    }
    return canonical;
  }
}

/**
 * The unknown paths with each unknown tag also under the model's own name, "tags.<key>": GCP `labels.team`,
 * `resource_labels.team` or Kubernetes `metadata.0.labels.team` is the tag the policies ask about as "tags.team",
 * so an environment or team label unknown until apply is unknown, never missing, on every provider.
 */
function withTagPaths(unknown: readonly string[], tagsPath: string): readonly string[] {
  if (tagsPath === 'tags' || unknown.length === 0) return unknown;
  const prefix = `${tagsPath}.`;
  const added = unknown.filter((path) => path.startsWith(prefix)).map((path) => `tags.${path.slice(prefix.length)}`);
  return added.length === 0 ? unknown : [...unknown, ...added.filter((path) => !unknown.includes(path))];
}

/**
 * A compute whose tags state whether its work checkpoints (tollgate.io/checkpointing, src/inputs/checkpointing.ts).
 * The tags are read only for a resource that has a compute: most of a plan has none.
 */
function withStatedCheckpointing(compute: Compute | null, tags: Readonly<Record<string, string>> | null): Compute | null {
  if (compute === null) return null;
  const stated = statedCheckpointing(tags);
  return stated === null ? compute : { ...compute, checkpointing: stated };
}

function instanceIndex(value: unknown): string | number | null {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

function isDataSource(mode: string | null, address: string): boolean {
  if (mode !== null) return mode === 'data';
  return address.startsWith('data.') || address.includes('.data.');
}

/** A change's action names (`resource_changes[i].change.actions`), each a string. */
function actionsOf(value: unknown, i: number, shape: PlanShape): readonly string[] {
  const list = Array.isArray(value) ? (value as readonly unknown[]) : shape.array(value, ['resource_changes', i, 'change', 'actions']);
  for (let n = 0; n < list.length; n++) {
    if (typeof list[n] !== 'string') shape.string(list[n], ['resource_changes', i, 'change', 'actions', n]);
  }
  return list as readonly string[];
}

export function normalisePlan(document: unknown, shape: PlanShape): NormalisedPlan {
  const plan = shape.object(document, []);
  if (
    plan['format_version'] === undefined &&
    plan['resource_changes'] === undefined &&
    plan['planned_values'] === undefined &&
    plan['values'] === undefined
  ) {
    return shape.fail(
      [],
      'this JSON does not look like a `terraform show -json` plan (no format_version, resource_changes or planned_values)',
    );
  }
  const formatVersion = shape.optionalString(plan['format_version'], ['format_version']);
  // The JSON plan format promises compatibility within a major version; a 2.x plan may mean anything.
  if (formatVersion !== null && !/^(0|1)\.\d+(\.\d+)?$/.test(formatVersion)) {
    return shape.fail(
      ['format_version'],
      `format_version "${formatVersion}" is not supported: Tollgate reads plan format versions 0.1 to 1.x`,
    );
  }
  const terraformVersion = shape.optionalString(plan['terraform_version'], ['terraform_version']);
  const configuration = new ConfigurationIndex(
    shape.optionalObject(plan['configuration'], ['configuration']),
    shape.optionalObject(plan['variables'], ['variables']),
    shape,
  );
  const builder = new ResourceBuilder(configuration, new ProviderSettings(configuration));
  const resources: Resource[] = [];
  let deleted = 0;

  const changes = shape.optionalArray(plan['resource_changes'], ['resource_changes']);
  for (let i = 0; i < changes.length; i++) {
    // Paths are built only to name a problem: a path array per checked field was a tenth of reading a large plan.
    const raw = changes[i];
    const change = isObject(raw) ? raw : shape.object(raw, ['resource_changes', i]);
    const rawAddress = change['address'];
    const address = typeof rawAddress === 'string' ? rawAddress : shape.string(rawAddress, ['resource_changes', i, 'address']);
    if (
      isDataSource(
        optionalStringAt(change, 'mode', () => ['resource_changes', i], shape),
        address,
      )
    )
      continue;
    const rawBody = change['change'];
    const body = isObject(rawBody) ? rawBody : shape.object(rawBody, ['resource_changes', i, 'change']);
    const actions = actionsOf(body['actions'], i, shape);
    const action = plannedAction(actions);
    if (action === null) shape.fail(['resource_changes', i, 'change', 'actions'], `unsupported change actions ${JSON.stringify(actions)}`);
    if (action === 'delete') {
      deleted++;
      continue;
    }
    const values = new PlannedValues(body['after'], body['after_unknown'], body['after_sensitive']);
    // The prior state is fully known (no unknown mask); its secrets are redacted as the planned ones are.
    const prior =
      (action === 'update' || action === 'replace') && isObject(body['before'])
        ? new PlannedValues(body['before'], undefined, body['before_sensitive'])
        : null;
    const facts = instanceFactsOf(change, address, action, () => ['resource_changes', i], shape);
    resources.push(builder.build(facts, values, resources.length, prior));
  }

  if (changes.length === 0) {
    // Very old or unusual files carry only planned_values; `terraform show -json` of a state carries `values`.
    const fromPlan = plan['planned_values'] !== undefined && plan['planned_values'] !== null;
    const key = fromPlan ? 'planned_values' : 'values';
    const root = shape.optionalObject(shape.optionalObject(plan[key], [key])?.['root_module'], [key, 'root_module']);
    if (root !== undefined) {
      walkPlannedModule(root, [key, 'root_module'], fromPlan ? 'create' : 'no-op', shape, (facts, values) => {
        resources.push(builder.build(facts, values, resources.length));
      });
    }
  }

  builder.companions.apply(resources);
  return { resources, terraformVersion, formatVersion, skipped: { deleted } };
}

/** `at` gives the JSON path of `raw`, called only to name a field of the wrong type. */
function instanceFactsOf(raw: JsonObject, address: string, action: ChangeAction, at: () => JsonPath, shape: PlanShape): InstanceFacts {
  const rawType = raw['type'];
  const type = typeof rawType === 'string' ? rawType : shape.string(rawType, [...at(), 'type']);
  const rawName = raw['name'];
  const name = typeof rawName === 'string' ? rawName : shape.string(rawName, [...at(), 'name']);
  const moduleAddress = optionalStringAt(raw, 'module_address', at, shape);
  let index = instanceIndex(raw['index']);
  let module = moduleAddress;
  // Older files leave out module_address and index; both are in the address.
  if (module === null && address.startsWith('module.')) module = moduleOfAddress(address);
  if (index === null && address.endsWith(']')) index = parseAddress(address)?.index ?? null;
  return {
    address,
    type,
    name,
    module,
    index,
    providerName: optionalStringAt(raw, 'provider_name', at, shape),
    action,
  };
}

/** `raw[key]` when it is a string, null when absent or null; any other value is the user's error. */
function optionalStringAt(raw: JsonObject, key: string, at: () => JsonPath, shape: PlanShape): string | null {
  const value = raw[key];
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? null : shape.string(value, [...at(), key]);
}

function walkPlannedModule(
  module: JsonObject,
  path: JsonPath,
  action: ChangeAction,
  shape: PlanShape,
  emit: (facts: InstanceFacts, values: PlannedValues) => void,
): void {
  const list = shape.optionalArray(module['resources'], [...path, 'resources']);
  for (let i = 0; i < list.length; i++) {
    const resourcePath: JsonPath = [...path, 'resources', i];
    const raw = shape.object(list[i], resourcePath);
    const address = shape.string(raw['address'], [...resourcePath, 'address']);
    if (isDataSource(shape.optionalString(raw['mode'], [...resourcePath, 'mode']), address)) continue;
    // planned_values leaves unknown values out entirely and has no unknown mask; sensitive_values is the mask.
    const values = new PlannedValues(raw['values'] ?? {}, undefined, raw['sensitive_values']);
    emit(
      instanceFactsOf(raw, address, action, () => resourcePath, shape),
      values,
    );
  }
  const children = shape.optionalArray(module['child_modules'], [...path, 'child_modules']);
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (isObject(child)) walkPlannedModule(child, [...path, 'child_modules', i], action, shape, emit);
    else shape.object(child, [...path, 'child_modules', i]);
  }
}
