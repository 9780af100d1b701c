/**
 * Model inventory from the real CLI: `inventory validate`, `init --inventory`, and `check` on the sample
 * ML serving plan with its inventory. The review and model-savings decisions are golden files, the
 * quantization saving is checked against a hand calculation, and an audit of the inventory alone (no plan)
 * reaches the same decisions about the models.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from './run-cli.js';

const INVENTORY = 'fixtures/inventory/ml-platform.yaml';
const CONFIG = 'fixtures/inventory/tollgate.yaml';
const PLAN = 'fixtures/plans/ml-serving.json';

interface Item {
  rule: string;
  resource: string;
  message: string;
  monthly_savings_usd?: number;
  evidence: Record<string, unknown>;
}
interface DecisionJson {
  violations: Item[];
  warnings: Item[];
  recommendations: Item[];
  exempted: Item[];
}

function check(args: readonly string[]): DecisionJson {
  const result = tollgate(['check', ...args, '--config', CONFIG, '--now', '2026-11-23', '-f', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  return JSON.parse(result.stdout) as DecisionJson;
}

/** The decisions about models: review gates and model savings, without the digests of a run. */
function modelDecisions(decision: DecisionJson): Record<string, Item[]> {
  const isModelRule = (item: Item) => /^TG-(REV-|SAV-QUANT|SAV-IDLE)/.test(item.rule);
  return {
    violations: decision.violations.filter(isModelRule),
    warnings: decision.warnings.filter(isModelRule),
    recommendations: decision.recommendations.filter(isModelRule),
  };
}

describe('tollgate check --plan P --inventory I', () => {
  const withPlan = check(['--plan', PLAN, '--inventory', INVENTORY]);
  const audit = check(['--inventory', INVENTORY]);

  it('matches its golden decision', () => {
    const golden = join(repoRoot, 'test', 'golden', 'decisions', 'ml-serving-inventory.json');
    const text = `${JSON.stringify({ ...withPlan, bundleRevision: '(any)', inputDigest: '(any)' }, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(join(repoRoot, 'test', 'golden', 'decisions'), { recursive: true });
      writeFileSync(golden, text);
    }
    // A missing golden file fails: it is written only when asked for, and reviewed in the diff.
    expect(existsSync(golden), `${golden} is missing; write it with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('stops the SageMaker endpoint serving an unapproved version', () => {
    const approvals = withPlan.violations.find((v) => v.rule === 'TG-REV-002');
    expect(approvals?.resource).toBe('aws_sagemaker_endpoint_configuration.fraud');
    expect(approvals?.message).toContain('0 of 2 required approvals');
    expect(approvals?.message).toContain('maya@example.com (on the owning team risk-ml)');
    expect(approvals?.message).toContain('li@example.com (approved artifact sha256:fc0f91faa298, not the deployed sha256:ba01310bc003)');
  });

  it('prices int4 for the fp16 70B model on Vertex as a hand calculation says', () => {
    const int4 = withPlan.recommendations.find((r) => r.rule === 'TG-SAV-QUANT' && r.evidence['target_precision'] === 'int4');
    expect(int4?.resource).toBe('google_vertex_ai_endpoint.assistant');
    // 70e9 parameters × 0.5 byte × 1.2 overhead = 39.1 GiB: two L4s (48 GiB, g2-standard-24) hold it.
    // Built-in catalog, us-central1: a2-ultragpu-2g $10.1376/h, g2-standard-24 $2.00081/h.
    const byHand = Math.round(2 * 730 * (10.1376 - 2.00081) * 100) / 100;
    expect(byHand).toBe(11879.71);
    expect(int4?.monthly_savings_usd).toBe(byHand);
    expect((int4?.evidence['recommended'] as { instance_type: string }).instance_type).toBe('g2-standard-24');
  });

  it('reaches the same decisions about models from the inventory alone (audit of what is deployed)', () => {
    expect(modelDecisions(audit)).toEqual(modelDecisions(withPlan));
  });
});

describe('tollgate inventory validate', () => {
  it('accepts the sample inventory', () => {
    const result = tollgate(['inventory', 'validate', INVENTORY, '--now', '2026-11-23']);
    expect(result).toEqual({ code: 0, stdout: `${INVENTORY}: valid (4 models, 5 versions, 4 deployments)\n`, stderr: '' });
  });

  it('rejects a bad inventory with one located line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-inventory-'));
    writeFileSync(join(dir, 'bad.yaml'), 'models:\n  - id: x\n    owner_team: t\n    risk_tier: extreme\n    versions: []\n');
    const result = tollgate(['inventory', 'validate', 'bad.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tollgate: bad.yaml:4:16: models.0.risk_tier must be one of "minimal", "limited", "high", "prohibited"\n');
  });

  it('check without --plan or --inventory is a usage error', () => {
    const result = tollgate(['check', '--config', CONFIG]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to check: give --plan FILE, --inventory FILE, or both');
  });
});

describe('tollgate init --inventory', () => {
  it('writes a starter inventory that validates, next to the config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-init-'));
    expect(tollgate(['init', '--inventory'], { cwd: dir }).code).toBe(0);
    expect(tollgate(['inventory', 'validate', 'inventory.yaml'], { cwd: dir }).code).toBe(0);
    expect(tollgate(['init', '--inventory'], { cwd: dir }).code).toBe(2);
  });
});
