/**
 * Benchmark of the nightly report: generates ROWS FOCUS rows (default 300,000, quick; the target is set at
 * 5,000,000) as CSV and as Parquet, imports each into a fresh history, builds the report, and prints import
 * time, report time and peak RSS beside the earlier figures and the targets, with the machine's load average
 * (figures taken on a shared machine are upper bounds).
 *   node --import tsx bench/report.ts            ROWS=5000000 node --import tsx bench/report.ts
 * To measure the report alone, run after run, keep a history between runs: HISTORY=FILE imports the generated
 * Parquet file into FILE the first time (FILE must not exist) and leaves it there; a later run with the same
 * HISTORY skips the generation and the import and builds the report from FILE. REPORT_OUT=DIR writes the
 * report's JSON, Markdown and HTML to DIR, to compare two builds' reports byte for byte (`cmp`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CostHistory } from '../src/billing/history.js';
import { generateFocusFilesApart, type GeneratedFiles } from './focus-history.js';
import { importSources, parseSourceSpec } from '../src/billing/sources.js';
import { readBundleFile } from '../src/engine/bundle.js';
import { PolicyEngine } from '../src/engine/policy-engine.js';
import { builtinBundlePath } from '../src/package-paths.js';
import { prepare, prepareSettings } from '../src/prepare/index.js';
import { readAnomalyInput } from '../src/prepare/report-anomalies.js';
import { readReportUsage } from '../src/prepare/report-usage.js';
import { firstReportAnomalyDays } from '../src/report/anomaly-window.js';
import { assembleReport } from '../src/report/finops-report.js';
import { readReportFacts } from '../src/report/report-facts.js';
import { renderReportHtml, renderReportJson, renderReportMarkdown } from '../src/report/report-renderers.js';

const ROWS = Number(process.env.ROWS ?? 300_000);
/** Earlier figures (README), to read this run's beside. */
const PREVIOUS = [
  'earlier, 5,000,000 rows, idle machine, before showback and currencies: CSV import 13.5 s, Parquet import 6.7 s, report 1.6 s, peak RSS 1.2 GiB',
  'earlier, 300,000 rows, load average 10-12, FOCUS CSV read row by row in JavaScript: CSV import 47.7 s, report 4.8 s; Parquet import 5.1 s, report 3.9 s; peak RSS 616 MiB',
  'earlier, 1,000,000 rows, load average 15, FOCUS CSV read by DuckDB: CSV import 68.9 s (18.5 CPU s), Parquet import 37.9 s (12.5 CPU s), report 66 s (23 CPU s); peak RSS 1.4 GiB',
  'earlier, 5,000,000 rows, load average 12-18: CSV import 327 s, report 307 s; Parquet import 282 s, report 365 s; peak RSS 1.7 GiB',
  'earlier, 5,000,000 rows with every resource spending daily, idle machine: CSV import 39.3 s, report 59.9 s; Parquet import 20.3 s, report 56.4 s; peak RSS 2.3 GiB',
  'earlier, 5,000,000 rows, tags as columns, spend as a view, anomaly input one row per resource, one-read CSV import, idle machine: CSV import 30.8 s, report 38.6 s; Parquet import 22.7 s, report 39.6 s; peak RSS 2.5 GiB',
  'earlier, 5,000,000 rows, tags as columns, spend as a view, anomaly input one row per resource, load average 8-13: CSV import 331.7 s (81.4 CPU s), report 313.1 s (104 CPU s: facts 28, savings input 12, anomaly input 48, evaluation 12); Parquet import 137.8 s (55.7 CPU s), report 154.7 s (91 CPU s: facts 28, savings input 12, anomaly input 40, evaluation 9); peak RSS 2.4 GiB',
  'the peak RSS figures above are the whole process, the generation of the files included; from here on the files are generated in a child process and its peak is printed apart',
  'earlier, 5,000,000 rows, facts from one table of daily sums, class kept at commit, anomaly input in one scan, trimmed savings input, Parquet staged as a view, idle machine: CSV import 26.2 s, report 13.5 s; Parquet import 14.2 s, report 12.6 s; peak RSS 1,461 MiB (CSV alone) and 1,706 MiB (Parquet alone)',
  'earlier, 5,000,000 rows, the build before the report view, ENUM columns and the cheaper anomaly input, on a day the same idle machine ran slower: CSV import 38.5 s, report 19.3 s; Parquet import 25.7 s, report 18.4 s; peak RSS 1,744 MiB (both formats in one process)',
  "earlier, 5,000,000 rows, the report alone (HISTORY kept), before the budgets' sums joined the daily sums' scan and DuckDB was closed before the evaluation, load average 4-6: report 26.5-27.5 s (18.3-22.2 CPU s), peak RSS 1,188-1,230 MiB; after: 23.3-25.1 s (20.8-21.3 CPU s), 913-914 MiB",
  "earlier, 5,000,000 rows, the report alone (HISTORY kept), before a first report's anomaly input spanned TG-ANO-001's lookback_days (with the report view's instance sized for 4 times its input) and the cost drivers and anomaly rows read EffectiveCost and BilledCost as two branches, load average 6-8: report 34.9 s (21.0 CPU s: facts 5.5, inputs 10.5, evaluation 4.9), 913 MiB after the report; after: 26.6 s (15.6 CPU s: facts 5.1, inputs 7.1, evaluation 3.2), 708 MiB",
  'earlier, 5,000,000 rows, before and after the rows were stored as facts with one dimension per distinct combination of their texts, one run each, load average 5-9: CSV import 63.6 -> 52.4 CPU s, Parquet import 28.5 -> 12.8 CPU s, reports 21.0 / 20.5 -> 20.6 / 19.1 CPU s; peak RSS 1,370 -> 1,438 MiB (both formats in one process)',
  'earlier, 5,000,000 rows, the report alone (HISTORY kept), before and after the savings input was summed per combination of texts before the join, three interleaved runs each, load average 4-5: report 10.5-13.3 -> 9.1-10.4 CPU s (the savings statement 3.1-3.8 -> 1.7-2.2, prepare 5.5-7.2 -> 4.1-4.7), reports byte-identical',
];
const TARGETS =
  'targets at 5,000,000 rows on 2 cores: import + report under 40 s from CSV and under 20 s from Parquet, peak RSS under 1.5 GiB';

