/**
 * `tollgate report`: the command's flags and help. The work lives in report-run.ts, loaded only when
 * the command runs, so that other commands do not pay for loading the cloud SDKs and DuckDB.
 */
import type { Command } from 'commander';
import { DEFAULT_HISTORY_FILE, DEFAULT_RETENTION_DAYS } from '../billing/history-defaults.js';
import type { ReportOptions } from './report-run.js';
import { collect } from './options.js';
import { DEFAULT_MAX_SPEND_FILE_BYTES } from '../billing/spend-file.js';
import { REPORT_PACKAGES, requirePackages } from './optional-packages.js';

export function registerReport(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('report')
    .description('Nightly FinOps report: import spend into the history, judge it with the policies, write HTML, Markdown and JSON.')
    .requiredOption('-o, --out <dir>', 'directory for report.html, report.md and report.json')
    .option('-c, --config <file>', 'tollgate.yaml with budgets, rule parameters (TG-ANO-001 threshold) and exemptions')
    .option('--source <spec>', 'aws | azure:SCOPE | gcp:PROJECT.DATASET.TABLE | focus:PATH (file or directory); repeatable', collect)
    .option('--history <file>', `spend history database (default ${DEFAULT_HISTORY_FILE})`)
    .option('--days <n>', 'days of spend to fetch and chart, ending yesterday (default 60)')
    .option('--retention-days <n>', `days of history kept (default ${DEFAULT_RETENTION_DAYS})`)
    .option('--tag-key <key>', 'tag naming the team, grouped by in API queries (default team; repeatable)', collect)
    .option('--refresh', 'ask Cost Explorer again for closed days it has cached')
    .option('--now <time>', 'the time policies see, RFC 3339 or YYYY-MM-DD (default: now)')
    .option('--policy <dir>', 'also compile and apply the Rego in DIR (repeatable; needs the opa CLI)', collect)
    .option('--bundle <file>', 'evaluate a prebuilt bundle instead of the built-in rules')
    .option('--since <day>', 'judge spend anomalies of every day from YYYY-MM-DD (default: since the last report in the history)')
    .option('--max-spend-file-size <MiB>', `refuse cost files larger than this (default ${DEFAULT_MAX_SPEND_FILE_BYTES / 2 ** 20} MiB)`)
    .option(
      '--estimates <path>',
      'results of `tollgate check --format json` (a file or a directory): estimated vs actual per resource and team',
    )
    .option(
      '--inventory <file>',
      'model inventory: spend by model gets each model’s owner team and risk tier; under-used GPUs and quantization savings are joined to the spend of its deployments',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 no deny finding, 1 a deny rule fired (e.g. a budget overrun), 2 usage or input error.

Examples:
  tollgate report --config fixtures/billing/tollgate.yaml --source focus:fixtures/billing --out report --now 2025-06-20
  tollgate report --source aws --source azure:subscriptions/<id> --source gcp:proj.billing.gcp_billing_export_v1_X --out /srv/finops`,
    )
    .action(async (options: Omit<ReportOptions, 'source' | 'tagKey'> & { source?: string[]; tagKey?: string[] }) => {
      await run(async () => {
        // The sources pull in the cloud SDKs and DuckDB (optional dependencies): load them only when a report
        // actually runs, and say what to install when they are missing.
        requirePackages('report', REPORT_PACKAGES);
        const { runReport } = await import('./report-run.js');
        return runReport({ ...options, source: options.source ?? [], tagKey: options.tagKey ?? [] });
      });
    });
}
