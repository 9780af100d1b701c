/**
 * A model trained on pii or phi data with no residency: the inventory is valid, `inventory validate` warns
 * (exit 0, one stderr line per dataset naming where it is), and TG-REV-006 refuses its deployments anywhere.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryWarnings, parseInventory } from '../../src/inputs/inventory/index.js';
import { tollgate } from '../cli/run-cli.js';

const now = '2026-11-23T00:00:00Z';

function inventoryText(datasets: string): string {
  return `version: 1
models:
  - id: triage
    owner_team: clinical-ml
    risk_tier: high
    datasets:
${datasets}
    versions:
      - version: "1"
        artifact: { uri: "s3://models/triage/1/", digest: "sha256:${'a'.repeat(64)}" }
`;
}

describe('pii/phi datasets without residency', () => {
  it.each([
    ['phi without residency', '      - { name: admissions, classification: phi }', ['admissions']],
    ['pii without residency', '      - { name: claims, classification: pii }', ['claims']],
    ['pii with residency', '      - { name: claims, classification: pii, residency: [eu-*] }', []],
    ['confidential without residency', '      - { name: notes, classification: confidential }', []],
    [
      'two of them',
      '      - { name: claims, classification: pii }\n      - { name: admissions, classification: phi }',
      ['claims', 'admissions'],
    ],
  ])('%s', (_what, datasets, named) => {
    const warnings = inventoryWarnings(parseInventory(inventoryText(datasets), 'inventory.yaml', now));
    expect(warnings.map((warning) => /dataset "([^"]+)"/.exec(warning)?.[1])).toEqual(named);
  });

  it('inventory validate exits 0 and warns on stderr, naming the file, the place and what TG-REV-006 will do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-residency-'));
    writeFileSync(join(dir, 'inventory.yaml'), inventoryText('      - { name: admissions, classification: phi }'));
    const result = tollgate(['inventory', 'validate', 'inventory.yaml', '--now', '2026-11-23'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('inventory.yaml: valid (1 models, 1 versions, 0 deployments)\n');
    expect(result.stderr).toBe(
      'tollgate: warning: inventory.yaml: models[0].datasets[0]: model "triage" is trained on phi dataset "admissions", which states no residency; ' +
        'TG-REV-006 refuses every deployment of the model until residency lists the regions it may serve in\n',
    );
  });
});
