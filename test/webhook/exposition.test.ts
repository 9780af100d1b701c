/**
 * The metrics expositions, linted: by the Prometheus project's own linter (client_golang's promlint, what
 * `promtool check metrics` runs; scripts/promlint, built by scripts/install-tools.sh into .tools/bin) and by
 * exposition-lint.ts, which also checks what promlint does not (duplicate series, cumulative buckets): the
 * webhook's after real traffic over HTTPS, summed as the primary sums workers, and the audit's. Both linters are
 * shown to catch what they check on broken samples. Without a built promlint its checks are skipped with a
 * message; in CI it is always built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditMetrics } from '../../src/audit/audit-metrics.js';
import type { AuditResult } from '../../src/audit/audit-run.js';
import { lintExposition } from './exposition-lint.js';
import { post } from './https-client.js';
import { gpuDeploymentReview, gpuPodReview } from './reviews.js';
import { startTestServer, type TestServer } from './test-server.js';

/**
 * prom-client's default Node.js metrics include three gauges whose names end in _total, which promlint flags;
 * they are the library's names, the same in every Node.js service, so dashboards expect them as they are.
 */
const PROM_CLIENT_DEFAULT_NAMES = ['nodejs_active_resources_total', 'nodejs_active_handles_total', 'nodejs_active_requests_total'];
const lint = (text: string): string[] =>
  lintExposition(text).filter((problem) => !PROM_CLIENT_DEFAULT_NAMES.some((name) => problem === `${name}: only counters end in _total`));

const promlintPath = fileURLToPath(new URL('../../.tools/bin/promlint', import.meta.url));
const promlintBuilt = existsSync(promlintPath);
if (!promlintBuilt) console.warn(`skipping promlint checks: ${promlintPath} is missing (bash scripts/install-tools.sh promlint)`);

/**
 * promlint's problems ("metric: text"), less prom-client's standard default names, and whether it parsed the
 * exposition (exit 2 and stderr when it could not).
 */
function promlint(text: string): { parsed: boolean; problems: string[] } {
  const result = spawnSync(promlintPath, [], { input: text, encoding: 'utf8' });
  const problems = result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .filter((line) => !PROM_CLIENT_DEFAULT_NAMES.some((name) => line === `${name}: non-counter metrics should not have "_total" suffix`));
  return { parsed: (result.status === 0 || result.status === 1) && result.stderr === '', problems };
}

describe.skipIf(!promlintBuilt)('metrics exposition, by promlint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("the webhook's after traffic, summed over workers, and the audit's have no problems", async () => {
    await post(server.port, server.tls.ca, gpuDeploymentReview);
    await post(server.port, server.tls.ca, gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1, { dryRun: true }));
    await post(server.port, server.tls.ca, '{"not": "a review"}');
    const text = await server.scrape();
    expect(text).toContain('tollgate_admission_requests_total');
    expect(promlint(text)).toEqual({ parsed: true, problems: [] });
    const json = await server.metrics.registry.getMetricsAsJSON();
    expect(promlint(await AggregatorRegistry.aggregate([json, json]).metrics())).toEqual({ parsed: true, problems: [] });
    expect(promlint(await new AuditMetrics().render())).toEqual({ parsed: true, problems: [] });
  });

  it('finds what it checks', () => {
    const result = promlint('# TYPE requests counter\nrequests 1\n# HELP busy_total Busy.\n# TYPE busy_total gauge\nbusy_total 1\n');
    expect(result.parsed).toBe(true);
    expect(promlint('requests{code="200" 1\n').parsed).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'requests: no help text',
        'requests: counter metrics should have "_total" suffix',
        expect.stringMatching(/^busy_total: non-counter/),
      ]),
    );
  });
});

describe('metrics exposition', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("the webhook's passes the linter after allowed, denied, dry-run and rejected requests", async () => {
    await post(server.port, server.tls.ca, gpuDeploymentReview);
    await post(server.port, server.tls.ca, gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1));
    await post(server.port, server.tls.ca, gpuPodReview('ml-dev', 'nvidia-tesla-a100', 1, { dryRun: true }));
    await post(server.port, server.tls.ca, '{"not": "a review"}');
    const text = await server.scrape();
    expect(text).toContain('tollgate_admission_rule_findings_total{rule="TG-GPU-002",action="would_deny"} 1');
    expect(lint(text)).toEqual([]);
  });

  it('summed over two registries, as the primary sums its workers, it still passes', async () => {
    const json = await server.metrics.registry.getMetricsAsJSON();
    const summed = await AggregatorRegistry.aggregate([json, json]).metrics();
    expect(lint(summed)).toEqual([]);
    expect(summed).toMatch(/^tollgate_bundle_info\{revision="[^"]+"\} 1$/m);
  });

  it("the audit's passes before any run and after one", async () => {
    const metrics = new AuditMetrics();
    expect(lintExposition(await metrics.render())).toEqual([]);
    const result = {
      decision: {
        violations: [{ resource: 'ml-dev/Pod/a', rule: 'TG-GPU-002' }],
        warnings: [{ resource: 'ml-dev/Pod/a', rule: 'TG-TAG-001' }],
      },
      objects: [{ address: 'ml-dev/Pod/a', namespace: 'ml-dev' }],
      kinds: [{ kind: 'Pod', listed: 3, judged: 1 }],
      durationMs: 1500,
    } as unknown as AuditResult;
    metrics.recordSuccess(result, new Date('2026-01-01T00:00:00Z'));
    metrics.recordFailure();
    const text = await metrics.render();
    expect(text).toContain('tollgate_audit_violations{namespace="ml-dev",rule="TG-GPU-002"} 1');
    expect(text).toContain('tollgate_audit_last_run_timestamp_seconds 1767225600');
    expect(lintExposition(text)).toEqual([]);
  });

  it('the linter finds what it checks', () => {
    const broken = [
      '# HELP requests Requests.',
      '# TYPE requests counter',
      'requests{code="200"} 1',
      'requests{code="200"} 2',
      'undeclared 1',
      '# HELP latency Latency.',
      '# TYPE latency histogram',
      'latency_bucket{le="1"} 5',
      'latency_bucket{le="0.5"} 3',
      'latency_bucket{le="+Inf"} 4',
      'latency_sum 2',
      'latency_count 9',
      'bad{x="unterminated} 1',
    ].join('\n');
    const problems = lintExposition(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'requests: counter names end in _total',
        expect.stringMatching(/duplicate series requests/),
        'undeclared: sample without TYPE',
        'latency{}: le not ascending',
        'latency{}: buckets not cumulative',
        'latency{}: +Inf bucket 4 differs from _count 9',
        expect.stringMatching(/not a sample|bad label list/),
      ]),
    );
  });
});
