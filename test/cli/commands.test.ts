import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOpa } from '../../src/compiler/opa-cli.js';
import { TollgateError } from '../../src/model/errors.js';
import { tollgate } from './run-cli.js';

const workDir = (): string => mkdtempSync(join(tmpdir(), 'tollgate-cmd-'));

function opaAvailable(): boolean {
  try {
    findOpa();
    return true;
  } catch {
    return false;
  }
}

describe('tollgate explain', () => {
  it('lists every rule without an argument', () => {
    const result = tollgate(['explain']);
    expect(result.code).toBe(0);
    for (const id of ['TG-ENC-001', 'TG-REG-002', 'TG-GPU-001', 'TG-TAG-001', 'TG-CFG-001']) expect(result.stdout).toContain(id);
  });

  it("prints a rule's rationale, remediation and parameters", () => {
    const result = tollgate(['explain', 'tg-enc-003']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TG-ENC-003 {2}/);
    expect(result.stdout).toContain('How to fix');
    expect(result.stdout).toContain('min_version = "1.2"');
  });

  it('names the known rules when asked for an unknown one', () => {
    const result = tollgate(['explain', 'TG-NOPE-001']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tollgate: no rule TG-NOPE-001 in the bundle; known rules: (TG-[A-Z0-9-]+, )*TG-CFG-001, /);
  });
});

describe('tollgate init', () => {
  it('writes a starter config that check accepts, and will not overwrite it', () => {
    const dir = workDir();
    expect(tollgate(['init'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'tollgate.yaml'), 'utf8')).toContain('environments:');
    const again = tollgate(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('tollgate.yaml: already exists; pass --force');
    expect(tollgate(['init', '--force'], { cwd: dir }).code).toBe(0);
  });
});

describe('help and version', () => {
  it('explains check, its flags and exit codes', () => {
    const result = tollgate(['check', '--help']);
    expect(result.code).toBe(0);
    for (const text of ['--plan', '--format', '--fail-on', '--tf-dir', '--policy', '--bundle', 'Exit codes']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('prints the version', () => {
    expect(tollgate(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('treats an unknown command as a usage error', () => {
    const result = tollgate(['chek']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
  });
});

describe('the OPA CLI is needed only to compile', () => {
  it('says exactly how to get it when it is missing', () => {
    const error = (() => {
      try {
        findOpa({ PATH: '/nonexistent' }, '/nonexistent');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TollgateError);
    expect((error as TollgateError).message).toMatch(/go install github\.com\/open-policy-agent\/opa@v\d+\.\d+\.\d+/);
    expect((error as TollgateError).message).toContain('--bundle');
  });
});

describe.skipIf(!opaAvailable())('tollgate check --policy and tollgate build', () => {
  const rule = `# METADATA
# title: Notebooks are tagged with an owner
# custom:
#   severity: low
#   remediation: Add an owner tag.
package tollgate.rules.acme["ACME-NB-001"]

import data.tollgate.lib.resources

findings contains {"resource": r.address, "message": concat(" ", [r.address, "has no owner tag"])} if {
	some r in resources.judged
	r.compute.role == "notebook"
	not r.tags.owner
}
`;

  function setup(): { dir: string; policies: string; cache: string } {
    const dir = workDir();
    const policies = join(dir, 'policies', 'acme');
    mkdirSync(policies, { recursive: true });
    writeFileSync(join(policies, 'notebook_owner.rego'), rule);
    return { dir, policies: join(dir, 'policies'), cache: join(dir, 'cache') };
  }

  it('compiles the team rule with the built-in library, then reuses the cached bundle', () => {
    const { policies, cache } = setup();
    const args = [
      'check',
      '--plan',
      'fixtures/plans/aws-ml-platform.json',
      '--policy',
      policies,
      '-f',
      'json',
      '--fail-on',
      'never',
      '--now',
      '2026-11-23',
    ];
    const first = tollgate(args, { env: { TOLLGATE_CACHE_DIR: cache } });
    expect(first.stderr).toBe('');
    const rules = (JSON.parse(first.stdout) as { violations: Array<{ rule: string; resource: string }> }).violations.map(
      (v) => `${v.rule} ${v.resource}`,
    );
    expect(rules).toContain('ACME-NB-001 aws_sagemaker_notebook_instance.research');
    expect(rules.some((r) => r.startsWith('TG-ENC-001'))).toBe(true);
    expect(readdirSync(join(cache, 'bundles'))).toHaveLength(1);
    // The second run must not need the OPA CLI at all.
    const second = tollgate(args, { env: { TOLLGATE_CACHE_DIR: cache, TOLLGATE_OPA: '/nonexistent/opa' } });
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
  });

  it('builds a bundle that --bundle evaluates, and explain reads', () => {
    const { dir, policies } = setup();
    const bundle = join(dir, 'team.tar.gz');
    const built = tollgate(['build', policies, '-o', bundle]);
    expect(built.code).toBe(0);
    expect(existsSync(bundle)).toBe(true);
    expect(tollgate(['explain', 'ACME-NB-001', '--bundle', bundle]).stdout).toContain('Notebooks are tagged with an owner');
    const checked = tollgate(['check', '--plan', 'fixtures/plans/aws-ml-platform.json', '--bundle', bundle, '-f', 'json']);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('ACME-NB-001');
  });

  it('reports a Rego error in the team rule as an input error', () => {
    const { policies, cache } = setup();
    writeFileSync(join(policies, 'acme', 'broken.rego'), 'package tollgate.rules.acme["ACME-X-001"]\n\nfindings contains x if {\n');
    const result = tollgate(['check', '--plan', 'fixtures/plans/aws-ml-platform.json', '--policy', policies], {
      env: { TOLLGATE_CACHE_DIR: cache },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tollgate: .*broken\.rego:4: rego_parse_error: unexpected eof token\n$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
