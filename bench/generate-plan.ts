/**
 * Synthetic `terraform show -json` plans of a chosen size for the benchmarks: a realistic mix of
 * ML-platform resources across AWS, GCP and Azure, inside modules with count instances, some
 * values unknown until apply, and violations: a mix (the default), few (one resource in 200 breaks a
 * rule: a clean plan) or most (nine resources in ten break one or two rules).
 */

export type FindingRate = 'mixed' | 'few' | 'most';

/** Whether resource i breaks the rule that the mixed plan breaks where `mixed` holds. */
type Breaks = (i: number, mixed: boolean) => boolean;

const BREAKS: Readonly<Record<FindingRate, Breaks>> = {
  mixed: (_i, mixed) => mixed,
  few: (i) => i % 200 === 0,
  most: (i) => i % 10 !== 0,
};

interface Change {
  address: string;
  module_address?: string;
  mode: 'managed';
  type: string;
  name: string;
  index?: number;
  provider_name: string;
  change: { actions: string[]; before: unknown; after: Record<string, unknown>; after_unknown: Record<string, unknown> };
}

let breaks: Breaks = BREAKS.mixed;

const tags = (i: number): Record<string, string> =>
  breaks(i, i % 7 === 0)
    ? { team: 'research' }
    : { team: i % 2 === 0 ? 'ml-platform' : 'research', 'cost-center': `cc-${i % 13}`, environment: i % 3 === 0 ? 'prod' : 'dev' };

type Template = (
  i: number,
) => Pick<Change, 'type' | 'provider_name'> & { after: Record<string, unknown>; unknown?: Record<string, unknown> };

const templates: Template[] = [
  (i) => ({
    type: 'aws_instance',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    after: {
      ami: 'ami-123',
      instance_type: breaks(i, i % 5 === 0) ? 'p4d.24xlarge' : 'g5.xlarge',
      tags: tags(i),
      availability_zone: 'us-east-1a',
      root_block_device: [{ encrypted: !breaks(i, i % 4 === 0), volume_size: 200, kms_key_id: null }],
    },
  }),
  (i) => ({
    type: 'aws_ebs_volume',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    after: { availability_zone: 'us-east-1b', size: 500, encrypted: !breaks(i, i % 6 === 0), tags: tags(i) },
    unknown: breaks(i, i % 9 === 0) ? { kms_key_id: true } : {},
  }),
  (i) => ({
    type: 'aws_s3_bucket',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    after: { bucket: `datasets-${i}`, tags: { ...tags(i), 'data-classification': breaks(i, i % 10 === 0) ? 'pii' : 'internal' } },
  }),
  (i) => ({
    type: 'aws_lb_listener',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    after: {
      port: breaks(i, i % 2 === 0) ? 80 : 443,
      protocol: breaks(i, i % 2 === 0) ? 'HTTP' : 'HTTPS',
      ssl_policy: breaks(i, i % 2 === 0) ? null : breaks(i, true) ? 'ELBSecurityPolicy-2016-08' : 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      default_action: [{ type: 'forward' }],
      tags: tags(i),
    },
  }),
  (i) => ({
    type: 'google_container_node_pool',
    provider_name: 'registry.terraform.io/hashicorp/google',
    after: {
      location: 'us-central1',
      node_count: 2,
      node_config: [
        {
          machine_type: 'a2-highgpu-1g',
          spot: i % 2 === 0,
          resource_labels: tags(i),
          guest_accelerator: [{ type: 'nvidia-tesla-a100', count: 1 }],
        },
      ],
    },
  }),
  (i) => ({
    type: 'azurerm_storage_account',
    provider_name: 'registry.terraform.io/hashicorp/azurerm',
    after: {
      name: `sa${i}`,
      location: breaks(i, i % 8 === 0) ? 'brazilsouth' : 'eastus',
      min_tls_version: breaks(i, i % 3 === 0) ? 'TLS1_0' : 'TLS1_2',
      https_traffic_only_enabled: true,
      tags: tags(i),
    },
  }),
  (i) => ({
    type: 'random_pet',
    provider_name: 'registry.terraform.io/hashicorp/random',
    after: { length: 2, prefix: `p${i}` },
  }),
];

export function generatePlan(resourceCount: number, findings: FindingRate = 'mixed'): string {
  breaks = BREAKS[findings];
  const changes: Change[] = [];
  for (let i = 0; i < resourceCount; i++) {
    const make = templates[i % templates.length];
    if (!make) throw new Error('no plan templates');
    const template = make(i);
    const moduleIndex = Math.floor(i / 50);
    const module = `module.team_${moduleIndex % 40}.module.stack_${moduleIndex}`;
    const name = `r${i % 50}`;
    changes.push({
      address: `${module}.${template.type}.${name}[${i % 3}]`,
      module_address: module,
      mode: 'managed',
      type: template.type,
      name,
      index: i % 3,
      provider_name: template.provider_name,
      change: { actions: ['create'], before: null, after: template.after, after_unknown: template.unknown ?? {} },
    });
  }
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.5',
    resource_changes: changes,
    configuration: {
      provider_config: {
        aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } },
        google: { name: 'google', expressions: { region: { constant_value: 'us-central1' } } },
        azurerm: { name: 'azurerm' },
      },
    },
  });
}
