/**
 * Google Cloud resource types (hashicorp/google and google-beta providers) → normalised facts.
 * Google encrypts all data at rest by default, so storage is `atRest: true`; a Cloud KMS key makes it CMK.
 */
import { lookupGpuAcceleratorType, lookupTpuAcceleratorType, lookupVertexAcceleratorType } from '../../model/instance-specs.js';
import {
  alwaysEncrypted,
  computeOf,
  encryptionWithKey,
  scalingOf,
  statedTlsVersion,
  type Extractor,
  type ExtractorTable,
} from './extractor.js';
import type { PlannedValues } from './planned-values.js';
import type { Accelerator, ComputeRole, Encryption, Transport } from '../../model/resource.js';

/**
 * GPUs attached by a list of `{type, count}` blocks (guest_accelerator) or a single `{type, core_count}` block
 * (notebooks): one accelerator per block, so every block is judged. Null when nothing is attached.
 */
function attachedGpus(values: PlannedValues, listPath: string, countField: string): Accelerator[] | null {
  // The provider computes guest_accelerator when it is not configured, so an unknown list means
  // "none attached here"; the machine type's own accelerators still apply.
  const blocks = values.list(listPath);
  if (blocks === null) return null;
  const attached: Accelerator[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const count = values.number(`${listPath}.${i}.${countField}`);
    if (count === 0) continue;
    const type = values.string(`${listPath}.${i}.type`);
    const gpu = type === null ? null : lookupGpuAcceleratorType(type);
    attached.push({ model: gpu?.model ?? null, count, memoryGiB: gpu?.memoryGiB ?? null });
  }
  return attached.length === 0 ? null : attached;
}

/**
 * `scheduling { preemptible = true }` or `provisioning_model = "SPOT"`. No block means standard VMs; the
 * provider computes the block when it is not configured, so a wholly unknown block means standard too.
 */
function schedulingSpot(values: PlannedValues, path: string): boolean | null {
  if (values.isUnknown(path)) return false;
  const model = values.string(`${path}.0.provisioning_model`);
  if (model !== null) return model === 'SPOT';
  const preemptible = values.boolean(`${path}.0.preemptible`);
  return preemptible ?? (values.isUnknown(`${path}.0.preemptible`) ? null : false);
}

function nodeConfigSpot(values: PlannedValues): boolean | null {
  const spot = values.boolean('node_config.0.spot');
  const preemptible = values.boolean('node_config.0.preemptible');
  if (spot === true || preemptible === true) return true;
  if (values.isUnknown('node_config') || values.isUnknown('node_config.0.spot')) return null;
  return false;
}

/** Disks with a Cloud KMS key, or a customer-supplied raw key (CSEK, redacted as sensitive). */
function diskEncryption(kmsPath: string, rawKeyPath: string): (values: PlannedValues) => Encryption {
  return (values) => {
    const result = encryptionWithKey(values, true, kmsPath);
    return values.nonEmptyString(rawKeyPath) !== null ? { ...result, customerManagedKey: true } : result;
  };
}

function instanceTemplateEncryption(values: PlannedValues): Encryption {
  const disks = values.list('disk') ?? [];
  let keyId: string | null = null;
  let allKeyed = disks.length > 0;
  for (let i = 0; i < disks.length; i++) {
    const key = values.nonEmptyString(`disk.${i}.disk_encryption_key.0.kms_key_self_link`);
    keyId ??= key;
    if (key === null) allKeyed = false;
  }
  return { atRest: true, customerManagedKey: allKeyed, keyId };
}

function proxyTransport(protocol: 'HTTP' | 'HTTPS'): (values: PlannedValues) => Transport {
  return () => ({ protocol, minTlsVersion: null, httpsOnly: protocol === 'HTTPS', port: protocol === 'HTTPS' ? 443 : 80 });
}

function sqlTransport(values: PlannedValues): Transport {
  const mode = values.string('settings.0.ip_configuration.0.ssl_mode');
  let httpsOnly: boolean | null;
  if (mode !== null && mode !== '') httpsOnly = mode !== 'ALLOW_UNENCRYPTED_AND_ENCRYPTED';
  else httpsOnly = values.boolean('settings.0.ip_configuration.0.require_ssl');
  if (httpsOnly === null && !values.hasUnknownWithin('settings.0.ip_configuration')) httpsOnly = false;
  return { protocol: null, minTlsVersion: null, httpsOnly, port: null };
}

