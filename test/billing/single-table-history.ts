/**
 * Histories as earlier versions wrote them, for the tests of what opening one does: cost_records was a single
 * table then (src/billing/history-layout.ts splits it when opened).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Rewrites the history on `connection` (a file CostHistory wrote and closed) as the single table cost_records,
 * with the rows, columns and types the view shows; the caller then takes it back to an older form.
 */
export async function asSingleTable(connection: DuckDBConnection): Promise<void> {
  // The rows in the order the view gives them to the history's own connection (CostHistory.open).
  await connection.run(`SET disabled_optimizers = 'build_side_probe_side'`);
  await connection.run('CREATE TABLE cost_records_single AS SELECT * FROM cost_records');
  await connection.run('DROP VIEW cost_records');
  await connection.run('DROP TABLE cost_facts');
  await connection.run('DROP TABLE cost_dimensions');
  await connection.run('ALTER TABLE cost_records_single RENAME TO cost_records');
}
