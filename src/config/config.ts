/**
 * tollgate.yaml: loading, validation against schemas/config.schema.json, and the normalised form
 * the policies read as data.tollgate.config.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Enforcement, FailOn } from '../model/decision.js';
import { schemaValidator } from './schema-validator.js';
import { parseYamlSource, readTextFile, validateYamlSource } from './yaml-source.js';

export type { Enforcement, FailOn } from '../model/decision.js';

export interface EnvironmentPolicy {
  readonly allowed_regions?: readonly string[];
  readonly instance_families?: { readonly allow?: readonly string[]; readonly deny?: readonly string[] };
  readonly gpu?: { readonly max_per_instance?: number; readonly allowed_models?: readonly string[] };
  readonly require_customer_managed_key?: boolean;
}

export interface ClassificationPolicy {
  readonly allowed_regions?: readonly string[];
  readonly require_customer_managed_key?: boolean;
}

export interface RuleSetting {
  readonly enforcement?: Enforcement;
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface Exemption {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
}

export interface PricingSettings {
  readonly hours_per_month?: number;
  readonly catalog?: string;
  readonly usage?: Readonly<Record<string, number>>;
}

export interface BudgetScope {
  readonly team?: string;
  readonly project?: string;
  readonly environment?: string;
  readonly account?: string;
}

export interface Budget {
  readonly name: string;
  readonly scope?: BudgetScope;
  readonly amount: number;
  readonly currency?: string;
  readonly warn_at?: number;
  readonly deny_at?: number;
}

/** How the report adds spend billed in several currencies (tollgate.yaml `currency`). */
export interface CurrencySettings {
  /** The currency the report shows. */
  readonly report?: string;
  /** Units of the report currency per unit of each billing currency. */
  readonly rates?: Readonly<Record<string, number>>;
}

export interface KubernetesSettings {
  readonly namespaces?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly region?: string;
}

/** What a risk tier requires before a model version serves production (TG-REV-002, TG-REV-004). */
export interface ReviewTier {
  readonly approvals?: number;
  readonly roles?: readonly string[];
  readonly evaluations?: readonly string[];
}

export interface ReviewSettings {
  readonly production_environments?: readonly string[];
  readonly tiers?: Readonly<Partial<Record<'minimal' | 'limited' | 'high', ReviewTier>>>;
}

/** The config as the policies see it: rule shorthands expanded, everything else as written. */
export interface TollgateConfig {
  readonly version?: 1;
  readonly default_environment?: string;
  readonly environment_tag_keys?: readonly string[];
  readonly classification_tag_keys?: readonly string[];
  readonly fail_on?: FailOn;
  readonly environments?: Readonly<Record<string, EnvironmentPolicy>>;
  readonly classifications?: Readonly<Record<string, ClassificationPolicy>>;
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  readonly exemptions?: readonly Exemption[];
  readonly pricing?: PricingSettings;
  readonly budgets?: readonly Budget[];
  readonly currency?: CurrencySettings;
  readonly kubernetes?: KubernetesSettings;
  readonly review?: ReviewSettings;
}

export interface LoadedConfig {
  /** The file read, or null for the built-in defaults. */
  readonly file: string | null;
  readonly config: TollgateConfig;
}

export const DEFAULT_CONFIG_FILE = 'tollgate.yaml';
export const CONFIG_MAX_BYTES = 1 << 20;

const configValidator = schemaValidator('config.schema.json');

type RawRules = Record<string, Enforcement | RuleSetting>;

function expandRules(rules: RawRules | undefined): Record<string, RuleSetting> | undefined {
  if (!rules) return undefined;
  return Object.fromEntries(
    Object.entries(rules).map(([id, setting]) => [id, typeof setting === 'string' ? { enforcement: setting } : setting]),
  );
}

export function parseConfig(text: string, file: string): TollgateConfig {
  const source = parseYamlSource(text, file);
  // An empty file (or only comments) is a valid, empty config.
  if (source.value === null || source.value === undefined) return {};
  validateYamlSource(source, configValidator());
  const raw = source.value as TollgateConfig & { rules?: RawRules };
  const rules = expandRules(raw.rules);
  return rules ? { ...raw, rules } : raw;
}

/**
 * The config named by --config; else ./tollgate.yaml when present; else the built-in defaults
 * (an empty config: every rule at its documented default).
 */
export function loadConfig(explicitFile: string | undefined, cwd: string = process.cwd()): LoadedConfig {
  const file = explicitFile ?? (existsSync(join(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  if (file === undefined) return { file: null, config: {} };
  const text = readTextFile(file, CONFIG_MAX_BYTES, 'config file');
  return { file, config: parseConfig(text, file) };
}
