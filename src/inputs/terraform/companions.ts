/**
 * Companion resources: settings that newer providers moved out of a resource into a separate one, such as
 * `aws_s3_bucket_server_side_encryption_configuration` or `aws_s3_bucket_policy` for `aws_s3_bucket`. The
 * companion's setting is carried back to the resource it configures, so policies judge the bucket, not the
 * configuration object; the companion records its parent in `companionOf` and is not judged on its own.
 * The same links serve child resources that state no region of their own (an AKS node pool, an Azure SQL
 * database): they take their parent's region, and are judged themselves.
 *
 * A companion finds its target however the link is written:
 *   - by value: its attribute equals the target's name or id (`bucket = "acme-data"`);
 *   - by reference: `bucket = aws_s3_bucket.x.id`, `aws_s3_bucket.x[0].id`, or `aws_s3_bucket.x[count.index].id`
 *     and `aws_s3_bucket.x[each.key].id`, which pair the companion's instance key with the target's;
 *   - by iteration: `for_each = aws_s3_bucket.x` with `bucket = each.value.id` pairs instances by key.
 * All are Map look-ups, so linking is linear in the number of resources.
 *
 * A companion whose target cannot be told (its attribute is unknown until apply and its configuration names
 * no target) may configure any resource of the target type that has no companion of its own: their fact
 * becomes unknown (indeterminate), never a violation.
 */
import { parseAddress } from './address.js';
import { isObject } from './plan-shape.js';
import type { ConfigResource } from './configuration.js';
import type { PlannedValues } from './planned-values.js';
import type { Resource } from '../../model/resource.js';

type Carries = 'encryption-to-target' | 'transport-to-target' | 'region-from-target';

interface CompanionLink {
  readonly companionType: string;
  readonly targetType: string;
  /** The companion's attribute naming its target. */
  readonly attribute: string;
  /** Target attributes whose value the companion's attribute may hold. */
  readonly targetValueAttributes: readonly string[];
  /** What the link carries: the companion's encryption or transport to its target, or the target's region to it. */
  readonly carries: Carries;
  /**
   * The target's provider attribute the carried fact stands for, listed in the target's `unknown` when the link
   * leaves the fact unknown, so messages name it ("server_side_encryption_configuration is unknown until apply").
   * For transport it is also the target's own attribute for the same setting (the bucket's inline `policy`).
   */
  readonly targetAttribute?: string;
}

const companionLinks: readonly CompanionLink[] = [
  {
    companionType: 'aws_s3_bucket_server_side_encryption_configuration',
    targetType: 'aws_s3_bucket',
    attribute: 'bucket',
    targetValueAttributes: ['bucket', 'id'],
    carries: 'encryption-to-target',
    targetAttribute: 'server_side_encryption_configuration',
  },
  {
    companionType: 'aws_s3_bucket_policy',
    targetType: 'aws_s3_bucket',
    attribute: 'bucket',
    targetValueAttributes: ['bucket', 'id'],
    carries: 'transport-to-target',
    targetAttribute: 'policy',
  },
  {
    companionType: 'azurerm_storage_account_customer_managed_key',
    targetType: 'azurerm_storage_account',
    attribute: 'storage_account_id',
    targetValueAttributes: ['id'],
    carries: 'encryption-to-target',
    targetAttribute: 'customer_managed_key',
  },
  {
    companionType: 'azurerm_mssql_server_transparent_data_encryption',
    targetType: 'azurerm_mssql_server',
    attribute: 'server_id',
    targetValueAttributes: ['id'],
    carries: 'encryption-to-target',
    targetAttribute: 'transparent_data_encryption',
  },
  {
    companionType: 'azurerm_kubernetes_cluster_node_pool',
    targetType: 'azurerm_kubernetes_cluster',
    attribute: 'kubernetes_cluster_id',
    targetValueAttributes: ['id'],
    carries: 'region-from-target',
  },
  {
    companionType: 'azurerm_mssql_database',
    targetType: 'azurerm_mssql_server',
    attribute: 'server_id',
    targetValueAttributes: ['id'],
    carries: 'region-from-target',
  },
  {
    companionType: 'azurerm_machine_learning_compute_instance',
    targetType: 'azurerm_machine_learning_workspace',
    attribute: 'machine_learning_workspace_id',
    targetValueAttributes: ['id'],
    carries: 'region-from-target',
  },
  {
    companionType: 'azurerm_machine_learning_compute_cluster',
    targetType: 'azurerm_machine_learning_workspace',
    attribute: 'machine_learning_workspace_id',
    targetValueAttributes: ['id'],
    carries: 'region-from-target',
  },
];

