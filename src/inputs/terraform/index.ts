/**
 * The Terraform / OpenTofu plan reader: `terraform show -json` (or `tofu show -json`) output, format
 * versions 0.1 to 1.x, → the normalised `Resource` model.
 *
 *   const plan = await readPlanFile('plan.json');
 *   const located = await locateResources(plan.resources, 'infra/');
 *
 * Every problem with the input is a TollgateError carrying file, line and column (exit code 2).
 */
import { normalisePlan, type NormalisedPlan } from './normalise.js';
import { DEFAULT_MAX_PLAN_BYTES, readPlanText } from './plan-file.js';
import { parseJsonText } from './plan-json.js';
import { PlanShape } from './plan-shape.js';

export type { NormalisedPlan } from './normalise.js';
export { locateResources } from './source-locations.js';
export { DEFAULT_MAX_PLAN_BYTES } from './plan-file.js';
export { MAX_NESTING_DEPTH } from './plan-json.js';

export interface PlanReadOptions {
  /**
   * Largest file accepted, in bytes; default 256 MiB (DEFAULT_MAX_PLAN_BYTES). Checked on the file's size
   * before it is read, so an oversized file costs no memory.
   */
  readonly maxBytes?: number;
}

/** Parses and normalises plan JSON text. `file` is used in error messages. Throws TollgateError on bad input. */
export function parsePlan(text: string, file: string): NormalisedPlan {
  // A UTF-8 byte order mark is not JSON, but editors and PowerShell add it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const document = parseJsonText(body, file);
  return normalisePlan(document, new PlanShape(body, file));
}

/** Reading is synchronous (a bounded read); the promise keeps callers free to read plans in other ways. */
export function readPlanFile(path: string, options: PlanReadOptions = {}): Promise<NormalisedPlan> {
  return new Promise((resolve) => {
    resolve(parsePlan(readPlanText(path, options.maxBytes ?? DEFAULT_MAX_PLAN_BYTES), path));
  });
}
