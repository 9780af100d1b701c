/**
 * The one place where a resource's planned values meet `after_unknown` and `after_sensitive`.
 *
 * Terraform reports a planned object as three parallel trees: the known values (`after`), a mask of values
 * that are unknown until apply (`after_unknown`), and a mask of sensitive values (`after_sensitive`).
 * They are merged once, here, into a single tree in which
 *   - every unknown value is `null` and its dot path ("tags.team", "root_block_device.0.kms_key_id") is
 *     listed in `unknown`, and
 *   - every sensitive value is the string "(sensitive)", so no secret can reach the model, a policy or
 *     an output.
 * Extractors read only this merged tree, so none of them has to think about unknown or sensitive values:
 * whatever they derive from an unknown value is null, and whatever they derive from a secret is redacted.
 */
import { dotPathSegments } from '../../model/dot-path.js';

export const SENSITIVE_PLACEHOLDER = '(sensitive)';

type Mask = unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function maskChild(mask: Mask, key: string | number): Mask {
  if (Array.isArray(mask)) return typeof key === 'number' ? mask[key] : undefined;
  if (isRecord(mask)) return mask[key];
  return undefined;
}

/** True when a mask marks something below it (Terraform writes `{}` or `[]` for "nothing marked"). */
function marksAnything(mask: Mask): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(marksAnything);
  if (isRecord(mask)) return Object.values(mask).some(marksAnything);
  return false;
}

function joinPath(prefix: string, key: string | number): string {
  return prefix === '' ? String(key) : `${prefix}.${key}`;
}

const NOTHING_UNKNOWN: ReadonlySet<string> = new Set();

export class PlannedValues {
  /** The merged values: unknown → null, sensitive → "(sensitive)". */
  readonly values: Readonly<Record<string, unknown>>;
  /** Dot paths of values unknown until apply, in document order. */
  readonly unknown: readonly string[];
  private readonly unknownSet: ReadonlySet<string>;

  constructor(after: unknown, afterUnknown: Mask, afterSensitive: Mask) {
    const unknown: string[] = [];
    const merged = afterSensitive === true ? {} : merge(after, afterUnknown, afterSensitive, '', unknown);
    this.values = isRecord(merged) ? merged : {};
    this.unknown = unknown;
    // Most resources have nothing unknown: they share one empty set rather than each building its own.
    this.unknownSet = unknown.length === 0 ? NOTHING_UNKNOWN : new Set(unknown);
  }

  /** The value at a dot path, or null when it is absent, unknown, or below something unknown. */
  get(path: string): unknown {
    let current: unknown = this.values;
    const segments = dotPathSegments(path);
    // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for...of walks an iterator object in code not yet optimised, which is where a plan's first resources run
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] ?? '';
      if (Array.isArray(current)) current = current[Number(segment)];
      else if (isRecord(current)) current = current[segment];
      else return null;
      if (current === undefined || current === null) return null;
    }
    return current;
  }

  /** Whether the value at `path`, or any value containing it, is unknown until apply. */
  isUnknown(path: string): boolean {
    if (this.unknownSet.size === 0) return false;
    if (this.unknownSet.has(path)) return true;
    for (let dot = path.lastIndexOf('.'); dot !== -1; dot = path.lastIndexOf('.', dot - 1)) {
      if (this.unknownSet.has(path.slice(0, dot))) return true;
    }
    return false;
  }

  /** Whether anything at or below `path` is unknown (e.g. a block with one unknown attribute). */
  hasUnknownWithin(path: string): boolean {
    if (this.isUnknown(path)) return true;
    const prefix = `${path}.`;
    for (const unknownPath of this.unknown) if (unknownPath.startsWith(prefix)) return true;
    return false;
  }

  string(path: string): string | null {
    const value = this.get(path);
    return typeof value === 'string' ? value : null;
  }

  /** A string that is set: empty strings, which providers use for "not configured", count as absent. */
  nonEmptyString(path: string): string | null {
    const value = this.string(path);
    return value === null || value === '' ? null : value;
  }

  number(path: string): number | null {
    const value = this.get(path);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    // Some providers and older Terraform versions render numbers as strings.
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return null;
  }

  boolean(path: string): boolean | null {
    const value = this.get(path);
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    return null;
  }

  list(path: string): readonly unknown[] | null {
    const value = this.get(path);
    return Array.isArray(value) ? value : null;
  }

  record(path: string): Readonly<Record<string, unknown>> | null {
    const value = this.get(path);
    return isRecord(value) ? value : null;
  }
}

/** Assigns an own property even for the key "__proto__", which plain assignment would treat as the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Whether a mask can mark anything below it: a non-empty object or array (`true` is handled before). Terraform
 * writes `{}` and `[]` for "nothing marked" on most attributes (after_sensitive is `{"tags": {}, ...}` on nearly
 * every resource); merging under an empty mask gives the value itself, so it is not walked.
 */
function isMaskTree(mask: Mask): boolean {
  if (typeof mask !== 'object' || mask === null) return false;
  if (Array.isArray(mask)) return mask.length > 0;
  for (const key in mask) if (Object.hasOwn(mask, key)) return true;
  return false;
}

/**
 * What `merge` gives for a value with no mask below it: the value itself (undefined written as null). The values
 * come from JSON.parse, so they hold no undefined and share no subtree, and the plan document is dropped once it
 * is normalised: its subtrees become the resources' values without a copy of every value in the plan.
 */
function unmasked(value: unknown): unknown {
  return value === undefined ? null : value;
}

function merge(value: unknown, unknownMask: Mask, sensitiveMask: Mask, path: string, unknown: string[]): unknown {
  if (unknownMask === true) {
    if (path !== '') unknown.push(path);
    return null;
  }
  if (sensitiveMask === true) return value === null || value === undefined ? null : SENSITIVE_PLACEHOLDER;
  // Most of a plan is neither unknown nor sensitive: kept as it is, without building a path for every value.
  if (!isMaskTree(unknownMask) && !isMaskTree(sensitiveMask)) return unmasked(value);

  if (Array.isArray(value) || (!isRecord(value) && Array.isArray(unknownMask) && marksAnything(unknownMask))) {
    const source: readonly unknown[] = Array.isArray(value) ? value : [];
    const length = Math.max(source.length, Array.isArray(unknownMask) ? unknownMask.length : 0);
    const out: unknown[] = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      out[i] = merge(source[i] ?? null, maskChild(unknownMask, i), maskChild(sensitiveMask, i), joinPath(path, i), unknown);
    }
    return out;
  }

  if (isRecord(value) || (isRecord(unknownMask) && marksAnything(unknownMask))) {
    const source: Readonly<Record<string, unknown>> = isRecord(value) ? value : {};
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      setOwn(out, key, merge(source[key], maskChild(unknownMask, key), maskChild(sensitiveMask, key), joinPath(path, key), unknown));
    }
    // A value that is entirely unknown is often missing from `after`; keep it visible as null.
    if (isRecord(unknownMask)) {
      for (const key of Object.keys(unknownMask)) {
        if (!(key in source) && marksAnything(unknownMask[key])) {
          setOwn(out, key, merge(null, unknownMask[key], maskChild(sensitiveMask, key), joinPath(path, key), unknown));
        }
      }
    }
    return out;
  }

  return value === undefined ? null : value;
}
