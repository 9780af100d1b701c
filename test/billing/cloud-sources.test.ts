import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CostExplorerClient, GetCostAndUsageCommand, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import { CostManagementClient } from '@azure/arm-costmanagement';
import { createHttpHeaders, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultCostExplorerClient, fetchAwsCosts, fetchAwsForecast } from '../../src/billing/aws-cost-explorer.js';
import { fetchAzureCosts, fetchAzureForecast } from '../../src/billing/azure-cost-management.js';
import { BIGQUERY_CLIENT_OPTIONS, defaultBigQueryClient, discoverBillingProjects, fetchGcpCosts } from '../../src/billing/gcp-bigquery.js';
import { ResponseCache } from '../../src/billing/response-cache.js';
import type { RetryPolicy } from '../../src/retry.js';

const noWait: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1, sleep: () => Promise.resolve() };

describe('AWS Cost Explorer', () => {
  const ce = mockClient(CostExplorerClient);
  afterEach(() => ce.reset());
  const day = (start: string, end: string, groups: Array<[string, string, string]>) => ({
    TimePeriod: { Start: start, End: end },
    Estimated: false,
    Total: {},
    Groups: groups.map(([service, tag, amount]) => ({
      Keys: [service, tag],
      Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' }, AmortizedCost: { Amount: amount, Unit: 'USD' } },
    })),
  });
  const definitions = [
    { Type: 'DIMENSION' as const, Key: 'SERVICE' },
    { Type: 'TAG' as const, Key: 'team' },
  ];

  it('follows NextPageToken, retries throttling and maps groups to FOCUS columns', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
    ce.on(GetCostAndUsageCommand)
      .rejectsOnce(throttled)
      .resolvesOnce({
        GroupDefinitions: definitions,
        ResultsByTime: [day('2025-06-01', '2025-06-02', [['Amazon SageMaker', 'team$ml-research', '1250.1234567890']])],
        NextPageToken: 'page-2',
      })
      .resolvesOnce({
        GroupDefinitions: definitions,
        ResultsByTime: [
          day('2025-06-01', '2025-06-02', [['Amazon S3', 'team$', '3.5']]),
          day('2025-06-02', '2025-06-03', [['Amazon S3', 'team$ml-platform', '4']]),
        ],
      });
    const client = new CostExplorerClient({ region: 'us-east-1' });
    const records = await fetchAwsCosts({
      client,
      start: '2025-06-01',
      end: '2025-06-03',
      today: '2025-06-20',
      tagKeys: ['team'],
      retry: noWait,
    });
    expect(records.map((r) => [r.ChargePeriodStart.slice(0, 10), r.ServiceName, r.Tags, r.BilledCost])).toEqual([
      ['2025-06-01', 'Amazon SageMaker', { team: 'ml-research' }, 1_250_123_457n],
      ['2025-06-01', 'Amazon S3', {}, 3_500_000n],
      ['2025-06-02', 'Amazon S3', { team: 'ml-platform' }, 4_000_000n],
    ]);
    const calls = ce.commandCalls(GetCostAndUsageCommand);
    expect(calls).toHaveLength(3);
    expect(calls[2]?.args[0].input).toMatchObject({ Granularity: 'DAILY', NextPageToken: 'page-2', GroupBy: definitions });
    // Daily sums grouped on Cost Explorer's side: no other request (GetCostAndUsageWithResources would be line items).
    expect(ce.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual(Array(3).fill('GetCostAndUsageCommand'));
  });

  it('never asks again for closed days it has cached', async () => {
    const cache = new ResponseCache(mkdtempSync(join(tmpdir(), 'tollgate-ce-')));
    ce.on(GetCostAndUsageCommand).callsFake((input: { TimePeriod: { Start: string; End: string } }) => ({
      GroupDefinitions: definitions,
      ResultsByTime: [day(input.TimePeriod.Start, input.TimePeriod.End, [['EC2', 'team$a', '1']])],
    }));
    const client = new CostExplorerClient({ region: 'us-east-1' });
    const options = { client, start: '2025-06-17', end: '2025-06-20', today: '2025-06-20', tagKeys: ['team'], cache, retry: noWait };
    await fetchAwsCosts(options);
    await fetchAwsCosts(options);
    const periods = ce.commandCalls(GetCostAndUsageCommand).map((call) => call.args[0].input.TimePeriod);
    // 06-17 and 06-18 are closed and cached after the first run; 06-19 (yesterday) is asked again.
    expect(periods).toEqual([
      { Start: '2025-06-17', End: '2025-06-20' },
      { Start: '2025-06-19', End: '2025-06-20' },
    ]);
    await fetchAwsCosts({ ...options, refresh: true });
    expect(ce.commandCalls(GetCostAndUsageCommand).at(-1)?.args[0].input.TimePeriod).toEqual({ Start: '2025-06-17', End: '2025-06-20' });
  });

  it('names the source when the credentials have expired', async () => {
    ce.on(GetCostAndUsageCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }),
    );
    const client = new CostExplorerClient({ region: 'us-east-1' });
    await expect(
      fetchAwsCosts({ client, start: '2025-06-01', end: '2025-06-02', today: '2025-06-20', tagKeys: [], retry: noWait }),
    ).rejects.toThrow(/^aws: Cost Explorer GetCostAndUsage refused the credentials \(ExpiredTokenException/);
  });

  it('rejects an amount that is not a decimal string', async () => {
    ce.on(GetCostAndUsageCommand).resolves({
      GroupDefinitions: definitions,
      ResultsByTime: [day('2025-06-01', '2025-06-02', [['EC2', 'team$a', 'twelve']])],
    });
    const client = new CostExplorerClient({ region: 'us-east-1' });
    await expect(
      fetchAwsCosts({ client, start: '2025-06-01', end: '2025-06-02', today: '2025-06-20', tagKeys: ['team'], retry: noWait }),
    ).rejects.toThrow(/"twelve" .* is not a decimal number/);
  });

  it('forecasts the rest of the month', async () => {
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '12345.678', Unit: 'USD' } });
    const forecast = await fetchAwsForecast(new CostExplorerClient({ region: 'us-east-1' }), '2025-06-20', noWait);
    expect(forecast).toEqual({ source: 'aws', month: '2025-06', remaining: 12_345_678_000n, currency: 'USD' });
    expect(ce.commandCalls(GetCostForecastCommand)[0]?.args[0].input.TimePeriod).toEqual({ Start: '2025-06-20', End: '2025-07-01' });
  });
});

