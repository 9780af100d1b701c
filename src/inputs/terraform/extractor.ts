/**
 * The shape of a normaliser table entry, and the small building blocks the provider tables share.
 *
 * Each provider file (aws.ts, gcp.ts, azure.ts) is a table from resource type to an `Extractor`. An
 * extractor reads only the merged `PlannedValues`, where unknown values are already null and secrets
 * already redacted, so it never handles either case itself.
 */
import { instanceFamily, lookupInstanceSpec } from '../../model/instance-specs.js';
import type { PlannedValues } from './planned-values.js';
import type { Accelerator, Compute, ComputeRole, Encryption, NodeScaling, Provider, ResourceKind, Transport } from '../../model/resource.js';

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

export interface ComputeFacts {
  readonly role: ComputeRole;
  readonly instanceType: string | null;
  readonly instanceCount: number | null;
  readonly scaling?: NodeScaling | null;
  readonly spot: boolean | null;
  /** An accelerator attached explicitly (GCP guest_accelerator, TPU type); wins over the machine type's own. */
  readonly attachedAccelerator?: Accelerator | null;
}

/**
 * Completes compute facts from the instance-type table: family and accelerator. An instance type missing
 * from the table gives a null accelerator, as does a machine type without accelerators.
 */
export function computeOf(provider: Provider, facts: ComputeFacts): Compute {
  const type = facts.instanceType;
  const spec = type === null ? null : lookupInstanceSpec(provider, type);
  const accelerator: Accelerator | null =
    facts.attachedAccelerator ?? (spec?.accelerator ? { ...spec.accelerator } : null);
  return {
    role: facts.role,
    instanceType: type,
    family: type === null ? null : instanceFamily(provider, type),
    instanceCount: facts.instanceCount,
    scaling: facts.scaling ?? null,
    accelerator,
    spot: facts.spot,
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

export function upperOrNull(value: string | null): string | null {
  return value === null ? null : value.toUpperCase();
}
