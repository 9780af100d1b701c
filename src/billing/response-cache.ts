/**
 * A cache of API responses by query and day, on disk. Cost Explorer charges per request, and a closed day's
 * costs no longer change, so a nightly run asks only for the days it has not seen closed (plus the open ones).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';

export class ResponseCache {
  constructor(private readonly dir: string) {}

  /** A stable key for a query: its JSON with keys sorted, hashed. */
  static keyOf(query: unknown): string {
    return createHash('sha256').update(stableJson(query)).digest('hex').slice(0, 32);
  }

  private path(key: string, day: string): string {
    return join(this.dir, key, `${day}.json`);
  }

  /** What `set` stored for the key and day, parsed; the caller knows its shape. */
  get(key: string, day: string): unknown {
    try {
      return JSON.parse(readFileSync(this.path(key, day), 'utf8'));
    } catch {
      // Absent or unreadable (a torn write): not cached, ask again.
      return undefined;
    }
  }

  set(key: string, day: string, value: unknown): void {
    const file = this.path(key, day);
    // Atomic, so a crash never leaves half a file that later reads as cached.
    writeFileAtomic(file, JSON.stringify(value), { createDirectory: true });
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
