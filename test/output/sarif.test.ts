import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/model/decision.js';
import type { Resource } from '../../src/model/resource.js';
import type { CheckResult } from '../../src/output/check-result.js';
import {
  FINGERPRINT_KEY,
  LINE_HASH_KEY,
  SECURITY_AREAS,
  artifactLocation,
  fingerprint,
  renderSarif,
  ruleName,
  toSarif,
} from '../../src/output/sarif.js';
import { expectGolden } from './golden.js';
import { present } from '../present.js';
import { cleanReport, sampleReport } from './sample-report.js';

const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
const SCHEMA_PATH = fileURLToPath(new URL('../../../shared/schemas-external/sarif-schema-2.1.0.json', import.meta.url));
const schemaPresent = existsSync(SCHEMA_PATH);
/** A clone without ../shared skips the schema validation; a checkout that has it must have the schema too. */
const sharedPresent = existsSync(SHARED_DIR);

function run(report: CheckResult) {
  const [first] = toSarif(report).runs;
  return first;
}

function withDecision(change: (decision: Decision) => Partial<Decision>): CheckResult {
  return { ...sampleReport, decision: { ...sampleReport.decision, ...change(sampleReport.decision) } };
}

describe('sarif renderer', () => {
  it('matches the golden file', () => {
    expectGolden('sample.sarif', renderSarif(sampleReport));
  });

  describe.skipIf(!schemaPresent)('against the official SARIF 2.1.0 schema', () => {
    function validator() {
      // The OASIS file is written in JSON Schema draft-04 ("$schema" draft-04, "id"), which ajv 8 has no
      // meta-schema for. The keywords it uses mean the same in draft-07, so it is compiled as draft-07: the
      // meta-schema reference is dropped and the root "id" becomes "$id".
      const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
      const ajv = new Ajv({ strict: false, allErrors: true });
      // ajv-formats is not a dependency: the formats the schema names are accepted as-is (structure is what we test).
      for (const format of ['uri', 'uri-reference', 'date-time', 'uuid', 'email']) ajv.addFormat(format, true);
      return ajv.compile({ ...schema, $id: String(id) });
    }

    it.each([
      ['the sample report', sampleReport],
      ['a clean report', cleanReport],
    ])('validates %s', (_name, report) => {
      const validate = validator();
      const valid = validate(JSON.parse(renderSarif(report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });

    it('is a live check: a log with an unknown level fails it', () => {
      const validate = validator();
      const broken = JSON.parse(renderSarif(sampleReport)) as { runs: Array<{ results: Array<{ level: string }> }> };
      const result = broken.runs[0]?.results[0];
      if (result === undefined) throw new Error('the sample report has no SARIF result');
      result.level = 'fatal';
      expect(validate(broken)).toBe(false);
    });
  });
  if (sharedPresent) {
    it('has the official SARIF 2.1.0 schema to validate against', () => {
      expect(schemaPresent, `${SCHEMA_PATH} is missing although ${SHARED_DIR} is there`).toBe(true);
    });
  } else {
    it.skip(`${SHARED_DIR} is not present beside the checkout, so SARIF is not validated against the official schema`, () => undefined);
  }

  it('declares version 2.1.0, the schema and one successful invocation', () => {
    const log = toSarif(sampleReport);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(run(sampleReport).invocations).toEqual([{ executionSuccessful: true }]);
    expect(run(sampleReport).tool.driver).toMatchObject({ name: 'tollgate', version: '0.1.0' });
  });

  it('describes every rule in the bundle, sorted by id, with level and security severity', () => {
    const rules = run(sampleReport).tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([...sampleReport.rules.map((r) => r.id)].sort());
    const encryption = rules.find((r) => r.id === 'TG-ENC-001');
    expect(encryption).toMatchObject({
      name: 'StorageIsEncryptedAtRest',
      shortDescription: { text: 'Storage is encrypted at rest' },
      helpUri: 'https://github.com/tollgate-dev/tollgate/blob/v0.1.0/policies/rules/encryption/TG-ENC-001/policy.rego',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['encryption', 'security'], 'security-severity': '8.0', precision: 'very-high' },
    });
    expect(encryption?.help.text).toContain('Remediation: Enable server-side encryption');
    expect(encryption?.help.markdown).toContain('| `require_customer_key` | `false` | Require a customer-managed key. |');
    expect(rules.find((r) => r.id === 'TG-TAG-001')?.defaultConfiguration.level).toBe('warning');
    expect(rules.find((r) => r.id === 'TG-REG-001')?.properties['security-severity']).toBe('9.5');
  });

  it('gives violations "error", warnings "warning", undecidable warnings "note"', () => {
    const levels = run(sampleReport).results.map(
      (r) => `${r.level} ${r.ruleId} ${r.locations[0]?.logicalLocations[0]?.fullyQualifiedName}`,
    );
    expect(levels).toContain('error TG-ENC-001 aws_s3_bucket.datasets');
    expect(levels).toContain('warning TG-TAG-001 aws_s3_bucket.datasets');
    expect(levels).toContain('note TG-ENC-001 aws_ebs_volume.scratch');
    expect(run(sampleReport).results).toHaveLength(4 + 5 + 1);
  });

  it('points ruleIndex at the rule it names', () => {
    const { results, tool } = run(sampleReport);
    for (const result of results) expect(tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
  });

  it('locates a result at the declaring file and line, or at the plan file, and always by address', () => {
    const { results } = run(sampleReport);
    const declared = results.find((r) => r.ruleId === 'TG-REG-001' && r.level === 'error');
    expect(declared?.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: 'infra/serving.tf', uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } },
        logicalLocations: [{ fullyQualifiedName: 'aws_sagemaker_endpoint.llm', kind: 'resource' }],
      },
    ]);
    const undeclared = results.find((r) => r.ruleId === 'TG-TAG-001' && r.level === 'warning' && r.message.text.endsWith('team'));
    expect(undeclared?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'plans/ml-platform.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
  });

  it('gives every result a start line, 1 when only the plan file is known', () => {
    for (const result of run(sampleReport).results) {
      expect(result.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
  });

  it('writes paths relative to the repository root when run from a subdirectory', () => {
    const report: CheckResult = { ...sampleReport, paths: { root: '/repo', cwd: '/repo/terraform/prod' } };
    const { results } = run(report);
    const declared = results.find((r) => r.ruleId === 'TG-REG-001' && r.level === 'error');
    expect(declared?.locations[0]?.physicalLocation.artifactLocation).toEqual({
      uri: 'terraform/prod/infra/serving.tf',
      uriBaseId: '%SRCROOT%',
    });
    const undeclared = results.find((r) => r.ruleId === 'TG-TAG-001' && r.message.text.endsWith('team'));
    expect(undeclared?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('terraform/prod/plans/ml-platform.json');
    // A plan outside the repository keeps an absolute location instead of a "../" path code scanning cannot place.
    const outside: CheckResult = { ...report, source: { ...report.source, file: '/tmp/plan.json' } };
    const tmp = run(outside).results.find((r) => r.ruleId === 'TG-TAG-001' && r.message.text.endsWith('team'));
    expect(tmp?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'file:///tmp/plan.json' });
  });

  it('puts security-severity and the security tag on security rules only', () => {
    const rules = run(sampleReport).tool.driver.rules;
    for (const rule of rules) {
      const area = sampleReport.rules.find((r) => r.id === rule.id)?.area ?? '';
      if (SECURITY_AREAS.has(area)) {
        expect(rule.properties.tags, rule.id).toContain('security');
        expect(rule.properties['security-severity'], rule.id).toMatch(/^\d+\.\d$/);
      } else {
        expect(rule.properties.tags, rule.id).not.toContain('security');
        expect(rule.properties, rule.id).not.toHaveProperty('security-severity');
        expect(rule.properties['problem.severity'], rule.id).toMatch(/^(error|warning)$/);
      }
      expect(rule.properties.precision).toBe('very-high');
    }
    expect(rules.find((r) => r.id === 'TG-TAG-001')?.properties).not.toHaveProperty('security-severity');
    expect(rules.find((r) => r.id === 'TG-GPU-001')?.properties).not.toHaveProperty('security-severity');
  });

  it('names the upload category in automationDetails.id, "tollgate/" by default', () => {
    expect(run(sampleReport).automationDetails).toEqual({ id: 'tollgate/' });
    expect(run({ ...sampleReport, category: 'tollgate-prod' }).automationDetails).toEqual({ id: 'tollgate-prod/' });
  });

  it('has no helpUri for a custom rule', () => {
    const custom = { ...present(sampleReport.rules[0], 'a rule'), id: 'ACME-001' };
    const rules = run({ ...sampleReport, rules: [...sampleReport.rules, custom] }).tool.driver.rules;
    expect(rules.find((r) => r.id === 'ACME-001')).not.toHaveProperty('helpUri');
  });

  it.each([
    ['infra/storage.tf', { uri: 'infra/storage.tf', uriBaseId: '%SRCROOT%' }],
    ['.\\modules\\gpu nodes\\main.tf', { uri: 'modules/gpu%20nodes/main.tf', uriBaseId: '%SRCROOT%' }],
    ['/home/ci/plan.json', { uri: 'file:///home/ci/plan.json' }],
    ['C:\\work\\plan.json', { uri: 'file:///C:/work/plan.json' }],
  ])('turns the path %s into an artifact location', (path, expected) => {
    expect(artifactLocation(path)).toEqual(expected);
  });

  it('reports exempted findings as suppressed results', () => {
    const exempted = run(sampleReport).results.filter((r) => r.suppressions);
    expect(exempted).toHaveLength(1);
    expect(exempted[0]).toMatchObject({
      ruleId: 'TG-REG-001',
      level: 'error',
      suppressions: [
        { kind: 'external', status: 'accepted', justification: 'Data residency waiver DPO-2026-17 (mirror of public datasets only)' },
      ],
    });
  });

  it('fingerprints a finding by rule and resource: stable when the message or line changes', () => {
    const before = run(sampleReport).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    const reworded = withDecision((d) => ({
      violations: d.violations.map((v) => ({ ...v, message: `${v.message} (reworded)` })),
      warnings: d.warnings.map((w) => ({ ...w, message: w.message.toUpperCase() })),
    }));
    const moved: CheckResult = {
      ...reworded,
      resources: sampleReport.resources.map((r): Resource =>
        r.location ? { ...r, location: { ...r.location, line: r.location.line + 10 } } : r,
      ),
    };
    expect(run(moved).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(before);
    const lineHashes = run(sampleReport).results.map((r) => r.partialFingerprints[LINE_HASH_KEY]);
    expect(run(moved).results.map((r) => r.partialFingerprints[LINE_HASH_KEY])).toEqual(lineHashes);
    for (const hash of lineHashes) expect(hash).toMatch(/^[0-9a-f]{16}:1$/);
    // A finding added on another resource leaves the others' fingerprints as they were.
    const [first] = sampleReport.decision.violations;
    const added = withDecision((d) => ({
      violations: [...d.violations, { ...present(first, 'a violation'), resource: 'aws_s3_bucket.new' }],
    }));
    const after = new Set(run(added).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]));
    for (const print of before) expect(after.has(print)).toBe(true);
    expect(fingerprint('TG-ENC-001', 'aws_s3_bucket.datasets')).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint('TG-ENC-001', 'aws_s3_bucket.datasets')).not.toBe(fingerprint('TG-ENC-001', 'aws_s3_bucket.logs'));
    // The separator keeps "ab"+"c" and "a"+"bc" apart.
    expect(fingerprint('ab', 'c')).not.toBe(fingerprint('a', 'bc'));
  });

  it('keeps two findings of one rule on one resource apart', () => {
    const [first] = sampleReport.decision.violations;
    const twice = withDecision((d) => ({
      violations: [...d.violations, { ...present(first, 'a violation'), message: 'a second problem' }],
    }));
    const prints = run(twice)
      .results.filter((r) => !r.suppressions)
      .map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('describes a rule that has no docs so that its results still have a rule', () => {
    const [first] = sampleReport.decision.violations;
    if (first === undefined) throw new Error('the sample report has no violation');
    const report = withDecision((d) => ({
      violations: [...d.violations, { ...first, rule: 'ACME-001', message: 'custom policy' }],
    }));
    const { results, tool } = run(report);
    const custom = results.find((r) => r.ruleId === 'ACME-001');
    expect(tool.driver.rules[custom?.ruleIndex ?? -1]?.id).toBe('ACME-001');
  });

  it('strips control characters from messages', () => {
    const messages = run(sampleReport).results.map((r) => r.message.text);
    expect(messages.join('')).not.toMatch(/[\u0001\u001b]/);
    expect(messages.some((m) => m.includes('<script>&'))).toBe(true);
  });

  it.each([
    ['Storage is encrypted at rest', 'StorageIsEncryptedAtRest'],
    ['Endpoints require TLS 1.2 or later', 'EndpointsRequireTLS12OrLater'],
  ])('names the rule titled "%s" %s', (title, name) => {
    expect(ruleName(title)).toBe(name);
  });
});
