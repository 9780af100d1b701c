import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBundleFile } from '../../src/engine/bundle.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { tarOf } from '../engine/tar-writer.js';
import { repoRoot, tollgate } from './run-cli.js';

const NOW = ['--now', '2026-11-23'];

interface Finding {
  rule: string;
  resource: string;
}
interface CostedResource {
  address: string;
  hourlyOnDemand: number;
  instances: number;
  monthlyAfter: number;
  hoursPerMonth: number;
}
/** The parts of `-f json` these tests read. */
interface JsonReport {
  violations: Finding[];
  warnings: Finding[];
  exempted: Finding[];
  summary: { resources: number };
  costs?: { unpricedResources: number; resources: CostedResource[] };
  spend?: Array<{ monthToDate: number | null }>;
}
const jsonReport = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;
const workDir = (): string => mkdtempSync(join(tmpdir(), 'tollgate-cli-'));

function file(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const tinyPlan = JSON.stringify({
  format_version: '1.2',
  terraform_version: '1.9.5',
  resource_changes: [
    {
      address: 'aws_ebs_volume.scratch',
      mode: 'managed',
      type: 'aws_ebs_volume',
      name: 'scratch',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: {
          availability_zone: 'us-east-1a',
          size: 10,
          encrypted: false,
          tags: { team: 'ml', 'cost-center': 'c1', environment: 'dev' },
        },
        after_unknown: {},
      },
    },
  ],
});

describe('tollgate check: verdicts and exit codes', () => {
  it('exits 1 on a deny-level violation and prints a readable verdict', () => {
    const dir = workDir();
    const result = tollgate(['check', '--plan', file(dir, 'plan.json', tinyPlan), ...NOW]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('TG-ENC-001');
    expect(result.stdout).toMatch(/FAIL/);
    expect(result.stderr).toBe('');
  });

  it('exits 0 when the violation is below --fail-on or the rule is turned off', () => {
    const dir = workDir();
    const plan = file(dir, 'plan.json', tinyPlan);
    expect(tollgate(['check', '--plan', plan, '--fail-on', 'critical', ...NOW]).code).toBe(0);
    const config = file(dir, 'tollgate.yaml', 'rules:\n  TG-ENC-001: off\n');
    expect(tollgate(['check', '--plan', plan, '--config', config, ...NOW]).code).toBe(0);
  });

  it('honours an active exemption and reports an expired one', () => {
    const dir = workDir();
    const plan = file(dir, 'plan.json', tinyPlan);
    const exemption = (expires: string): string =>
      `exemptions:\n  - rule: TG-ENC-001\n    resource: aws_ebs_volume.*\n    reason: scratch space\n    owner: ml@example.com\n    expires: "${expires}"\n`;
    const active = tollgate(['check', '--plan', plan, '--config', file(dir, 'a.yaml', exemption('2027-01-31')), '-f', 'json', ...NOW]);
    expect(active.code).toBe(0);
    expect(jsonReport(active.stdout).exempted).toEqual([
      expect.objectContaining({ rule: 'TG-ENC-001', resource: 'aws_ebs_volume.scratch', expires: '2027-01-31' }),
    ]);
    const expired = tollgate(['check', '--plan', plan, '--config', file(dir, 'e.yaml', exemption('2026-11-01')), '-f', 'json', ...NOW]);
    expect(expired.code).toBe(1);
    const report = jsonReport(expired.stdout);
    expect(report.violations.map((v) => v.rule)).toContain('TG-ENC-001');
    expect(report.warnings.map((w) => w.rule)).toContain('TG-CFG-001');
  });

  it('writes several formats at once, each to its file', () => {
    const dir = workDir();
    const plan = file(dir, 'plan.json', tinyPlan);
    const result = tollgate([
      'check',
      '--plan',
      plan,
      ...NOW,
      '-f',
      'text',
      '-f',
      `sarif=${join(dir, 'out.sarif')}`,
      '-f',
      `junit=${join(dir, 'out.xml')}`,
      '-f',
      `json=${join(dir, 'out.json')}`,
      '-f',
      `markdown=${join(dir, 'out.md')}`,
      '-f',
      `github=${join(dir, 'gh.txt')}`,
    ]);
    expect(result.code).toBe(1);
    expect((JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { version: string }).version).toBe('2.1.0');
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).toContain('<!-- tollgate-report -->');
    expect(readFileSync(join(dir, 'gh.txt'), 'utf8')).toMatch(/^::error /m);
    expect(result.stdout).toContain('TG-ENC-001');
  });

  it('gives byte-identical JSON for the same input', () => {
    const dir = workDir();
    const plan = file(dir, 'plan.json', tinyPlan);
    const first = tollgate(['check', '--plan', plan, '-f', 'json', ...NOW]).stdout;
    expect(tollgate(['check', '--plan', plan, '-f', 'json', ...NOW]).stdout).toBe(first);
  });

  it('points SARIF results at the resource block when --tf-dir is given', () => {
    const dir = workDir();
    const plan = file(dir, 'plan.json', tinyPlan);
    mkdirSync(join(dir, 'tf'));
    file(dir, 'tf/main.tf', 'provider "aws" {}\n\nresource "aws_ebs_volume" "scratch" {\n  size = 10\n}\n');
    const result = tollgate(['check', '--plan', plan, '--tf-dir', join(dir, 'tf'), '-f', 'sarif', ...NOW], { cwd: dir });
    interface Location {
      physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
    }
    const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: Array<{ locations: Location[] }> }> };
    const location = sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation;
    expect(location?.artifactLocation.uri).toBe('tf/main.tf');
    expect(location?.region.startLine).toBe(3);
  });
});

