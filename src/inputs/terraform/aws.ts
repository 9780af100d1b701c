/**
 * AWS resource types (hashicorp/aws provider) → normalised facts. One entry per resource type.
 */
import {
  alwaysEncrypted,
  computeOf,
  encryptionWithKey,
  scalingOf,
  upperOrNull,
  type ExtractorTable,
  type VariantFacts,
} from './extractor.js';
import { deniesInsecureTransport } from './s3-secure-transport.js';
import type { PlannedValues } from './planned-values.js';
import type { Encryption, Transport } from '../../model/resource.js';

// ELB security policy names carry their minimum TLS version:
//   ELBSecurityPolicy-TLS13-1-2-2021-06 → 1.2, ELBSecurityPolicy-TLS-1-1-2017-01 → 1.1,
//   ELBSecurityPolicy-FS-1-2-Res-2020-10 → 1.2; the dated legacy policies (2016-08, 2015-05, FS-2018-06) allow 1.0.
const elbPolicyWithVersion = /-(?:TLS13|TLS|FS)-1-([0-3])-/;

export function elbPolicyMinTls(policy: string | null): string | null {
  if (policy === null) return null;
  const match = elbPolicyWithVersion.exec(policy);
  if (match) return `1.${match[1]}`;
  return policy.startsWith('ELBSecurityPolicy-') ? '1.0' : null;
}

/** Whether EBS block devices in a list are encrypted: false if any is not, null if any is unknown. */
function blockDevicesEncrypted(values: PlannedValues, listPath: string, encryptedField: string): boolean | null {
  const devices = values.list(listPath);
  if (devices === null) return values.isUnknown(listPath) ? null : true;
  let result: boolean | null = true;
  for (let i = 0; i < devices.length; i++) {
    const encrypted = values.boolean(`${listPath}.${i}.${encryptedField}`);
    if (encrypted === false) return false;
    if (encrypted === null) result = null;
  }
  return result;
}

function instanceEncryption(values: PlannedValues): Encryption {
  const root = values.list('root_block_device');
  // Without a root_block_device block the volume follows the account's "EBS encryption by default"
  // setting, which the plan does not show.
  const rootEncrypted = root !== null && root.length > 0 ? values.boolean('root_block_device.0.encrypted') : null;
  const extra = blockDevicesEncrypted(values, 'ebs_block_device', 'encrypted');
  const atRest = rootEncrypted === false || extra === false ? false : rootEncrypted === true && extra === true ? true : null;
  const key = encryptionWithKey(values, atRest, 'root_block_device.0.kms_key_id');
  return { ...key, customerManagedKey: atRest === false ? false : key.customerManagedKey };
}

function launchTemplateEncryption(values: PlannedValues): Encryption {
  const mappings = values.list('block_device_mappings') ?? [];
  let atRest: boolean | null = mappings.length === 0 ? null : true;
  let keyId: string | null = null;
  for (let i = 0; i < mappings.length; i++) {
    const encrypted = values.boolean(`block_device_mappings.${i}.ebs.0.encrypted`);
    if (encrypted === false) atRest = false;
    else if (encrypted === null && atRest === true) atRest = null;
    keyId ??= values.nonEmptyString(`block_device_mappings.${i}.ebs.0.kms_key_id`);
  }
  return { atRest, customerManagedKey: keyId !== null ? true : atRest === null ? null : false, keyId };
}

/** Volumes with an `encrypted` flag: unset means the account default, which the plan does not show. */
function flaggedEncryption(flag: string, keyPath: string): (values: PlannedValues) => Encryption {
  return (values) => {
    const encrypted = values.boolean(flag);
    const result = encryptionWithKey(values, encrypted, keyPath);
    return encrypted === false ? { ...result, customerManagedKey: false } : result;
  };
}

/** The inline `server_side_encryption_configuration` block of aws_s3_bucket (and the standalone resource's `rule`). */
export function s3RuleEncryption(values: PlannedValues, rulePath: string): Encryption {
  const byDefault = `${rulePath}.0.apply_server_side_encryption_by_default.0`;
  const algorithm = values.string(`${byDefault}.sse_algorithm`);
  const keyId = values.nonEmptyString(`${byDefault}.kms_master_key_id`);
  const keyUnknown = values.isUnknown(`${byDefault}.kms_master_key_id`) || values.isUnknown(rulePath);
  const usesKms = algorithm?.startsWith('aws:kms') ?? false;
  return {
    atRest: true,
    // aws:kms without a key id uses the AWS managed key aws/s3, which is not customer managed.
    customerManagedKey: keyId !== null && usesKms ? true : keyUnknown ? null : false,
    keyId: usesKms ? keyId : null,
  };
}

function s3BucketEncryption(values: PlannedValues): Encryption {
  // Since January 2023 S3 encrypts every new object with SSE-S3 by default, so a bucket is encrypted at
  // rest even without configuration. AWS provider 4+ computes the inline block (unknown at create); only a
  // stated KMS key, inline or in a linked aws_s3_bucket_server_side_encryption_configuration, counts as CMK.
  const inline = values.list('server_side_encryption_configuration');
  if (inline !== null && inline.length > 0) {
    return s3RuleEncryption(values, 'server_side_encryption_configuration.0.rule');
  }
  return { atRest: true, customerManagedKey: false, keyId: null };
}

