/**
 * An index over the plan's `configuration` block: which provider configuration each resource uses, what
 * each provider configuration says (region, default tags), module calls, and the references in resource
 * expressions (used to link companion resources such as S3 encryption settings to their bucket).
 *
 * Built once per plan; every lookup is a Map access, so the cost stays linear in the plan size.
 */
import { moduleCallPath } from './address.js';
import { isObject, type JsonObject, type PlanShape } from './plan-shape.js';
import type { JsonPath } from './plan-json.js';

export interface ConfigResource {
  readonly providerConfigKey: string | null;
  readonly expressions: JsonObject;
  /** The `for_each` expression (its `references` name what it iterates over); null without for_each. */
  readonly forEach: JsonObject | null;
}

export interface ProviderConfig {
  /** Local provider name: "aws", "google", "azurerm". */
  readonly name: string;
  /** Module call path the configuration is declared in ("" for the root module). */
  readonly callPath: string;
  readonly expressions: JsonObject;
}

interface ModuleCall {
  readonly expressions: JsonObject;
}

export class ConfigurationIndex {
  private readonly resources = new Map<string, ConfigResource>();
  readonly providers = new Map<string, ProviderConfig>();
  private readonly moduleCalls = new Map<string, ModuleCall>();

  constructor(
    configuration: JsonObject | undefined,
    private readonly variables: JsonObject | undefined,
    shape: PlanShape,
  ) {
    if (configuration === undefined) return;
    const providerConfig = shape.optionalObject(configuration['provider_config'], ['configuration', 'provider_config']) ?? {};
    for (const [key, raw] of Object.entries(providerConfig)) {
      if (!isObject(raw)) continue;
      const moduleAddress = typeof raw['module_address'] === 'string' ? raw['module_address'] : null;
      this.providers.set(key, {
        name: typeof raw['name'] === 'string' ? raw['name'] : (key.replace(/^.*:/, '').split('.')[0] ?? key),
        callPath: moduleCallPath(moduleAddress),
        expressions: isObject(raw['expressions']) ? raw['expressions'] : {},
      });
    }
    const root = shape.optionalObject(configuration['root_module'], ['configuration', 'root_module']);
    if (root !== undefined) this.indexModule(root, '', ['configuration', 'root_module'], shape);
  }

  private indexModule(module: JsonObject, callPath: string, path: JsonPath, shape: PlanShape): void {
    const resources = shape.optionalArray(module['resources'], [...path, 'resources']);
    for (const raw of resources) {
      if (!isObject(raw) || typeof raw['address'] !== 'string') continue;
      this.resources.set(`${callPath}|${raw['address']}`, {
        providerConfigKey: typeof raw['provider_config_key'] === 'string' ? raw['provider_config_key'] : null,
        expressions: isObject(raw['expressions']) ? raw['expressions'] : {},
        forEach: isObject(raw['for_each_expression']) ? raw['for_each_expression'] : null,
      });
    }
    const calls = shape.optionalObject(module['module_calls'], [...path, 'module_calls']) ?? {};
    for (const [name, call] of Object.entries(calls)) {
      if (!isObject(call)) continue;
      const childPath = callPath === '' ? name : `${callPath}.${name}`;
      this.moduleCalls.set(childPath, { expressions: isObject(call['expressions']) ? call['expressions'] : {} });
      if (isObject(call['module'])) this.indexModule(call['module'], childPath, [...path, 'module_calls', name, 'module'], shape);
    }
  }

  /** The configuration of a resource, by module call path ("a.b") and module-local address ("aws_s3_bucket.x"). */
  resource(callPath: string, localAddress: string): ConfigResource | undefined {
    return this.resources.get(`${callPath}|${localAddress}`);
  }

  /**
   * The string an expression evaluates to, when the plan shows it: a constant, or a reference to an input
   * variable whose value is known (root variables from the plan's `variables`, module variables from the
   * module call's own expression, followed upwards).
   */
  resolveString(expression: unknown, callPath: string): string | null {
    for (let depth = 0; depth < 64 && isObject(expression); depth++) {
      const constant = expression['constant_value'];
      if (typeof constant === 'string') return constant;
      const references = expression['references'];
      const first: unknown = Array.isArray(references) ? references[0] : undefined;
      if (typeof first !== 'string' || !first.startsWith('var.')) return null;
      const variable = first.slice('var.'.length);
      if (callPath === '') {
        const declared = this.variables?.[variable];
        const value = isObject(declared) ? declared['value'] : undefined;
        return typeof value === 'string' ? value : null;
      }
      expression = this.moduleCalls.get(callPath)?.expressions[variable];
      const dot = callPath.lastIndexOf('.');
      callPath = dot === -1 ? '' : callPath.slice(0, dot);
    }
    return null;
  }
}

/**
 * The provider configuration that actually applies for a key, following Terraform's inheritance: a module
 * without its own configuration for a provider uses its parent's, up to the root.
 * "module.a.module.b:aws" → "module.a:aws" → "aws". Older Terraform writes "b:aws" for "module.b:aws".
 */
export function providerConfigChain(key: string): string[] {
  const colon = key.lastIndexOf(':');
  if (colon === -1) return [key];
  const providerPart = key.slice(colon + 1);
  let modulePart = key.slice(0, colon);
  if (!modulePart.startsWith('module.')) modulePart = `module.${modulePart}`;
  const chain: string[] = [];
  for (;;) {
    chain.push(`${modulePart}:${providerPart}`);
    const lastModule = modulePart.lastIndexOf('.module.');
    if (lastModule === -1) break;
    modulePart = modulePart.slice(0, lastModule);
  }
  chain.push(providerPart);
  return chain;
}
