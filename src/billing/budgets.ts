/**
 * Budgets from tollgate.yaml as the spend summary needs them: which rows a budget's scope takes in, and
 * names that identify one budget each (policies and reports refer to budgets by name).
 */
import type { Budget, BudgetScope } from '../config/config.js';
import { CONFIG_MAX_BYTES } from '../config/config.js';
import { parseYamlSource, readTextFile } from '../config/yaml-source.js';
import { TollgateError } from '../model/errors.js';

/** Budgets are in USD unless they say otherwise (schemas/config.schema.json). */
export const DEFAULT_BUDGET_CURRENCY = 'USD';

export const DEFAULT_ENVIRONMENT_TAG_KEYS: readonly string[] = ['environment', 'env'];

/** What a scope is matched against: a spend row's tags and sub-account, or a resource's tags. */
export interface ScopeSubject {
  readonly tags: Readonly<Record<string, string>>;
  /** The environment, resolved by the caller (from the environment tag keys, with or without a default). */
  readonly environment: string | null;
  /** Billing sub-account (AWS account, GCP project, Azure subscription); null when not known. */
  readonly account: string | null;
}

/**
 * The value of the first of `keys` the tags have with a non-empty value. Keys compare case-insensitively
 * ("Team" and "team" are both common), as the policies' tag look-up does.
 */
export function firstTag(tags: Readonly<Record<string, string>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const wanted = key.toLowerCase();
    for (const [tagKey, value] of Object.entries(tags)) {
      if (tagKey.toLowerCase() === wanted && value !== '') return value;
    }
  }
  return null;
}

const sameText = (value: string | null, wanted: string): boolean => value !== null && value.toLowerCase() === wanted.toLowerCase();

/**
 * Every key the scope gives must match; an empty or absent scope takes in everything. Tag values compare
 * case-insensitively, as in the budget rules (policies/lib/cost_budget.rego); the account exactly.
 */
export function matchesScope(scope: BudgetScope | undefined, subject: ScopeSubject): boolean {
  if (!scope) return true;
  if (scope.team !== undefined && !sameText(firstTag(subject.tags, ['team']), scope.team)) return false;
  if (scope.project !== undefined && !sameText(firstTag(subject.tags, ['project']), scope.project)) return false;
  if (scope.environment !== undefined && !sameText(subject.environment, scope.environment)) return false;
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
