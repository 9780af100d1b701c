/** `tollgate init`: write a commented starter tollgate.yaml that validates as written. */
import type { Command } from 'commander';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { TollgateError } from '../errors.js';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../config/config.js';

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

export function runInit(options: { force: boolean; output: string }): number {
  if (existsSync(options.output) && !options.force) {
    throw new TollgateError('already exists; pass --force to overwrite it', { file: options.output });
  }
  parseConfig(STARTER_CONFIG, options.output); // the starter must always be valid
  const temporary = `${options.output}.${process.pid}.tmp`;
  writeFileSync(temporary, STARTER_CONFIG);
  renameSync(temporary, options.output);
  process.stderr.write(`tollgate: wrote ${options.output}; edit it, then run \`tollgate check --plan plan.json\`\n`);
  return 0;
}

export function registerInit(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('init')
    .description('Write a commented starter tollgate.yaml (environments, regions, GPU limits, tags, exemptions).')
    .option('-o, --output <file>', 'where to write it', DEFAULT_CONFIG_FILE)
    .option('--force', 'overwrite an existing file', false)
    .action(async (options: { force: boolean; output: string }) => {
      await run(async () => runInit(options));
    });
}
