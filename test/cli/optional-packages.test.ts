/**
 * The cloud SDKs, DuckDB and the Kubernetes client are optional dependencies: the commands that load them say
 * exactly what to install when one is missing (exit 2, one line), and `check` runs without any of them. The
 * missing packages are simulated with a module resolve hook (test/cli/hide-packages.mjs) in the real CLI.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_PACKAGES, pinnedVersion, REPORT_PACKAGES, requirePackages } from '../../src/cli/optional-packages.js';
import { TollgateError } from '../../src/model/errors.js';
import { repoRoot, tollgate } from './run-cli.js';

const hook = new URL('./hide-packages.mjs', import.meta.url).pathname;
const OPTIONAL = [...REPORT_PACKAGES, ...AUDIT_PACKAGES, '@aws-sdk/client-pricing', '@google-cloud/billing'];

function without(packages: readonly string[], args: readonly string[]): ReturnType<typeof tollgate> {
  return tollgate(args, { env: { NODE_OPTIONS: `--import=${hook}`, HIDE_PACKAGES: packages.join(',') } });
}

describe('optional dependencies', () => {
  it('names every missing package and the pinned install line', () => {
    const resolve = (name: string): string => {
      if (name === '@duckdb/node-api' || name === '@azure/identity') {
        throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
      }
      return `file:///node_modules/${name}/index.js`;
    };
    expect(() => requirePackages('report', REPORT_PACKAGES, resolve)).toThrow(TollgateError);
    expect(() => requirePackages('report', REPORT_PACKAGES, resolve)).toThrow(
      `report needs @duckdb/node-api, @azure/identity (optional dependencies not installed): npm install @duckdb/node-api@${pinnedVersion('@duckdb/node-api') ?? ''} @azure/identity@${pinnedVersion('@azure/identity') ?? ''}`,
    );
    expect(() => requirePackages('report', REPORT_PACKAGES, (name) => name)).not.toThrow();
  });

  it('lists every optional package in package.json with an exact version', () => {
    for (const name of OPTIONAL) expect(pinnedVersion(name)).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('audit without the Kubernetes client is exit 2 with the install line', () => {
    const result = without(AUDIT_PACKAGES, ['audit']);
    expect(result.stderr).toBe(
      `tollgate: audit needs @kubernetes/client-node (an optional dependency not installed): npm install @kubernetes/client-node@${pinnedVersion('@kubernetes/client-node') ?? ''}\n`,
    );
    expect(result.code).toBe(2);
  });

  it('remove-webhook without the Kubernetes client is exit 2 with the install line', () => {
    const result = without(AUDIT_PACKAGES, ['remove-webhook', 'tollgate']);
    expect(result.stderr).toMatch(
      /^tollgate: remove-webhook needs @kubernetes\/client-node \(an optional dependency not installed\): npm install @kubernetes\/client-node@\S+\n$/,
    );
    expect(result.code).toBe(2);
  });

  it('report without DuckDB and an SDK is exit 2 with the install line, before anything is written', () => {
    const result = without(['@duckdb/node-api', '@aws-sdk/client-cost-explorer'], ['report', '--source', 'aws', '--out', 'never-written']);
    expect(result.stderr).toMatch(
      /^tollgate: report needs @duckdb\/node-api, @aws-sdk\/client-cost-explorer \(optional dependencies not installed\): npm install @duckdb\/node-api@\S+ @aws-sdk\/client-cost-explorer@\S+\n$/,
    );
    expect(result.code).toBe(2);
  });

  it('pricing refresh without the AWS price client is exit 2 with the install line', () => {
    const result = without(['@aws-sdk/client-pricing'], ['pricing', 'refresh', '--provider', 'aws', '--out', 'never-written.json']);
    expect(result.stderr).toMatch(
      /^tollgate: pricing refresh --provider aws needs @aws-sdk\/client-pricing .*: npm install @aws-sdk\/client-pricing@\S+\n$/,
    );
    expect(result.code).toBe(2);
  });

  it('check, explain and --help run with every optional package missing', () => {
    const plan = `${repoRoot}fixtures/plans/aws-ml-platform.json`;
    const check = without(OPTIONAL, ['check', '--plan', plan, '--fail-on', 'never', '--format', 'json']);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(without(OPTIONAL, ['--help']).code).toBe(0);
    expect(without(OPTIONAL, ['explain', 'TG-ENC-001']).code).toBe(0);
  });
});
