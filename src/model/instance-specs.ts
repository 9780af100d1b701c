/**
 * Machine-type specifications for the instance types that matter to ML platforms: vCPUs, memory and the
 * accelerators each type carries. The values are public specifications copied by hand from each provider's
 * instance-type documentation (named per family below); they are facts about hardware, not prices, and
 * change only when a provider launches a new type.
 *
 * Lookups never throw: an instance type that is not in the table yields `null`, which callers treat as
 * "not known", never as "has no accelerator".
 */

export type SpecProvider = 'aws' | 'gcp' | 'azure';

export interface AcceleratorSpec {
  /** Canonical model name, the same words the `Resource` model uses ("A100", "H100", "Inferentia2", "TPU v5e"). */
  readonly model: string;
  readonly count: number;
  /** Memory per accelerator in GiB. */
  readonly memoryGiB: number;
}

export interface InstanceSpec {
  readonly provider: SpecProvider;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly accelerator: AcceleratorSpec | null;
  /** The provider documentation page the figures were copied from (accelerated families). */
  readonly source?: string;
}

type SpecRow = readonly [name: string, vcpus: number, memoryGiB: number, acceleratorCount?: number];

const table: Record<string, InstanceSpec> = {};

// Documentation pages the accelerated families are copied from (the `source` of each entry).
const awsAccelerated = 'https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html';
const gcpAccelerated = 'https://cloud.google.com/compute/docs/accelerator-optimized-machines';
const azureGpuSizes = 'https://learn.microsoft.com/azure/virtual-machines/sizes/overview#gpu-accelerated';

/** Adds one family: every row shares the provider and, when given, the accelerator model and memory. */
function addFamily(
  provider: SpecProvider,
  rows: readonly SpecRow[],
  accelerator?: { readonly model: string; readonly memoryGiB: number },
  source?: string,
): void {
  for (const [name, vcpus, memoryGiB, count] of rows) {
    table[name] = {
      provider,
      vcpus,
      memoryGiB,
      accelerator: accelerator && count ? { model: accelerator.model, count, memoryGiB: accelerator.memoryGiB } : null,
      ...(source === undefined ? {} : { source }),
    };
  }
}

/**
 * General-purpose CPU families follow a fixed size ladder, so they are generated from the ladder and the
 * family's memory-per-vCPU ratio instead of being listed one by one.
 */
function addCpuLadder(
  provider: SpecProvider,
  names: (size: string, vcpus: number) => string,
  ladder: ReadonlyArray<readonly [size: string, vcpus: number]>,
  memoryPerVcpu: number,
): void {
  addFamily(
    provider,
    ladder.map(([size, vcpus]) => [names(size, vcpus), vcpus, vcpus * memoryPerVcpu] as const),
  );
}

// ── AWS ──────────────────────────────────────────────────────────────────────────────────────────────
// Source: Amazon EC2 "Accelerated computing instances" specifications (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html)
// and the product pages for P4, P5, G4dn, G5, G6, G6e, Inf2, Trn1 and Trn2.

