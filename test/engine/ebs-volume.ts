/**
 * An EBS volume as the prepare stage gives it, for the engine tests: unencrypted by default, so that the decision
 * has findings, or encrypted, or not known until apply (null).
 */
import type { Resource } from '../../src/model/resource.js';

export interface VolumeOptions {
  readonly atRest?: boolean | null;
  readonly tags?: Readonly<Record<string, string>>;
}

export function ebsVolume(
  address: string,
  { atRest = false, tags = { team: 'ml', 'cost-center': 'cc-1', environment: 'dev' } }: VolumeOptions = {},
): Resource {
  return {
    address,
    type: 'aws_ebs_volume',
    name: address.split('.').pop() ?? address,
    module: null,
    index: null,
    provider: 'aws',
    providerConfig: 'aws',
    kind: 'storage',
    action: 'create',
    region: 'us-east-1',
    tags: { ...tags },
    taggable: true,
    compute: null,
    encryption: { atRest, customerManagedKey: false, keyId: null },
    transport: null,
    unknown: atRest === null ? ['encrypted'] : [],
    location: null,
    values: { encrypted: atRest, size: 100 },
  };
}
