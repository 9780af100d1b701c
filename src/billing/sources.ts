/**
 * `--source` specs and the nightly import: every source is fetched and staged first, then all are swapped
 * into history in one transaction (history.ts), so one failing source leaves the history unchanged.
 *
 *   aws                     Cost Explorer, default credential chain
 *   azure:SCOPE             Cost Management on subscriptions/<id>[/resourceGroups/<rg>] or a billing account
 *   gcp:PROJECT.DATASET.TABLE  the BigQuery billing export (standard, detailed or FOCUS)
 *   focus:PATH              a cost file, or every cost file in a directory (FOCUS, CUR, Azure exports, API JSON)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { CostManagementClient } from '@azure/arm-costmanagement';
import type { BigQuery } from '@google-cloud/bigquery';
import { TollgateError } from '../model/errors.js';
import { AWS_SOURCE, fetchAwsCosts, fetchAwsForecast } from './aws-cost-explorer.js';
import { checkAzureScope, fetchAzureCosts, fetchAzureForecast } from './azure-cost-management.js';
import { addDays } from './cost-record.js';
import { stageCostFile } from './focus-files.js';
import { checkTable, fetchGcpCosts } from './gcp-bigquery.js';
import type { CostHistory, Forecast, ImportSummary } from './history.js';
import { NotCostDataError } from './not-cost-data.js';
import { SILENT_PROGRESS, type Progress } from './progress.js';
import { ResponseCache } from './response-cache.js';
import type { RetryPolicy } from '../retry.js';

export type SourceSpec =
  | { readonly kind: 'aws'; readonly name: string }
  | { readonly kind: 'azure'; readonly name: string; readonly scope: string }
  | { readonly kind: 'gcp'; readonly name: string; readonly table: string }
  | { readonly kind: 'focus'; readonly name: string; readonly path: string };

export function parseSourceSpec(text: string): SourceSpec {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (kind === 'aws' && rest === '') return { kind, name: AWS_SOURCE };
  if (kind === 'azure' && rest !== '') {
    const scope = checkAzureScope(rest);
    return { kind, name: `azure:${scope}`, scope };
  }
  if (kind === 'gcp' && rest !== '') return { kind, name: `gcp:${checkTable(rest)}`, table: rest };
  if ((kind === 'focus' || kind === 'file') && rest !== '') return { kind: 'focus', name: `focus:${rest}`, path: rest };
  throw new TollgateError(`--source must be aws, azure:SCOPE, gcp:PROJECT.DATASET.TABLE or focus:PATH (got "${text}")`);
}

/** The SDK clients, created on first use from each SDK's default credential chain (tests inject fakes). */
export interface SourceClients {
  aws(): CostExplorerClient;
  azure(): CostManagementClient;
  bigquery(): Pick<BigQuery, 'query'>;
}

export interface ImportOptions {
  /** Today, YYYY-MM-DD (from --now). */
  readonly today: string;
  /** Days of history to fetch from the APIs, ending today. */
  readonly days: number;
  readonly tagKeys: readonly string[];
  readonly retentionDays: number;
  readonly refresh: boolean;
  readonly cacheDir: string;
  readonly clients: SourceClients;
  readonly retry?: RetryPolicy;
  readonly progress?: Progress;
  readonly withForecasts?: boolean;
  /** Most bytes a cost file may have (--max-spend-file-size). */
  readonly maxFileBytes?: number;
}

export interface ImportResult {
  readonly summaries: readonly ImportSummary[];
  readonly forecasts: readonly Forecast[];
  /** Files skipped because they hold no cost data, with why. */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
  readonly notes: readonly string[];
}

const COST_FILE = /\.(csv|csv\.gz|parquet|json)$/i;

function filesOf(path: string): string[] {
  let info;
  try {
    info = statSync(path);
  } catch {
    throw new TollgateError('cost file or directory not found', { file: path });
  }
  if (!info.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => COST_FILE.test(name))
    .sort()
    .map((name) => join(path, name));
}

export async function importSources(history: CostHistory, specs: readonly SourceSpec[], options: ImportOptions): Promise<ImportResult> {
  const progress = options.progress ?? SILENT_PROGRESS;
  const start = addDays(options.today, -options.days);
  const end = addDays(options.today, 1);
  const staged: Array<{ source: string; table: string }> = [];
  const forecasts: Forecast[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  const notes: string[] = [];
  // A Parquet file is staged as a view over the file, so the commit reads it again.
  const stagedFiles: string[] = [];
  try {
    for (const spec of specs) {
      progress.update(`fetching ${spec.name}`);
      const onPage = (pages: number): void => progress.update(`fetching ${spec.name}: page ${pages}`);
      const retry = options.retry && {
        ...options.retry,
        onRetry: (attempt: number, ms: number) => progress.update(`${spec.name} throttled, retry ${attempt} in ${ms} ms`),
      };
      if (spec.kind === 'focus') {
        for (const file of filesOf(spec.path)) {
          progress.update(`importing ${file}`);
          const source = `focus:${file}`;
          try {
            const result = await stageCostFile(history, file, source, {
              today: options.today,
              ...(options.maxFileBytes === undefined ? {} : { maxBytes: options.maxFileBytes }),
            });
            staged.push({ source, table: result.table });
            stagedFiles.push(file);
            notes.push(...result.notes.map((note) => `${file}: ${note}`));
          } catch (error) {
            // In a directory, a README or a metadata file is skipped and named; a named file must import.
            if (error instanceof NotCostDataError && spec.path !== file) skipped.push({ file, reason: error.message });
            else throw error;
          }
        }
        continue;
      }
      let records;
      if (spec.kind === 'aws') {
        const client = options.clients.aws();
        const cache = new ResponseCache(join(options.cacheDir, 'aws-cost-explorer'));
        records = await fetchAwsCosts({
          client,
          start,
          end,
          today: options.today,
          tagKeys: options.tagKeys,
          cache,
          refresh: options.refresh,
          onPage,
          ...(retry ? { retry } : {}),
        });
        if (options.withForecasts) {
          const forecast = await fetchAwsForecast(client, options.today, retry);
          if (forecast) forecasts.push(forecast);
        }
      } else if (spec.kind === 'azure') {
        const client = options.clients.azure();
        records = await fetchAzureCosts({
          client,
          scope: spec.scope,
          start,
          end,
          tagKeys: options.tagKeys,
          onPage,
          ...(retry ? { retry } : {}),
        });
        if (options.withForecasts) {
          const forecast = await fetchAzureForecast(client, spec.scope, options.today, retry);
          if (forecast) forecasts.push(forecast);
        }
      } else {
        records = await fetchGcpCosts({
          bigquery: options.clients.bigquery(),
          table: spec.table,
          start,
          end,
          tagKeys: options.tagKeys,
          ...(retry ? { retry } : {}),
        });
      }
      staged.push({ source: spec.name, table: await history.stageRecords(spec.name, records) });
    }
    progress.update('writing history');
    const summaries = await history.commitStaged(staged, { days: options.retentionDays, today: options.today }).catch((error: unknown) => {
      const gone = stagedFiles.find((file) => !existsSync(file));
      if (gone === undefined) throw error;
      throw new TollgateError('removed while it was being imported; history is unchanged, run the import again', {
        file: gone,
      });
    });
    for (const forecast of forecasts) await history.saveForecast(forecast);
    return { summaries, forecasts, skipped, notes };
  } catch (error) {
    for (const { table } of staged) await history.dropStaged(table);
    throw error;
  } finally {
    progress.done();
  }
}
