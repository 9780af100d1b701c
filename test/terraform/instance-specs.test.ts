import { describe, expect, it } from 'vitest';
import { instanceFamily, lookupGpuAcceleratorType, lookupInstanceSpec, lookupTpuAcceleratorType } from '../../src/model/instance-specs.js';

describe('lookupInstanceSpec', () => {
  it.each([
    ['aws', 'p4d.24xlarge', 'A100', 8, 40],
    ['aws', 'p4de.24xlarge', 'A100', 8, 80],
    ['aws', 'p5.48xlarge', 'H100', 8, 80],
    ['aws', 'p5en.48xlarge', 'H200', 8, 141],
    ['aws', 'g4dn.12xlarge', 'T4', 4, 16],
    ['aws', 'ml.g5.2xlarge', 'A10G', 1, 24],
    ['aws', 'g5.48xlarge', 'A10G', 8, 24],
    ['aws', 'g6.xlarge', 'L4', 1, 24],
    ['aws', 'g6e.24xlarge', 'L40S', 4, 48],
    ['aws', 'inf2.24xlarge', 'Inferentia2', 6, 32],
    ['aws', 'trn1.32xlarge', 'Trainium', 16, 32],
    ['aws', 'trn2.48xlarge', 'Trainium2', 16, 96],
    ['gcp', 'a2-highgpu-4g', 'A100', 4, 40],
    ['gcp', 'a2-ultragpu-8g', 'A100', 8, 80],
    ['gcp', 'a3-highgpu-8g', 'H100', 8, 80],
    ['gcp', 'zones/us-central1-a/machineTypes/g2-standard-24', 'L4', 2, 24],
    ['azure', 'Standard_NC96ads_A100_v4', 'A100', 4, 80],
    ['azure', 'standard_nd96asr_v4', 'A100', 8, 40],
    ['azure', 'Standard_NC40ads_H100_v5', 'H100', 1, 94],
    ['azure', 'Standard_NC64as_T4_v3', 'T4', 4, 16],
    ['azure', 'Standard_NV36ads_A10_v5', 'A10', 1, 24],
  ])('%s %s → %s ×%i (%i GiB)', (provider, type, model, count, memoryGiB) => {
    expect(lookupInstanceSpec(provider, type)?.accelerator).toEqual({ model, count, memoryGiB });
  });

  it.each([
    ['aws', 'm6i.2xlarge', 8, 32],
    ['aws', 'c5.9xlarge', 36, 72],
    ['aws', 't3.micro', 2, 1],
    ['gcp', 'n1-standard-8', 8, 30],
    ['azure', 'Standard_E16s_v5', 16, 128],
  ])('%s %s is CPU only: %i vCPUs, %i GiB', (provider, type, vcpus, memoryGiB) => {
    expect(lookupInstanceSpec(provider, type)).toMatchObject({ vcpus, memoryGiB, accelerator: null });
  });

  it.each([
    ['aws', 'x9z.huge'],
    ['gcp', 'p4d.24xlarge'],
    ['other', 'p4d.24xlarge'],
  ])('%s %s is not known', (provider, type) => {
    expect(lookupInstanceSpec(provider, type)).toBeNull();
  });
});

describe('instanceFamily', () => {
  it.each([
    ['aws', 'p4d.24xlarge', 'p4d'],
    ['aws', 'ml.g5.2xlarge', 'g5'],
    ['aws', 'db.r6i.xlarge', 'r6i'],
    ['gcp', 'a2-highgpu-1g', 'a2'],
    ['azure', 'Standard_NC24ads_A100_v4', 'NCads_A100_v4'],
    ['azure', 'Standard_D4s_v5', 'Ds_v5'],
    ['azure', 'Standard_E16-4ds_v5', 'Eds_v5'],
  ])('%s %s → %s', (provider, type, family) => {
    expect(instanceFamily(provider, type)).toBe(family);
  });
});

describe('accelerators named by type', () => {
  it.each([
    ['nvidia-tesla-t4', 'T4', 16],
    ['nvidia-tesla-v100', 'V100', 16],
    ['nvidia-tesla-p100', 'P100', 16],
    ['nvidia-l4', 'L4', 24],
    ['nvidia-l4-vws', 'L4', 24],
    ['nvidia-tesla-a100', 'A100', 40],
    ['nvidia-a100-80gb', 'A100', 80],
    ['nvidia-h100-80gb', 'H100', 80],
    ['NVIDIA_TESLA_T4', 'T4', 16],
    ['projects/p/zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4', 'T4', 16],
  ])('%s → %s', (type, model, memoryGiB) => {
    expect(lookupGpuAcceleratorType(type)).toEqual({ model, memoryGiB });
  });

  it.each([
    ['v5litepod-8', 'TPU v5e', 8],
    ['v3-8', 'TPU v3', 4],
    ['v5p-16', 'TPU v5p', 8],
    ['v6e-4', 'TPU v6e', 4],
  ])('%s → %s ×%i', (type, model, count) => {
    expect(lookupTpuAcceleratorType(type)).toMatchObject({ model, count });
  });

  it('returns null for unknown names', () => {
    expect(lookupGpuAcceleratorType('nvidia-tesla-k9000')).toBeNull();
    expect(lookupTpuAcceleratorType('v99-8')).toBeNull();
  });
});