function tpu(role: ComputeRole): Extractor {
  return {
    kind: 'compute',
    taggable: true,
    compute: (v) => {
      const type = v.nonEmptyString('accelerator_type');
      const spec = type === null ? null : lookupTpuAcceleratorType(type);
      return computeOf('gcp', {
        role,
        instanceType: type,
        instanceCount: 1,
        spot: v.boolean('scheduling_config.0.preemptible') === true || v.boolean('scheduling_config.0.spot') === true,
        instanceTypeUnknown: v.isUnknown('accelerator_type'),
        attachedAccelerators: type === null ? null : [spec ?? { model: null, count: null, memoryGiB: null }],
      });
    },
  };
}

/**
 * Vertex AI dedicated serving resources (`dedicated_resources { machine_spec { machine_type, accelerator_type,
 * accelerator_count } min_replica_count max_replica_count }`): the machine type, and the accelerators the spec
 * attaches, which win over the machine type's own; an accelerator type the tables do not know is unknown.
 */
function vertexDedicatedResources(path: string): (values: PlannedValues) => ReturnType<typeof computeOf> {
  return (v) => {
    const spec = `${path}.machine_spec.0`;
    const acceleratorType = v.nonEmptyString(`${spec}.accelerator_type`);
    const known =
      acceleratorType === null || acceleratorType === 'ACCELERATOR_TYPE_UNSPECIFIED' ? null : lookupVertexAcceleratorType(acceleratorType);
    const attached =
      acceleratorType === null || acceleratorType === 'ACCELERATOR_TYPE_UNSPECIFIED'
        ? null
        : [{ model: known?.model ?? null, count: v.number(`${spec}.accelerator_count`), memoryGiB: known?.memoryGiB ?? null }];
    const min = v.number(`${path}.min_replica_count`);
    const max = v.number(`${path}.max_replica_count`);
    return computeOf('gcp', {
      role: 'endpoint',
      instanceType: v.nonEmptyString(`${spec}.machine_type`),
      instanceTypeUnknown: v.isUnknown(`${spec}.machine_type`) || v.isUnknown(`${spec}.accelerator_type`),
      instanceCount: min,
      scaling: scalingOf(min, max, min),
      spot: v.boolean(`${path}.spot`) ?? false,
      attachedAccelerators: attached,
    });
  };
}