function load(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ')} (1/5/15 min) on ${availableParallelism()} cores`;
}
const NOW = '2025-06-20T00:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-report-'));

/** The generated history (bench/focus-history.ts) in this run's directory, written by a child process. */
const generate = (): GeneratedFiles => generateFocusFilesApart(ROWS, dir);

/**
 * Time per phase of the report, and per query of the history: each query is named by the function that ran it
 * and its first words, so a slow one can be found without a profiler. Printed here, never by the CLI.
 */
const phases = new Map<string, { ms: number; cpu: number }>();
async function timed<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(cpu);
    const before = phases.get(name) ?? { ms: 0, cpu: 0 };
    phases.set(name, { ms: before.ms + performance.now() - started, cpu: before.cpu + (used.user + used.system) / 1000 });
  }
}
function caller(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  const frame = frames.find((line) => !line.includes('bench/report.ts') && !line.includes('history.ts')) ?? '';
  return /at (?:async )?([\w.]+)/.exec(frame)?.[1] ?? '?';
}
function timeQueries(history: CostHistory): void {
  const query = history.query.bind(history);
  const run = history.run.bind(history);
  const label = (sql: string): string => `  query ${caller()}: ${sql.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
  history.query = (sql, params) => timed(label(sql), () => query(sql, params)) as never;
  history.run = (sql, params) => timed(label(sql), () => run(sql, params));
}

/** The process's peak RSS so far, MiB: read after each phase, it shows which phase set the peak. */
function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** CPU seconds (user + system, all threads, DuckDB's included) between two readings. */
function cpuSeconds(from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): string {
  return ((to.user - from.user + to.system - from.system) / 1e6).toFixed(1);
}

async function importInto(history: CostHistory, file: string): Promise<void> {
  await importSources(history, [parseSourceSpec(`focus:${file}`)], {
    today: NOW.slice(0, 10),
    days: 60,
    tagKeys: ['team'],
    retentionDays: 400,
    refresh: false,
    cacheDir: dir,
    clients: {
      aws: () => {
        throw new Error('offline');
      },
      azure: () => {
        throw new Error('offline');
      },
      bigquery: () => {
        throw new Error('offline');
      },
    },
  });
}

/** Imports `file` into `historyFile` and builds the report; with no file, builds the report from the history as it is. */
async function measure(file: string | null, historyFile = join(dir, `${Date.now()}.duckdb`)): Promise<void> {
  const history = await CostHistory.open(historyFile);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  if (file !== null) await importInto(history, file);
  const imported = performance.now();
  const cpuImported = process.cpuUsage();
  const rssImported = peakRssMiB();
  const budgets = Array.from({ length: 40 }, (_, i) => ({ name: `team-${i}`, scope: { team: `team-${i}` }, amount: 30_000 }));
  phases.clear();
  timeQueries(history);
  const facts = await timed('report facts (readReportFacts)', () =>
    readReportFacts(history, {
      today: NOW.slice(0, 10),
      now: NOW,
      days: 60,
      budgets,
      environmentTagKeys: ['environment'],
      teamTagKey: 'team',
    }),
  );
  const engine = await timed('policy load', () => PolicyEngine.load(readBundleFile(builtinBundlePath), { budgets }));
  const settings = prepareSettings({ file: null, config: { budgets } });
  // As the CLI does: a first report's anomaly input spans the days the bundle's TG-ANO-001 judges.
  const anomalyDays = firstReportAnomalyDays(engine, {}, 60);
  const input = await timed('prepare (savings and anomaly inputs)', () =>
    prepare({
      subject: { kind: 'report', facts, source: 'bench' },
      sources: { history, anomalies: { days: anomalyDays } },
      settings,
      now: NOW,
    }),
  );
  // As the CLI does: DuckDB's memory is given back before the evaluation, the report's peak.
  await timed('closing the history', () => history.close());
  const decision = await timed('evaluation', () => engine.evaluate(input));
  const report = await timed('assemble', () => assembleReport(facts, decision, engine.rules));
  const rendered = await timed('rendering', () => ({
    'report.json': renderReportJson(report),
    'report.md': renderReportMarkdown(report),
    'report.html': renderReportHtml(report, budgets),
  }));
  const done = performance.now();
  const cpuDone = process.cpuUsage();
  const rssDone = peakRssMiB();
  const bytes = Object.values(rendered).reduce((sum, text) => sum + text.length, 0);
  const out = process.env.REPORT_OUT;
  if (out !== undefined) {
    mkdirSync(out, { recursive: true });
    for (const [name, text] of Object.entries(rendered)) writeFileSync(join(out, name), text);
  }
  const breakdown = new Map(phases);
  // The two inputs on their own, outside the timed report: their sizes as the engine receives them.
  // Each timed alone too: inside prepare they run one after the other, and only their sum is timed.
  const cpuOf = async <T>(work: () => Promise<T>): Promise<[T, string]> => {
    const from = process.cpuUsage();
    const value = await work();
    return [value, cpuSeconds(from, process.cpuUsage())];
  };
  const reopened = await CostHistory.open(historyFile);
  const [usage, usageCpu] = await cpuOf(() => readReportUsage(reopened, NOW.slice(0, 10)));
  const [anomaly, anomalyCpu] = await cpuOf(() =>
    readAnomalyInput(reopened, { today: NOW.slice(0, 10), lastRun: null, days: anomalyDays, teamTagKey: 'team' }),
  );
  reopened.close();
  const name =
    file === null
      ? `history ${historyFile}`
      : `${file.endsWith('.csv') ? 'CSV    ' : 'Parquet'} ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `${name}: import ${((imported - started) / 1000).toFixed(1)} s, report ${((done - imported) / 1000).toFixed(1)} s, ` +
      `together ${((done - started) / 1000).toFixed(1)} s; CPU time (every thread, less bent by a loaded machine) ` +
      `import ${cpuSeconds(cpuStarted, cpuImported)} s, report ${cpuSeconds(cpuImported, cpuDone)} s ` +
      `(peak RSS so far ${rssImported} MiB after the import, ${rssDone} MiB after the report) ` +
      `(${report.anomalies.length} anomalies, ${report.violations.length} violations, ${(bytes / 1024).toFixed(0)} KiB of output)`,
  );
  console.log(
    `  input: savings ${usage.resources.length} billed resources (${(JSON.stringify(usage).length / 2 ** 20).toFixed(1)} MiB of JSON, ` +
      `${usageCpu} CPU s alone), anomaly ${anomaly.nodes.length} nodes (${(JSON.stringify(anomaly).length / 2 ** 20).toFixed(1)} MiB, ` +
      `${anomalyCpu} CPU s alone)`,
  );
  console.log('  wall s    CPU s  phase (queries indented; those under 0.05 s left out)');
  for (const [name, { ms, cpu }] of breakdown) {
    if (!name.startsWith('  ') || ms >= 50)
      console.log(`  ${(ms / 1000).toFixed(2).padStart(6)}  ${(cpu / 1000).toFixed(2).padStart(7)}  ${name}`);
  }
}

