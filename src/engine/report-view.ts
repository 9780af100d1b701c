/**
 * The report view (policies/decision.rego, report_view): on a report judged in slices of its billed resources,
 * report_decision reads a billed resource only when an inventory deployment's spend is looked up by its id or its
 * model reference (billing_usage.spend_of), so its input keeps only those. The billed resources are most of a
 * large report's input (23 of its 33 MiB at 5 million rows), and parsing them was most of that evaluation's time
 * and of the process's peak memory, although report_decision makes no per-resource offer.
 *
 * What keeps the decision the whole input's: the keys come from the bundle (report_view, defined only when every
 * rule and fact of the bundle is a built-in one), a billed resource is kept when its key equals one of them as
 * Rego compares values (canonical JSON, object keys sorted), and the evaluation over the view returns the keys its
 * own look-ups used (report_view_decision), which must all be keys of the view; anything else is judged whole.
 */
import { TollgateError } from '../model/errors.js';
import { canonicalJson, isPlainObject } from '../model/json-value.js';

/** The entrypoints of the report view: what may be left out, and report_decision with the keys it looked up. */
export const REPORT_VIEW_ENTRYPOINT = 'tollgate/report_view';
export const REPORT_VIEW_DECISION_ENTRYPOINT = 'tollgate/report_view_decision';

/** The keys billing_usage.spend_of looks billed resources up by, each as canonical JSON. */
export interface SpendKeys {
  /** Billed resource ids (input.report.usage.resources[].resource). */
  readonly resources: ReadonlySet<string>;
  /** [model.id, model.version, provider] of a billed resource. */
  readonly models: ReadonlySet<string>;
}

/** A bundle's report_view for one input: the billed resources report_decision may read, and the facts it may publish. */
export interface ReportView {
  readonly keys: SpendKeys;
  /** A decision over the view publishing another fact came from a rule of the bundle's own: judged again, whole. */
  readonly facts: ReadonlySet<string>;
}

/** A report input split where the view and the slices take it apart: the input, its report, the report's usage and billed resources. */
export interface ReportParts {
  readonly input: Record<string, unknown>;
  readonly report: Record<string, unknown>;
  readonly usage: Record<string, unknown>;
  readonly resources: readonly unknown[];
}

/** What report_view is evaluated over: the input without its report (the deployments are the inventory's and the plan's). */
export function reportViewInput(input: Record<string, unknown>): Record<string, unknown> {
  const { report: _report, ...rest } = input;
  return rest;
}

/** A report_view result as a view; a bundle giving anything else is refused. */
export function reportViewOf(result: Record<string, unknown>, source: string): ReportView {
  const keys = spendKeysOf(result.usage_keys);
  const { facts } = result;
  if (keys === null || !Array.isArray(facts) || !facts.every((fact) => typeof fact === 'string')) {
    throw new TollgateError(
      `the policy's ${REPORT_VIEW_ENTRYPOINT} is not {"usage_keys": {"resources": [ids], "models": [[id, version, provider]]}, "facts": [names]}`,
      { file: source },
    );
  }
  return { keys, facts: new Set(facts) };
}

/** Whether report_decision may read a billed resource over the view: its id, or its model reference in its cloud, is one of the keys. */
export function readOverView(resource: unknown, keys: SpendKeys): boolean {
  if (!isPlainObject(resource)) return false;
  if (keys.resources.has(canonicalJson(resource.resource))) return true;
  const { model } = resource;
  return isPlainObject(model) && keys.models.has(canonicalJson([model.id, model.version, resource.provider]));
}

/**
 * The decision of report_view_decision when it is the whole input's: every key its look-ups used is a key of the
 * view, and it publishes no fact the view does not list. Null otherwise (and when it is not of that shape).
 */
export function decisionOverView(result: Record<string, unknown> | null, view: ReportView): Record<string, unknown> | null {
  const decision = result?.decision;
  const used = spendKeysOf(result?.usage_keys);
  if (!isPlainObject(decision) || used === null) return null;
  if (![...used.resources].every((key) => view.keys.resources.has(key))) return null;
  if (![...used.models].every((key) => view.keys.models.has(key))) return null;
  const { facts } = decision;
  if (isPlainObject(facts) && Object.keys(facts).some((name) => !view.facts.has(name))) return null;
  return decision;
}

function spendKeysOf(value: unknown): SpendKeys | null {
  if (!isPlainObject(value)) return null;
  const { resources, models } = value;
  if (!Array.isArray(resources) || !Array.isArray(models)) return null;
  return { resources: new Set(resources.map(canonicalJson)), models: new Set(models.map(canonicalJson)) };
}
