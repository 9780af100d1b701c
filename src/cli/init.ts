/**
 * `tollgate init`: write a commented starter tollgate.yaml that validates as written; with --inventory,
 * also a starter model inventory (inventory.yaml).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { TollgateError } from '../model/errors.js';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../config/config.js';
import { parseInventory } from '../inputs/inventory/index.js';
import { STARTER_INVENTORY } from '../inputs/inventory/starter-inventory.js';
import { STARTER_RULE, STARTER_RULE_FOLDER, STARTER_RULE_TEST } from './starter-rule.js';

export const STARTER_CONFIG = `# tollgate.yaml — guardrails for ML infrastructure. Every key is optional.
# Reference: \`tollgate explain\` lists the rules; \`tollgate explain TG-ENC-001\` documents one.
version: 1

# Environment of resources that carry no environment tag.
default_environment: dev
# Tag (label) keys that name a resource's environment and its data classification.
environment_tag_keys: [environment, env]
classification_tag_keys: [data-classification]

# What fails the build: deny (any violation), a severity (critical|high|medium|low|info), or never.
fail_on: deny

environments:
  prod:
    allowed_regions: [us-east-1, us-west-2, europe-west4, us-central1, eastus, westeurope]
    instance_families:
      deny: [p3, p2, g3]          # previous-generation GPUs
    gpu:
      max_per_instance: 8
      allowed_models: [H100, A100, L4, A10G, T4, Inferentia2, Trainium]
    require_customer_managed_key: true
  dev:
    allowed_regions: [us-east-1, us-central1, eastus]
    gpu:
      max_per_instance: 1          # experiments on one GPU; ask for an exemption for more
      allowed_models: [T4, L4, A10G]

classifications:
  pii:
    allowed_regions: [eu-west-1, eu-central-1, europe-west4, westeurope]
    require_customer_managed_key: true
  phi:
    allowed_regions: [us-east-1, us-central1, eastus]
    require_customer_managed_key: true

rules:
  TG-ENC-003:
    parameters:
      min_version: "1.2"
  TG-TAG-001:
    enforcement: warn
    parameters:
      required:
        team: []                    # any non-empty value
        cost-center: []
        environment: [prod, staging, dev]

# Accepted exceptions; an exemption past its expiry stops applying and is reported.
exemptions: []
#  - rule: TG-GPU-001
#    resource: "module.research.aws_instance.*"
#    reason: "8-GPU benchmark runs, approved in RFC-42"
#    owner: ml-platform@example.com
#    expires: "2027-03-31"
`;

const DEFAULT_INVENTORY_FILE = 'inventory.yaml';

export interface InitOptions {
  readonly force: boolean;
  readonly output: string;
  /** Also write the starter inventory: true for inventory.yaml, or a file name. */
  readonly inventory?: boolean | string;
  /** Also write an example custom rule and its test: true for policies/, or a policy directory. */
  readonly rule?: boolean | string;
}

const DEFAULT_POLICY_DIR = 'policies';

/** `--flag` alone is the default name; no flag, false or an empty name is none. */
function optionalFile(value: boolean | string | undefined, fallback: string): string | undefined {
  if (value === true) return fallback;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Writes through a temporary file and a rename, so an interrupted init never leaves half a file. */
function writeAtomically(file: string, text: string): void {
  writeFileAtomic(file, text);
}

export function runInit(options: InitOptions): number {
  // `--inventory` alone writes the default file; no flag, false or an empty name writes none.
  const inventoryFile = optionalFile(options.inventory, DEFAULT_INVENTORY_FILE);
  const policyDir = optionalFile(options.rule, DEFAULT_POLICY_DIR);
  const ruleFolder = policyDir === undefined ? undefined : join(policyDir, STARTER_RULE_FOLDER);
  const ruleFiles = ruleFolder === undefined ? [] : [join(ruleFolder, 'gpu_owner.rego'), join(ruleFolder, 'gpu_owner_test.rego')];
  // Refuse before writing anything, so an existing inventory does not leave a fresh config behind.
  for (const file of [options.output, inventoryFile, ...ruleFiles]) {
    if (file !== undefined && existsSync(file) && !options.force) {
      throw new TollgateError('already exists; pass --force to overwrite it', { file });
    }
  }
  parseConfig(STARTER_CONFIG, options.output); // the starters must always be valid
  writeAtomically(options.output, STARTER_CONFIG);
  if (inventoryFile !== undefined) {
    parseInventory(STARTER_INVENTORY, inventoryFile, new Date().toISOString());
    writeAtomically(inventoryFile, STARTER_INVENTORY);
    process.stderr.write(`tollgate: wrote ${inventoryFile}; list your models, then run \`tollgate inventory validate ${inventoryFile}\`\n`);
  }
  const [ruleFile, testFile] = ruleFiles;
  if (policyDir !== undefined && ruleFile !== undefined && testFile !== undefined) {
    writeFileAtomic(ruleFile, STARTER_RULE, { createDirectory: true });
    writeFileAtomic(testFile, STARTER_RULE_TEST, { createDirectory: true });
    process.stderr.write(
      `tollgate: wrote ${ruleFile} and its test; run \`tollgate test ${policyDir}\`, then \`tollgate check --policy ${policyDir}\`\n`,
    );
  }
  process.stderr.write(`tollgate: wrote ${options.output}; edit it, then run \`tollgate check --plan plan.json\`\n`);
  return 0;
}

export function registerInit(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('init')
    .description('Write a commented starter tollgate.yaml (environments, regions, GPU limits, tags, exemptions).')
    .option('-o, --output <file>', 'where to write it', DEFAULT_CONFIG_FILE)
    .option('--force', 'overwrite an existing file', false)
    .option('--inventory [file]', 'also write a starter model inventory (default inventory.yaml)')
    .option('--rule [dir]', `also write an example custom rule with its test under this policy directory (default ${DEFAULT_POLICY_DIR})`)
    .action(async (options: InitOptions) => {
      await run(() => Promise.resolve(runInit(options)));
    });
}
