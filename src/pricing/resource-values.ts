/**
 * Reading a resource's raw values (`Resource.values`, `PriorState.values`) by dot path. The reader has
 * already turned unknown-until-apply values into null and secrets into "(sensitive)", so a missing,
 * unknown or mistyped value all read as null here: the price is then unknown, never guessed.
 */
import { dotPathSegments } from '../model/dot-path.js';

function child(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) return value[Number(segment)];
  if (typeof value === 'object' && value !== null) return (value as Record<string, unknown>)[segment];
  return undefined;
}

export function valueAt(values: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = values;
  const segments = dotPathSegments(path);
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for...of walks an iterator object in code not yet optimised, which is where a plan's first resources run
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    current = child(current, segment);
    if (current === undefined || current === null) return null;
  }
  return current;
}

export function numberAt(values: Readonly<Record<string, unknown>>, path: string): number | null {
  const value = valueAt(values, path);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function stringAt(values: Readonly<Record<string, unknown>>, path: string): string | null {
  const value = valueAt(values, path);
  return typeof value === 'string' && value !== '' ? value : null;
}

export function listAt(values: Readonly<Record<string, unknown>>, path: string): readonly unknown[] | null {
  const value = valueAt(values, path);
  return Array.isArray(value) ? value : null;
}
