/**
 * Whether interrupted work resumes from a checkpoint (`compute.checkpointing`, read by TG-SAV-CKPT), stated the
 * same way in every reader, as the model reference is:
 *
 *   tollgate.io/checkpointing: "true" | "false"   AWS tags, Kubernetes annotations and labels
 *   tollgate-checkpointing:    "true" | "false"   GCP labels and Azure tags (no "/" in keys)
 *
 * `tollgate.dev/checkpointing`, the spelling earlier documentation gave, is read too. Keys compare
 * case-insensitively; any other value states nothing.
 */

import { hasKeyOfLength } from './key-lengths.js';

/** Keys that state checkpointing, in order of precedence. */
export const CHECKPOINTING_KEYS: readonly string[] = ['tollgate.io/checkpointing', 'tollgate-checkpointing', 'tollgate.dev/checkpointing'];

/** The lengths of CHECKPOINTING_KEYS: a map with no key of one of them states nothing, whatever its case. */
const KEY_LENGTHS: ReadonlySet<number> = new Set(CHECKPOINTING_KEYS.map((key) => key.length));

/** The first map (annotations, labels, tags) that states it decides: true or false; null when none does. */
export function statedCheckpointing(...maps: ReadonlyArray<Readonly<Record<string, string>> | null | undefined>): boolean | null {
  for (const map of maps) {
    // Most maps state nothing: one look at their keys' lengths spares them a lower-cased copy of every key per key.
    if (!map || !hasKeyOfLength(map, KEY_LENGTHS)) continue;
    for (const key of CHECKPOINTING_KEYS) {
      const value = Object.entries(map)
        .find(([name]) => name.toLowerCase() === key)?.[1]
        ?.trim()
        .toLowerCase();
      if (value === 'true') return true;
      if (value === 'false') return false;
    }
  }
  return null;
}