/**
 * Whether a bucket refuses plain HTTP, from a bucket policy (the bucket's own `policy`, or an aws_s3_bucket_policy
 * linked back in companions.ts): true when it denies `aws:SecureTransport = false`, null when the policy is unknown
 * until apply, false without such a policy. S3 answers HTTP and HTTPS alike unless a policy says otherwise.
 */
export function s3PolicyTransport(values: PlannedValues): Transport {
  const policy = values.nonEmptyString('policy');
  return {
    protocol: null,
    minTlsVersion: null,
    httpsOnly: policy !== null ? deniesInsecureTransport(policy) : values.isUnknown('policy') ? null : false,
    port: null,
  };
}

function listenerTransport(values: PlannedValues): Transport {
  const protocol = upperOrNull(values.nonEmptyString('protocol'));
  const redirectsToHttps =
    values.string('default_action.0.type') === 'redirect' && upperOrNull(values.string('default_action.0.redirect.0.protocol')) === 'HTTPS';
  let httpsOnly: boolean | null = null;
  if (protocol === 'HTTPS' || protocol === 'TLS') httpsOnly = true;
  else if (protocol === 'HTTP') httpsOnly = redirectsToHttps;
  return {
    protocol,
    minTlsVersion: protocol === 'HTTPS' || protocol === 'TLS' ? elbPolicyMinTls(values.nonEmptyString('ssl_policy')) : null,
    httpsOnly,
    port: values.number('port'),
  };
}

/**
 * No market options means on-demand; a known `spot` market type means spot. The provider computes the block
 * when it is not configured, so a wholly unknown block is on-demand too; an unknown market type is unknown.
 */
function instanceMarketSpot(values: PlannedValues, path: string): boolean | null {
  const options = values.list(path);
  if (options === null) return false;
  if (options.length === 0) return false;
  const market = values.string(`${path}.0.market_type`);
  return market === null ? (values.isUnknown(`${path}.0.market_type`) ? null : false) : market === 'spot';
}

/** One variant per element of a list attribute; none when the list is absent or empty. */
function listVariants(values: PlannedValues, path: string, element: (index: number) => VariantFacts): VariantFacts[] {
  const list = values.list(path) ?? [];
  return list.map((_, index) => element(index));
}

