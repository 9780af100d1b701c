/**
 * `tollgate check`: judge a Terraform/OpenTofu plan with the policy bundle and report.
 * Exit 0 clean, 1 when findings reach --fail-on, 2 for usage or input errors.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { FAIL_ON_LEVELS, type FailOn } from '../model/decision.js';
import { EARLY_PLAN_BYTES, PolicyEngine } from '../engine/policy-engine.js';
import { TollgateError } from '../model/errors.js';
import { DEFAULT_MAX_PLAN_BYTES, locateResources, readPlanFile } from '../inputs/terraform/index.js';
import { failingFindings, type CheckResult } from '../output/index.js';
import { parseHoursPerMonth, prepare, prepareSettings } from '../prepare/index.js';
import { loadPolicyBundle } from './policy-source.js';
import { parseOutputTargets, writeOutputs } from './outputs.js';
import { resolveNow } from './now.js';
import { useColor } from './terminal.js';
import { TOLLGATE_URI, TOLLGATE_VERSION } from './version.js';
import { collect, parseMiB } from './options.js';
import { parseCategory, resolveRepoRoot } from './repo-root.js';
import { DEFAULT_MAX_SPEND_FILE_BYTES } from '../billing/spend-file.js';

export interface CheckOptions {
  /** Without a plan, --inventory alone audits what the inventory says is deployed now. */
  readonly plan?: string;
  /** Model inventory (schemas/inventory.schema.json): input.inventory, joined to resources by tollgate.io/model. */
  readonly inventory?: string;
  readonly config?: string;
  readonly policy?: string[];
  readonly bundle?: string;
  readonly format: string[];
  readonly failOn?: string;
  readonly tfDir?: string;
  readonly now?: string;
  readonly environment?: string;
  readonly maxPlanSize?: string;
  readonly maxSpendFileSize?: string;
  readonly color: boolean;
  /** Spend files (FOCUS columns, docs/spend-format.md) for the configured budgets. */
  readonly spend?: string[];
  readonly hoursPerMonth?: string;
  /** false with --no-pricing: the plan is not priced (no costs in the input or the outputs). */
  readonly pricing?: boolean;
  /** Report paths are relative to this directory (default: the git top level). */
  readonly repoRoot?: string;
  /** SARIF `automationDetails.id` category, so several uploads do not replace each other. */
  readonly category?: string;
}

function parseFailOn(value: string | undefined, fromConfig: FailOn | undefined): FailOn {
  if (value === undefined) return fromConfig ?? 'deny';
  if (!(FAIL_ON_LEVELS as readonly string[]).includes(value)) {
    throw new TollgateError(`--fail-on must be one of ${FAIL_ON_LEVELS.join(', ')} (got "${value}")`);
  }
  return value as FailOn;
}

function parseMaxPlanBytes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_PLAN_BYTES;
  const mib = Number(value);
  if (!Number.isFinite(mib) || mib <= 0) {
    throw new TollgateError(`--max-plan-size must be a positive number of MiB (got "${value}")`);
  }
  return Math.floor(mib * 1024 * 1024);
}

/** The size of a plan given as a regular file, or 0 (no such file, a pipe): what readying the engine ahead goes by. */
function planFileBytes(plan: string | undefined): number {
  if (plan === undefined) return 0;
  try {
    const stats = statSync(plan, { throwIfNoEntry: false });
    return stats?.isFile() === true ? stats.size : 0;
  } catch {
    // Reading the plan reports what is wrong with it.
    return 0;
  }
}

