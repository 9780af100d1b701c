/**
 * Companion resources: settings that newer providers moved out of a resource into a separate one, such as
 * `aws_s3_bucket_server_side_encryption_configuration` for `aws_s3_bucket`. The companion's encryption is
 * carried back to the resource it configures, so policies judge the bucket, not the configuration object.
 * The same links serve child resources that state no region of their own (an AKS node pool, an Azure SQL
 * database): they take their parent's region.
 *
 * A companion finds its target either by value (its `bucket` equals the bucket's name) or, when the name is
 * unknown until apply, by the reference in its configuration (`bucket = aws_s3_bucket.x.id`). Both are Map
 * look-ups, so linking is linear in the number of resources.
 */
import { parseAddress } from './address.js';
import { isObject } from './plan-shape.js';
import type { ConfigResource } from './configuration.js';
import type { PlannedValues } from './planned-values.js';
import type { Resource } from '../../model/resource.js';

interface CompanionLink {
  readonly companionType: string;
  readonly targetType: string;
  /** The companion's attribute naming its target. */
  readonly attribute: string;
  /** Target attributes whose value the companion's attribute may hold. */
  readonly targetValueAttributes: readonly string[];
  /** What the link carries: the companion's encryption to its target, or the target's region to the companion. */
  readonly carries: 'encryption-to-target' | 'region-from-target';
}

const companionLinks: readonly CompanionLink[] = [
  {
    companionType: 'aws_s3_bucket_server_side_encryption_configuration',
    targetType: 'aws_s3_bucket',
    attribute: 'bucket',
    targetValueAttributes: ['bucket', 'id'],
    carries: 'encryption-to-target',
  },
  {
    companionType: 'azurerm_mssql_server_transparent_data_encryption',
    targetType: 'azurerm_mssql_server',
    attribute: 'server_id',
    targetValueAttributes: ['id'],
    carries: 'encryption-to-target',
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

interface PendingCompanion {
  readonly position: number;
  readonly link: CompanionLink;
  readonly module: string | null;
  readonly index: string | number | null;
  readonly value: string | null;
  readonly reference: { readonly name: string; readonly index: string | number | null } | null;
}

/** `aws_s3_bucket.x[0].id` → name "x", index 0; only references to the link's target type count. */
function referencedTarget(config: ConfigResource | undefined, link: CompanionLink): PendingCompanion['reference'] {
  const expression = config?.expressions[link.attribute];
  const references = isObject(expression) ? expression['references'] : undefined;
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

export class CompanionLinker {
  private readonly pending: PendingCompanion[] = [];
  private readonly targetsByValue = new Map<string, number>();
  private readonly targetsByAddress = new Map<string, number[]>();
  private readonly targetsByInstance = new Map<string, number>();

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
    const targetLink = linkByTargetType.get(resource.type);
    if (targetLink === undefined) return;
    for (const attribute of targetLink.targetValueAttributes) {
      const value = values.nonEmptyString(attribute);
      if (value !== null) this.targetsByValue.set(`${resource.type}|${value}`, position);
    }
    const key = `${resource.module ?? ''}|${resource.type}.${resource.name}`;
    const instances = this.targetsByAddress.get(key);
    if (instances === undefined) this.targetsByAddress.set(key, [position]);
    else instances.push(position);
    if (resource.index !== null) this.targetsByInstance.set(`${key}|${String(resource.index)}|${typeof resource.index}`, position);
  }

  /** Applies every link: encryption onto targets, parents' regions onto children that state none. */
  apply(resources: Resource[]): void {
    for (const companion of this.pending) {
      const targetPosition = this.findTarget(companion);
      const source = resources[companion.position];
      const target = targetPosition === undefined ? undefined : resources[targetPosition];
      if (source === undefined || target === undefined || targetPosition === undefined) continue;
      if (companion.link.carries === 'encryption-to-target') {
        if (source.encryption !== null) resources[targetPosition] = { ...target, encryption: source.encryption };
      } else if (source.region === null && target.region !== null) {
        resources[companion.position] = { ...source, region: target.region };
      }
    }
  }

  private findTarget(companion: PendingCompanion): number | undefined {
    if (companion.value !== null) {
      const byValue = this.targetsByValue.get(`${companion.link.targetType}|${companion.value}`);
      if (byValue !== undefined) return byValue;
    }
    if (companion.reference === null) return undefined;
    const key = `${companion.module ?? ''}|${companion.link.targetType}.${companion.reference.name}`;
    // `aws_s3_bucket.x[0]` names its instance; `aws_s3_bucket.x[each.key]` pairs instances with the same key.
    const wanted = companion.reference.index ?? companion.index;
    if (wanted !== null) {
      const match = this.targetsByInstance.get(`${key}|${String(wanted)}|${typeof wanted}`);
      if (match !== undefined) return match;
    }
    const instances = this.targetsByAddress.get(key);
    return instances?.length === 1 ? instances[0] : undefined;
  }
}