// P3 (NVIDIA V100 16 GB; p3dn carries the 32 GB part).
addFamily(
  'aws',
  [
    ['p3.2xlarge', 8, 61, 1],
    ['p3.8xlarge', 32, 244, 4],
    ['p3.16xlarge', 64, 488, 8],
  ],
  { model: 'V100', memoryGiB: 16 },
  awsAccelerated,
);
addFamily('aws', [['p3dn.24xlarge', 96, 768, 8]], { model: 'V100', memoryGiB: 32 }, awsAccelerated);
// P4d / P4de (NVIDIA A100 40 GB / 80 GB).
addFamily('aws', [['p4d.24xlarge', 96, 1152, 8]], { model: 'A100', memoryGiB: 40 }, awsAccelerated);
addFamily('aws', [['p4de.24xlarge', 96, 1152, 8]], { model: 'A100', memoryGiB: 80 }, awsAccelerated);
// P5 (NVIDIA H100 80 GB); P5e / P5en (NVIDIA H200 141 GB).
addFamily('aws', [['p5.48xlarge', 192, 2048, 8]], { model: 'H100', memoryGiB: 80 }, awsAccelerated);
addFamily(
  'aws',
  [
    ['p5e.48xlarge', 192, 2048, 8],
    ['p5en.48xlarge', 192, 2048, 8],
  ],
  { model: 'H200', memoryGiB: 141 },
  awsAccelerated,
);
// G4dn (NVIDIA T4 16 GB).
addFamily(
  'aws',
  [
    ['g4dn.xlarge', 4, 16, 1],
    ['g4dn.2xlarge', 8, 32, 1],
    ['g4dn.4xlarge', 16, 64, 1],
    ['g4dn.8xlarge', 32, 128, 1],
    ['g4dn.16xlarge', 64, 256, 1],
    ['g4dn.12xlarge', 48, 192, 4],
    ['g4dn.metal', 96, 384, 8],
  ],
  { model: 'T4', memoryGiB: 16 },
  awsAccelerated,
);
// G5 (NVIDIA A10G 24 GB).
addFamily(
  'aws',
  [
    ['g5.xlarge', 4, 16, 1],
    ['g5.2xlarge', 8, 32, 1],
    ['g5.4xlarge', 16, 64, 1],
    ['g5.8xlarge', 32, 128, 1],
    ['g5.16xlarge', 64, 256, 1],
    ['g5.12xlarge', 48, 192, 4],
    ['g5.24xlarge', 96, 384, 4],
    ['g5.48xlarge', 192, 768, 8],
  ],
  { model: 'A10G', memoryGiB: 24 },
  awsAccelerated,
);
// G6 (NVIDIA L4 24 GB).
addFamily(
  'aws',
  [
    ['g6.xlarge', 4, 16, 1],
    ['g6.2xlarge', 8, 32, 1],
    ['g6.4xlarge', 16, 64, 1],
    ['g6.8xlarge', 32, 128, 1],
    ['g6.16xlarge', 64, 256, 1],
    ['g6.12xlarge', 48, 192, 4],
    ['g6.24xlarge', 96, 384, 4],
    ['g6.48xlarge', 192, 768, 8],
  ],
  { model: 'L4', memoryGiB: 24 },
  awsAccelerated,
);
// G6e (NVIDIA L40S 48 GB).
addFamily(
  'aws',
  [
    ['g6e.xlarge', 4, 32, 1],
    ['g6e.2xlarge', 8, 64, 1],
    ['g6e.4xlarge', 16, 128, 1],
    ['g6e.8xlarge', 32, 256, 1],
    ['g6e.16xlarge', 64, 512, 1],
    ['g6e.12xlarge', 48, 384, 4],
    ['g6e.24xlarge', 96, 768, 4],
    ['g6e.48xlarge', 192, 1536, 8],
  ],
  { model: 'L40S', memoryGiB: 48 },
  awsAccelerated,
);
// Inf2 (AWS Inferentia2, 32 GB per chip).
addFamily(
  'aws',
  [
    ['inf2.xlarge', 4, 16, 1],
    ['inf2.8xlarge', 32, 128, 1],
    ['inf2.24xlarge', 96, 384, 6],
    ['inf2.48xlarge', 192, 768, 12],
  ],
  { model: 'Inferentia2', memoryGiB: 32 },
  awsAccelerated,
);
// Trn1 / Trn1n (AWS Trainium, 32 GB per chip); Trn2 (Trainium2, 96 GB per chip).
addFamily(
  'aws',
  [
    ['trn1.2xlarge', 8, 32, 1],
    ['trn1.32xlarge', 128, 512, 16],
    ['trn1n.32xlarge', 128, 512, 16],
  ],
  { model: 'Trainium', memoryGiB: 32 },
  awsAccelerated,
);
addFamily('aws', [['trn2.48xlarge', 192, 2048, 16]], { model: 'Trainium2', memoryGiB: 96 }, awsAccelerated);

