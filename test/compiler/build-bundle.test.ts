import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, bundleRevision } from '../../src/compiler/build-bundle.js';
import { manifestRevision } from '../../src/compiler/source-revision.js';
import { installedOpa } from '../installed-opa.js';
import { ruleDocsFromInspect } from '../../src/compiler/rule-docs.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { TollgateError } from '../../src/model/errors.js';
import { builtinPolicyDir } from '../../src/package-paths.js';

const opa = installedOpa();
/** The tests that call it run only when opa is installed. */
function requireOpa(): string {
  if (opa === null) throw new Error('opa is not installed');
  return opa;
}

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const customRule = `# METADATA
# title: GPU instances carry an owner tag
# description: Someone must answer for every GPU.
# custom:
#   id: ACME-GPU-001
#   severity: low
#   enforcement: warn
#   remediation: Add an owner tag.
#   parameters:
#     tag:
#       description: Tag key naming the owner.
#       default: owner
package tollgate.rules.acme["ACME-GPU-001"]

findings contains finding if {
	some resource in input.resources
	resource.compute.accelerator.count > 0
	not resource.tags.owner
	finding := {"resource": resource.address, "message": sprintf("%s has no owner tag", [resource.address])}
}
`;

describe.skipIf(opa === null)('compiling custom policies with the built-in library', () => {
  it('compiles a team rule, extracts its METADATA and evaluates it alongside the built-in rules', async () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': customRule });
    const output = join(dir, 'out', 'bundle.tar.gz');
    const result = await buildBundle({ policyDirs: [builtinPolicyDir, dir], output, opa: requireOpa() });
    expect(result.rules.find((rule) => rule.id === 'ACME-GPU-001')).toMatchObject({
      area: 'acme',
      severity: 'low',
      enforcement: 'warn',
      parameters: { tag: { default: 'owner', description: 'Tag key naming the owner.' } },
    });
    const engine = await PolicyEngine.load(readBundleFile(output), {});
    const decision = engine.evaluate({
      subject: 'plan',
      context: { now: '2026-11-23T00:00:00Z', source: 't', defaultEnvironment: null },
      resources: [
        {
          address: 'aws_instance.train',
          type: 'aws_instance',
          kind: 'compute',
          action: 'create',
          tags: {},
          taggable: false,
          compute: { accelerator: { model: 'A100', count: 8, memoryGiB: 40 } },
          encryption: null,
          transport: null,
          unknown: [],
          values: {},
        },
      ],
    });
    expect(decision.warnings).toContainEqual(
      expect.objectContaining({ rule: 'ACME-GPU-001', severity: 'low', message: 'aws_instance.train has no owner tag' }),
    );
  });

  it('rejects at build time a builtin the wasm runtime lacks', async () => {
    const dir = policyDir({
      'clock.rego':
        'package tollgate.rules.acme["ACME-T-001"]\n\nfindings contains {"resource": "x", "message": "m"} if time.now_ns() > 0\n',
    });
    const error = await buildBundle({ policyDirs: [builtinPolicyDir, dir], output: join(dir, 'b.tar.gz'), opa: requireOpa() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).message).toMatch(/time\.now_ns/);
    expect((error as TollgateError).file).toBe(join(dir, 'clock.rego'));
  });

  it('reports a Rego syntax error with its file and line', async () => {
    const dir = policyDir({ 'broken.rego': 'package tollgate.rules.acme["ACME-B-001"]\n\nfindings contains x if {\n' });
    const error = (await buildBundle({ policyDirs: [dir], output: join(dir, 'b.tar.gz'), opa: requireOpa() }).catch(
      (e: unknown) => e,
    )) as TollgateError;
    expect(error.format()).toMatch(/broken\.rego:4: rego_parse_error/);
  });

  it('fails the build on a METADATA severity it does not know, naming the file and the value', async () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': customRule.replace('severity: low', 'severity: hgh') });
    const error = await buildBundle({ policyDirs: [builtinPolicyDir, dir], output: join(dir, 'b.tar.gz'), opa: requireOpa() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).format()).toBe(
      `${join(dir, 'acme/gpu_owner.rego')}:13: rule ACME-GPU-001: METADATA severity "hgh" is not one of critical, high, medium, low, info`,
    );
    expect(existsSync(join(dir, 'b.tar.gz'))).toBe(false);
  });

  it('refuses a rule id defined twice', async () => {
    const dir = policyDir({ 'dup.rego': customRule.replace(/ACME-GPU-001/g, 'TG-ENC-001') });
    const error = (await buildBundle({ policyDirs: [builtinPolicyDir, dir], output: join(dir, 'b.tar.gz'), opa: requireOpa() }).catch(
      (e: unknown) => e,
    )) as TollgateError;
    expect(error.message).toMatch(/TG-ENC-001 is defined twice/);
  });
});

