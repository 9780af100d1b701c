/**
 * Azure resource types (hashicorp/azurerm provider) → normalised facts. Azure Storage, managed disks and
 * SQL encrypt at rest by default (platform-managed keys); a Key Vault key or disk encryption set is CMK.
 */
import { alwaysEncrypted, computeOf, scalingOf, statedTlsVersion, tlsVersion, type ExtractorTable } from './extractor.js';
import type { PlannedValues } from './planned-values.js';
import type { Transport } from '../../model/resource.js';

// Application Gateway predefined policies and their minimum protocol versions
// (Microsoft Learn, "Application Gateway TLS policy overview").
const appGatewayPolicyMinTls: Readonly<Record<string, string>> = {
  AppGwSslPolicy20150501: '1.0',
  AppGwSslPolicy20170401: '1.1',
  AppGwSslPolicy20170401S: '1.2',
  AppGwSslPolicy20220101: '1.2',
  AppGwSslPolicy20220101S: '1.2',
};

function appGatewayTransport(values: PlannedValues): Transport {
  const listeners = values.list('http_listener') ?? [];
  let anyHttp = false;
  let anyHttps = false;
  for (let i = 0; i < listeners.length; i++) {
    const protocol = values.string(`http_listener.${i}.protocol`)?.toUpperCase();
    if (protocol === 'HTTP') anyHttp = true;
    else if (protocol === 'HTTPS') anyHttps = true;
  }
  const policyName = values.nonEmptyString('ssl_policy.0.policy_name');
  const minTls =
    tlsVersion(values.nonEmptyString('ssl_policy.0.min_protocol_version')) ??
    (policyName === null ? null : (appGatewayPolicyMinTls[policyName] ?? null));
  return {
    protocol: anyHttp ? 'HTTP' : anyHttps ? 'HTTPS' : null,
    minTlsVersion: minTls,
    httpsOnly: anyHttp ? false : anyHttps ? true : null,
    port: null,
  };
}

function storageAccountTransport(values: PlannedValues): Transport {
  // Renamed in azurerm 4.0; both spellings default to true.
  const httpsOnly = values.boolean('https_traffic_only_enabled') ?? values.boolean('enable_https_traffic_only');
  const unknownFlag = values.isUnknown('https_traffic_only_enabled') || values.isUnknown('enable_https_traffic_only');
  return {
    protocol: 'HTTPS',
    // The provider defaults min_tls_version to TLS1_2.
    minTlsVersion: statedTlsVersion(values, 'min_tls_version', '1.2'),
    httpsOnly: httpsOnly ?? (unknownFlag ? null : true),
    port: 443,
  };
}

const virtualMachine: ExtractorTable[string] = {
  kind: 'compute',
  taggable: true,
  compute: (v) =>
    computeOf('azure', {
      role: 'instance',
      instanceType: v.nonEmptyString('size'),
      instanceTypeUnknown: v.isUnknown('size'),
      instanceCount: 1,
      spot: spotPriority(v, 'priority'),
    }),
  encryption: alwaysEncrypted('os_disk.0.disk_encryption_set_id'),
};

