/**
 * `tollgate report`: the nightly FinOps report. Imports the given sources into the history (one
 * transaction), reads the report's facts from it, lets Rego judge them (subject "report"), and writes
 * report.html, report.md and report.json to --out. Exit 1 when a deny rule fires, so the scheduler alerts;
 * 2 for bad input (a source named in the message, file:line for files); nothing is written then.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertWritableDirectory, writeFilesAtomic } from '../atomic-file.js';
import { defaultCostExplorerClient } from '../billing/aws-cost-explorer.js';
import { defaultCostManagementClient } from '../billing/azure-cost-management.js';
import { defaultBigQueryClient } from '../billing/gcp-bigquery.js';
import { CostHistory, DEFAULT_HISTORY_FILE, DEFAULT_RETENTION_DAYS } from '../billing/history.js';
import { terminalProgress } from '../billing/progress.js';
import { importSources, parseSourceSpec, type SourceClients } from '../billing/sources.js';
import { loadConfig } from '../config/config.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import { TollgateError } from '../model/errors.js';
import { readInventoryFile } from '../inputs/inventory/index.js';
import { prepare, prepareSettings } from '../prepare/index.js';
import { readEstimates } from '../report/estimate-files.js';
import { firstReportAnomalyDays } from '../report/anomaly-window.js';
import { assembleReport } from '../report/finops-report.js';
import { readReportFacts } from '../report/report-facts.js';
import { renderReportHtml, renderReportJson, renderReportMarkdown } from '../report/report-renderers.js';
import { resolveNow } from './now.js';
import { parseMiB } from './options.js';
import { DEFAULT_MAX_SPEND_FILE_BYTES } from '../billing/spend-file.js';
import { cacheDir, loadPolicyBundle } from './policy-source.js';

export interface ReportOptions {
  readonly config?: string;
  readonly source: string[];
  readonly out: string;
  readonly now?: string;
  readonly history?: string;
  readonly days?: string;
  readonly retentionDays?: string;
  readonly tagKey: string[];
  readonly refresh?: boolean;
  readonly policy?: string[];
  readonly bundle?: string;
  readonly inventory?: string;
  readonly since?: string;
  readonly maxSpendFileSize?: string;
  readonly estimates?: string;
}

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new TollgateError(`${flag} must be a positive whole number (got "${value}")`);
  return number;
}

/** `--since YYYY-MM-DD`: a real day before today, or a usage error. */
function sinceDay(value: string | undefined, today: string): string | undefined {
  if (value === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (day === null || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value || value >= today) {
    throw new TollgateError(`--since must be a day before today as YYYY-MM-DD (got "${value}")`);
  }
  return value;
}

export const DEFAULT_CLIENTS: SourceClients = {
  aws: defaultCostExplorerClient,
  azure: defaultCostManagementClient,
  bigquery: defaultBigQueryClient,
};

export async function runReport(options: ReportOptions, clients: SourceClients = DEFAULT_CLIENTS): Promise<number> {
  const now = resolveNow(options.now);
  const today = now.slice(0, 10);
  const specs = options.source.map(parseSourceSpec);
  // Checked before anything is imported: a mistyped --out must not cost a night's import.
  assertWritableDirectory(options.out, '--out');
  const days = positiveInteger(options.days, 60, '--days');
  const since = sinceDay(options.since, today);
  const maxFileBytes = parseMiB(options.maxSpendFileSize, '--max-spend-file-size', DEFAULT_MAX_SPEND_FILE_BYTES);
  const retentionDays = positiveInteger(options.retentionDays, DEFAULT_RETENTION_DAYS, '--retention-days');
  const loaded = loadConfig(options.config);
  const settings = prepareSettings(loaded);
  const { config, file: configFile } = loaded;
  const tagKeys = options.tagKey.length > 0 ? options.tagKey : ['team'];
  const bundle = await loadPolicyBundle({ bundle: options.bundle, policy: options.policy });
  const engine = await PolicyEngine.load(bundle, { ...config });
  // Read before the import: a bad inventory is exit 2 with the history untouched.
  const inventory = options.inventory === undefined ? undefined : readInventoryFile(options.inventory, now);
  const estimates = options.estimates === undefined ? undefined : readEstimates(options.estimates);
  const historyFile = options.history ?? DEFAULT_HISTORY_FILE;
  // A first night that fails leaves no history behind: the next run starts as if this one never happened.
  const newHistory = !existsSync(historyFile);
  let history: CostHistory | null = await CostHistory.open(historyFile);
  let completed = false;
  try {
    const imported = await importSources(history, specs, {
      today,
      days,
      tagKeys,
      retentionDays,
      refresh: options.refresh === true,
      cacheDir: join(cacheDir(), 'billing'),
      clients,
      progress: terminalProgress(),
      withForecasts: true,
      maxFileBytes,
      retry: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 },
    });
    for (const skip of imported.skipped) process.stderr.write(`tollgate: skipped ${skip.file}: ${skip.reason}\n`);
    for (const note of imported.notes) process.stderr.write(`tollgate: note: ${note}\n`);
    const facts = await readReportFacts(history, {
      today,
      now,
      days,
      budgets: config.budgets ?? [],
      environmentTagKeys: settings.environmentTagKeys,
      teamTagKey: tagKeys[0] ?? 'team',
      ...(config.currency ? { currency: config.currency } : {}),
      ...(inventory === undefined ? {} : { inventory }),
      ...(estimates === undefined ? {} : { estimates }),
    });
    const input = await prepare({
      subject: { kind: 'report', facts, source: configFile ?? 'tollgate report' },
      sources: {
        history,
        ...(inventory === undefined ? {} : { inventory }),
        anomalies: {
          ...(since === undefined ? {} : { since }),
          days: firstReportAnomalyDays(engine, config, days),
          teamTagKey: tagKeys[0] ?? 'team',
        },
      },
      settings,
      now,
    });
    // The evaluation sets the report's peak memory; DuckDB's (its cache of the history, the report's temporary
    // tables) is given back before it, and the history opened again only to record the run once the files exist.
    history.close();
    history = null;
    const decision = engine.evaluate(input);
    const report = assembleReport(facts, decision, engine.rules);
    writeFilesAtomic(
      [
        { path: join(options.out, 'report.json'), data: renderReportJson(report) },
        { path: join(options.out, 'report.md'), data: renderReportMarkdown(report) },
        { path: join(options.out, 'report.html'), data: renderReportHtml(report, config.budgets ?? []) },
      ],
      { createDirectory: true },
    );
    history = await CostHistory.open(historyFile);
    await history.recordReportRun(today);
    const summary = `${report.violations.length} violation(s), ${report.anomalies.length} anomal${report.anomalies.length === 1 ? 'y' : 'ies'}, ${report.recommendations.length} recommendation(s); month to date ${facts.monthToDate.toFixed(2)} ${facts.currency}`;
    process.stdout.write(`tollgate report ${today}: ${summary} → ${join(options.out, 'report.html')}\n`);
    completed = true;
    return report.violations.length > 0 ? 1 : 0;
  } finally {
    history?.close();
    if (!completed && newHistory) for (const file of [historyFile, `${historyFile}.wal`]) rmSync(file, { force: true });
  }
}
