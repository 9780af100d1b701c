import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TollgateError } from '../../src/model/errors.js';
import { catalogFromDocument, loadCatalog, priceInstance, type CatalogDocument } from '../../src/pricing/index.js';
import { instanceSpecs } from '../../src/model/instance-specs.js';

const builtin = loadCatalog();

const minimal: CatalogDocument = {
  version: 1,
  currency: 'USD',
  asOf: '2026-01-01',
  sources: { list: { title: 'a list' } },
  instances: [{ provider: 'aws', type: 'm5.large', prices: { 'us-east-1': { onDemand: 0.096, source: 'list', asOf: '2026-01' } } }],
  accelerators: [],
  storage: [],
};

describe('the built-in catalog', () => {
  it('passes its schema, and every figure names a source and a date', () => {
    // loadCatalog() trusts the shipped snapshot; this is the check it would otherwise run at every start.
    expect(() => catalogFromDocument(builtin.document, 'built-in price catalog')).not.toThrow();
    const lists: ReadonlyArray<ReadonlyArray<{ readonly prices: Readonly<Record<string, { source: string; asOf: string }>> }>> = [
      builtin.document.instances,
      builtin.document.accelerators,
      builtin.document.storage,
    ];
    for (const list of lists) {
      for (const entry of list) {
        for (const figure of Object.values(entry.prices)) {
          expect(builtin.document.sources[figure.source]).toBeDefined();
          expect(figure.asOf).toMatch(/^\d{4}-\d{2}/);
        }
      }
    }
  });

  it.each([
    [
      'aws',
      ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'],
      [
        'g4dn.xlarge',
        'g5.12xlarge',
        'g6.xlarge',
        'g6e.xlarge',
        'inf2.xlarge',
        'm5.large',
        'm6i.large',
        'm7i.large',
        'c5.large',
        'c6i.large',
        'r5.large',
        'r6i.large',
        't3.medium',
      ],
    ],
    [
      'aws',
      ['us-east-1', 'us-west-2'],
      [
        'p4d.24xlarge',
        'p4de.24xlarge',
        'p5.48xlarge',
        'trn1.32xlarge',
        'ml.g5.xlarge',
        'ml.g6.xlarge',
        'ml.p4d.24xlarge',
        'ml.inf2.xlarge',
        'ml.m5.large',
      ],
    ],
    [
      'gcp',
      ['us-central1', 'us-east4', 'europe-west4', 'asia-east1'],
      ['a2-highgpu-1g', 'a3-highgpu-8g', 'g2-standard-4', 'n1-standard-4', 'n2-standard-8', 'e2-standard-4'],
    ],
    [
      'azure',
      ['eastus', 'westus2', 'westeurope', 'southeastasia'],
      [
        'Standard_NC24ads_A100_v4',
        'Standard_ND96asr_v4',
        'Standard_ND96isr_H100_v5',
        'Standard_NC40ads_H100_v5',
        'Standard_NC4as_T4_v3',
        'Standard_NV36ads_A10_v5',
        'Standard_D4s_v5',
        'Standard_E8s_v5',
      ],
    ],
  ])('prices %s machine types in the largest regions', (provider, regions, types) => {
    for (const region of regions)
      for (const type of types) expect(priceInstance(builtin, provider, type, region), `${type} ${region}`).not.toBeNull();
  });

  it('prices only machine types the instance spec table knows (SageMaker types by their EC2 hardware)', () => {
    for (const entry of builtin.document.instances) expect(instanceSpecs[entry.type.replace(/^ml\./, '')], entry.type).toBeDefined();
  });

  it('does not ship retired SKUs', () => {
    expect(priceInstance(builtin, 'azure', 'Standard_NC6s_v3', 'eastus')).toBeNull();
  });

  it('looks Azure sizes and locations up in any spelling', () => {
    expect(priceInstance(builtin, 'azure', 'standard_nc24ads_a100_v4', 'East US')?.onDemand).toBe(3.673);
  });

  it('prices GCP attached GPUs, TPUs and storage', () => {
    expect(builtin.accelerator('gcp', 'nvidia-tesla-t4', 'us-central1')?.onDemand).toBe(350_000n);
    expect(builtin.accelerator('gcp', 'tpu-v5p', 'us-east5')?.onDemand).toBe(4_200_000n);
    for (const [provider, type, region] of [
      ['aws', 'gp3', 'us-east-1'],
      ['aws', 's3-standard', 'eu-west-1'],
      ['gcp', 'pd-ssd', 'europe-west4'],
      ['gcp', 'gcs-standard', 'us-central1'],
      ['azure', 'StandardSSD_LRS', 'eastus'],
      ['azure', 'blob-hot-lrs', 'westus2'],
    ] as const) {
      expect(builtin.storage(provider, type, region), `${type} ${region}`).not.toBeNull();
    }
  });
});

describe('catalog validation', () => {
  const broken: Array<[string, unknown, RegExp]> = [
    ['a missing list', { ...minimal, storage: undefined }, /must have required property 'storage'/],
    [
      'a price of zero (unpriced is not free)',
      { ...minimal, instances: [{ ...minimal.instances[0], prices: { 'us-east-1': { onDemand: 0, source: 'list', asOf: '2026-01' } } }] },
      /onDemand must be > 0/,
    ],
    [
      'a figure without a date',
      { ...minimal, instances: [{ ...minimal.instances[0], prices: { 'us-east-1': { onDemand: 1, source: 'list' } } }] },
      /asOf/,
    ],
    [
      'a spot price without its source',
      {
        ...minimal,
        instances: [{ ...minimal.instances[0], prices: { 'us-east-1': { onDemand: 1, spot: 0.5, source: 'list', asOf: '2026-01' } } }],
      },
      /spotSource/,
    ],
    [
      'a source that is not listed',
      {
        ...minimal,
        instances: [{ ...minimal.instances[0], prices: { 'us-east-1': { onDemand: 1, source: 'nowhere', asOf: '2026-01' } } }],
      },
      /names source "nowhere"/,
    ],
    ['another currency', { ...minimal, currency: 'EUR' }, /currency must be equal to constant/],
  ];

  it.each(broken)('rejects %s with the file named', (_name, document, message) => {
    let error: unknown;
    try {
      catalogFromDocument(document, 'prices.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).format()).toMatch(/^prices\.json: not a valid price catalog: /);
    expect((error as TollgateError).message).toMatch(message);
  });

  it('loads a catalog file, and reports a missing or non-JSON one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-catalog-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(minimal));
    expect(priceInstance(loadCatalog(good), 'aws', 'm5.large', 'us-east-1')?.onDemand).toBe(0.096);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1,');
    expect(() => loadCatalog(bad)).toThrow(/price catalog is not JSON/);
    expect(() => loadCatalog(join(dir, 'missing.json'))).toThrow(/not found/);
  });
});
