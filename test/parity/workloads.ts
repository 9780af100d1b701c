/**
 * The parity table: each workload written as a Terraform plan resource, a Kubernetes object, (for the model
 * gates) an inventory entry and billing rows, with the verdict every enforcement point must reach under the
 * one tollgate.yaml of parity.test.ts. Where a point cannot see a fact, the row says which rules are
 * indeterminate or not applicable there.
 */
export type Verdict = 'violation' | 'warning';

/** Rule id → verdict; a rule not listed passes (does not fire). */
export type Verdicts = Readonly<Record<string, Verdict>>;

export interface Workload {
  readonly name: string;
  /** One resource_changes entry of a plan (terraform show -json). */
  readonly terraform: Record<string, unknown>;
  /** The object of the AdmissionReview. */
  readonly kubernetes: Record<string, unknown>;
  /** FOCUS rows the nightly report reads for it. */
  readonly billing: ReadonlyArray<Readonly<Record<string, string | number>>>;
  /** What check and serve both decide. */
  readonly expected: Verdicts;
  /**
   * Rules serve cannot decide like check because the admitted object lacks the fact ('pass': the rule does not
   * apply to the object, the fact does not exist there).
   */
  readonly serveDiffers?: Readonly<Record<string, 'pass'>>;
  /** Why serveDiffers holds, in words, for the reader of a failing test. */
  readonly because?: string;
  /** Rules only check decides (the facts serve lacks), with check's verdict. */
  readonly checkOnly?: Verdicts;
}

const PROD_TAGS = { team: 'ml-serving', 'cost-center': 'cc-2', environment: 'prod' };
const DEV_TAGS = { team: 'ml-research', 'cost-center': 'cc-1', environment: 'dev' };

function instance(
  name: string,
  instanceType: string,
  tags: Record<string, string> | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const after = {
    instance_type: instanceType,
    availability_zone: 'us-east-1a',
    ami: 'ami-0123456789abcdef0',
    root_block_device: [{ encrypted: true, volume_size: 100, volume_type: 'gp3' }],
    ...(tags === null ? {} : { tags, tags_all: tags }),
    ...extra,
  };
  return {
    address: `aws_instance.${name}`,
    mode: 'managed',
    type: 'aws_instance',
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions: ['create'], before: null, after, after_unknown: {}, before_sensitive: false, after_sensitive: {} },
  };
}

interface PodSpec {
  readonly kind?: 'Pod' | 'Job' | 'Deployment';
  readonly namespace: string;
  readonly instanceType: string;
  readonly gpus?: number;
  readonly region?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

function workloadObject(name: string, spec: PodSpec): Record<string, unknown> {
  const podSpec = {
    nodeSelector: {
      'node.kubernetes.io/instance-type': spec.instanceType,
      ...(spec.region ? { 'topology.kubernetes.io/region': spec.region } : {}),
    },
    containers: [
      {
        name: 'main',
        image: 'registry.example.com/ml/main:1.0',
        ...(spec.gpus ? { resources: { limits: { 'nvidia.com/gpu': spec.gpus } } } : {}),
      },
    ],
    ...(spec.kind === 'Job' ? { restartPolicy: 'Never' } : {}),
  };
  const metadata = { name, namespace: spec.namespace, labels: spec.labels ?? {}, annotations: spec.annotations ?? {} };
  switch (spec.kind ?? 'Pod') {
    case 'Pod':
      return { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec };
    case 'Job':
      return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { template: { spec: podSpec } } };
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
      };
  }
}

function rows(resource: string, team: string, daily: number): Array<Record<string, string | number>> {
  return Array.from({ length: 14 }, (_, i) => {
    const day = new Date(Date.UTC(2026, 10, 9 + i)).toISOString().slice(0, 10);
    const next = new Date(Date.UTC(2026, 10, 10 + i)).toISOString().slice(0, 10);
    return {
      ChargePeriodStart: `${day}T00:00:00Z`,
      ChargePeriodEnd: `${next}T00:00:00Z`,
      BilledCost: daily,
      EffectiveCost: daily,
      BillingCurrency: 'USD',
      ServiceProviderName: 'Amazon Web Services',
      ServiceName: 'Amazon Elastic Compute Cloud',
      ResourceId: resource,
      SkuId: 'p4d.24xlarge',
      RegionId: 'us-east-1',
      Tags: JSON.stringify({ team }),
    };
  });
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'GPU training job on 8 × A100 over the dev GPU limit',
    terraform: instance('trainer', 'p4d.24xlarge', DEV_TAGS),
    kubernetes: workloadObject('trainer', { kind: 'Job', namespace: 'ml-research', instanceType: 'p4d.24xlarge', gpus: 8 }),
    billing: rows('i-trainer', 'ml-research', 300),
    expected: { 'TG-GPU-001': 'violation' },
  },
  {
    name: 'inference service on L4 in a forbidden region',
    terraform: instance('inference', 'g6.xlarge', PROD_TAGS, { availability_zone: 'eu-west-1a' }),
    kubernetes: workloadObject('inference', {
      kind: 'Deployment',
      namespace: 'ml-serving',
      instanceType: 'g6.xlarge',
      gpus: 1,
      region: 'eu-west-1',
    }),
    billing: rows('i-inference', 'ml-serving', 20),
    expected: { 'TG-REG-001': 'violation' },
  },
  {
    name: 'untagged, unencrypted compute without storage',
    terraform: instance('scratch', 'm5.large', null, { root_block_device: [{ encrypted: false, volume_size: 20, volume_type: 'gp3' }] }),
    kubernetes: workloadObject('scratch', { namespace: 'scratch', instanceType: 'm5.large' }),
    billing: rows('i-scratch', 'unknown', 2),
    expected: { 'TG-TAG-001': 'violation' },
    serveDiffers: { 'TG-ENC-001': 'pass' },
    because:
      'a Pod has no disk of its own: encryption at rest is not a fact of the admitted object (null), so TG-ENC-001 does not apply at serve',
    checkOnly: { 'TG-ENC-001': 'violation' },
  },
  {
    name: 'a workload that passes everything',
    terraform: instance('ranker', 'g6.xlarge', PROD_TAGS),
    kubernetes: workloadObject('ranker', { kind: 'Deployment', namespace: 'ml-serving', instanceType: 'g6.xlarge', gpus: 1 }),
    billing: rows('i-ranker', 'ml-serving', 20),
    expected: {},
  },
  {
    name: 'serves a model version the inventory lists without approval',
    terraform: instance('fraud', 'g6.xlarge', { ...PROD_TAGS, 'tollgate.io/model': 'fraud-detector@2.0.0' }),
    kubernetes: workloadObject('fraud', {
      kind: 'Deployment',
      namespace: 'ml-serving',
      instanceType: 'g6.xlarge',
      gpus: 1,
      annotations: { 'tollgate.io/model': 'fraud-detector@2.0.0' },
    }),
    billing: rows('i-fraud', 'ml-serving', 20),
    expected: { 'TG-REV-002': 'violation' },
  },
];
