import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetProductsCommand, PricingClient, ThrottlingException, type GetProductsCommandOutput } from '@aws-sdk/client-pricing';
import { CloudCatalogClient } from '@google-cloud/billing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog, priceInstance } from '../../src/pricing/index.js';
import { writeFileAtomic } from '../../src/atomic-file.js';
import { catalogClientPages, refreshCatalog } from '../../src/pricing/refresh/index.js';
import { backoffDelay, withRetry, type RetryPolicy } from '../../src/retry.js';

const recorded = (name: string): unknown => JSON.parse(readFileSync(new URL(`./recorded/${name}`, import.meta.url), 'utf8'));
const today = '2026-10-01';

/** Retries without waiting; records the delays it would have slept. */
function instantRetry(): RetryPolicy & { delays: number[] } {
  const delays: number[] = [];
  return {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0.5,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    delays,
  };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-pricing-'));
}

describe('retry with backoff', () => {
  it('grows exponentially, with jitter, up to the bound', () => {
    const policy = { ...instantRetry(), random: () => 1 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, { ...policy, random: () => 0.25 })).toBe(250);
    // A server's Retry-After is a lower bound, within the cap.
    expect(backoffDelay(1, policy, 700)).toBe(700);
    expect(backoffDelay(1, policy, 5000)).toBe(1000);
  });

  it('gives up after the last attempt and does not retry other errors', async () => {
    const policy = instantRetry();
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(new Error('throttled'));
        },
        () => true,
        policy,
      ),
    ).rejects.toThrow('throttled');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(new Error('denied'));
        },
        () => false,
        policy,
      ),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});

