/** History defaults, apart from history.ts so the CLI's help can show them without loading DuckDB. */
export const DEFAULT_HISTORY_FILE = '.tollgate/history.duckdb';
export const DEFAULT_RETENTION_DAYS = 400;