export const gcpExtractors: ExtractorTable = {
  google_compute_instance: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('gcp', {
        role: 'instance',
        instanceType: v.nonEmptyString('machine_type'),
        instanceTypeUnknown: v.isUnknown('machine_type'),
        instanceCount: 1,
        spot: schedulingSpot(v, 'scheduling'),
        attachedAccelerators: attachedGpus(v, 'guest_accelerator', 'count'),
      }),
    encryption: diskEncryption('boot_disk.0.kms_key_self_link', 'boot_disk.0.disk_encryption_key_raw'),
  },
  google_compute_instance_template: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('gcp', {
        role: 'launch_template',
        instanceType: v.nonEmptyString('machine_type'),
        instanceTypeUnknown: v.isUnknown('machine_type'),
        instanceCount: null,
        spot: schedulingSpot(v, 'scheduling'),
        attachedAccelerators: attachedGpus(v, 'guest_accelerator', 'count'),
      }),
    encryption: instanceTemplateEncryption,
  },
  google_container_node_pool: {
    kind: 'compute',
    taggable: true,
    tagsPath: 'node_config.0.resource_labels',
    compute: (v) => {
      const count = v.number('node_count') ?? v.number('initial_node_count');
      return computeOf('gcp', {
        role: 'node_group',
        instanceType: v.nonEmptyString('node_config.0.machine_type'),
        instanceTypeUnknown: v.isUnknown('node_config.0.machine_type'),
        instanceCount: count,
        scaling: scalingOf(
          v.number('autoscaling.0.min_node_count') ?? v.number('autoscaling.0.total_min_node_count'),
          v.number('autoscaling.0.max_node_count') ?? v.number('autoscaling.0.total_max_node_count'),
          count,
        ),
        spot: nodeConfigSpot(v),
        attachedAccelerators: attachedGpus(v, 'node_config.0.guest_accelerator', 'count'),
      });
    },
    encryption: alwaysEncrypted('node_config.0.boot_disk_kms_key'),
  },
  google_container_cluster: {
    kind: 'compute',
    taggable: true,
    tagsPath: 'resource_labels',
    // The cluster's own node_config describes its default node pool, usually removed in favour of node pools.
    compute: (v) =>
      computeOf('gcp', {
        role: 'node_group',
        instanceType: v.nonEmptyString('node_config.0.machine_type'),
        // A removed default pool runs nothing, so its unknown machine type hides no accelerator.
        instanceTypeUnknown: v.boolean('remove_default_node_pool') !== true && v.isUnknown('node_config.0.machine_type'),
        instanceCount: v.boolean('remove_default_node_pool') === true ? 0 : v.number('initial_node_count'),
        spot: nodeConfigSpot(v),
        attachedAccelerators: attachedGpus(v, 'node_config.0.guest_accelerator', 'count'),
      }),
    // Application-layer secrets encryption with a Cloud KMS key.
    encryption: (v) =>
      v.string('database_encryption.0.state') === 'ENCRYPTED'
        ? encryptionWithKey(v, true, 'database_encryption.0.key_name')
        : { atRest: true, customerManagedKey: v.isUnknown('database_encryption') ? null : false, keyId: null },
  },
  google_compute_disk: {
    kind: 'storage',
    taggable: true,
    encryption: diskEncryption('disk_encryption_key.0.kms_key_self_link', 'disk_encryption_key.0.raw_key'),
  },
  google_storage_bucket: { kind: 'storage', taggable: true, encryption: alwaysEncrypted('encryption.0.default_kms_key_name') },
  google_sql_database_instance: {
    kind: 'database',
    taggable: true,
    tagsPath: 'settings.0.user_labels',
    encryption: alwaysEncrypted('encryption_key_name'),
    transport: sqlTransport,
  },
  google_bigquery_dataset: {
    kind: 'database',
    taggable: true,
    encryption: alwaysEncrypted('default_encryption_configuration.0.kms_key_name'),
  },
  google_vertex_ai_deployment_resource_pool: {
    kind: 'compute',
    taggable: false,
    regionPaths: ['region'],
    compute: vertexDedicatedResources('dedicated_resources.0'),
  },
  google_vertex_ai_endpoint: { kind: 'other', taggable: true, encryption: alwaysEncrypted('encryption_spec.0.kms_key_name') },
  google_vertex_ai_dataset: { kind: 'storage', taggable: true, encryption: alwaysEncrypted('encryption_spec.0.kms_key_name') },
  google_workbench_instance: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('gcp', {
        role: 'notebook',
        instanceType: v.nonEmptyString('gce_setup.0.machine_type'),
        instanceTypeUnknown: v.isUnknown('gce_setup.0.machine_type'),
        instanceCount: 1,
        spot: false,
        attachedAccelerators: attachedGpus(v, 'gce_setup.0.accelerator_configs', 'core_count'),
      }),
    encryption: alwaysEncrypted('gce_setup.0.boot_disk.0.kms_key'),
  },
  google_notebooks_instance: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('gcp', {
        role: 'notebook',
        instanceType: v.nonEmptyString('machine_type'),
        instanceTypeUnknown: v.isUnknown('machine_type'),
        instanceCount: 1,
        spot: false,
        attachedAccelerators: attachedGpus(v, 'accelerator_config', 'core_count'),
      }),
    encryption: alwaysEncrypted('kms_key'),
  },
  google_tpu_v2_vm: tpu('instance'),
  google_tpu_node: tpu('instance'),
  google_compute_ssl_policy: {
    kind: 'transport',
    taggable: false,
    // An SSL policy only ever governs TLS: HTTPS proxies and SSL proxies reference it.
    transport: (v) => ({ protocol: 'TLS', minTlsVersion: statedTlsVersion(v, 'min_tls_version', '1.0'), httpsOnly: null, port: null }),
  },
  google_compute_target_https_proxy: { kind: 'transport', taggable: false, transport: proxyTransport('HTTPS') },
  google_compute_target_http_proxy: { kind: 'transport', taggable: false, transport: proxyTransport('HTTP') },
};