// P6-B200 (NVIDIA B200, 179 GiB per GPU: 1432 GiB HBM3e per instance).
addFamily('aws', [['p6-b200.48xlarge', 192, 2048, 8]], { model: 'B200', memoryGiB: 179 }, awsAccelerated);
// Inf1 (AWS Inferentia, 8 GiB per chip).
addFamily(
  'aws',
  [
    ['inf1.xlarge', 4, 8, 1],
    ['inf1.2xlarge', 8, 16, 1],
    ['inf1.6xlarge', 24, 48, 4],
    ['inf1.24xlarge', 96, 192, 16],
  ],
  { model: 'Inferentia', memoryGiB: 8 },
  awsAccelerated,
);
// Trn2 UltraServer nodes carry the same Trainium2 chips as trn2.48xlarge.
addFamily('aws', [['trn2u.48xlarge', 192, 2048, 16]], { model: 'Trainium2', memoryGiB: 96 }, awsAccelerated);

// CPU families. Source: Amazon EC2 "General purpose", "Compute optimized", "Memory optimized" and
// "Burstable performance" instance specifications (docs.aws.amazon.com/ec2/latest/instancetypes/).
const awsLadder = [
  ['large', 2],
  ['xlarge', 4],
  ['2xlarge', 8],
  ['4xlarge', 16],
  ['8xlarge', 32],
  ['12xlarge', 48],
  ['16xlarge', 64],
  ['24xlarge', 96],
] as const;
for (const family of ['m5', 'm6i', 'm7i']) addCpuLadder('aws', (size) => `${family}.${size}`, awsLadder, 4);
addCpuLadder('aws', (size) => `m6i.${size}`, [['32xlarge', 128]], 4);
for (const family of ['r5', 'r6i']) addCpuLadder('aws', (size) => `${family}.${size}`, awsLadder, 8);
addCpuLadder('aws', (size) => `c6i.${size}`, [...awsLadder, ['32xlarge', 128]], 2);
// c5 has its own size ladder (9xlarge, 18xlarge).
addCpuLadder(
  'aws',
  (size) => `c5.${size}`,
  [
    ['large', 2],
    ['xlarge', 4],
    ['2xlarge', 8],
    ['4xlarge', 16],
    ['9xlarge', 36],
    ['12xlarge', 48],
    ['18xlarge', 72],
    ['24xlarge', 96],
  ],
  2,
);
addFamily('aws', [
  ['t3.nano', 2, 0.5],
  ['t3.micro', 2, 1],
  ['t3.small', 2, 2],
  ['t3.medium', 2, 4],
  ['t3.large', 2, 8],
  ['t3.xlarge', 4, 16],
  ['t3.2xlarge', 8, 32],
]);

// ── GCP ──────────────────────────────────────────────────────────────────────────────────────────────
// Source: Google Cloud "GPU machine types" / "Accelerator-optimized machine family" documentation
// (cloud.google.com/compute/docs/accelerator-optimized-machines) for A2, A3 and G2.