const linkByCompanionType = new Map(companionLinks.map((link) => [link.companionType, link]));
// Links to one target type look the target up by the same attributes, so any of them can register it.
const linkByTargetType = new Map(companionLinks.map((link) => [link.targetType, link]));
/** Transport links by target type: the target's own attribute for the setting is read as well. */
const transportLinkByTargetType = new Map(
  companionLinks.filter((link) => link.carries === 'transport-to-target').map((link) => [link.targetType, link]),
);

/** Whether the companion configures its target (and is not judged alone) or is a child taking its region. */
function configuresTarget(link: CompanionLink): boolean {
  return link.carries !== 'region-from-target';
}

interface PendingCompanion {
  readonly position: number;
  readonly link: CompanionLink;
  readonly module: string | null;
  readonly index: string | number | null;
  readonly value: string | null;
  readonly reference: { readonly name: string; readonly index: string | number | null } | null;
}

/** `aws_s3_bucket.x[0].id` → name "x", index 0; only references to the link's target type count. */
function targetOfReferences(references: unknown, link: CompanionLink): PendingCompanion['reference'] {
  if (!Array.isArray(references)) return null;
  for (const reference of references) {
    if (typeof reference !== 'string' || !reference.startsWith(`${link.targetType}.`)) continue;
    let candidate = reference;
    for (let attempt = 0; attempt < 3; attempt++) {
      const parsed = parseAddress(candidate);
      if (parsed !== null && parsed.modules.length === 0 && parsed.type === link.targetType) {
        return { name: parsed.name, index: parsed.index };
      }
      const dot = candidate.lastIndexOf('.');
      if (dot === -1) break;
      candidate = candidate.slice(0, dot);
    }
  }
  return null;
}

/**
 * The target the configuration names: a reference in the linking attribute, or, for `bucket = each.value.id`
 * (or `each.key`), the resource its `for_each` iterates over.
 */
function referencedTarget(config: ConfigResource | undefined, link: CompanionLink): PendingCompanion['reference'] {
  const expression = config?.expressions[link.attribute];
  const references = isObject(expression) ? expression['references'] : undefined;
  const direct = targetOfReferences(references, link);
  if (direct !== null) return direct;
  const iterates = Array.isArray(references) && references.some((r) => typeof r === 'string' && /^each\.(value|key)\b/.test(r));
  if (!iterates || config?.forEach == null) return null;
  const overTarget = targetOfReferences(config.forEach['references'], link);
  // Iterating over the whole resource pairs each companion instance with the target instance of the same key.
  return overTarget === null ? null : { name: overTarget.name, index: null };
}

export class CompanionLinker {
  private readonly pending: PendingCompanion[] = [];
  private readonly targetsByValue = new Map<string, number>();
  private readonly targetsByAddress = new Map<string, number[]>();
  private readonly targetsByInstance = new Map<string, number>();
  private readonly targetsByType = new Map<string, number[]>();
  /** Targets whose own attribute for a carried setting is unknown only because the provider computes it. */
  private readonly computedButUnset = new Set<number>();
  /**
   * Positions of the resources a companion could name, indexed only when the plan has a companion: the keys built
   * and hashed for every bucket and storage account of a plan that has none were a tenth of normalising it.
   */
  private readonly targets: number[] = [];

