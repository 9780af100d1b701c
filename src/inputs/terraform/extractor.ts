/**
 * The shape of a normaliser table entry, and the small building blocks the provider tables share.
 *
 * Each provider file (aws.ts, gcp.ts, azure.ts) is a table from resource type to an `Extractor`. An
 * extractor reads only the merged `PlannedValues`, where unknown values are already null and secrets
 * already redacted, so it never handles either case itself.
 */
import { instanceFamily, lookupInstanceSpec } from '../../model/instance-specs.js';
import type { PlannedValues } from './planned-values.js';
import type {
  Accelerator,
  Compute,
  ComputeRole,
  ComputeVariant,
  Encryption,
  NodeScaling,
  Provider,
  ResourceKind,
  Transport,
} from '../../model/resource.js';

export interface Extractor {
  readonly kind: ResourceKind;
  readonly taggable: boolean;
  /** Where the tags or labels live; defaults to the provider's usual attribute (`tags`, or `labels` on GCP). */
  readonly tagsPath?: string;
  /** Attributes stating the region, checked before the provider's usual ones. */
  readonly regionPaths?: readonly string[];
  readonly compute?: (values: PlannedValues) => Compute;
  readonly encryption?: (values: PlannedValues) => Encryption;
  readonly transport?: (values: PlannedValues) => Transport;
}

export type ExtractorTable = Readonly<Record<string, Extractor>>;

/** One machine shape of a list-valued attribute (an element of `instance_types`, a production variant). */
export interface VariantFacts {
  readonly instanceType: string | null;
  /** The instance type is set but unknown until apply (so its accelerators are unknown, not absent). */
  readonly instanceTypeUnknown?: boolean;
  /** Instances of this variant when all variants run side by side. */
  readonly instanceCount?: number | null;
  /** Accelerators attached explicitly (GCP guest_accelerator blocks, a TPU type); win over the machine type's own. */
  readonly attachedAccelerators?: readonly Accelerator[] | null;
}

export interface ComputeFacts extends VariantFacts {
  readonly role: ComputeRole;
  readonly instanceType: string | null;
  readonly instanceCount: number | null;
  readonly scaling?: NodeScaling | null;
  readonly spot: boolean | null;
  /** Every machine shape when the resource lists several; the single shape above otherwise. */
  readonly variants?: readonly VariantFacts[];
  readonly variantsRun?: 'all' | 'one-of';
}

/**
 * The accelerators of one machine shape: the attached ones when any are, else the instance-type table's.
 * An instance type that is unknown until apply, or that the table does not know, gives null (unknown), never
 * "no accelerators": a GPU rule then reports indeterminate and names the type.
 */
export function variantAccelerators(provider: Provider, facts: VariantFacts): Accelerator[] | null {
  const attached = facts.attachedAccelerators ?? null;
  if (attached !== null && attached.length > 0) return attached.map((accelerator) => ({ ...accelerator }));
  const type = facts.instanceType;
  if (type === null) return facts.instanceTypeUnknown === true ? null : [];
  const spec = lookupInstanceSpec(provider, type);
  if (spec === null) return null;
  return spec.accelerator ? [{ ...spec.accelerator }] : [];
}

export function variantOf(provider: Provider, facts: VariantFacts): ComputeVariant {
  const type = facts.instanceType;
  return {
    instanceType: type,
    family: type === null ? null : instanceFamily(provider, type),
    instanceCount: facts.instanceCount ?? null,
    accelerators: variantAccelerators(provider, facts),
  };
}

/**
 * One accelerator standing for a list: the first kind's model and memory, every kind's count together
 * (null when any count is unknown). Null when there are none, or they are unknown.
 */
export function acceleratorSummary(accelerators: readonly Accelerator[] | null): Accelerator | null {
  const first = accelerators?.[0];
  if (accelerators === null || first === undefined) return null;
  let count: number | null = 0;
  for (const accelerator of accelerators) count = count === null || accelerator.count === null ? null : count + accelerator.count;
  return { model: first.model, count, memoryGiB: first.memoryGiB };
}

/**
 * Completes compute facts from the instance-type table: every variant's family and accelerators, and the
 * first variant repeated in the top-level fields.
 */
export function computeOf(provider: Provider, facts: ComputeFacts): Compute {
  const listed = facts.variants !== undefined && facts.variants.length > 0 ? facts.variants : [facts];
  const variants = listed.map((variant) => variantOf(provider, variant));
  const first = variants[0];
  if (first === undefined) throw new Error('computeOf: no compute facts');
  // A type the table does not know has no summary accelerator; its variant says "unknown" (null).
  const summary = acceleratorSummary(first.accelerators);
  return {
    role: facts.role,
    instanceType: first.instanceType,
    family: first.family,
    instanceCount: facts.instanceCount,
    scaling: facts.scaling ?? null,
    accelerator: summary,
    spot: facts.spot,
    variants,
    variantsRun: facts.variantsRun ?? 'all',
  };
}

export function scalingOf(min: number | null, max: number | null, desired: number | null): NodeScaling | null {
  return min === null && max === null && desired === null ? null : { min, max, desired };
}

/** Encryption where a customer key may be set: at rest is given, the key decides `customerManagedKey`. */
export function encryptionWithKey(values: PlannedValues, atRest: boolean | null, keyPath: string): Encryption {
  const keyId = values.nonEmptyString(keyPath);
  return {
    atRest,
    customerManagedKey: keyId !== null ? true : values.isUnknown(keyPath) ? null : false,
    keyId,
  };
}

/** A service that always encrypts at rest and lets the user bring their own key. */
export function alwaysEncrypted(keyPath: string): (values: PlannedValues) => Encryption {
  return (values) => encryptionWithKey(values, true, keyPath);
}

const tlsVersionDigits = /([0-9])[._]([0-9])/;

/** "TLS1_2", "TLS_1_2", "TLSv1_2", "TLSv1.2", "1.2" → "1.2". */
export function tlsVersion(value: string | null): string | null {
  if (value === null) return null;
  const match = tlsVersionDigits.exec(value);
  return match ? `${match[1]}.${match[2]}` : null;
}

/**
 * A minimum TLS version setting as providers write it: "TLS1_2", "1.2", ... A value that switches the minimum
 * off ("Disabled", "None") accepts every version, so it reads as the lowest, 1.0. A stated value the reader
 * cannot parse, or one unknown until apply, is null (unknown); only an absent one takes the provider default.
 */
export function statedTlsVersion(values: PlannedValues, path: string, providerDefault: string): string | null {
  const stated = values.nonEmptyString(path);
  if (stated === null) return values.isUnknown(path) ? null : providerDefault;
  if (/^(disabled|none|off)$/i.test(stated.trim())) return '1.0';
  return tlsVersion(stated);
}

export function upperOrNull(value: string | null): string | null {
  return value === null ? null : value.toUpperCase();
}