// A2 Standard (NVIDIA A100 40 GB).
addFamily(
  'gcp',
  [
    ['a2-highgpu-1g', 12, 85, 1],
    ['a2-highgpu-2g', 24, 170, 2],
    ['a2-highgpu-4g', 48, 340, 4],
    ['a2-highgpu-8g', 96, 680, 8],
    ['a2-megagpu-16g', 96, 1360, 16],
  ],
  { model: 'A100', memoryGiB: 40 },
  gcpAccelerated,
);
// A2 Ultra (NVIDIA A100 80 GB).
addFamily(
  'gcp',
  [
    ['a2-ultragpu-1g', 12, 170, 1],
    ['a2-ultragpu-2g', 24, 340, 2],
    ['a2-ultragpu-4g', 48, 680, 4],
    ['a2-ultragpu-8g', 96, 1360, 8],
  ],
  { model: 'A100', memoryGiB: 80 },
  gcpAccelerated,
);
// A3 (NVIDIA H100 80 GB).
addFamily(
  'gcp',
  [
    ['a3-highgpu-8g', 208, 1872, 8],
    ['a3-megagpu-8g', 208, 1872, 8],
  ],
  { model: 'H100', memoryGiB: 80 },
  gcpAccelerated,
);
// G2 (NVIDIA L4 24 GB).
addFamily(
  'gcp',
  [
    ['g2-standard-4', 4, 16, 1],
    ['g2-standard-8', 8, 32, 1],
    ['g2-standard-12', 12, 48, 1],
    ['g2-standard-16', 16, 64, 1],
    ['g2-standard-24', 24, 96, 2],
    ['g2-standard-32', 32, 128, 1],
    ['g2-standard-48', 48, 192, 4],
    ['g2-standard-96', 96, 384, 8],
  ],
  { model: 'L4', memoryGiB: 24 },
  gcpAccelerated,
);
// A3 High in its smaller shapes (H100 80 GB); A3 Ultra (H200 141 GB); A4 (B200, 180 GB per GPU).
addFamily(
  'gcp',
  [
    ['a3-highgpu-1g', 26, 234, 1],
    ['a3-highgpu-2g', 52, 468, 2],
    ['a3-highgpu-4g', 104, 936, 4],
    ['a3-edgegpu-8g', 208, 1872, 8],
  ],
  { model: 'H100', memoryGiB: 80 },
  gcpAccelerated,
);
addFamily('gcp', [['a3-ultragpu-8g', 224, 2952, 8]], { model: 'H200', memoryGiB: 141 }, gcpAccelerated);
addFamily('gcp', [['a4-highgpu-8g', 224, 3968, 8]], { model: 'B200', memoryGiB: 180 }, gcpAccelerated);
// TPU VM machine types GKE node pools name (the count is chips per VM).
// Source: Google Cloud "Plan TPUs in GKE" (cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus) and
// "TPU versions" (cloud.google.com/tpu/docs/system-architecture-tpu-vm); ct5lp shapes also in the Compute API machine types list.
const gkeTpus = 'https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus';
addFamily('gcp', [['ct4p-hightpu-4t', 240, 407, 4]], { model: 'TPU v4', memoryGiB: 32 }, gkeTpus);
addFamily(
  'gcp',
  [
    ['ct5lp-hightpu-1t', 24, 48, 1],
    ['ct5lp-hightpu-4t', 112, 192, 4],
    ['ct5lp-hightpu-8t', 224, 384, 8],
  ],
  { model: 'TPU v5e', memoryGiB: 16 },
  gkeTpus,
);
addFamily(
  'gcp',
  [
    ['ct5l-hightpu-1t', 24, 48, 1],
    ['ct5l-hightpu-4t', 112, 192, 4],
    ['ct5l-hightpu-8t', 224, 384, 8],
  ],
  { model: 'TPU v5e', memoryGiB: 16 },
  gkeTpus,
);
addFamily('gcp', [['ct5p-hightpu-4t', 208, 448, 4]], { model: 'TPU v5p', memoryGiB: 95 }, gkeTpus);
addFamily(
  'gcp',
  [
    ['ct6e-standard-1t', 44, 448, 1],
    ['ct6e-standard-4t', 180, 720, 4],
    ['ct6e-standard-8t', 180, 1440, 8],
  ],
  { model: 'TPU v6e', memoryGiB: 32 },
  gkeTpus,
);
// CPU families. Source: Google Cloud "General-purpose machine family" documentation (N1, N2, E2).
const gcpLadder = [
  ['1', 1],
  ['2', 2],
  ['4', 4],
  ['8', 8],
  ['16', 16],
  ['32', 32],
  ['64', 64],
  ['96', 96],
] as const;
addCpuLadder('gcp', (size) => `n1-standard-${size}`, gcpLadder, 3.75);
addCpuLadder('gcp', (size) => `n1-highmem-${size}`, gcpLadder.slice(1), 6.5);
addCpuLadder('gcp', (size) => `n2-standard-${size}`, gcpLadder.slice(1), 4);
addCpuLadder('gcp', (size) => `e2-standard-${size}`, gcpLadder.slice(1, 6), 4);

// ── Azure ────────────────────────────────────────────────────────────────────────────────────────────
// Source: Microsoft Learn "Sizes for virtual machines in Azure" — GPU accelerated (NC A100 v4, ND A100 v4,
// NDm A100 v4, ND H100 v5, NC H100 v5, NCasT4_v3, NVadsA10 v5, NCv3) and general purpose / memory optimised
// (Dsv5, Dv5, Dsv3, Esv5) series pages.