export const awsExtractors: ExtractorTable = {
  aws_instance: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('aws', {
        role: 'instance',
        instanceType: v.nonEmptyString('instance_type'),
        instanceTypeUnknown: v.isUnknown('instance_type'),
        instanceCount: 1,
        spot: instanceMarketSpot(v, 'instance_market_options'),
      }),
    encryption: instanceEncryption,
  },
  aws_launch_template: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('aws', {
        role: 'launch_template',
        instanceType: v.nonEmptyString('instance_type'),
        instanceTypeUnknown: v.isUnknown('instance_type'),
        instanceCount: null,
        spot: instanceMarketSpot(v, 'instance_market_options'),
      }),
    encryption: launchTemplateEncryption,
  },
  aws_eks_node_group: {
    kind: 'compute',
    taggable: true,
    compute: (v) => {
      const capacity = v.string('capacity_type');
      return computeOf('aws', {
        role: 'node_group',
        instanceType: v.nonEmptyString('instance_types.0'),
        instanceTypeUnknown: v.isUnknown('instance_types'),
        // EKS picks among the listed types: each is an alternative the group may run.
        variants: listVariants(v, 'instance_types', (i) => ({
          instanceType: v.nonEmptyString(`instance_types.${i}`),
          instanceTypeUnknown: v.isUnknown(`instance_types.${i}`),
        })),
        variantsRun: 'one-of',
        instanceCount: v.number('scaling_config.0.desired_size'),
        scaling: scalingOf(
          v.number('scaling_config.0.min_size'),
          v.number('scaling_config.0.max_size'),
          v.number('scaling_config.0.desired_size'),
        ),
        // EKS defaults to ON_DEMAND when capacity_type is not set.
        spot: capacity === null ? (v.isUnknown('capacity_type') ? null : false) : capacity === 'SPOT',
      });
    },
  },
  aws_sagemaker_endpoint_configuration: {
    kind: 'compute',
    taggable: true,
    compute: (v) => {
      const variants = v.list('production_variants') ?? [];
      let count: number | null = variants.length === 0 ? null : 0;
      for (let i = 0; i < variants.length; i++) {
        const variantCount = v.number(`production_variants.${i}.initial_instance_count`);
        count = count === null || variantCount === null ? null : count + variantCount;
      }
      return computeOf('aws', {
        role: 'endpoint',
        instanceType: v.nonEmptyString('production_variants.0.instance_type'),
        instanceTypeUnknown: v.isUnknown('production_variants'),
        // Every production variant serves side by side, each with its own instances.
        variants: listVariants(v, 'production_variants', (i) => ({
          instanceType: v.nonEmptyString(`production_variants.${i}.instance_type`),
          instanceTypeUnknown: v.isUnknown(`production_variants.${i}.instance_type`),
          instanceCount: v.number(`production_variants.${i}.initial_instance_count`),
        })),
        variantsRun: 'all',
        instanceCount: count,
        // Real-time endpoints have no spot capacity.
        spot: false,
      });
    },
    // SageMaker always encrypts the ML storage volumes; kms_key_arn brings a customer key.
    encryption: alwaysEncrypted('kms_key_arn'),
  },
  aws_sagemaker_notebook_instance: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('aws', {
        role: 'notebook',
        instanceType: v.nonEmptyString('instance_type'),
        instanceTypeUnknown: v.isUnknown('instance_type'),
        instanceCount: 1,
        spot: false,
      }),
    encryption: alwaysEncrypted('kms_key_id'),
  },
  aws_autoscaling_group: {
    kind: 'compute',
    taggable: false,
    // A mixed instances policy lists the types the group may launch; without one the launch template
    // (judged as its own resource) says what runs.
    compute: (v) => {
      const overrides = 'mixed_instances_policy.0.launch_template.0.override';
      const desired = v.number('desired_capacity');
      return computeOf('aws', {
        role: 'node_group',
        instanceType: v.nonEmptyString(`${overrides}.0.instance_type`),
        instanceTypeUnknown: v.isUnknown(overrides),
        variants: listVariants(v, overrides, (i) => ({
          instanceType: v.nonEmptyString(`${overrides}.${i}.instance_type`),
          instanceTypeUnknown: v.isUnknown(`${overrides}.${i}.instance_type`),
        })),
        variantsRun: 'one-of',
        instanceCount: desired,
        scaling: scalingOf(v.number('min_size'), v.number('max_size'), desired),
        spot: v.number('mixed_instances_policy.0.instances_distribution.0.on_demand_percentage_above_base_capacity') === 0 ? true : null,
      });
    },
  },
  aws_sagemaker_model: { kind: 'other', taggable: true },
  aws_sagemaker_endpoint: { kind: 'other', taggable: true },
  aws_sagemaker_domain: { kind: 'other', taggable: true, encryption: alwaysEncrypted('kms_key_id') },
  aws_s3_bucket: { kind: 'storage', taggable: true, encryption: s3BucketEncryption, transport: s3PolicyTransport },
  // Companions of aws_s3_bucket (companions.ts): their settings are carried to the bucket they name.
  aws_s3_bucket_policy: { kind: 'other', taggable: false, transport: s3PolicyTransport },
  aws_s3_bucket_server_side_encryption_configuration: {
    kind: 'other',
    taggable: false,
    encryption: (v) => s3RuleEncryption(v, 'rule'),
  },
  aws_ebs_volume: { kind: 'storage', taggable: true, encryption: flaggedEncryption('encrypted', 'kms_key_id') },
  aws_efs_file_system: { kind: 'storage', taggable: true, encryption: flaggedEncryption('encrypted', 'kms_key_id') },
  // FSx for Lustre always encrypts at rest; persistent deployments accept a customer key.
  aws_fsx_lustre_file_system: { kind: 'storage', taggable: true, encryption: alwaysEncrypted('kms_key_id') },
  aws_db_instance: { kind: 'database', taggable: true, encryption: flaggedEncryption('storage_encrypted', 'kms_key_id') },
  aws_rds_cluster: { kind: 'database', taggable: true, encryption: flaggedEncryption('storage_encrypted', 'kms_key_id') },
  aws_dynamodb_table: {
    kind: 'database',
    taggable: true,
    // DynamoDB always encrypts at rest with an AWS owned key. `server_side_encryption { enabled = true }`
    // switches to KMS: the AWS managed key aws/dynamodb (its ARN computed, so unknown) unless a key ARN is given.
    encryption: (v) => {
      if (v.boolean('server_side_encryption.0.enabled') !== true) return { atRest: true, customerManagedKey: false, keyId: null };
      const keyId = v.nonEmptyString('server_side_encryption.0.kms_key_arn');
      return { atRest: true, customerManagedKey: keyId !== null, keyId };
    },
  },
  aws_lb_listener: { kind: 'transport', taggable: true, transport: listenerTransport },
  aws_alb_listener: { kind: 'transport', taggable: true, transport: listenerTransport },
  aws_elasticache_replication_group: {
    kind: 'database',
    taggable: true,
    encryption: flaggedEncryption('at_rest_encryption_enabled', 'kms_key_id'),
    transport: (v) => {
      const inTransit = v.boolean('transit_encryption_enabled');
      return {
        protocol: inTransit === null ? null : inTransit ? 'TLS' : 'TCP',
        minTlsVersion: null,
        httpsOnly: inTransit,
        port: v.number('port'),
      };
    },
  },
};