describe('tollgate check: bad input is one line on stderr, exit 2, nothing written', () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  it.each([
    ['a missing file', (dir: string) => join(dir, 'absent.json'), /absent\.json: plan file not found\n$/],
    [
      'malformed JSON',
      (dir: string) => file(dir, 'bad.json', '{\n  "format_version": "1.2",\n  "resource_changes": [,]\n}'),
      /bad\.json:3:\d+: /,
    ],
    ['an empty file', (dir: string) => file(dir, 'empty.json', ''), /empty\.json: .*empty/],
    [
      'a binary file',
      (dir: string) => file(dir, 'bin.json', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00])),
      /bin\.json(:\d+:\d+)?: .*binary/,
    ],
    ['JSON that is not a plan', (dir: string) => file(dir, 'pkg.json', '{"name": "x", "version": "1"}'), /pkg\.json(:\d+:\d+)?: .*plan/],
    [
      'a wrong shape',
      (dir: string) => file(dir, 'shape.json', '{"format_version": "1.2", "resource_changes": {"a": 1}}'),
      /shape\.json:\d+:\d+: .*resource_changes/,
    ],
    ['deep nesting', (dir: string) => file(dir, 'deep.json', `{"format_version":"1.2","x":${deep}}`), /deep\.json(:\d+:\d+)?: .*nest/],
    ['a directory', (dir: string) => dir, /directory/],
  ])('%s', (_what, makePlan, message) => {
    const dir = workDir();
    const sarif = join(dir, 'out.sarif');
    const result = tollgate(['check', '--plan', makePlan(dir), '-f', `sarif=${sarif}`, ...NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(/^tollgate: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(existsSync(sarif)).toBe(false);
  });

  it('a plan over --max-plan-size', () => {
    const dir = workDir();
    const big = file(dir, 'big.json', JSON.stringify({ format_version: '1.2', resource_changes: [], pad: 'x'.repeat(2 << 20) }));
    const result = tollgate(['check', '--plan', big, '--max-plan-size', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/big\.json: .*(limit|MiB)/);
  });

  it.each([
    [
      'an invalid config',
      ['--config', 'CONFIG'],
      'environments:\n  prod:\n    allowed_region: [x]\n',
      /c\.yaml:3:5: unknown key "allowed_region"/,
    ],
    ['an unknown format', ['-f', 'xml'], null, /unknown output format "xml"/],
    ['two formats on stdout', ['-f', 'json', '-f', 'text'], null, /only one format can go to standard output/],
    ['a bad --fail-on', ['--fail-on', 'sometimes'], null, /--fail-on must be one of/],
    ['a bad --now', ['--now', 'yesterday'], null, /--now must be/],
    ['a missing bundle', ['--bundle', 'absent.tar.gz'], null, /absent\.tar\.gz: bundle file not found/],
    ['a corrupt bundle', ['--bundle', 'CONFIG'], 'not a bundle', /corrupt bundle/],
  ])('%s', (_what, extra, configText, message) => {
    const dir = workDir();
    const config = configText === null ? '' : file(dir, 'c.yaml', configText);
    const args = extra.map((arg) => (arg === 'CONFIG' ? config : arg));
    const result = tollgate(['check', '--plan', file(dir, 'plan.json', tinyPlan), ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('a bundle whose data.json nests too deep: exit 2, one line naming the bundle, no report written', () => {
    const dir = workDir();
    const deep = `{"a":${'['.repeat(600)}${']'.repeat(600)}}`;
    const manifest = JSON.stringify({ revision: 'deep', wasm: [{ entrypoint: 'tollgate/decision', module: '/policy.wasm' }] });
    const bundle = gzipSync(
      tarOf({
        '/policy.wasm': readBundleFile(builtinBundlePath).wasm,
        '/data.json': new TextEncoder().encode(deep),
        '/.manifest': new TextEncoder().encode(manifest),
      }),
    );
    const bundleFile = file(dir, 'deep.tar.gz', Buffer.from(bundle));
    const report = join(dir, 'report.json');
    const result = tollgate(['check', '--plan', file(dir, 'plan.json', tinyPlan), '--bundle', bundleFile, '-f', `json=${report}`], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/deep\.tar\.gz.*data\.json nests deeper than 512 levels/);
    expect(existsSync(report)).toBe(false);
  });

  it('a missing --plan is a usage error', () => {
    const result = tollgate(['check']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--plan/);
  });
});

describe('tollgate check: real-world plans', () => {
  const corpus = join(repoRoot, '..', 'shared', 'realworld', 'tfplan');
  const plans = existsSync(corpus) ? readdirSync(corpus).filter((name) => name.endsWith('.json')) : [];
  if (plans.length === 0) {
    it.skip('shared/realworld/tfplan is not present beside the checkout, so the real-world plans are not checked', () => undefined);
  }
  it.each(plans)('%s evaluates without an input error', (name) => {
    const result = tollgate(['check', '--plan', join(corpus, name), '-f', 'json', '--fail-on', 'never', ...NOW]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Every managed resource the plan keeps is normalised and judged: not data sources, not pure deletes.
    interface Change {
      mode: string;
      change: { actions: string[] };
    }
    const changes = (JSON.parse(readFileSync(join(corpus, name), 'utf8')) as { resource_changes?: Change[] }).resource_changes ?? [];
    const kept = changes.filter((c) => c.mode === 'managed' && c.change.actions.join() !== 'delete').length;
    expect(kept).toBeGreaterThan(0);
    expect(jsonReport(result.stdout).summary.resources).toBe(kept);
  });
});

describe('tollgate check: costs, spend and budgets', () => {
  const AWS_PLAN = 'fixtures/plans/aws-ml-platform.json';
  const SPEND = 'fixtures/spend/focus-month.csv';
  const BUDGETS = [
    'default_environment: dev',
    'budgets:',
    '  - name: ml-platform',
    '    scope: { team: ml-platform }',
    '    amount: 60000',
    '  - name: ml-research-prod',
    '    scope: { team: ml-research, environment: prod }',
    '    amount: 45000',
    '    warn_at: 0.9',
    '  - name: data-eng',
    '    scope: { team: data-eng }',
    '    amount: 20000',
    '',
  ].join('\n');
  const budgetConfig = (): string => file(workDir(), 'tollgate.yaml', BUDGETS);

  const costOf = (stdout: string, address: string): CostedResource | undefined =>
    jsonReport(stdout).costs?.resources.find((r) => r.address === address);

  it('puts the cost table and the budget status at the top of the markdown summary', () => {
    const result = tollgate([
      'check',
      '--plan',
      AWS_PLAN,
      '--config',
      budgetConfig(),
      '--spend',
      SPEND,
      '-f',
      'markdown',
      '--fail-on',
      'never',
      ...NOW,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const md = result.stdout;
    expect(md.indexOf('### 💵 Cost')).toBeLessThan(md.indexOf('### 📊 Budgets'));
    expect(md.indexOf('### 📊 Budgets')).toBeLessThan(md.indexOf('### Violations'));
    expect(md).toMatch(/\*\*Monthly cost: \$0\.00 → \$[\d,]+\.\d\d \(\+\$[\d,]+\.\d\d\)\*\*/);
    // g5.12xlarge at $5.672/h, 2 nodes, 730 h: 2 × 5.672 × 730 = $8,281.12.
    expect(md).toContain('| `aws_eks_node_group.gpu` | `aws_eks_node_group` | $0.00 | $8,281.12 | +$8,281.12 |');
    expect(md).toMatch(/could not be priced and are not in the totals/);
    expect(md).toContain('_Assumes 730 h/month');
    // Spend summed from the fixture month: ml-platform $43,181.77 to date, $15,643.14 forecast rows.
    expect(md).toContain('| `ml-platform` ($60,000.00) | $43,181.77 | $15,643.14 | +$2,208.30 (8/30 of +$8,281.12) |');
    expect(md).toMatch(/\| `ml-platform` .* \| ❌ over budget \|/);
    expect(md).toMatch(/\| `ml-research-prod` .* \| ⚠️ near budget \|/);
    expect(md).toMatch(/\| `data-eng` \(\$20,000\.00\) \| — \| unknown \| .* \| ❔ indeterminate \|/);
    expect(md).toContain('Spend from `fixtures/spend/focus-month.csv`.');
    // The budget rules' findings: ml-platform over its deny threshold, ml-research-prod over its warning threshold.
    expect(md).toMatch(/\| `TG-BUD-002` \| high \| `budget:ml-platform` \| budget "ml-platform" \(team=ml-platform\): spent \$43,181\.77/);
    expect(md).toMatch(/\| `TG-BUD-001` \| medium \| `budget:ml-research-prod` \|/);
  });

  it('puts the costs and the spend per budget in the policy input and the JSON report', () => {
    const result = tollgate(['check', '--plan', AWS_PLAN, '--config', budgetConfig(), '--spend', SPEND, '-f', 'json', ...NOW]);
    expect(result.code).toBe(1);
    const report = jsonReport(result.stdout);
    expect(report.costs).toMatchObject({ currency: 'USD', monthlyBefore: 0, hoursPerMonth: 730 });
    expect(report.costs?.unpricedResources).toBeGreaterThan(0);
    const gpu = costOf(result.stdout, 'aws_eks_node_group.gpu');
    expect(gpu).toMatchObject({ hourlyOnDemand: 5.672, instances: 2, monthlyAfter: 8281.12 });
    expect(report.spend).toEqual([
      {
        budget: 'ml-platform',
        currency: 'USD',
        monthToDate: 43181.770682,
        forecastRemaining: 15643.144364,
        daysInMonth: 30,
        daysLeft: 8,
        sources: [SPEND],
      },
      {
        budget: 'ml-research-prod',
        currency: 'USD',
        monthToDate: 29801.349699,
        forecastRemaining: 10766.793298,
        daysInMonth: 30,
        daysLeft: 8,
        sources: [SPEND],
      },
      { budget: 'data-eng', currency: 'USD', monthToDate: null, forecastRemaining: null, daysInMonth: 30, daysLeft: 8, sources: [] },
    ]);
    expect(report.violations.map((v) => `${v.rule} ${v.resource}`)).toContain('TG-BUD-002 budget:ml-platform');
  });

  it('prices with --hours-per-month, and not at all with --no-pricing', () => {
    const config = budgetConfig();
    const hours = tollgate(['check', '--plan', AWS_PLAN, '--config', config, '--hours-per-month', '200', '-f', 'json', ...NOW]);
    expect(costOf(hours.stdout, 'aws_eks_node_group.gpu')).toMatchObject({ hoursPerMonth: 200, monthlyAfter: 2268.8 }); // 2 × $5.672 × 200 h
    const none = tollgate(['check', '--plan', AWS_PLAN, '--config', config, '--no-pricing', '-f', 'json', ...NOW]);
    expect(JSON.parse(none.stdout)).not.toHaveProperty('costs');
    const text = tollgate(['check', '--plan', AWS_PLAN, '--config', config, '--no-pricing', ...NOW]).stdout;
    expect(text).not.toContain('Monthly cost');
    expect(text).toContain('Budgets (this month)');
  });

  it('gives budgets with no spend file an indeterminate spend, and ignores spend files when no budget is configured', () => {
    const noSpend = jsonReport(tollgate(['check', '--plan', AWS_PLAN, '--config', budgetConfig(), '-f', 'json', ...NOW]).stdout);
    expect(noSpend.spend?.map((s) => s.monthToDate)).toEqual([null, null, null]);
    const noBudgets = tollgate(['check', '--plan', AWS_PLAN, '--config', 'fixtures/tollgate.yaml', '--spend', SPEND, '-f', 'json', ...NOW]);
    expect(noBudgets.stderr).toBe('');
    expect(JSON.parse(noBudgets.stdout)).not.toHaveProperty('spend');
  });

  it('prints the cost line and the budget lines in text', () => {
    const text = tollgate(['check', '--plan', AWS_PLAN, '--config', budgetConfig(), '--spend', SPEND, ...NOW]).stdout;
    expect(text).toMatch(/^Monthly cost: \$0\.00 → \$[\d,.]+ \(\+\$[\d,.]+\) {2}\(\d+ resources unpriced; 730 h\/month/m);
    expect(text).toMatch(/^ {2}ml-platform: spent \$43,181\.77 \+ forecast \$15,643\.14 \+ plan \+\$2,208\.30 = .* OVER BUDGET$/m);
  });

  it.each([
    [
      'duplicate budget names, pointing at the second',
      'budgets:\n  - name: a\n    amount: 1\n  - name: a\n    amount: 2\n',
      [],
      /^tollgate: .*tollgate\.yaml:4:11: budget name "a" is used twice; budget names must be unique\n$/,
    ],
    [
      'a spend file with a bad cost, by file:line',
      'budgets:\n  - name: a\n    amount: 1\n',
      ['--spend', 'BAD'],
      /^tollgate: .*bad\.csv:3: BilledCost is not a decimal number \(got "1,5x"\)\n$/,
    ],
    [
      'a spend file that does not exist',
      'budgets:\n  - name: a\n    amount: 1\n',
      ['--spend', 'nope.csv'],
      /nope\.csv: spend file not found/,
    ],
    ['a bad --hours-per-month', '', ['--hours-per-month', '800'], /--hours-per-month must be a number of hours above 0 and at most 744/],
  ])('refuses %s (exit 2, one line, nothing written)', (_what, configText, extra, message) => {
    const dir = workDir();
    const config = file(dir, 'tollgate.yaml', configText);
    const bad = file(
      dir,
      'bad.csv',
      'ChargePeriodStart,ChargePeriodEnd,BilledCost,BillingCurrency\n2026-11-01,2026-11-02,1,USD\n2026-11-02,2026-11-03,"1,5x",USD\n',
    );
    const args = extra.map((arg) => (arg === 'BAD' ? bad : arg));
    const out = join(dir, 'out.md');
    const result = tollgate(['check', '--plan', AWS_PLAN, '--config', config, ...args, '-f', `markdown=${out}`, ...NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