addFamily(
  'azure',
  [
    ['Standard_NC24ads_A100_v4', 24, 220, 1],
    ['Standard_NC48ads_A100_v4', 48, 440, 2],
    ['Standard_NC96ads_A100_v4', 96, 880, 4],
  ],
  { model: 'A100', memoryGiB: 80 },
  azureGpuSizes,
);
addFamily('azure', [['Standard_ND96asr_v4', 96, 900, 8]], { model: 'A100', memoryGiB: 40 }, azureGpuSizes);
addFamily('azure', [['Standard_ND96amsr_A100_v4', 96, 1900, 8]], { model: 'A100', memoryGiB: 80 }, azureGpuSizes);
addFamily('azure', [['Standard_ND96isr_H100_v5', 96, 1900, 8]], { model: 'H100', memoryGiB: 80 }, azureGpuSizes);
// NC H100 v5 carries the H100 NVL part with 94 GB.
addFamily(
  'azure',
  [
    ['Standard_NC40ads_H100_v5', 40, 320, 1],
    ['Standard_NC80adis_H100_v5', 80, 640, 2],
  ],
  { model: 'H100', memoryGiB: 94 },
  azureGpuSizes,
);
addFamily(
  'azure',
  [
    ['Standard_NC4as_T4_v3', 4, 28, 1],
    ['Standard_NC8as_T4_v3', 8, 56, 1],
    ['Standard_NC16as_T4_v3', 16, 110, 1],
    ['Standard_NC64as_T4_v3', 64, 440, 4],
  ],
  { model: 'T4', memoryGiB: 16 },
  azureGpuSizes,
);
addFamily(
  'azure',
  [
    ['Standard_NV36ads_A10_v5', 36, 440, 1],
    ['Standard_NV72ads_A10_v5', 72, 880, 2],
  ],
  { model: 'A10', memoryGiB: 24 },
  azureGpuSizes,
);
addFamily(
  'azure',
  [
    ['Standard_NC6s_v3', 6, 112, 1],
    ['Standard_NC12s_v3', 12, 224, 2],
    ['Standard_NC24s_v3', 24, 448, 4],
  ],
  { model: 'V100', memoryGiB: 16 },
  azureGpuSizes,
);
// ND H200 v5 (NVIDIA H200 141 GB) and ND MI300X v5 (AMD Instinct MI300X 192 GB).
addFamily(
  'azure',
  [['Standard_ND96isr_H200_v5', 96, 1850, 8]],
  { model: 'H200', memoryGiB: 141 },
  'https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/ndh200v5-series',
);
addFamily(
  'azure',
  [['Standard_ND96isr_MI300X_v5', 96, 1850, 8]],
  { model: 'MI300X', memoryGiB: 192 },
  'https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/ndmi300xv5-series',
);
// NV A10 v5 sizes below NV36ads share one GPU (1/6, 1/3, 1/2); they are left out on purpose, so a GPU rule
// reports them as unknown rather than counting a fraction as a whole GPU.
addFamily(
  'azure',
  [['Standard_NV36adms_A10_v5', 36, 880, 1]],
  { model: 'A10', memoryGiB: 24 },
  'https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/nvadsa10v5-series',
);
const azureLadder = [
  ['2', 2],
  ['4', 4],
  ['8', 8],
  ['16', 16],
  ['32', 32],
  ['48', 48],
  ['64', 64],
  ['96', 96],
] as const;
addCpuLadder('azure', (size) => `Standard_D${size}s_v5`, azureLadder, 4);
addCpuLadder('azure', (size) => `Standard_D${size}_v5`, azureLadder, 4);
addCpuLadder('azure', (size) => `Standard_D${size}s_v3`, azureLadder.slice(0, 7), 4);
addCpuLadder('azure', (size) => `Standard_E${size}s_v5`, azureLadder, 8);

/** Every known instance type, keyed by the provider's own spelling (AWS without the SageMaker `ml.` prefix). */
export const instanceSpecs: Readonly<Record<string, InstanceSpec>> = table;

// Azure size names are case-insensitive in the API and appear in plans in either case.
const azureByLowerName = new Map<string, InstanceSpec>(
  Object.entries(table)
    .filter(([, spec]) => spec.provider === 'azure')
    .map(([name, spec]) => [name.toLowerCase(), spec]),
);
const azureSpellingByLowerName = new Map<string, string>(
  Object.entries(table)
    .filter(([, spec]) => spec.provider === 'azure')
    .map(([name]) => [name.toLowerCase(), name]),
);

