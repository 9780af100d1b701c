/** The inventory reader: the fixtures and the starter read; every kind of bad input is one located error. */
import { describe, expect, it } from 'vitest';
import { parseInventory, readInventoryFile, INVENTORY_LIMITS } from '../../src/inputs/inventory/index.js';
import { STARTER_INVENTORY } from '../../src/inputs/inventory/starter-inventory.js';
import { TollgateError } from '../../src/model/errors.js';

const NOW = '2026-11-23T09:00:00Z';
const DIGEST = `sha256:${'a'.repeat(64)}`;

function inventoryWith(version: string, extra = ''): string {
  return `models:
  - id: fraud
    owner_team: risk-ml
    risk_tier: high
    versions:
      - version: "${version}"
        artifact: { uri: s3://m/1, digest: ${DIGEST} }
${extra}`;
}

function errorOf(text: string): string {
  try {
    parseInventory(text, 'inventory.yaml', NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(TollgateError);
    return (error as TollgateError).format();
  }
  throw new Error('expected an error');
}

describe('inventory reader', () => {
  it('reads the sample inventory, versions as strings', () => {
    const inventory = readInventoryFile('fixtures/inventory/ml-platform.yaml', NOW);
    expect(inventory.models.map((m) => m.id)).toEqual(['fraud-detector', 'assistant-70b', 'churn-scorer', 'face-match']);
    expect(inventory.models[0]?.versions.map((v) => v.version)).toEqual(['6', '7']);
  });

  it('reads the starter inventory that init writes', () => {
    expect(parseInventory(STARTER_INVENTORY, 'inventory.yaml', NOW).models).toHaveLength(1);
  });

  it.each([
    [
      'duplicate model id',
      `${inventoryWith('1')}  - id: fraud\n    owner_team: x\n    risk_tier: minimal\n    versions: []\n`,
      'inventory.yaml:8:9: duplicate model id "fraud" (first at line 2)',
    ],
    [
      'duplicate version',
      `${inventoryWith('1')}      - version: 1\n        artifact: { uri: s3://m/1, digest: ${DIGEST} }\n`,
      'inventory.yaml:8:18: duplicate version "1" of model "fraud" (first at line 6)',
    ],
    [
      'approval after now',
      inventoryWith(
        '1',
        `        approvals:\n          - { reviewer: sam, role: risk, decision: approve, date: "2026-11-24", digest: ${DIGEST} }\n`,
      ),
      'inventory.yaml:9:67: approval is dated 2026-11-24, after today (2026-11-23); a review cannot come from the future',
    ],
    [
      'unknown precision',
      inventoryWith('1', '        precision: fp64\n'),
      'inventory.yaml:8:20: models.0.versions.0.precision must be one of "fp32", "bf16", "fp16", "fp8", "int8", "int4"',
    ],
    [
      'negative count',
      inventoryWith('1', '        deployments:\n          - { environment: prod, platform: vertex, region: us-central1, replicas: -2 }\n'),
      'inventory.yaml:9:83: models.0.versions.0.deployments.0.replicas must be >= 0',
    ],
    [
      'negative parameter count',
      inventoryWith('1', '        parameters: -7\n'),
      'inventory.yaml:8:21: models.0.versions.0.parameters must be >= 0',
    ],
    [
      'approval without digest',
      inventoryWith('1', '        approvals:\n          - { reviewer: sam, role: risk, decision: approve, date: "2026-11-01" }\n'),
      'inventory.yaml:9:13: models.0.versions.0.approvals.0 is missing "digest"',
    ],
    [
      'bad digest',
      inventoryWith('1').replace(DIGEST, 'sha256:abc'),
      'inventory.yaml:7:44: models.0.versions.0.artifact.digest is "sha256:abc", expected a sha256 digest written sha256:<64 lower-case hex digits>',
    ],
    [
      'id with "--"',
      inventoryWith('1').replace('id: fraud', 'id: fraud--x'),
      expect.stringContaining('inventory.yaml:2:9: models.0.id is "fraud--x", expected a lower-case id'),
    ],
    ['unknown key', inventoryWith('1', '        owner: sam\n'), 'inventory.yaml:8:9: unknown key "owner" in models.0.versions.0'],
    ['syntax error', 'models: [\n', expect.stringMatching(/^inventory\.yaml:2:1: /)],
    ['empty document', '# nothing\n', 'inventory.yaml: inventory is empty; it needs at least `models: []`'],
  ])('%s is one located error', (_name, text, expected) => {
    expect(errorOf(text)).toEqual(expected);
  });

  it('refuses a YAML alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    lines.push('models: []');
    expect(errorOf(lines.join('\n'))).toMatch(/^inventory\.yaml: cannot read document: .*alias/i);
  });

  it('refuses a deeply nested document', () => {
    const text = `models: []\nx: ${'['.repeat(INVENTORY_LIMITS.maxDepth + 1)}${']'.repeat(INVENTORY_LIMITS.maxDepth + 1)}\n`;
    expect(errorOf(text)).toBe(`inventory.yaml: document nests deeper than ${INVENTORY_LIMITS.maxDepth} levels`);
  });
});
