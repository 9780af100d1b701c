/** Option parsers shared by the commands. */

/** For repeatable flags (`--policy a --policy b`): commander calls it once per occurrence. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