/**
 * The table's spelling of an instance type the provider accepts in any case (Azure returns
 * "STANDARD_NC24ADS_A100_V4" for Standard_NC24ads_A100_v4); the type as given when the table does not know it.
 */
export function canonicalInstanceType(provider: string, instanceType: string): string {
  if (provider !== 'azure') return instanceType;
  return azureSpellingByLowerName.get(instanceType.toLowerCase()) ?? instanceType;
}

/** Drops service prefixes (`ml.` SageMaker, `db.` RDS, `cache.` ElastiCache) that do not change the hardware. */
function bareAwsType(instanceType: string): string {
  for (const prefix of ['ml.', 'db.', 'cache.']) {
    if (instanceType.startsWith(prefix)) return instanceType.slice(prefix.length);
  }
  return instanceType;
}

/** GCP machine types appear as bare names or as URLs ending in `machineTypes/<name>`. */
function bareGcpType(instanceType: string): string {
  const slash = instanceType.lastIndexOf('/');
  return slash === -1 ? instanceType : instanceType.slice(slash + 1);
}

export function lookupInstanceSpec(provider: string, instanceType: string): InstanceSpec | null {
  let spec: InstanceSpec | undefined;
  if (provider === 'aws') spec = table[bareAwsType(instanceType)];
  else if (provider === 'gcp') spec = table[bareGcpType(instanceType)];
  else if (provider === 'azure') spec = azureByLowerName.get(instanceType.toLowerCase());
  return spec?.provider === provider ? spec : null;
}

// Azure sizes: `Standard_` + series letters + vCPUs (+ `-N` constrained cores) + feature letters + the rest,
// e.g. Standard_NC24ads_A100_v4 → NC + 24 + ads + _A100_v4 → family NCads_A100_v4.
const azureSizePattern = /^(?:Standard_|Basic_)?([A-Z]+)(\d+)(?:-\d+)?([a-z]*)(.*)$/;

/** The family an instance type belongs to: "p4d" for "p4d.24xlarge", "g5" for "ml.g5.2xlarge", "a2" for "a2-highgpu-1g", "NCads_A100_v4". */
export function instanceFamily(provider: string, instanceType: string): string | null {
  if (instanceType === '') return null;
  if (provider === 'aws') {
    const bare = bareAwsType(instanceType);
    const dot = bare.indexOf('.');
    return dot === -1 ? bare : bare.slice(0, dot);
  }
  if (provider === 'gcp') {
    const bare = bareGcpType(instanceType);
    const dash = bare.indexOf('-');
    return dash === -1 ? bare : bare.slice(0, dash);
  }
  if (provider === 'azure') {
    const match = azureSizePattern.exec(canonicalInstanceType(provider, instanceType));
    if (!match) return instanceType;
    return `${match[1] ?? ''}${match[3] ?? ''}${match[4] ?? ''}`;
  }
  return null;
}

// ── Accelerators attached by name (GCP guest_accelerator / accelerator_config, TPU accelerator types) ──
// Source: Google Cloud "GPU platforms" (cloud.google.com/compute/docs/gpus) for the accelerator type names
// and per-GPU memory.
const gpuByAcceleratorType: Readonly<Record<string, { readonly model: string; readonly memoryGiB: number }>> = {
  'nvidia-tesla-k80': { model: 'K80', memoryGiB: 12 },
  'nvidia-tesla-p4': { model: 'P4', memoryGiB: 8 },
  'nvidia-tesla-t4': { model: 'T4', memoryGiB: 16 },
  'nvidia-tesla-v100': { model: 'V100', memoryGiB: 16 },
  'nvidia-tesla-p100': { model: 'P100', memoryGiB: 16 },
  'nvidia-l4': { model: 'L4', memoryGiB: 24 },
  'nvidia-tesla-a100': { model: 'A100', memoryGiB: 40 },
  'nvidia-a100-80gb': { model: 'A100', memoryGiB: 80 },
  'nvidia-h100-80gb': { model: 'H100', memoryGiB: 80 },
  'nvidia-h100-mega-80gb': { model: 'H100', memoryGiB: 80 },
  'nvidia-h200-141gb': { model: 'H200', memoryGiB: 141 },
  // A4 machines' GPU (Compute Engine `nvidia-b200`, Vertex AI `NVIDIA_B200`), 180 GB per GPU.
  'nvidia-b200': { model: 'B200', memoryGiB: 180 },
};

