/**
 * What every staging of a cost file shares: how the source is stored, and the DuckDB setting its big
 * statements run under.
 */
import { literal } from './file-dialects.js';
import type { CostHistory } from './history.js';

/**
 * The source name of every staged row, as a one-value ENUM: DuckDB keeps a text of more than 12 bytes apart for
 * each row of a temporary table (a second per million rows to write, and its memory), an ENUM one byte. It reads
 * as the text, and is stored as VARCHAR when the rows are committed to history.
 */
export function stagedSource(source: string): string {
  return `CAST(${literal(source)} AS ENUM(${literal(source)}))`;
}

/**
 * Runs a statement that stages a whole file with DuckDB free to write rows in any order: keeping the file's
 * order costs a fifth of the time and buffers rows in memory, and the staged rows are a set (history is
 * queried by day and source, never by order).
 */
export async function withoutInsertionOrder<T>(history: CostHistory, work: () => Promise<T>): Promise<T> {
  await history.run('SET preserve_insertion_order = false');
  try {
    return await work();
  } finally {
    await history.run('RESET preserve_insertion_order');
  }
}
