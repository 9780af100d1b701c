/**
 * Budgets from tollgate.yaml as the spend summary needs them: which rows a budget's scope takes in, and
 * names that identify one budget each (policies and reports refer to budgets by name).
 */
import type { Budget, BudgetScope } from '../config/config.js';
import { CONFIG_MAX_BYTES } from '../config/config.js';
import { parseYamlSource, readTextFile } from '../config/yaml-source.js';
import { TollgateError } from '../errors.js';

/** Budgets are in USD unless they say otherwise (schemas/config.schema.json). */
export const DEFAULT_BUDGET_CURRENCY = 'USD';

export const DEFAULT_ENVIRONMENT_TAG_KEYS: readonly string[] = ['environment', 'env'];

/** What a scope is matched against: a spend row's tags and sub-account, or a resource's tags. */
export interface ScopeSubject {
  readonly tags: Readonly<Record<string, string>>;
  /** Billing sub-account (AWS account, GCP project, Azure subscription); null when not known. */
  readonly account: string | null;
}

/** The environment named by the first environment tag key present, as policies read it. */
export function environmentOf(tags: Readonly<Record<string, string>>, environmentTagKeys: readonly string[]): string | null {
  for (const key of environmentTagKeys) {
    const value = tags[key];
    if (value !== undefined) return value;
  }
  return null;
}

/** Every key the scope gives must match; an empty or absent scope takes in everything. */
export function matchesScope(
  scope: BudgetScope | undefined,
  subject: ScopeSubject,
  environmentTagKeys: readonly string[],
): boolean {
  if (!scope) return true;
  if (scope.team !== undefined && subject.tags.team !== scope.team) return false;
  if (scope.project !== undefined && subject.tags.project !== scope.project) return false;
  if (scope.environment !== undefined && environmentOf(subject.tags, environmentTagKeys) !== scope.environment) return false;
  if (scope.account !== undefined && subject.account !== scope.account) return false;
  return true;
}

/**
 * Refuses two budgets with the same name, pointing at the second one in the config file when there is one
 * (the schema cannot say "unique by key").
 */
export function assertUniqueBudgetNames(budgets: readonly Budget[], configFile: string | null): void {
  const seen = new Set<string>();
  budgets.forEach((budget, index) => {
    if (!seen.has(budget.name)) {
      seen.add(budget.name);
      return;
    }
    const message = `budget name "${budget.name}" is used twice; budget names must be unique`;
    if (configFile === null) throw new TollgateError(message);
    const position = parseYamlSource(readTextFile(configFile, CONFIG_MAX_BYTES, 'config file'), configFile).positionOf([
      'budgets',
      index,
      'name',
    ]);
    throw new TollgateError(message, { file: configFile, ...position });
  });
}