  /** Notes a resource that is a companion or a target; `position` is its place in the result list. */
  record(position: number, resource: Resource, values: PlannedValues, config: ConfigResource | undefined): void {
    const companionLink = linkByCompanionType.get(resource.type);
    if (companionLink !== undefined) {
      this.pending.push({
        position,
        link: companionLink,
        module: resource.module,
        index: resource.index,
        value: values.nonEmptyString(companionLink.attribute),
        reference: referencedTarget(config, companionLink),
      });
      return;
    }
    if (!linkByTargetType.has(resource.type)) return;
    this.targets.push(position);
    // AWS provider 4+ computes a bucket's `policy` (unknown at create) whether or not it is set: absent from the
    // configuration, it is not unknown but unset. Without the configuration it is taken as unset, as regions are.
    const transportLink = transportLinkByTargetType.get(resource.type);
    const attribute = transportLink?.targetAttribute;
    if (attribute !== undefined && values.isUnknown(attribute) && !(config !== undefined && attribute in config.expressions)) {
      this.computedButUnset.add(position);
    }
  }

  /** Applies every link: settings onto targets, parents' regions onto children that state none. */
  apply(resources: Resource[]): void {
    for (const position of this.computedButUnset) this.unsetComputedAttribute(resources, position);
    if (this.pending.length === 0) return;
    for (const position of this.targets) {
      const resource = resources[position];
      if (resource !== undefined) this.indexTarget(position, resource);
    }
    /** companion type → targets some companion of that type resolved to. */
    const linked = new Map<string, Set<number>>();
    const unresolved: PendingCompanion[] = [];
    for (const companion of this.pending) {
      const targetPosition = this.findTarget(companion);
      const source = resources[companion.position];
      if (source === undefined) continue;
      const target = targetPosition === undefined ? undefined : resources[targetPosition];
      if (configuresTarget(companion.link)) {
        resources[companion.position] = { ...source, companionOf: target?.address ?? null };
        // A name known to match no resource of the plan configures a resource outside it; an unknown one may be any.
        if (target === undefined && companion.value === null) unresolved.push(companion);
      }
      if (target === undefined || targetPosition === undefined) continue;
      let targets = linked.get(companion.link.companionType);
      if (targets === undefined) linked.set(companion.link.companionType, (targets = new Set()));
      targets.add(targetPosition);
      resources[targetPosition] = this.carry(companion.link, source, target);
      if (companion.link.carries === 'region-from-target' && source.region === null && target.region !== null) {
        resources[companion.position] = { ...source, region: target.region };
      }
    }
    for (const companion of unresolved) {
      const done = linked.get(companion.link.companionType) ?? new Set<number>();
      for (const position of this.candidates(companion)) {
        const target = resources[position];
        if (target !== undefined && !done.has(position)) resources[position] = this.unsettle(companion.link, target);
      }
    }
  }

  /** Makes a resource a companion may name findable by its value, its address, its instance and its type. */
  private indexTarget(position: number, resource: Resource): void {
    for (const attribute of linkByTargetType.get(resource.type)?.targetValueAttributes ?? []) {
      const value = nonEmptyStringAt(resource.values, attribute);
      if (value !== null) this.targetsByValue.set(`${resource.type}|${value}`, position);
    }
    const key = `${resource.module ?? ''}|${resource.type}.${resource.name}`;
    const instances = this.targetsByAddress.get(key);
    if (instances === undefined) this.targetsByAddress.set(key, [position]);
    else instances.push(position);
    if (resource.index !== null) this.targetsByInstance.set(`${key}|${String(resource.index)}|${typeof resource.index}`, position);
    const ofType = this.targetsByType.get(resource.type);
    if (ofType === undefined) this.targetsByType.set(resource.type, [position]);
    else ofType.push(position);
  }