/** GCP's accelerator type names for GPUs ("nvidia-tesla-a100"), for readers that recognise GPUs in billing text. */
export function gpuAcceleratorTypeNames(): readonly string[] {
  return Object.keys(gpuByAcceleratorType);
}

/**
 * A GPU named by a GCP accelerator type: `nvidia-tesla-t4`, a URL ending in it, the `-vws` virtual
 * workstation variants, or the Vertex/Workbench spelling `NVIDIA_TESLA_T4`.
 */
export function lookupGpuAcceleratorType(acceleratorType: string): { model: string; memoryGiB: number } | null {
  let name = bareGcpType(acceleratorType).toLowerCase().replaceAll('_', '-');
  if (name.endsWith('-vws')) name = name.slice(0, -'-vws'.length);
  return gpuByAcceleratorType[name] ?? null;
}

// Source: Google Cloud TPU "System architecture" and version pages (cloud.google.com/tpu/docs/system-architecture-tpu-vm).
// The number after the dash counts TensorCores for v2, v3, v4 and v5p (two per chip) and chips for v5e and v6e.
const tpuGenerations: Readonly<Record<string, { readonly model: string; readonly memoryGiB: number; readonly coresPerChip: number }>> = {
  v2: { model: 'TPU v2', memoryGiB: 16, coresPerChip: 2 },
  v3: { model: 'TPU v3', memoryGiB: 32, coresPerChip: 2 },
  v4: { model: 'TPU v4', memoryGiB: 32, coresPerChip: 2 },
  v5p: { model: 'TPU v5p', memoryGiB: 95, coresPerChip: 2 },
  v5litepod: { model: 'TPU v5e', memoryGiB: 16, coresPerChip: 1 },
  v5e: { model: 'TPU v5e', memoryGiB: 16, coresPerChip: 1 },
  v6e: { model: 'TPU v6e', memoryGiB: 32, coresPerChip: 1 },
};

/** A TPU accelerator type such as "v5litepod-8" or "v3-8", counted in chips. */
export function lookupTpuAcceleratorType(acceleratorType: string): AcceleratorSpec | null {
  const dash = acceleratorType.lastIndexOf('-');
  if (dash === -1) return null;
  const generation = tpuGenerations[acceleratorType.slice(0, dash).toLowerCase()];
  const size = Number(acceleratorType.slice(dash + 1));
  if (generation === undefined || !Number.isInteger(size) || size <= 0) return null;
  return { model: generation.model, count: Math.max(1, size / generation.coresPerChip), memoryGiB: generation.memoryGiB };
}

// Vertex AI's AcceleratorType enum names TPUs by generation, counted in chips by accelerator_count
// (cloud.google.com/vertex-ai/docs/reference/rest/v1/MachineSpec#acceleratortype).
const vertexAccelerated = 'https://cloud.google.com/vertex-ai/docs/reference/rest/v1/MachineSpec#acceleratortype';
const vertexTpus: Readonly<Record<string, { readonly model: string; readonly memoryGiB: number }>> = {
  tpu_v2: { model: 'TPU v2', memoryGiB: 16 },
  tpu_v3: { model: 'TPU v3', memoryGiB: 32 },
  tpu_v4_pod: { model: 'TPU v4', memoryGiB: 32 },
  tpu_v5_litepod: { model: 'TPU v5e', memoryGiB: 16 },
};

/**
 * An accelerator named by Vertex AI's `machine_spec.accelerator_type` (`NVIDIA_L4`, `NVIDIA_H100_80GB`,
 * `TPU_V5_LITEPOD`, ...), with the source it comes from; null for a name the tables do not know (unknown, not none).
 */
export function lookupVertexAcceleratorType(acceleratorType: string): { model: string; memoryGiB: number; source: string } | null {
  const tpu = vertexTpus[acceleratorType.toLowerCase()];
  if (tpu !== undefined) return { ...tpu, source: vertexAccelerated };
  const gpu = lookupGpuAcceleratorType(acceleratorType);
  return gpu === null ? null : { ...gpu, source: vertexAccelerated };
}