export async function runCheck(options: CheckOptions): Promise<number> {
  // Everything that can reject the user's input is checked before any output is written.
  const targets = parseOutputTargets(options.format);
  const paths = resolveRepoRoot(options.repoRoot);
  const category = parseCategory(options.category);
  const now = resolveNow(options.now);
  const loaded = loadConfig(options.config);
  const { config } = loaded;
  const settings = prepareSettings(loaded, { hoursPerMonth: parseHoursPerMonth(options.hoursPerMonth), pricing: options.pricing });
  const failOn = parseFailOn(options.failOn, config.fail_on);
  // Audit mode (no plan): the inventory's deployment records are the only things judged.
  const source = options.plan ?? options.inventory;
  if (source === undefined) {
    throw new TollgateError('nothing to check: give --plan FILE, --inventory FILE, or both');
  }
  const maxSpendFileBytes = parseMiB(options.maxSpendFileSize, '--max-spend-file-size', DEFAULT_MAX_SPEND_FILE_BYTES);
  const maxPlanBytes = options.plan === undefined ? 0 : parseMaxPlanBytes(options.maxPlanSize);
  const loadEngine = async (): Promise<PolicyEngine> =>
    PolicyEngine.load(await loadPolicyBundle({ bundle: options.bundle, policy: options.policy }), { ...config });
  // A large plan: the engine is loaded first and readied for it (its slice workers start), so that the workers'
  // start-up overlaps reading, normalising and pricing the plan on this thread.
  const planBytes = planFileBytes(options.plan);
  let engine = planBytes >= EARLY_PLAN_BYTES && planBytes <= maxPlanBytes ? await loadEngine() : null;
  try {
    engine?.expectPlan(planBytes);
    const read = options.plan === undefined ? null : await readPlanFile(options.plan, { maxBytes: maxPlanBytes });
    const plan =
      read === null ? null : { ...read, resources: options.tfDir ? await locateResources(read.resources, options.tfDir) : read.resources };
    const input = await prepare({
      subject: { kind: 'plan', plan, source, environment: options.environment ?? null },
      sources: {
        ...(options.inventory !== undefined ? { inventoryFile: options.inventory } : {}),
        spendFiles: options.spend ?? [],
        maxSpendFileBytes,
      },
      settings,
      now,
    });
    const { resources, costs, spend } = input;
    engine ??= await loadEngine();
    const decision = engine.evaluate(input);
    const report: CheckResult = {
      decision,
      rules: engine.rules,
      resources,
      source: { file: source, kind: plan === null ? 'report' : 'terraform-plan' },
      tool: { name: 'tollgate', version: TOLLGATE_VERSION, informationUri: TOLLGATE_URI },
      failOn,
      color: useColor(process.stdout, options.color),
      ...(costs ? { costs } : {}),
      ...(spend ? { spend } : {}),
      paths,
      ...(category !== undefined ? { category } : {}),
    };
    writeOutputs(targets, report);
    return failingFindings(report).length > 0 ? 1 : 0;
  } finally {
    engine?.stopWorkers();
  }
}

export function registerCheck(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('check')
    .description('Judge a Terraform or OpenTofu plan (`terraform show -json plan.out > plan.json`) against the policies.')
    .option('-p, --plan <file>', 'plan JSON from `terraform show -json` or `tofu show -json`')
    .option(
      '--inventory <file>',
      'model inventory (YAML/JSON): review gates and model savings; without --plan, audits what it lists as deployed',
    )
    .option('-c, --config <file>', 'tollgate.yaml with environments, rule settings and exemptions (default: ./tollgate.yaml if present)')
    .option('--policy <dir>', 'also compile and apply the Rego in DIR with the built-in library (repeatable; needs the opa CLI)', collect)
    .option('--bundle <file>', 'evaluate a prebuilt wasm bundle (from `tollgate build`) instead of the built-in rules')
    .option(
      '-f, --format <format[=file]>',
      'output format: text, json, sarif, junit, github, markdown, codequality (GitLab); add =FILE to write a file (repeatable, e.g. -f text -f sarif=tollgate.sarif)',
      collect,
    )
    .option('--fail-on <level>', 'exit 1 on: deny (any violation, default), a severity (critical|high|medium|low|info) or never')
    .option('--tf-dir <dir>', 'Terraform sources, so findings point at the `resource` block (file and line)')
    .option('--environment <name>', 'environment of resources that carry no environment tag (overrides default_environment)')
    .option('--now <time>', 'the time policies see, RFC 3339 or YYYY-MM-DD (default: now); pins exemption expiry in tests')
    .option('--max-plan-size <MiB>', `refuse plan files larger than this (default ${DEFAULT_MAX_PLAN_BYTES / 2 ** 20} MiB)`)
    .option('--max-spend-file-size <MiB>', `refuse --spend files larger than this (default ${DEFAULT_MAX_SPEND_FILE_BYTES / 2 ** 20} MiB)`)
    .option(
      '--spend <file>',
      'month-to-date spend for the budgets: CSV or JSON with FOCUS columns, see docs/spend-format.md (repeatable)',
      collect,
    )
    .option(
      '--hours-per-month <hours>',
      'hours a resource runs per month for the cost estimate (default: pricing.hours_per_month, else 730)',
    )
    .option('--repo-root <dir>', 'paths in SARIF, JUnit, Code Quality and annotations are relative to DIR (default: the git top level)')
    .option(
      '--category <name>',
      'SARIF category (automationDetails.id), one per job when several upload to code scanning (default: tollgate)',
    )
    .option('--no-pricing', 'do not estimate the plan cost (no costs in the input or the reports)')
    .option('--no-color', 'no ANSI colours in text output (also NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage or input error.

Examples:
  terraform show -json plan.out > plan.json
  tollgate check --plan plan.json
  tollgate check --plan plan.json --tf-dir . -f text -f sarif=tollgate.sarif -f markdown=summary.md
  tollgate check --plan plan.json -f junit=tollgate.xml -f codequality=gl-code-quality.json   # GitLab
  tollgate check --plan plan.json --policy ./policies --config tollgate.yaml --fail-on high
  tollgate check --plan plan.json --config tollgate.yaml --spend focus-2026-11.csv -f markdown=summary.md`,
    )
    .action(async (options: Omit<CheckOptions, 'format'> & { format?: string[] }) => {
      await run(() => runCheck({ ...options, format: options.format ?? [] }));
    });
}