export const azureExtractors: ExtractorTable = {
  // Linux and Windows VMs state size, priority and disk encryption the same way.
  azurerm_linux_virtual_machine: virtualMachine,
  azurerm_windows_virtual_machine: virtualMachine,
  azurerm_kubernetes_cluster: {
    kind: 'compute',
    taggable: true,
    // The cluster always has a default (system) node pool; its size is what this resource runs.
    compute: (v) =>
      computeOf('azure', {
        role: 'node_group',
        instanceType: v.nonEmptyString('default_node_pool.0.vm_size'),
        instanceTypeUnknown: v.isUnknown('default_node_pool.0.vm_size'),
        instanceCount: v.number('default_node_pool.0.node_count'),
        scaling: scalingOf(
          v.number('default_node_pool.0.min_count'),
          v.number('default_node_pool.0.max_count'),
          v.number('default_node_pool.0.node_count'),
        ),
        // The default node pool cannot be Spot.
        spot: false,
      }),
    encryption: alwaysEncrypted('disk_encryption_set_id'),
  },
  azurerm_kubernetes_cluster_node_pool: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('azure', {
        role: 'node_group',
        instanceType: v.nonEmptyString('vm_size'),
        instanceTypeUnknown: v.isUnknown('vm_size'),
        instanceCount: v.number('node_count'),
        scaling: scalingOf(v.number('min_count'), v.number('max_count'), v.number('node_count')),
        spot: spotPriority(v, 'priority'),
      }),
  },
  azurerm_machine_learning_compute_cluster: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('azure', {
        role: 'cluster_compute',
        instanceType: v.nonEmptyString('vm_size'),
        instanceTypeUnknown: v.isUnknown('vm_size'),
        instanceCount: v.number('scale_settings.0.max_node_count'),
        scaling: scalingOf(v.number('scale_settings.0.min_node_count'), v.number('scale_settings.0.max_node_count'), null),
        spot: spotPriority(v, 'vm_priority'),
      }),
  },
  azurerm_machine_learning_compute_instance: {
    kind: 'compute',
    taggable: true,
    compute: (v) =>
      computeOf('azure', {
        role: 'notebook',
        instanceType: v.nonEmptyString('virtual_machine_size') ?? v.nonEmptyString('vm_size'),
        instanceTypeUnknown: v.isUnknown('virtual_machine_size') || v.isUnknown('vm_size'),
        instanceCount: 1,
        spot: false,
      }),
  },
  azurerm_storage_account: {
    kind: 'storage',
    taggable: true,
    encryption: alwaysEncrypted('customer_managed_key.0.key_vault_key_id'),
    transport: storageAccountTransport,
  },
  // A companion of azurerm_storage_account (companions.ts): it exists to set a customer-managed key, given as
  // key_vault_key_id, key_vault_id + key_name, or managed_hsm_key_id.
  azurerm_storage_account_customer_managed_key: {
    kind: 'other',
    taggable: false,
    encryption: (v) => ({
      atRest: true,
      customerManagedKey: true,
      keyId: v.nonEmptyString('key_vault_key_id') ?? v.nonEmptyString('managed_hsm_key_id') ?? v.nonEmptyString('key_name'),
    }),
  },
  azurerm_managed_disk: { kind: 'storage', taggable: true, encryption: alwaysEncrypted('disk_encryption_set_id') },
  azurerm_mssql_server: {
    kind: 'database',
    taggable: true,
    // Transparent data encryption is on by default with a service-managed key; a customer key is set by the
    // separate azurerm_mssql_server_transparent_data_encryption resource, linked back in companions.ts.
    encryption: () => ({ atRest: true, customerManagedKey: false, keyId: null }),
    transport: (v) => ({
      protocol: 'TLS',
      // "Disabled" enforces no minimum and accepts every TLS version; the provider defaults to 1.2.
      minTlsVersion: statedTlsVersion(v, 'minimum_tls_version', '1.2'),
      httpsOnly: true,
      port: 1433,
    }),
  },
  azurerm_mssql_server_transparent_data_encryption: {
    kind: 'other',
    taggable: false,
    encryption: alwaysEncrypted('key_vault_key_id'),
  },
  azurerm_mssql_database: {
    kind: 'database',
    taggable: true,
    encryption: (v) => {
      const enabled = v.boolean('transparent_data_encryption_enabled');
      const keyId = v.nonEmptyString('transparent_data_encryption_key_vault_key_id');
      return {
        // Defaults to enabled.
        atRest: enabled ?? (v.isUnknown('transparent_data_encryption_enabled') ? null : true),
        customerManagedKey: keyId !== null ? true : v.isUnknown('transparent_data_encryption_key_vault_key_id') ? null : false,
        keyId,
      };
    },
  },
  azurerm_postgresql_flexible_server: {
    kind: 'database',
    taggable: true,
    encryption: alwaysEncrypted('customer_managed_key.0.key_vault_key_id'),
  },
  azurerm_application_gateway: { kind: 'transport', taggable: true, transport: appGatewayTransport },
};

/** "Spot" (VMs, AKS pools) or "LowPriority" (Azure ML) capacity; the default is Regular / Dedicated. */
function spotPriority(values: PlannedValues, path: string): boolean | null {
  const priority = values.string(path);
  if (priority === null) return values.isUnknown(path) ? null : false;
  // The API compares priorities case-insensitively ("spot", "lowpriority" are accepted as written).
  const lower = priority.toLowerCase();
  return lower === 'spot' || lower === 'lowpriority';
}
