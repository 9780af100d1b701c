/**
 * The real `bin/tollgate.js audit` (built dist/), spawned as a user or a CronJob runs it: stdout, stderr and
 * the exit code, against the recording API server.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../cli/run-cli.js';
import { PODS, startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';
import { FIXTURE_CONFIG, NOW, gpuPod } from './workloads.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Asynchronous: the API server answers from this process while the CLI runs. */
function tollgate(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tollgate.js', ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: FakeApiServer;

beforeAll(async () => {
  server = await startFakeApiServer({
    intercept: (request) =>
      request.path === '/api/v1/namespaces/locked/pods' ? { status: 403, body: { message: 'pods is forbidden' } } : undefined,
  });
  server.namespace('ml-dev');
  server.namespace('locked');
  server.add(PODS, gpuPod('ml-dev', 'forbidden-a100', 'nvidia-tesla-a100'), gpuPod('ml-dev', 'allowed-l4', 'nvidia-l4'));
});
afterAll(() => server.stop());

describe('tollgate audit (the CLI)', () => {
  const base = (): string[] => ['audit', '--kubeconfig', server.kubeconfig, '--config', FIXTURE_CONFIG, '--now', NOW];

  it('prints the findings as text and exits 1 when a violation reaches --fail-on', async () => {
    const run = await tollgate([...base(), '-n', 'ml-dev']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Pod/ml-dev/forbidden-a100');
    expect(run.stdout).toContain('TG-GPU-002');
    expect(run.stdout).toMatch(/1 violation, .* in 2 resources — FAIL/);
    // Only the notes for the kinds this cluster does not serve.
    expect(run.stderr.trim().split('\n')).toEqual([
      'tollgate: note: InferenceService (serving.kserve.io/v1beta1) skipped: the cluster does not serve that API (CRD not installed)',
      'tollgate: note: PyTorchJob (kubeflow.org/v1) skipped: the cluster does not serve that API (CRD not installed)',
    ]);
  }, 60_000);

  it('--fail-on never exits 0 with the same findings, as JSON', async () => {
    const run = await tollgate([...base(), '-n', 'ml-dev', '--fail-on', 'never', '--format', 'json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { violations: Array<{ resource: string; rule: string }> };
    expect(json.violations.map((v) => `${v.resource} ${v.rule}`)).toEqual(['Pod/ml-dev/forbidden-a100 TG-GPU-002']);
  }, 60_000);

  it('a forbidden list: exit 2, one line naming the cluster and the list, no stack, nothing on stdout', async () => {
    const run = await tollgate([...base(), '-n', 'locked']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `tollgate: cluster context fake (${server.url}): cannot list Pod objects in namespace locked: forbidden (403: pods is forbidden); ` +
        'see deploy/audit-cronjob.yaml for the RBAC audit needs\n',
    );
  }, 60_000);

  it('a bad flag value is one usage line, exit 2, before the cluster is read', async () => {
    const before = server.requests.length;
    const run = await tollgate([...base(), '--page-size', 'lots']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('tollgate: --page-size must be a whole number of objects from 1 to 10000 (got "lots")\n');
    expect(server.requests.length).toBe(before);
  }, 60_000);

  it('--help explains the flags, the kinds, PolicyReports and the exit codes', async () => {
    const run = await tollgate(['audit', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['--kubeconfig', '--context', '--namespace', '--page-size', '--policy-reports', 'Exit codes', 'PyTorchJob']) {
      expect(run.stdout).toContain(text);
    }
  }, 60_000);
});