const kept = process.env.HISTORY;
if (kept !== undefined && existsSync(kept)) {
  console.log(`the history in ${kept}, kept from an earlier run; ${load()}`);
  await measure(null, kept);
} else {
  console.log(`${ROWS.toLocaleString('en-US')} rows; ${load()}`);
  const generationStart = performance.now();
  const { csv, parquet, generatorPeakRssMiB } = generate();
  console.log(
    `generated ${ROWS.toLocaleString('en-US')} FOCUS rows in ${((performance.now() - generationStart) / 1000).toFixed(1)} s ` +
      `(in a child process, peak RSS ${generatorPeakRssMiB} MiB)`,
  );
  if (kept !== undefined) {
    await measure(parquet, kept);
  } else {
    // FORMATS=parquet (or csv) measures one import only, for a quicker look at the report's phases.
    const formats = (process.env.FORMATS ?? 'csv,parquet').split(',');
    if (formats.includes('csv')) await measure(csv);
    if (formats.includes('parquet')) await measure(parquet);
  }
  console.log(`the generator's peak RSS: ${generatorPeakRssMiB} MiB`);
}
console.log(`peak RSS ${peakRssMiB()} MiB (this process: the imports and reports, the generator apart)`);
console.log(`after the run: ${load()}`);
for (const line of PREVIOUS) console.log(line);
console.log(TARGETS);
rmSync(dir, { recursive: true, force: true });