  /** The target with the companion's setting: its encryption, or a transport that refuses plain text if either does. */
  private carry(link: CompanionLink, source: Resource, target: Resource): Resource {
    if (link.carries === 'encryption-to-target' && source.encryption !== null) {
      const carried = { ...target, encryption: source.encryption };
      return source.encryption.customerManagedKey === null ? withUnknown(carried, link.targetAttribute) : carried;
    }
    if (link.carries === 'transport-to-target' && source.transport !== null && target.transport !== null) {
      const own = target.transport.httpsOnly;
      const theirs = source.transport.httpsOnly;
      const httpsOnly = own === true || theirs === true ? true : own === null || theirs === null ? null : false;
      const carried = { ...target, transport: { ...target.transport, httpsOnly } };
      return httpsOnly === null ? withUnknown(carried, link.targetAttribute) : carried;
    }
    return target;
  }

  /** A target some unresolved companion may configure: a fact that would fail becomes unknown. */
  private unsettle(link: CompanionLink, target: Resource): Resource {
    if (link.carries === 'encryption-to-target' && target.encryption !== null && target.encryption.customerManagedKey !== true) {
      return withUnknown({ ...target, encryption: { ...target.encryption, customerManagedKey: null, keyId: null } }, link.targetAttribute);
    }
    if (link.carries === 'transport-to-target' && target.transport !== null && target.transport.httpsOnly !== true) {
      return withUnknown({ ...target, transport: { ...target.transport, httpsOnly: null } }, link.targetAttribute);
    }
    return target;
  }

  /** The targets an unresolved companion may configure: the instances its reference names, else every one of the type. */
  private candidates(companion: PendingCompanion): readonly number[] {
    if (companion.reference !== null) {
      return this.targetsByAddress.get(`${companion.module ?? ''}|${companion.link.targetType}.${companion.reference.name}`) ?? [];
    }
    return this.targetsByType.get(companion.link.targetType) ?? [];
  }

  private unsetComputedAttribute(resources: Resource[], position: number): void {
    const resource = resources[position];
    const attribute = resource === undefined ? undefined : transportLinkByTargetType.get(resource.type)?.targetAttribute;
    if (resource?.transport == null || attribute === undefined || resource.transport.httpsOnly !== null) return;
    resources[position] = {
      ...resource,
      transport: { ...resource.transport, httpsOnly: false },
      unknown: resource.unknown.filter((path) => path !== attribute && !path.startsWith(`${attribute}.`)),
    };
  }

  private findTarget(companion: PendingCompanion): number | undefined {
    if (companion.value !== null) {
      const byValue = this.targetsByValue.get(`${companion.link.targetType}|${companion.value}`);
      if (byValue !== undefined) return byValue;
    }
    if (companion.reference === null) return undefined;
    const key = `${companion.module ?? ''}|${companion.link.targetType}.${companion.reference.name}`;
    // `aws_s3_bucket.x[0]` names its instance; `aws_s3_bucket.x[each.key]`, `[count.index]` and `for_each = aws_s3_bucket.x`
    // pair instances with the same key.
    const wanted = companion.reference.index ?? companion.index;
    if (wanted !== null) {
      const match = this.targetsByInstance.get(`${key}|${String(wanted)}|${typeof wanted}`);
      if (match !== undefined) return match;
    }
    const instances = this.targetsByAddress.get(key);
    return instances?.length === 1 ? instances[0] : undefined;
  }
}

/** A top-level attribute of the merged values, as PlannedValues.nonEmptyString reads it: a string that is set, else null. */
function nonEmptyStringAt(values: Readonly<Record<string, unknown>>, attribute: string): string | null {
  const value = values[attribute];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The resource with `attribute` listed among its values unknown until apply (once). */
function withUnknown(resource: Resource, attribute: string | undefined): Resource {
  if (attribute === undefined || resource.unknown.includes(attribute)) return resource;
  return { ...resource, unknown: [...resource.unknown, attribute] };
}
