/**
 * The FOCUS history bench/report.ts and bench/import-breakdown.ts import, written as CSV and as Parquet.
 * The benches write it in a child process (generateFocusFilesApart), so that their peak RSS is the import's and
 * the report's own, not the generator's DuckDB.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export interface GeneratedFiles {
  readonly csv: string;
  readonly parquet: string;
  /** Peak RSS of the process that wrote them, MiB. */
  readonly generatorPeakRssMiB: number;
}

/** Writes the files in a child process (this file run as a script) and returns their paths and the child's peak RSS. */
export function generateFocusFilesApart(rows: number, dir: string): GeneratedFiles {
  const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(rows), dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output) as GeneratedFiles;
}

/**
 * Generated in DuckDB from range(): each run of 60 rows is one resource's 60 days (at 5 million rows, 50,000
 * resources with one or two lines a day), each resource belonging to one of 40 teams, 25 models, 4 services and
 * 3 clouds; on one day a seventh of the resources cost five times as much, so every team's spend rises that day
 * against a same-weekday baseline.
 */
export async function generateFocusFiles(rows: number, dir: string): Promise<{ csv: string; parquet: string }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const select = `SELECT
      strftime(TIMESTAMP '2025-04-21' + to_days(CAST(i % 60 AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodStart,
      strftime(TIMESTAMP '2025-04-22' + to_days(CAST(i % 60 AS INTEGER)), '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodEnd,
      round((hash(i) % 1000) / 100.0 * CASE WHEN i % 60 = 57 AND (i // 60) % 7 = 0 THEN 5 ELSE 1 END, 4) AS BilledCost,
      round((hash(i) % 1000) / 100.0 * CASE WHEN i % 60 = 57 AND (i // 60) % 7 = 0 THEN 5 ELSE 1 END, 4) AS EffectiveCost,
      round((hash(i) % 1000) / 80.0, 4) AS ListCost, 'USD' AS BillingCurrency,
      ['Amazon Web Services', 'Microsoft', 'Google Cloud'][1 + (i // 60) % 3] AS ServiceProviderName,
      ['Amazon SageMaker', 'Virtual Machines', 'Vertex AI', 'Storage'][1 + (i // 60) % 4] AS ServiceName, 'Compute' AS ServiceCategory,
      'us-east-1' AS RegionId, 'res-' || ((i // 60) % 50000) AS ResourceId, 'Virtual Machine' AS ResourceType,
      ['p4d.24xlarge', 'Standard_NC24ads_A100_v4', 'a2-highgpu-1g', 'm5.large'][1 + (i // 60) % 4] AS SkuId, 'Standard' AS PricingCategory,
      'acct-' || ((i // 60) % 20) AS SubAccountId,
      '{"team":"team-' || ((i // 60) % 40) || '","tollgate.io/model":"model-' || ((i // 60) % 25) || '@1","environment":"prod"}' AS Tags
    FROM range(${rows}) t(i)`;
  const csv = join(dir, 'focus.csv');
  const parquet = join(dir, 'focus.parquet');
  await c.run(`COPY (${select}) TO '${csv}' (HEADER, DELIMITER ',')`);
  await c.run(`COPY (${select}) TO '${parquet}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return { csv, parquet };
}

// Run as a script (by generateFocusFilesApart): node --import tsx bench/focus-history.ts ROWS DIR
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [rows = '', dir = ''] = process.argv.slice(2);
  const files = await generateFocusFiles(Number(rows), dir);
  const generated: GeneratedFiles = { ...files, generatorPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(JSON.stringify(generated));
}
