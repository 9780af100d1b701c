/**
 * The normalised resource model: the contract between the input readers (Terraform, Kubernetes, ...)
 * and the policies. Published as JSON Schema in schemas/resource.schema.json; keep the two in step.
 *
 * Unknown is not false: a value that is unknown until apply, or that the source does not state,
 * is `null`, and every rule says what it does with `null`.
 */

import type { Inventory } from './inventory.js';

/**
 * Which model version a resource serves, read from its tags, labels or annotations by
 * src/inputs/model-reference.ts.
 */
export interface ModelReference {
  readonly id: string;
  /** Null when the reference names no version ("fraud-detector"), which the review rules report. */
  readonly version: string | null;
}

export type Provider = 'aws' | 'gcp' | 'azure' | 'kubernetes' | 'other';

/** What the resource is, coarsely; rules select on it. */
export type ResourceKind = 'compute' | 'storage' | 'database' | 'transport' | 'other';

/** The planned change. A replace is delete+create; deletions are not judged and never reach the model. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'no-op' | 'read';

/** What a compute resource does, for rules that treat serving, training and notebooks differently. */
export type ComputeRole = 'instance' | 'launch_template' | 'node_group' | 'endpoint' | 'training' | 'notebook' | 'cluster_compute';

export interface Accelerator {
  /** Canonical model name: "A100", "H100", "H200", "A10G", "L4", "L40S", "T4", "V100", "P100", "Inferentia2", "Trainium", "Trainium2", "TPU v5e", ... */
  readonly model: string | null;
  /** Accelerators per instance or node. */
  readonly count: number | null;
  /** Memory per accelerator in GiB, when known. */
  readonly memoryGiB: number | null;
}

export interface NodeScaling {
  readonly min: number | null;
  readonly max: number | null;
  readonly desired: number | null;
}

/**
 * One machine shape a compute resource runs or may run: one element of a list-valued attribute (an EKS node
 * group's `instance_types`, a SageMaker production variant, an Auto Scaling group's launch template override,
 * a Kubernetes workload's pod template), or the resource's single machine type.
 */
export interface ComputeVariant {
  /** The provider's machine type name, as written; null when unknown until apply or not stated. */
  readonly instanceType: string | null;
  readonly family: string | null;
  /** Instances of this variant when every variant runs ("all"); null for alternatives or when unknown. */
  readonly instanceCount: number | null;
  /**
   * The accelerators on one instance, one entry per kind (several GCP `guest_accelerator` blocks give several
   * entries); `[]` when it has none; null when unknown: the instance type is unknown until apply, or it is not
   * in the instance-type table (src/model/instance-specs.ts) and nothing is attached explicitly.
   */
  readonly accelerators: readonly Accelerator[] | null;
}

export interface Compute {
  readonly role: ComputeRole;
  /** Provider's machine type name: "p4d.24xlarge", "a2-highgpu-1g", "Standard_NC24ads_A100_v4", "ml.g5.2xlarge". */
  readonly instanceType: string | null;
  /** Instance family: "p4d", "a2", "NCads_A100_v4"-style series, "g5" for "ml.g5.2xlarge". */
  readonly family: string | null;
  /** Number of instances or nodes this resource runs (count, desired size, initial instance count). */
  readonly instanceCount: number | null;
  readonly scaling: NodeScaling | null;
  /**
   * The accelerators of the first variant, as one summary: the first kind's model and memory, the count of
   * every kind together. Rules that must see every element read `variants`.
   */
  readonly accelerator: Accelerator | null;
  /**
   * Every machine shape, in the order the source lists them (at least one when the reader knows the
   * compute's shape); `instanceType`, `family` and `accelerator` above repeat the first for older policies.
   */
  readonly variants?: readonly ComputeVariant[];
  /**
   * How the variants combine: "all" run side by side (SageMaker production variants, a workload's pods),
   * "one-of" are alternatives the provider chooses between (EKS `instance_types`, Auto Scaling overrides),
   * so a rule judges each and pricing takes the dearest.
   */
  readonly variantsRun?: 'all' | 'one-of';
  /** Spot / preemptible / low priority; null when the plan does not say. */
  readonly spot: boolean | null;
  /**
   * Whether interrupted work can resume from a checkpoint (SageMaker `checkpoint_config`, a checkpoint
   * annotation on a training job); null when the source does not say. Optional: not every reader sets it.
   */
  readonly checkpointing?: boolean | null;
}