describe('Azure Cost Management', () => {
  const credential = { getToken: () => Promise.resolve({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const table = (rows: unknown[][], nextLink?: string) => ({
    id: 'q',
    name: 'q',
    type: 'Microsoft.CostManagement/query',
    properties: {
      ...(nextLink ? { nextLink } : {}),
      columns: [
        { name: 'Cost', type: 'Number' },
        { name: 'UsageDate', type: 'Number' },
        { name: 'ServiceName', type: 'String' },
        { name: 'TagKey', type: 'String' },
        { name: 'TagValue', type: 'String' },
        { name: 'Currency', type: 'String' },
      ],
      rows,
    },
  });

  function fakeHttp(
    responses: Array<{ status: number; body: unknown; headers?: Record<string, string> }>,
    seen: PipelineRequest[],
  ): HttpClient {
    return {
      sendRequest: (request) => {
        seen.push(request);
        const next = responses.shift() ?? { status: 500, body: {} };
        return Promise.resolve({
          request,
          status: next.status,
          headers: createHttpHeaders({ 'content-type': 'application/json', ...next.headers }),
          bodyAsText: JSON.stringify(next.body),
        });
      },
    };
  }

  it('pages through nextLink, retries 429 and maps rows', async () => {
    const seen: PipelineRequest[] = [];
    const next =
      'https://management.azure.com/subscriptions/sub-1/providers/Microsoft.CostManagement/query?api-version=2022-10-01&$skiptoken=AQAAAA%3D%3D';
    const httpClient = fakeHttp(
      [
        { status: 200, body: table([[812.5, 20250601, 'Virtual Machines', 'team', 'ml-platform', 'USD']], next) },
        {
          status: 429,
          body: { error: { code: '429', message: 'Too many requests' } },
          headers: { 'x-ms-ratelimit-microsoft.costmanagement-entity-retry-after': '0' },
        },
        { status: 200, body: table([[40.25, 20250602, 'Storage', 'team', '', 'USD']]) },
      ],
      seen,
    );
    const client = new CostManagementClient(credential, { httpClient, retryOptions: { maxRetries: 0 } });
    const records = await fetchAzureCosts({
      client,
      scope: 'subscriptions/sub-1',
      start: '2025-06-01',
      end: '2025-06-03',
      tagKeys: ['team'],
      retry: noWait,
    });
    expect(records.map((r) => [r.ChargePeriodStart.slice(0, 10), r.ServiceName, r.Tags, r.BilledCost, r.SubAccountId])).toEqual([
      ['2025-06-01', 'Virtual Machines', { team: 'ml-platform' }, 812_500_000n, 'sub-1'],
      ['2025-06-02', 'Storage', {}, 40_250_000n, 'sub-1'],
    ]);
    expect(seen.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'POST https://management.azure.com/subscriptions/sub-1/providers/Microsoft.CostManagement/query',
      'POST https://management.azure.com/subscriptions/sub-1/providers/Microsoft.CostManagement/query',
      'POST https://management.azure.com/subscriptions/sub-1/providers/Microsoft.CostManagement/query',
    ]);
    expect(seen[2]?.url).toContain('$skiptoken=');
    const body = seen[0]?.body;
    if (typeof body !== 'string') throw new Error('expected the first query to send a JSON text body');
    expect((JSON.parse(body) as { dataset: unknown }).dataset).toMatchObject({
      granularity: 'Daily',
      // Summed by Cost Management, per day and group: never the cost details' line items.
      aggregation: { Cost: { name: 'Cost', function: 'Sum' } },
      grouping: [
        { type: 'Dimension', name: 'ServiceName' },
        { type: 'TagKey', name: 'team' },
      ],
    });
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer fake-token');
  });

  it('names the scope when the credentials are refused', async () => {
    const httpClient = fakeHttp(
      [
        {
          status: 401,
          body: {
            error: { code: 'ExpiredAuthenticationToken', message: 'The access token expiry UTC time is earlier than current UTC time.' },
          },
        },
      ],
      [],
    );
    const client = new CostManagementClient(credential, { httpClient, retryOptions: { maxRetries: 0 } });
    await expect(
      fetchAzureCosts({ client, scope: 'subscriptions/sub-1', start: '2025-06-01', end: '2025-06-02', tagKeys: [], retry: noWait }),
    ).rejects.toThrow(/^azure: Cost Management query on subscriptions\/sub-1 refused the credentials \(401/);
  });

  it('sums the month-end forecast', async () => {
    const httpClient = fakeHttp(
      [
        {
          status: 200,
          body: {
            properties: {
              columns: [
                { name: 'Cost', type: 'Number' },
                { name: 'UsageDate', type: 'Number' },
                { name: 'CostStatus', type: 'String' },
                { name: 'Currency', type: 'String' },
              ],
              rows: [
                [100, 20250621, 'Forecast', 'USD'],
                [110.5, 20250622, 'Forecast', 'USD'],
              ],
            },
          },
        },
      ],
      [],
    );
    const client = new CostManagementClient(credential, { httpClient, retryOptions: { maxRetries: 0 } });
    expect(await fetchAzureForecast(client, 'subscriptions/sub-1', '2025-06-20', noWait)).toEqual({
      source: 'azure:subscriptions/sub-1',
      month: '2025-06',
      remaining: 210_500_000n,
      currency: 'USD',
    });
  });
});

describe('GCP BigQuery billing export', () => {
  let server: Server;
  let endpoint: string;
  const requests: Array<{ method: string; url: string; body: Record<string, unknown> }> = [];
  let throttleNext = true;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        res.setHeader('content-type', 'application/json');
        if (throttleNext) {
          throttleNext = false;
          res.statusCode = 429;
          res.end(JSON.stringify({ error: { code: 429, message: 'Exceeded rate limits', errors: [{ reason: 'rateLimitExceeded' }] } }));
          return;
        }
        const field = (name: string, type = 'STRING') => ({ name, type });
        res.end(
          JSON.stringify({
            kind: 'bigquery#queryResponse',
            jobReference: { projectId: 'billing-proj', jobId: 'job-1', location: 'US' },
            jobComplete: true,
            totalRows: '2',
            schema: {
              fields: [
                field('day', 'DATE'),
                field('service'),
                field('category'),
                field('region'),
                field('project'),
                field('sku'),
                field('sku_description'),
                field('resource'),
                field('currency'),
                field('tag0'),
                field('billed'),
                field('list'),
              ],
            },
            rows: [
              {
                f: [
                  { v: '2025-06-01' },
                  { v: 'Compute Engine' },
                  { v: null },
                  { v: 'us-central1' },
                  { v: 'research-tpu' },
                  { v: 'sku-a2' },
                  { v: 'Preemptible Nvidia Tesla A100 GPU' },
                  { v: null },
                  { v: 'USD' },
                  { v: 'ml-research' },
                  { v: '120.5' },
                  { v: '344.2' },
                ],
              },
              {
                f: [
                  { v: '2025-06-02' },
                  { v: 'BigQuery' },
                  { v: null },
                  { v: 'us' },
                  { v: 'speech-prod' },
                  { v: 'sku-bq' },
                  { v: 'Analysis' },
                  { v: null },
                  { v: 'USD' },
                  { v: null },
                  { v: '35' },
                  { v: '35' },
                ],
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs parameterised, server-side aggregating SQL and maps the rows', async () => {
    // customEndpoint: the client talks to the local server without Google credentials.
    const bigquery = new BigQuery({ apiEndpoint: endpoint, projectId: 'billing-proj', customEndpoint: true } as BigQueryOptions);
    const records = await fetchGcpCosts({
      bigquery,
      table: 'billing-proj.billing.gcp_billing_export_v1_0123AB_CDEF45_6789AB',
      start: '2025-06-01',
      end: '2025-06-03',
      tagKeys: ['team'],
      retry: noWait,
    });
    expect(
      records.map((r) => [r.ChargePeriodStart.slice(0, 10), r.ServiceName, r.SubAccountId, r.PricingCategory, r.Tags, r.BilledCost]),
    ).toEqual([
      ['2025-06-01', 'Compute Engine', 'research-tpu', 'Dynamic', { team: 'ml-research' }, 120_500_000n],
      ['2025-06-02', 'BigQuery', 'speech-prod', null, {}, 35_000_000n],
    ]);
    const query = requests.at(-1)?.body as { query: string; queryParameters: Array<{ name: string; parameterValue: { value: string } }> };
    // Summed by BigQuery per day and group: the export's line items never leave it.
    expect(query.query).toMatch(/SUM\(cost\)/);
    expect(query.query).toMatch(/GROUP BY day, service/);
    expect(query.query).toMatch(/usage_start_time >= TIMESTAMP\(@start\)/);
    expect(query.queryParameters.map((p) => [p.name, p.parameterValue.value])).toEqual([
      ['start', '2025-06-01T00:00:00Z'],
      ['end', '2025-06-03T00:00:00Z'],
      ['tag0', 'team'],
    ]);
    expect(requests.length).toBeGreaterThanOrEqual(2); // the throttled attempt was retried
  });

  it('refuses a table name that is not project.dataset.table', async () => {
    const bigquery = new BigQuery({ apiEndpoint: endpoint, projectId: 'p', customEndpoint: true } as BigQueryOptions);
    await expect(
      fetchGcpCosts({ bigquery, table: 'x`; DROP TABLE y; --', start: '2025-06-01', end: '2025-06-02', tagKeys: [] }),
    ).rejects.toThrow(/is not a BigQuery table name/);
  });

  it('discovers the projects billed to an account', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async generator is the plainest AsyncIterable, which the client's paging API returns; there is nothing to await
    async function* pages() {
      yield { projectId: 'speech-prod', billingEnabled: true };
      yield { projectId: 'old-sandbox', billingEnabled: false };
      yield { projectId: 'research-tpu', billingEnabled: true };
    }
    expect(await discoverBillingProjects({ listProjectBillingInfoAsync: () => pages() }, '0123AB-CDEF45-6789AB')).toEqual([
      'research-tpu',
      'speech-prod',
    ]);
  });
});

describe('one owner of retries per client', () => {
  it('turns the SDKs’ own retries off where the clients are constructed (withRetry retries)', async () => {
    const aws = defaultCostExplorerClient();
    expect(await aws.config.maxAttempts()).toBe(1);
    expect(defaultBigQueryClient()).toBeInstanceOf(BigQuery);
    expect(BIGQUERY_CLIENT_OPTIONS.retryOptions).toEqual({ autoRetry: false, maxRetries: 0 });
  });
});
