/**
 * What a resource is billed for, per resource type: a table from Terraform type to a pricer, with a
 * fallback per kind. Adding a priced type is one entry. Pricers read the normalised compute facts and,
 * where the model has no field for it (attached GPUs, disk sizes, SageMaker variants), the raw values.
 *
 * A pricer answers with a bill (hourly instance groups plus fixed monthly storage), "unpriced" with a
 * reason, or "free" for things that cost nothing by themselves (a launch template runs nothing).
 */
import { lookupInstanceSpec } from '../model/instance-specs.js';
import { multiplyMicros as multiply, type Micros } from '../model/money.js';
import { listAt, numberAt, stringAt } from './resource-values.js';
import type { Catalog, HourlyPrice } from './catalog.js';
import type { Compute, Provider, ResourceKind } from '../model/resource.js';

/** A resource as it is after the change, or as it was before it. */
export interface PricingSubject {
  readonly address: string;
  readonly provider: Provider;
  readonly type: string;
  readonly kind: ResourceKind;
  readonly compute: Compute | null;
  readonly region: string | null;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Instances of one price that run by the hour. */
export interface InstanceGroup {
  readonly count: number;
  readonly onDemand: Micros;
  /** Null when the catalog does not know the spot price of every part. */
  readonly spot: Micros | null;
}

export interface Bill {
  readonly outcome: 'bill';
  readonly groups: readonly InstanceGroup[];
  /** Storage billed for the whole month whatever the hours of use. */
  readonly monthlyFixed: Micros;
  /** Whether the instances run on spot / preemptible capacity. */
  readonly spot: boolean;
  readonly sources: readonly string[];
}

export type PriceResult = Bill | { readonly outcome: 'unpriced'; readonly reason: string } | { readonly outcome: 'free' };

type Pricer = (subject: PricingSubject, catalog: Catalog) => PriceResult;

const FREE: PriceResult = { outcome: 'free' };

function unpriced(reason: string): PriceResult {
  return { outcome: 'unpriced', reason };
}

/**
 * Control flow, not a failure: it never leaves `guarded`, so it records no stack trace (capturing one was most
 * of the cost of pricing a resource that has no price, as every admission review of an unlisted type is).
 */
class Unpriced extends Error {
  constructor(reason: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(reason);
    Error.stackTraceLimit = limit;
  }
}

/** Inside a pricer, stop with a reason; `guarded` turns it into an unpriced result. */
function fail(reason: string): never {
  throw new Unpriced(reason);
}

function guarded(pricer: Pricer): Pricer {
  return (subject, catalog) => {
    try {
      return pricer(subject, catalog);
    } catch (error) {
      if (error instanceof Unpriced) return unpriced(error.message);
      throw error;
    }
  };
}

function regionOf(subject: PricingSubject): string {
  return subject.region ?? fail(`region of ${subject.address} unknown until apply or not stated`);
}

/** Node groups and pools run their desired size, else their minimum, else their maximum. */
function instanceCountOf(compute: Compute): number {
  const scaled = compute.role === 'node_group' || compute.role === 'cluster_compute';
  const count = scaled
    ? (compute.scaling?.desired ?? compute.scaling?.min ?? compute.scaling?.max ?? compute.instanceCount)
    : compute.instanceCount;
  return count ?? fail('instance count unknown until apply or not stated');
}

function machinePrice(catalog: Catalog, provider: Provider, type: string, region: string): HourlyPrice {
  return catalog.instance(provider, type, region) ?? fail(`no price for ${type} in ${region}`);
}

/** Adds per-instance parts (attached GPUs) to a machine price; spot is known only if known for every part. */
function combine(parts: readonly HourlyPrice[], count: number): { group: InstanceGroup; sources: string[] } {
  let onDemand = 0n;
  let spot: Micros | null = 0n;
  const sources: string[] = [];
  for (const part of parts) {
    onDemand += part.onDemand;
    spot = spot === null || part.spot === null ? null : spot + part.spot;
    sources.push(...part.sources);
  }
  return { group: { count, onDemand, spot }, sources };
}

interface DiskPaths {
  readonly size: string;
  readonly type: string;
  /** The provider's documented default when the type is not set; none when it depends on the image. */
  readonly defaultType?: string;
}

/** Monthly price of one disk, or a reason it cannot be priced. */
function diskMonthly(
  subject: PricingSubject,
  catalog: Catalog,
  paths: DiskPaths,
): { monthly: Micros; sources: readonly string[] } | string {
  const size = numberAt(subject.values, paths.size);
  const rawType = stringAt(subject.values, paths.type) ?? paths.defaultType ?? null;
  if (size === null || rawType === null) return 'disk size or type unknown until apply or not stated';
  const type = rawType.slice(rawType.lastIndexOf('/') + 1);
  const region = subject.region;
  if (region === null) return 'region unknown';
  const price = catalog.storage(subject.provider, type, region);
  if (price === null) return `no price for ${type} storage in ${region}`;
  if (price.perGBMonth !== null) return { monthly: multiply(price.perGBMonth, size), sources: price.sources };
  const tier = price.tiers?.find((candidate) => candidate.upToGiB >= size);
  if (tier === undefined) return `no ${type} disk tier holds ${size} GiB in ${region}`;
  return { monthly: tier.monthly, sources: price.sources };
}

interface InstanceShape {
  /** GPUs attached by `{type, count}` blocks (GCP), priced per GPU on top of the machine. */
  readonly gpus?: { readonly list: string; readonly countField: string };
  /** A boot or root disk billed per instance, when its size and type are stated. */
  readonly disk?: DiskPaths;
  /** Catalog SKU from the instance type (SageMaker hosting is a separate price list: `ml.` types). */
  readonly sku?: (instanceType: string) => string;
}

function attachedGpuPrices(subject: PricingSubject, catalog: Catalog, region: string, list: string, countField: string): HourlyPrice[] {
  const blocks = listAt(subject.values, list) ?? [];
  const prices: HourlyPrice[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const count = numberAt(subject.values, `${list}.${i}.${countField}`);
    if (count === 0) continue;
    const type = stringAt(subject.values, `${list}.${i}.type`);
    if (type === null || count === null) fail('attached GPU type or count unknown until apply');
    const gpu =
      catalog.accelerator(subject.provider, type.toLowerCase().replaceAll('_', '-'), region) ??
      fail(`no price for ${type} GPUs in ${region}`);
    prices.push({
      onDemand: multiply(gpu.onDemand, count),
      spot: gpu.spot === null ? null : multiply(gpu.spot, count),
      sources: gpu.sources,
    });
  }
  return prices;
}

/**
 * A resource with several machine shapes: alternatives ("one-of", EKS instance_types) are priced at the
 * dearest, and the sources say so; shapes that all run (a workload's pod templates) add up.
 */
function variantsBill(subject: PricingSubject, catalog: Catalog, compute: Compute, sku: (type: string) => string): Bill {
  const variants = compute.variants ?? [];
  const region = regionOf(subject);
  const priced = variants.map((variant, i) => {
    const type = variant.instanceType ?? fail(`instance type of variant ${i} unknown until apply or not stated`);
    return { type, price: machinePrice(catalog, subject.provider, sku(type), region), count: variant.instanceCount };
  });
  if (compute.variantsRun === 'one-of') {
    const dearest = priced.reduce((best, current) => (current.price.onDemand > best.price.onDemand ? current : best));
    const { group, sources } = combine([dearest.price], instanceCountOf(compute));
    const names = priced.map((entry) => entry.type).join(', ');
    sources.push(`priced at the dearest of ${priced.length} alternative instance types (${names}): ${dearest.type}`);
    return { outcome: 'bill', groups: [group], monthlyFixed: 0n, spot: compute.spot === true, sources };
  }
  const groups: InstanceGroup[] = [];
  const sources: string[] = [];
  for (const entry of priced) {
    const { group, sources: partSources } = combine(
      [entry.price],
      entry.count ?? fail(`instance count of ${entry.type} unknown until apply`),
    );
    groups.push(group);
    sources.push(...partSources);
  }
  return { outcome: 'bill', groups, monthlyFixed: 0n, spot: compute.spot === true, sources };
}

/** A machine (VM, node, notebook, hosting instance) × its count, plus attached GPUs and its own disk. */
function instancePricer(shape: InstanceShape = {}): Pricer {
  return guarded((subject, catalog) => {
    const compute = subject.compute ?? fail('no compute facts');
    if (compute.role === 'launch_template') return FREE;
    if ((compute.variants?.length ?? 0) > 1) return variantsBill(subject, catalog, compute, (type) => shape.sku?.(type) ?? type);
    const type = compute.instanceType ?? fail('instance type unknown until apply or not stated');
    const region = regionOf(subject);
    const count = instanceCountOf(compute);
    const sku = shape.sku?.(type) ?? type;
    const parts = [machinePrice(catalog, subject.provider, sku, region)];
    // Accelerator-optimised types (a2, a3, g2) include their GPUs in the machine price.
    const builtIn = lookupInstanceSpec(subject.provider, type)?.accelerator ?? null;
    if (shape.gpus && builtIn === null) parts.push(...attachedGpuPrices(subject, catalog, region, shape.gpus.list, shape.gpus.countField));
    const { group, sources } = combine(parts, count);
    let monthlyFixed = 0n;
    if (shape.disk) {
      const disk = diskMonthly(subject, catalog, shape.disk);
      if (typeof disk === 'string') sources.push(`not included: boot/root disk (${disk})`);
      else {
        monthlyFixed = multiply(disk.monthly, count);
        sources.push(...disk.sources);
      }
    }
    return { outcome: 'bill', groups: [group], monthlyFixed, spot: compute.spot === true, sources };
  });
}

/** A stand-alone disk: size × per-GB price, or the provisioned tier. */
function diskPricer(paths: DiskPaths): Pricer {
  return (subject, catalog) => {
    const disk = diskMonthly(subject, catalog, paths);
    if (typeof disk === 'string') return unpriced(disk);
    return { outcome: 'bill', groups: [], monthlyFixed: disk.monthly, spot: false, sources: disk.sources };
  };
}

/** Storage billed by what is stored, which a plan does not say: unpriced, not free. */
function usageBased(what: string): Pricer {
  return () => unpriced(`${what} is billed per GB stored and per request, which the plan does not state`);
}

/** TPU VMs and nodes: chips × the generation's per-chip-hour price. */
const tpuPricer: Pricer = guarded((subject, catalog) => {
  const compute = subject.compute ?? fail('no compute facts');
  const accelerator = compute.accelerator;
  const model = accelerator?.model ?? fail(`TPU type ${compute.instanceType ?? '(unknown)'} not recognised`);
  const chips = accelerator?.count ?? fail('TPU chip count unknown');
  const region = regionOf(subject);
  // "TPU v5e" → catalog type "tpu-v5e".
  const sku = model.toLowerCase().replace(' ', '-');
  const chip = catalog.accelerator(subject.provider, sku, region) ?? fail(`no price for ${model} in ${region}`);
  const group: InstanceGroup = {
    count: instanceCountOf(compute),
    onDemand: multiply(chip.onDemand, chips),
    spot: chip.spot === null ? null : multiply(chip.spot, chips),
  };
  return { outcome: 'bill', groups: [group], monthlyFixed: 0n, spot: compute.spot === true, sources: [...chip.sources] };
});

/** SageMaker endpoint configurations: every production variant's hosting instances (`ml.*` prices). */
const sagemakerVariantsPricer: Pricer = guarded((subject, catalog) => {
  const region = regionOf(subject);
  const variants = listAt(subject.values, 'production_variants') ?? fail('production variants unknown until apply');
  const groups: InstanceGroup[] = [];
  const sources: string[] = [];
  for (let i = 0; i < variants.length; i++) {
    if (listAt(subject.values, `production_variants.${i}.serverless_config`)?.length)
      fail('serverless variants are billed per request, which the plan does not state');
    const type =
      stringAt(subject.values, `production_variants.${i}.instance_type`) ?? fail(`variant ${i} instance type unknown until apply`);
    const count =
      numberAt(subject.values, `production_variants.${i}.initial_instance_count`) ??
      fail(`variant ${i} instance count unknown until apply`);
    const price = machinePrice(catalog, 'aws', type.startsWith('ml.') ? type : `ml.${type}`, region);
    groups.push({ count, onDemand: price.onDemand, spot: null });
    sources.push(...price.sources);
  }
  return { outcome: 'bill', groups, monthlyFixed: 0n, spot: false, sources };
});

const windowsUnpriced: Pricer = () => unpriced('the catalog holds Linux prices; the Windows licence is not included');

const sagemakerSku = (type: string): string => (type.startsWith('ml.') ? type : `ml.${type}`);

const pricers: Readonly<Record<string, Pricer>> = {
  // AWS
  aws_instance: instancePricer({ disk: { size: 'root_block_device.0.volume_size', type: 'root_block_device.0.volume_type' } }),
  aws_sagemaker_endpoint_configuration: sagemakerVariantsPricer,
  aws_sagemaker_notebook_instance: instancePricer({ sku: sagemakerSku }),
  // The provider documents gp2 as the default volume type.
  aws_ebs_volume: diskPricer({ size: 'size', type: 'type', defaultType: 'gp2' }),
  aws_s3_bucket: usageBased('S3 storage'),
  aws_efs_file_system: usageBased('EFS storage'),
  // GCP
  google_compute_instance: instancePricer({
    gpus: { list: 'guest_accelerator', countField: 'count' },
    disk: { size: 'boot_disk.0.initialize_params.0.size', type: 'boot_disk.0.initialize_params.0.type' },
  }),
  google_container_node_pool: instancePricer({
    gpus: { list: 'node_config.0.guest_accelerator', countField: 'count' },
    disk: { size: 'node_config.0.disk_size_gb', type: 'node_config.0.disk_type' },
  }),
  google_container_cluster: instancePricer({
    gpus: { list: 'node_config.0.guest_accelerator', countField: 'count' },
    disk: { size: 'node_config.0.disk_size_gb', type: 'node_config.0.disk_type' },
  }),
  google_workbench_instance: instancePricer({ gpus: { list: 'gce_setup.0.accelerator_configs', countField: 'core_count' } }),
  google_notebooks_instance: instancePricer({ gpus: { list: 'accelerator_config', countField: 'core_count' } }),
  google_tpu_v2_vm: tpuPricer,
  google_tpu_node: tpuPricer,
  // The provider documents pd-standard as the default disk type.
  google_compute_disk: diskPricer({ size: 'size', type: 'type', defaultType: 'pd-standard' }),
  google_storage_bucket: usageBased('Cloud Storage'),
  google_vertex_ai_dataset: usageBased('Vertex AI dataset storage'),
  // Azure
  azurerm_linux_virtual_machine: instancePricer({ disk: { size: 'os_disk.0.disk_size_gb', type: 'os_disk.0.storage_account_type' } }),
  azurerm_windows_virtual_machine: windowsUnpriced,
  azurerm_managed_disk: diskPricer({ size: 'disk_size_gb', type: 'storage_account_type' }),
  azurerm_storage_account: usageBased('Azure Storage'),
};

/** Kinds that cost money by themselves and are priced; other kinds get no cost at all. */
const fallbackByKind: Readonly<Partial<Record<ResourceKind, Pricer>>> = {
  compute: instancePricer(),
  storage: (subject) => unpriced(`no pricing rule for ${subject.type}`),
};

export function priceSubject(subject: PricingSubject, catalog: Catalog): PriceResult {
  const pricer = pricers[subject.type] ?? fallbackByKind[subject.kind];
  return pricer === undefined ? FREE : pricer(subject, catalog);
}