export interface Encryption {
  /** Data at rest is encrypted (provider-managed or customer-managed keys). */
  readonly atRest: boolean | null;
  /** A customer-managed key (KMS, Cloud KMS, Key Vault) is configured. */
  readonly customerManagedKey: boolean | null;
  /** The key's identifier when it is known. */
  readonly keyId: string | null;
}

export interface Transport {
  /** Listener or endpoint protocol, upper case: "HTTPS", "HTTP", "TLS", "TCP", "UDP". */
  readonly protocol: string | null;
  /** Minimum TLS version as "1.0", "1.1", "1.2" or "1.3". */
  readonly minTlsVersion: string | null;
  /** Plain-text access is refused (HTTPS only, secure transport required). */
  readonly httpsOnly: boolean | null;
  readonly port: number | null;
}

/** Where the resource is declared, when a Terraform directory was given. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

export interface Resource {
  /** Full address: "module.a.module.b.aws_instance.x[0]". */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Module path ("module.a.module.b"), null for the root module. */
  readonly module: string | null;
  /** count index or for_each key. */
  readonly index: string | number | null;
  readonly provider: Provider;
  /** Provider configuration key, alias included: "aws", "aws.west", "module.a:google". */
  readonly providerConfig: string | null;
  readonly kind: ResourceKind;
  readonly action: ChangeAction;
  /** Region (AWS/Azure location, GCP region; a GCP zone is reduced to its region). */
  readonly region: string | null;
  /** Tags or labels; null when unknown until apply. Empty object when the resource has none. */
  readonly tags: Readonly<Record<string, string>> | null;
  /** Whether the resource type supports tags or labels at all. */
  readonly taggable: boolean;
  readonly compute: Compute | null;
  readonly encryption: Encryption | null;
  readonly transport: Transport | null;
  /** Attribute paths unknown until apply ("kms_key_id", "tags.team"). */
  readonly unknown: readonly string[];
  readonly location: SourceLocation | null;
  /** Raw planned values for custom policies. Sensitive values are replaced by "(sensitive)". */
  readonly values: Readonly<Record<string, unknown>>;
  /** Monthly cost estimate from the price catalog; absent when pricing was not run. */
  readonly cost?: ResourceCost;
  /**
   * The model version the resource serves, from the tag, label or annotation `tollgate.io/model: <id>@<version>`
   * (or `tollgate-model: <id>--<version>`; see src/inputs/model-reference.ts). Absent or null: it names none.
   */
  readonly model?: ModelReference | null;
  /**
   * Present only on a companion resource, one that configures another (an S3 bucket's encryption configuration
   * or bucket policy, an Azure storage account's customer-managed key): the address of the resource it
   * configures, or null when the link cannot be resolved from the plan. A companion is not judged on its own;
   * its settings are carried to that resource, and it belongs to that resource's environment.
   */
  readonly companionOf?: string | null;
  /**
   * The resource as it is before the change, for update and replace (what pricing needs for "before");
   * absent for create, no-op and read. Unknown and sensitive handling as for the planned values.
   */
  readonly before?: PriorState;
}

