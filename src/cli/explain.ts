/** `tollgate explain RULE_ID`: a rule's documentation, from the bundle's METADATA-derived docs. */
import type { Command } from 'commander';
import type { RuleDoc } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
import { loadPolicyBundle, type PolicySourceOptions } from './policy-source.js';
import { collect } from './options.js';

export function formatRuleDoc(doc: RuleDoc): string {
  const lines = [
    `${doc.id}  ${doc.title}`,
    '',
    `Area:        ${doc.area}`,
    `Severity:    ${doc.severity}`,
    `Enforcement: ${doc.enforcement} (change it in tollgate.yaml: rules: { ${doc.id}: warn | deny | off })`,
    `Source:      ${doc.file}`,
    '',
    'Why',
    ...indent(doc.description || '(no description)'),
    '',
    'How to fix',
    ...indent(doc.remediation || '(no remediation given)'),
  ];
  const parameters = Object.entries(doc.parameters);
  if (parameters.length > 0) {
    lines.push('', `Parameters (tollgate.yaml: rules: { ${doc.id}: { parameters: { ... } } })`);
    for (const [name, parameter] of parameters) {
      lines.push(`  ${name} = ${JSON.stringify(parameter.default)}`, ...indent(parameter.description, 4));
    }
  }
  return `${lines.join('\n')}\n`;
}

function indent(text: string, spaces = 2): string[] {
  return text.split('\n').map((line) => `${' '.repeat(spaces)}${line}`.trimEnd());
}

export function listRules(rules: readonly RuleDoc[]): string {
  const width = Math.max(...rules.map((rule) => rule.id.length), 4);
  return `${rules.map((rule) => `${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)} ${rule.enforcement.padEnd(5)} ${rule.title}`).join('\n')}\n`;
}

export async function runExplain(ruleId: string | undefined, options: PolicySourceOptions): Promise<number> {
  const bundle = await loadPolicyBundle(options);
  if (ruleId === undefined) {
    process.stdout.write(listRules(bundle.rules));
    return 0;
  }
  const doc = bundle.rules.find((rule) => rule.id.toUpperCase() === ruleId.toUpperCase());
  if (!doc) {
    throw new TollgateError(`no rule ${ruleId} in the bundle; known rules: ${bundle.rules.map((rule) => rule.id).join(', ')}`);
  }
  process.stdout.write(formatRuleDoc(doc));
  return 0;
}

export function registerExplain(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('explain')
    .argument('[rule-id]', 'rule id such as TG-ENC-001; without it, list every rule')
    .description("Print a rule's documentation: why it exists, how to fix a finding, its parameters and defaults.")
    .option('--policy <dir>', 'include custom Rego in DIR (repeatable; needs the opa CLI)', collect)
    .option('--bundle <file>', 'read the rules of a prebuilt bundle')
    .action(async (ruleId: string | undefined, options: PolicySourceOptions) => {
      await run(() => runExplain(ruleId, options));
    });
}