describe('pricing refresh: AWS Price List API', () => {
  const pricing = mockClient(PricingClient);
  afterEach(() => pricing.reset());

  it('follows NextToken, retries throttling and keeps known spot prices', async () => {
    // Answers by instance type: g5.xlarge is throttled once, then comes in two pages.
    const answers: Record<string, Array<() => unknown>> = {
      'g5.xlarge': [
        () => {
          throw new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });
        },
        () => recorded('aws-get-products-g5-page1.json'),
        () => recorded('aws-get-products-g5-page2.json'),
      ],
      'p5.48xlarge': [() => recorded('aws-get-products-p5.json')],
    };
    pricing.on(GetProductsCommand).callsFake((input: { Filters?: Array<{ Field?: string; Value?: string }> }) => {
      const type = input.Filters?.find((filter) => filter.Field === 'instanceType')?.Value ?? '';
      const next = answers[type]?.shift() ?? (() => ({ PriceList: [] }));
      return next() as GetProductsCommandOutput;
    });
    const out = join(tempDir(), 'prices.json');
    const retry = instantRetry();
    const client = new PricingClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const summary = await refreshCatalog({
      provider: 'aws',
      out,
      regions: ['us-east-1'],
      types: ['g5.xlarge', 'p5.48xlarge'],
      today,
      retry,
      aws: { client },
    });

    expect(summary.figures).toBe(2);
    expect(retry.delays).toEqual([75]);
    const calls = pricing.commandCalls(GetProductsCommand);
    expect(calls).toHaveLength(4);
    expect(calls[2]?.args[0].input).toMatchObject({ ServiceCode: 'AmazonEC2', NextToken: 'page-2-token' });
    expect(calls[0]?.args[0].input.Filters).toEqual(
      expect.arrayContaining([
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
        { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
        { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
        { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
        { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
      ]),
    );
    const catalog = loadCatalog(out);
    expect(priceInstance(catalog, 'aws', 'g5.xlarge', 'us-east-1')).toMatchObject({ onDemand: 1.006, spot: null });
    expect(priceInstance(catalog, 'aws', 'g5.xlarge', 'us-east-1')?.sources[0]).toMatch(/^AWS Price List API .* \(2026-10-01\)$/);
    // Not refreshed: kept from the built-in snapshot, spot included.
    expect(priceInstance(catalog, 'aws', 'g5.xlarge', 'us-west-2')).toMatchObject({ onDemand: 1.006, spot: 0.668 });
    expect(catalog.asOf).toBe(today);
  });
});

describe('pricing refresh: GCP Cloud Billing Catalog', () => {
  it('assembles machine prices from core, RAM and GPU SKUs across pages, retrying RESOURCE_EXHAUSTED', async () => {
    const client = new CloudCatalogClient({ apiKey: 'bogus', projectId: 'p' });
    await client.initialize();
    const pages: Record<string, unknown> = { '': recorded('gcp-list-skus-page1.json'), 'page-2': recorded('gcp-list-skus-page2.json') };
    const requests: Array<{ parent?: string; pageToken?: string }> = [];
    let throttled = false;
    client.innerApiCalls['listSkus'] = (request: { parent?: string; pageToken?: string }) => {
      requests.push(request);
      if (request.pageToken === 'page-2' && !throttled) {
        throttled = true;
        return Promise.reject(Object.assign(new Error('8 RESOURCE_EXHAUSTED: Quota exceeded'), { code: 8 }));
      }
      const page = pages[request.pageToken ?? ''] as { skus: unknown[]; nextPageToken: string };
      return Promise.resolve([page.skus, page.nextPageToken ? { ...request, pageToken: page.nextPageToken } : null, page]);
    };
    const out = join(tempDir(), 'prices.json');
    const retry = instantRetry();
    await refreshCatalog({
      provider: 'gcp',
      out,
      regions: ['us-central1', 'us-east4'],
      types: ['n1-standard-4', 'a2-highgpu-1g', 'nvidia-tesla-t4'],
      today,
      retry,
      gcp: { pages: () => Promise.resolve(catalogClientPages(client)) },
    });
    await client.close();

    expect(requests.map((request) => request.pageToken ?? '')).toEqual(['', 'page-2', 'page-2']);
    expect(requests[0]?.parent).toBe('services/6F81-5844-456A');
    expect(retry.delays).toHaveLength(1);
    const catalog = loadCatalog(out);
    // 4 × 0.031611 + 15 GiB × 0.004237; spot 4 × 0.006655 + 15 × 0.000892.
    expect(priceInstance(catalog, 'gcp', 'n1-standard-4', 'us-east4')).toMatchObject({ onDemand: 0.189999, spot: 0.04 });
    // 12 × 0.031611 + 85 × 0.004237 + 1 × 2.933908 (A2 SKUs listed for us-central1 only).
    expect(priceInstance(catalog, 'gcp', 'a2-highgpu-1g', 'us-central1')?.onDemand).toBe(3.673385);
    expect(catalog.accelerator('gcp', 'nvidia-tesla-t4', 'us-east4')).toMatchObject({ onDemand: 350_000n, spot: 140_000n });
    // a2 in us-east4 has no SKUs in the answer: the snapshot's estimate is kept, with its own source.
    expect(priceInstance(catalog, 'gcp', 'a2-highgpu-1g', 'us-east4')?.sources[0]).toMatch(/^Estimate/);
  });
});

describe('pricing refresh: Azure Retail Prices API', () => {
  let server: Server;
  let baseUrl: string;
  let requests: string[];
  let failPage2 = false;

  beforeEach(async () => {
    requests = [];
    failPage2 = false;
    let first = true;
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url?.startsWith('/prices?')) {
        if (first) {
          first = false;
          return send(429, { error: 'Too many requests' });
        }
        const page = recorded('azure-retail-prices-page1.json') as Record<string, unknown>;
        return send(200, { ...page, NextPageLink: `${baseUrl.replace('/prices', '')}/page2` });
      }
      if (request.url === '/page2') return failPage2 ? send(500, { error: 'boom' }) : send(200, recorded('azure-retail-prices-page2.json'));
      return send(404, {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prices`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('filters Linux pay-as-you-go and Spot meters, follows NextPageLink, retries 429', async () => {
    const out = join(tempDir(), 'prices.json');
    const retry = instantRetry();
    await refreshCatalog({
      provider: 'azure',
      out,
      regions: ['eastus'],
      types: ['Standard_NC24ads_A100_v4', 'Standard_D4s_v5'],
      today,
      retry,
      azure: { baseUrl },
    });

    expect(requests).toHaveLength(3);
    expect(retry.delays).toHaveLength(1);
    const filter = new URL(`http://x${requests[0]}`).searchParams.get('$filter');
    expect(new URL(`http://x${requests[0]}`).searchParams.get('api-version')).toBe('2023-01-01-preview');
    expect(filter).toContain("armRegionName eq 'eastus'");
    expect(filter).toContain("(armSkuName eq 'Standard_NC24ads_A100_v4' or armSkuName eq 'Standard_D4s_v5')");
    const catalog = loadCatalog(out);
    expect(priceInstance(catalog, 'azure', 'Standard_NC24ads_A100_v4', 'eastus')).toMatchObject({ onDemand: 3.673, spot: 1.1019 });
    expect(priceInstance(catalog, 'azure', 'Standard_D4s_v5', 'eastus')).toMatchObject({ onDemand: 0.192, spot: null });
  });

  it('a failure half-way leaves the old catalog file untouched', async () => {
    const dir = tempDir();
    const out = join(dir, 'prices.json');
    copyFileSync(new URL('../../src/pricing/catalog.json', import.meta.url), out);
    const before = readFileSync(out);
    failPage2 = true;
    await expect(
      refreshCatalog({
        provider: 'azure',
        out,
        regions: ['eastus'],
        types: ['Standard_NC24ads_A100_v4'],
        today,
        retry: instantRetry(),
        azure: { baseUrl },
      }),
    ).rejects.toThrow(/HTTP 500/);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['prices.json']);
  });
});

describe('atomic catalog write', () => {
  it('replaces the file in one step and leaves no temporary file', () => {
    const dir = tempDir();
    const out = join(dir, 'prices.json');
    writeFileSync(out, 'old');
    writeFileAtomic(out, 'new');
    expect(readFileSync(out, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['prices.json']);
  });

  it('keeps the old file when the final rename fails', () => {
    const dir = tempDir();
    const out = join(dir, 'prices.json');
    writeFileSync(out, 'old');
    expect(() =>
      writeFileAtomic(out, 'new', {
        rename: () => {
          throw new Error('EXDEV');
        },
      }),
    ).toThrow('EXDEV');
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['prices.json']);
  });
});
