/**
 * `tollgate test` through the real CLI (dist/) and the real OPA CLI on custom-policy directories: one whose tests
 * pass (using the built-in library, a built-in test fixture and the generated rule docs), one with a failing
 * test, one with a parse error, one calling a builtin the wasm target lacks; plus `init --rule`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOpa } from '../../src/compiler/opa-cli.js';
import { installedOpa } from '../installed-opa.js';
import { TollgateError } from '../../src/model/errors.js';
import { tollgate } from './run-cli.js';

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-rego-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const rule = `# METADATA
# title: GPU instances carry an owner tag
# description: Someone must answer for every GPU.
# custom:
#   severity: low
#   enforcement: warn
#   parameters:
#     tag:
#       description: Tag key naming the owner.
#       default: owner
package tollgate.rules.acme["ACME-GPU-001"]

import data.tollgate.lib.config
import data.tollgate.lib.finding

findings contains finding.new(r, "no owner", {}) if {
	some r in input.resources
	r.compute.accelerator.count > 0
	not r.tags[config.param("ACME-GPU-001", "tag")]
}

unused_branch if input.never == "reached"
`;

const passingTest = `package tollgate.rules.acme["ACME-GPU-001_test"]

import data.tollgate.lib.models_fixtures_test as fixtures
import data.tollgate.rules.acme["ACME-GPU-001"] as rule

_gpu(tags) := {"address": "aws_instance.a", "compute": {"accelerator": {"count": 1}}, "tags": tags}

test_gpu_without_owner_is_found if {
	count(rule.findings) == 1 with input as {"resources": [_gpu({})]}
}

test_gpu_with_owner_passes if {
	count(rule.findings) == 0 with input as {"resources": [_gpu({"owner": "ml"})]}
}

test_builtin_fixtures_and_rule_docs_are_loaded if {
	fixtures.now == "2026-11-23T09:00:00Z"
	data.tollgate.meta.rules["ACME-GPU-001"].severity == "low"
}
`;

const failingTest = `package tollgate.rules.acme["ACME-GPU-001_test"]

import data.tollgate.rules.acme["ACME-GPU-001"] as rule

test_passes if {
	count(rule.findings) == 0 with input as {"resources": []}
}

test_fails if {
	print("findings:", rule.findings) with input as {"resources": []}
	count(rule.findings) == 1 with input as {"resources": []}
}
`;

const parseErrorTest = `package acme_test

test_broken if {
	x := {
`;

const opa = installedOpa();

describe.skipIf(opa === null)('tollgate test', () => {
  it('passes when every test of the team passes, with the built-in library, its fixtures and the rule docs', () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule, 'acme/gpu_owner_test.rego': passingTest });
    const result = tollgate(['test', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('PASS: 3/3\n');
  });

  it('exits 1 naming the failing test at its file and line, with what it printed', () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule, 'acme/gpu_owner_test.rego': failingTest });
    const result = tollgate(['test', 'acme'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('acme/gpu_owner_test.rego:9: data.tollgate.rules.acme["ACME-GPU-001_test"].test_fails: FAIL');
    expect(result.stdout).toContain('findings: set()');
    expect(result.stdout).toContain('PASS: 1/2\nFAIL: 1/2\n');
    expect(result.stdout).not.toContain('test_passes');
  });

  it('writes JUnit with a failure per failing test, and JSON with every result', () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule, 'acme/gpu_owner_test.rego': failingTest });
    const junit = tollgate(['test', dir, '--format', 'junit']);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/<testsuites name="tollgate test" tests="2" failures="1" errors="0"/);
    expect(junit.stdout).toMatch(
      /<testcase classname="data.tollgate.rules.acme\[&quot;ACME-GPU-001_test&quot;\]" name="test_fails" file="[^"]+gpu_owner_test.rego" line="9"/,
    );
    expect(junit.stdout).toContain('<failure message="test_fails failed" type="fail">');
    const json = tollgate(['test', dir, '--format', 'json', '--run', 'test_passes$']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { tests: Array<{ name: string; result: string }>; summary: { total: number } };
    expect(parsed.tests.map((test) => [test.name, test.result])).toEqual([['test_passes', 'pass']]);
    expect(parsed.summary.total).toBe(1);
  });

  it('reports coverage of the policies, not the tests, and fails under --threshold', () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule, 'acme/gpu_owner_test.rego': passingTest });
    const covered = tollgate(['test', dir, '--coverage']);
    expect(covered.code).toBe(0);
    expect(covered.stdout).toMatch(/COVERAGE: \d+\.\d% of the policy lines\n {2}\S+gpu_owner.rego: \d+\.\d%; not covered: lines 22\n$/);
    const under = tollgate(['test', dir, '--threshold', '100']);
    expect(under.code).toBe(1);
    expect(under.stdout).toContain('(threshold 100.0%, NOT MET)');
  });

  it('exits 2 with one line naming file:line for a Rego parse error', () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule, 'acme/broken_test.rego': parseErrorTest });
    const result = tollgate(['test', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tollgate: \S+\/acme\/broken_test\.rego:5: rego_parse_error: .*\n$/);
  });

  it('exits 2 when a policy calls a builtin the wasm target lacks, as `build` would', () => {
    const wasmless = rule.replace(
      'some r in input.resources',
      'some r in input.resources\n\tr.x == http.send({"method": "get", "url": "https://x"})',
    );
    const dir = policyDir({ 'acme/gpu_owner.rego': wasmless, 'acme/gpu_owner_test.rego': passingTest });
    const result = tollgate(['test', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tollgate: \S+\/acme\/gpu_owner\.rego:18: rego_type_error: undefined function http\.send.*\n$/);
  });

  it.each([
    [['test', 'no-such-dir'], /^tollgate: no-such-dir: policy directory not found\n$/],
    [['test', '.', '--format', 'tap'], /^tollgate: --format must be one of text, json, junit \(got "tap"\)\n$/],
    [['test', '.', '--threshold', 'lots'], /^tollgate: --threshold must be a percentage from 0 to 100 \(got "lots"\)\n$/],
    [['test', '.', '--run', '('], /^tollgate: --run is not a valid regular expression: \(\n$/],
    [['test', '.'], /^tollgate: \.: no \*_test\.rego files here to run\n$/],
  ])('exits 2 on bad input: %j', (args, message) => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule });
    const result = tollgate(args, { cwd: dir });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('exits 2 when TOLLGATE_OPA names no file', () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': rule, 'acme/gpu_owner_test.rego': passingTest });
    const result = tollgate(['test', dir], { env: { TOLLGATE_OPA: join(dir, 'missing-opa') } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tollgate: TOLLGATE_OPA points at \S+missing-opa, which does not exist\n$/);
  });

  it('scaffolds with `init --rule` an example rule whose tests pass', () => {
    const dir = policyDir({});
    const init = tollgate(['init', '--rule'], { cwd: dir });
    expect(init.code).toBe(0);
    const result = tollgate(['test', '--verbose'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('policies/rules/team/TEAM-GPU-001/gpu_owner_test.rego:');
    expect(result.stdout).toMatch(/PASS: 4\/4\n$/);
  });
});

describe('finding the OPA CLI for tests', () => {
  it('says how to install it when it is nowhere to be found', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tollgate-no-opa-'));
    const find = (): string => findOpa({ PATH: empty }, empty, 'test');
    expect(find).toThrow(TollgateError);
    expect(find).toThrow(
      /^running Rego tests needs the OPA CLI, which is not on PATH: install it with `go install github.com\/open-policy-agent\/opa@v\d/,
    );
  });
});
