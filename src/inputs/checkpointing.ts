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

/** Keys that state checkpointing, in order of precedence. */
export const CHECKPOINTING_KEYS: readonly string[] = ['tollgate.io/checkpointing', 'tollgate-checkpointing', 'tollgate.dev/checkpointing'];

/** The first map (annotations, labels, tags) that states it decides: true or false; null when none does. */
export function statedCheckpointing(...maps: ReadonlyArray<Readonly<Record<string, string>> | null | undefined>): boolean | null {
  for (const map of maps) {
    if (!map) continue;
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