export interface PriorState {
  readonly compute: Compute | null;
  readonly region: string | null;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * What a resource costs per month, before and after the planned change, from the price catalog.
 * Unpriced is not free: an unknown SKU or region gives null amounts and a reason, never $0.
 */
export interface ResourceCost {
  readonly currency: 'USD';
  /** Monthly cost of the resource as it is now; 0 for a create; null when it cannot be priced. */
  readonly monthlyBefore: number | null;
  /** Monthly cost after the change, at on-demand prices unless the resource is spot. */
  readonly monthlyAfter: number | null;
  /** monthlyAfter - monthlyBefore; null when either side is unpriced. */
  readonly monthlyDelta: number | null;
  /** On-demand price per instance-hour (or per node-hour) after the change. */
  readonly hourlyOnDemand: number | null;
  /** Spot / preemptible price per instance-hour where the catalog knows it. */
  readonly hourlySpot: number | null;
  /** Instances or nodes the monthly figures assume. */
  readonly instances: number | null;
  /** Hours per month the figures assume (730 unless configured). */
  readonly hoursPerMonth: number;
  /** Why the resource is unpriced ("no price for g9.xlarge in us-east-1"); null when priced. */
  readonly unpriced: string | null;
  /** Catalog entries the figures come from, "source (asOf)". */
  readonly sources: readonly string[];
}

/** Totals of the per-resource estimates: the plan's cost delta. */
export interface PlanCost {
  readonly currency: 'USD';
  readonly monthlyBefore: number;
  readonly monthlyAfter: number;
  readonly monthlyDelta: number;
  /** Resources of a priced kind that could not be priced (their cost is not in the totals). */
  readonly unpricedResources: number;
  readonly hoursPerMonth: number;
  readonly catalogAsOf: string;
}

/** Month-to-date spend and forecast for one budget scope, from a spend file (FOCUS columns). */
export interface SpendSummary {
  /** The budget's name in tollgate.yaml. */
  readonly budget: string;
  readonly currency: string;
  /** Month-to-date actual spend in the scope; null when no spend data covers it (indeterminate, not zero). */
  readonly monthToDate: number | null;
  /** Forecast spend for the rest of the month; null when unknown. */
  readonly forecastRemaining: number | null;
  readonly daysInMonth: number;
  /** Days left in the month after today, today included. */
  readonly daysLeft: number;
  /** Where the figures came from (file names). */
  readonly sources: readonly string[];
}

/** One day of a nightly report's spend series (`input.report.series`, read by TG-ANO-001). */
export interface DailyPoint {
  readonly day: string;
  readonly cost: number;
  /** Mean of the 7 days before `day`; null with fewer than 7 days of history before it. */
  readonly trailing_mean: number | null;
  /** Days before today (1 = yesterday). */
  readonly days_ago: number;
}

export interface DailySeries {
  /** "total", "team:<name>" or "provider:<aws|gcp|azure>". */
  readonly scope: string;
  readonly points: readonly DailyPoint[];
}

/** The document every policy evaluates: `input` in Rego. */
export interface PolicyInput {
  readonly subject: 'plan' | 'admission' | 'report';
  readonly context: PolicyContext;
  readonly resources: readonly Resource[];
  /** Plan cost totals, when the resources were priced. */
  readonly costs?: PlanCost;
  /** Spend per configured budget, when a spend file was given. */
  readonly spend?: readonly SpendSummary[];
  /** The admission request's facts, for subject "admission". */
  readonly admission?: AdmissionFacts;
  /** The model inventory (schemas/inventory.schema.json, keys as written), when one was given. */
  readonly inventory?: Inventory;
  /**
   * Accelerator instance offers from the price catalog, for the savings rules that look for a cheaper
   * accelerator (TG-SAV-QUANT, TG-SAV-IDLE); present when an inventory or a model reference is judged.
   */
  readonly catalog?: AcceleratorCatalog;
}

/** Price catalog facts the model savings rules need: every priced instance type that carries accelerators. */
export interface AcceleratorCatalog {
  /** The catalog's date. */
  readonly as_of: string;
  /** "built-in price catalog" or the catalog file. */
  readonly source: string;
  readonly offers: readonly AcceleratorOffer[];
}

export interface AcceleratorOffer {
  readonly cloud: 'aws' | 'gcp' | 'azure';
  /** The catalog's spelling: lower case, no spaces ("us-central1", "eastus"). */
  readonly region: string;
  readonly instance_type: string;
  /** Canonical accelerator model ("A100", "L4"). */
  readonly accelerator: string;
  readonly accelerator_count: number;
  /** Memory per accelerator. */
  readonly accelerator_memory_gib: number;
  /** On-demand price per instance-hour. */
  readonly hourly_usd: number;
}

/** What the admission webhook knows about the request besides the object itself. */
export interface AdmissionFacts {
  readonly uid: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly namespace: string | null;
  readonly username: string | null;
  readonly dryRun: boolean;
  /** Group/version/kind of the object: "apps/v1/Deployment". */
  readonly kind: string;
}

export interface PolicyContext {
  /** RFC 3339 UTC timestamp; the only clock the policies see. */
  readonly now: string;
  /** The file or request the input came from. */
  readonly source: string;
  /** Environment used for resources that carry no environment tag. */
  readonly defaultEnvironment: string | null;
  readonly terraformVersion?: string | null;
  readonly formatVersion?: string | null;
}