describe('rule docs from `opa inspect -a`', () => {
  const inspectOf = (custom: Record<string, unknown>): string =>
    JSON.stringify({
      annotations: [
        {
          annotations: { scope: 'package', title: 'T', custom },
          location: { file: '/p/rules/a/x.rego', row: 1 },
          path: ['data', 'tollgate', 'rules', 'area', 'TG-X-001'].map((value) => ({ type: 'string', value })),
        },
      ],
    });
  const failure = (custom: Record<string, unknown>): string => {
    try {
      ruleDocsFromInspect(inspectOf(custom), '/p');
    } catch (error) {
      expect(error).toBeInstanceOf(TollgateError);
      return (error as TollgateError).format();
    }
    throw new Error('expected ruleDocsFromInspect to throw');
  };

  it('keeps only package-scoped annotations under data.tollgate.rules and fills defaults', () => {
    const inspect = JSON.stringify({
      annotations: [
        {
          annotations: { scope: 'package', title: 'T', custom: {} },
          location: { file: '/p/rules/a/x.rego' },
          path: ['data', 'tollgate', 'rules', 'area', 'TG-X-001'].map((value) => ({ type: 'string', value })),
        },
        {
          annotations: { scope: 'document', entrypoint: true },
          path: ['data', 'tollgate', 'decision'].map((value) => ({ type: 'string', value })),
        },
      ],
    });
    expect(ruleDocsFromInspect(inspect, '/p')).toEqual([
      {
        id: 'TG-X-001',
        area: 'area',
        title: 'T',
        description: '',
        severity: 'medium',
        enforcement: 'deny',
        remediation: '',
        parameters: {},
        file: 'rules/a/x.rego',
      },
    ]);
  });

  it('takes every severity and both default enforcements', () => {
    for (const severity of ['critical', 'high', 'medium', 'low', 'info']) {
      for (const enforcement of ['deny', 'warn']) {
        expect(ruleDocsFromInspect(inspectOf({ severity, enforcement }), '/p')[0]).toMatchObject({ severity, enforcement });
      }
    }
  });

  it('refuses a severity or enforcement it does not know instead of defaulting', () => {
    expect(failure({ severity: 'hgh' })).toBe(
      '/p/rules/a/x.rego:1: rule TG-X-001: METADATA severity "hgh" is not one of critical, high, medium, low, info',
    );
    expect(failure({ severity: 'High' })).toMatch(/METADATA severity "High" is not one of/);
    expect(failure({ severity: 3 })).toMatch(/METADATA severity 3 is not one of/);
    expect(failure({ severity: '' })).toMatch(/METADATA severity "" is not one of/);
    expect(failure({ enforcement: 'block' })).toBe(
      '/p/rules/a/x.rego:1: rule TG-X-001: METADATA enforcement "block" is not one of deny, warn',
    );
    expect(failure({ enforcement: 'off' })).toMatch(/METADATA enforcement "off" is not one of deny, warn/);
  });
});

describe('the bundle revision covers policy and data', () => {
  it('is the same for the same policy and data, whatever the key order of the data', () => {
    const sources = bundleRevision([builtinPolicyDir]);
    expect(manifestRevision(sources, { a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      manifestRevision(sources, { b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
  });

  it('changes when only the generated data changes (a rule doc, same Rego)', () => {
    const sources = bundleRevision([builtinPolicyDir]);
    expect(manifestRevision(sources, { tollgate: { meta: { rules: { X: { severity: 'low' } } } } })).not.toBe(
      manifestRevision(sources, { tollgate: { meta: { rules: { X: { severity: 'high' } } } } }),
    );
  });

  it('changes when only a data file beside the Rego changes', () => {
    const dir = policyDir({ 'acme/rule.rego': 'package acme\n\nallow := true\n', 'acme/data.json': '{"limits": {"gpus": 4}}' });
    const before = bundleRevision([dir]);
    writeFileSync(join(dir, 'acme/data.json'), '{"limits": {"gpus": 8}}');
    expect(bundleRevision([dir])).not.toBe(before);
  });

  it.runIf(opa !== null)('is written to the manifest of a compiled bundle and changes when only its data does', async () => {
    const dir = policyDir({ 'acme/gpu_owner.rego': customRule, 'acme/limits/data.json': '{"gpus": 4}' });
    const first = await buildBundle({ policyDirs: [builtinPolicyDir, dir], output: join(dir, 'out', 'a.tar.gz'), opa: requireOpa() });
    writeFileSync(join(dir, 'acme/limits/data.json'), '{"gpus": 8}');
    const second = await buildBundle({ policyDirs: [builtinPolicyDir, dir], output: join(dir, 'out', 'b.tar.gz'), opa: requireOpa() });
    expect(readBundleFile(first.output).manifest.revision).toBe(first.revision);
    expect(readBundleFile(second.output).manifest.revision).toBe(second.revision);
    expect(second.revision).not.toBe(first.revision);
    const data = readBundleFile(second.output).data as { tollgate: { meta: unknown } };
    expect(second.revision).toBe(manifestRevision(bundleRevision([builtinPolicyDir, dir]), { tollgate: { meta: data.tollgate.meta } }));
  });
});
