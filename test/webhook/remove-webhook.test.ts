/**
 * `tollgate remove-webhook` on the real CLI: its mistakes are one line and exit 2. Deleting for real, as the
 * uninstall hook's ServiceAccount, is tested against kube-apiserver in test/e2e/operations.sh.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tollgate } from '../cli/run-cli.js';

describe('tollgate remove-webhook', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-remove-webhook-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help says what it is for and what it needs', () => {
    const result = tollgate(['remove-webhook', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pre-delete\s+hook/);
    expect(result.stdout).toContain('already gone is success');
  });

  it('refuses a name that is not a Kubernetes name, and a cluster it cannot reach, with one line and exit 2', () => {
    const bad = tollgate(['remove-webhook', 'Not_A_Name']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/remove-webhook needs the configuration's name/)]);

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: nowhere',
        'clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:1" } }]',
        'users: [{ name: nowhere, user: { token: t } }]',
        'contexts: [{ name: nowhere, context: { cluster: nowhere, user: nowhere } }]',
        '',
      ].join('\n'),
    );
    const unreachable = tollgate(['remove-webhook', 'tollgate', '--kubeconfig', kubeconfig]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/cannot delete ValidatingWebhookConfiguration tollgate: connection refused/),
    ]);
  });
});
