/**
 * Wall and CPU time of each DuckDB statement a FOCUS CSV and a Parquet import run (staging and the commit to
 * history), at ROWS rows (default 1,000,000), on the same generated data as bench/report.ts: where the import's
 * time goes. Statements under 20 ms are not shown; CPU time counts every thread of the process.
 *   ROWS=1000000 node --import tsx bench/import-breakdown.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CostHistory } from '../src/billing/history.js';
import { importSources, parseSourceSpec } from '../src/billing/sources.js';
import { generateFocusFilesApart } from './focus-history.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-import-'));

/** Wraps the connection so that every statement's time is printed with the start of its SQL. */
function timed(history: CostHistory): void {
  const connection = history.connection as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  let depth = 0;
  for (const method of ['run', 'runAndReadAll']) {
    const original = connection[method]?.bind(history.connection);
    if (!original) continue;
    connection[method] = async (...args: unknown[]) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      depth += 1;
      try {
        return await original(...args);
      } finally {
        const sql = String(args[0]).replace(/\s+/g, ' ').slice(0, 110);
        depth -= 1;
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpu);
        if (depth === 0 && ms >= 20)
          console.log(
            `  ${(ms / 1000).toFixed(2).padStart(6)} s (CPU ${((used.user + used.system) / 1e6).toFixed(1).padStart(4)} s)  ${sql}`,
          );
      }
    };
  }
}

const { csv, parquet, generatorPeakRssMiB } = generateFocusFilesApart(ROWS, dir);
console.log(
  `${ROWS.toLocaleString('en-US')} rows; load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' / ')}`,
);
for (const file of [csv, parquet]) {
  const history = await CostHistory.open(join(dir, `${Date.now()}.duckdb`));
  timed(history);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const offline = (): never => {
    throw new Error('offline');
  };
  await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: '2025-06-20',
    days: 60,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: { aws: offline, azure: offline, bigquery: offline },
  });
  const used = process.cpuUsage(cpu);
  console.log(
    `${file.endsWith('.csv') ? 'CSV' : 'Parquet'} imported (staged and committed) in ${((performance.now() - started) / 1000).toFixed(2)} s ` +
      `(CPU ${((used.user + used.system) / 1e6).toFixed(1)} s)`,
  );
  history.close();
}
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (the imports; the generator's ${generatorPeakRssMiB} MiB apart)`,
);
rmSync(dir, { recursive: true, force: true });
