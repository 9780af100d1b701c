/**
 * The report's three formats: deterministic JSON (for machines), Markdown (chat, PR, wiki) and a
 * self-contained HTML page with inline SVG charts. Pure: report in, string out; the CLI writes the files.
 */
import type { Budget } from '../config/config.js';
import type { BudgetFact, Finding } from '../model/decision.js';
import { money, type FinOpsReport } from './finops-report.js';
import { anomalyDaysOf } from './anomaly-days.js';
import { savingsHtml, savingsMarkdown } from './savings-section.js';
import { estimatesHtml, estimatesMarkdown, showbackHtml, showbackMarkdown } from './showback-sections.js';
import { barChart, budgetBurnDownChart, dailySpendChart, escapeXml, monthOverMonthChart, stackedDailyChart } from './svg-charts.js';

export function renderReportJson(report: FinOpsReport): string {
  const { facts } = report;
  return `${JSON.stringify(
    {
      date: report.generatedFor,
      currency: facts.currency,
      sources: facts.sources,
      history: { first_day: facts.firstDay, last_day: facts.lastDay },
      month_to_date: facts.monthToDate,
      cost_basis: facts.costBasis,
      currencies: facts.currencies,
      freshness: report.freshness,
      showback: report.showback,
      estimates: report.estimates,
      budgets: report.budgets,
      anomalies: report.anomalies,
      gpu_spend: { ...facts.accelerators, by_team: facts.gpuByTeam, by_model: facts.gpuByModel },
      top_cost_drivers: facts.topDrivers,
      recommendations: report.recommendations,
      expiring_exemptions: report.expiringExemptions,
      forecasts: facts.forecasts,
      violations: report.violations,
      warnings: report.warnings,
      daily: facts.series,
      bundle_revision: report.decision.bundleRevision,
      input_digest: report.decision.inputDigest,
    },
    null,
    2,
  )}\n`;
}

/** The projection's share of the budget as the budget rules wrote it (one decimal). */
function percent(budget: BudgetFact): string {
  return budget.percent_of_amount === null ? '—' : `${budget.percent_of_amount}%`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function findingLines(findings: readonly Finding[]): string[] {
  return findings.length === 0 ? ['None.'] : findings.map((f) => `- **${f.rule}** ${mdCell(f.message)}`);
}

export function renderReportMarkdown(report: FinOpsReport): string {
  const { facts } = report;
  const c = facts.currency;
  const lines = [
    `# FinOps report ${report.generatedFor}`,
    '',
    `Month to date: **${money(facts.monthToDate, c)}** · history ${facts.firstDay ?? '—'} to ${facts.lastDay ?? '—'} · sources: ${facts.sources.join(', ') || 'none'}`,
    '',
    report.violations.length > 0 ? `**${report.violations.length} deny finding(s)** — the scheduler should alert.` : 'No deny findings.',
    '',
    ...showbackMarkdown(report),
    ...estimatesMarkdown(report),
    '## Budgets',
    '',
    '| Budget | Month to date | Forecast | Budget | % of budget | Days left |',
    '|---|---:|---:|---:|---:|---:|',
    ...report.budgets.map(
      (b) =>
        `| ${mdCell(b.name)} | ${money(b.month_to_date, b.currency)} | ${money(b.projected, b.currency)} | ${money(b.amount, b.currency)} | ${percent(b)} | ${b.days_left ?? '—'} |`,
    ),
    '',
    '## Violations',
    '',
    ...findingLines(report.violations),
    '',
    '## Anomalies',
    '',
    ...findingLines(report.anomalies),
    '',
    '## GPU spend this month',
    '',
    '| Team | Spend |',
    '|---|---:|',
    ...facts.gpuByTeam.map((s) => `| ${mdCell(s.key)} | ${money(s.cost, c)} |`),
    '',
    '| Model | Spend |',
    '|---|---:|',
    ...facts.gpuByModel.map((s) => `| ${mdCell(s.key)} | ${money(s.cost, c)} |`),
    '',
    '## Top cost drivers',
    '',
    '| Cloud | Service | Resource | Team | Spend | Share |',
    '|---|---|---|---|---:|---:|',
    ...facts.topDrivers.map(
      (d) =>
        `| ${d.provider} | ${mdCell(d.service)} | \`${mdCell(d.resource)}\` | ${mdCell(d.team ?? '—')} | ${money(d.cost, c)} | ${(d.share * 100).toFixed(1)}% |`,
    ),
    '',
    '## Savings recommendations',
    '',
    ...savingsMarkdown(report),
    '',
    '## Exemptions expiring soon',
    '',
    ...findingLines(report.expiringExemptions),
    '',
  ];
  return lines.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#1d2330}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde}table{border-collapse:collapse;width:100%}
td,th{padding:4px 8px;border-bottom:1px solid #eef;text-align:left}td.n,th.n{text-align:right}
.deny{color:#b00020;font-weight:600}.ok{color:#1b7f3b}.chart{width:100%;height:auto;background:#fafbfd}
.bar{fill:#4a74c9}.bar.anomaly{fill:#d33}.budget{stroke:#b00020;stroke-dasharray:6 4;stroke-width:1.5}
.actual{fill:none;stroke:#4a74c9;stroke-width:2}.projection{stroke:#4a74c9;stroke-dasharray:4 4;stroke-width:2}
.axis{font-size:11px;fill:#556}.axis.title{font-size:12px;fill:#334}.grid{stroke:#e3e7ef;stroke-width:1}
tr.untagged td{font-style:italic}code{font-size:12px;word-break:break-all}`;

function findingList(findings: readonly Finding[]): string {
  if (findings.length === 0) return '<p>None.</p>';
  return `<ul>${findings.map((f) => `<li><b>${escapeXml(f.rule)}</b> ${escapeXml(f.message)}</li>`).join('')}</ul>`;
}

/** A budget's cumulative actual spend by day of this month, from its own scope's daily sums (any scope keys). */
function budgetSeries(report: FinOpsReport, budget: BudgetFact): number[] {
  const days = report.facts.budgetDays.find((b) => b.budget === budget.name)?.days ?? [];
  const month = report.generatedFor.slice(0, 7);
  const through = report.showback?.complete_through ?? report.generatedFor;
  const byDay = new Map(days.map((d) => [d.day, d.cost]));
  const series: number[] = [];
  let sum = 0;
  for (let day = 1; ; day++) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    if (date > through || day > 31) break;
    sum += byDay.get(date) ?? 0;
    series.push(Math.round(sum * 100) / 100);
  }
  return series;
}

/** The daily series stacked by team: one layer per team, untagged spend (total minus the teams) as its own. */
function teamLayers(report: FinOpsReport): { days: string[]; layers: Array<{ label: string; values: number[] }> } {
  const total = report.facts.series.find((s) => s.scope === 'total')?.points ?? [];
  const days = total.map((p) => p.day);
  const teams = report.facts.series
    .filter((s) => s.scope.startsWith('team:'))
    .map((s) => ({ label: s.scope.slice('team:'.length), values: s.points.map((p) => p.cost) }))
    .sort((a, b) => b.values.reduce((x, y) => x + y, 0) - a.values.reduce((x, y) => x + y, 0));
  // Cents of rounding per team are not untagged spend.
  const untagged = total.map((p, i) => {
    const rest = p.cost - teams.reduce((sum, team) => sum + (team.values[i] ?? 0), 0);
    return rest > 0.01 * Math.max(1, teams.length) ? rest : 0;
  });
  return { days, layers: untagged.some((v) => v > 0) ? [...teams, { label: '(untagged)', values: untagged }] : teams };
}

export function renderReportHtml(report: FinOpsReport, budgets: readonly Budget[]): string {
  const { facts } = report;
  const c = facts.currency;
  const total = facts.series.find((s) => s.scope === 'total')?.points ?? [];
  // An anomaly's day is a YYYY-MM-DD string, as the series' points have it; nothing else can mark a point.
  const anomalyDays = new Set(report.anomalies.flatMap(anomalyDaysOf));
  // One line per budget that covers all spend (its own daily allowance); a team's budget is in its burn-down.
  const unscoped = new Set(budgets.filter((b) => !b.scope || Object.keys(b.scope).length === 0).map((b) => b.name));
  const budgetLines = report.budgets
    .filter((b) => unscoped.has(b.name) && b.days_in_month !== null && b.days_in_month > 0)
    .map((b) => ({ label: b.name, daily: b.amount / (b.days_in_month ?? 30) }));
  const { days, layers } = teamLayers(report);
  const burnDowns = report.budgets
    .map((budget) => {
      const series = budgetSeries(report, budget);
      if (series.length === 0 || budget.days_in_month === null) return '';
      const scope =
        Object.entries(budget.scope)
          .map(([key, value]) => `${key}=${value}`)
          .join(', ') || 'all spend';
      return `<h3>${escapeXml(`${budget.name} (${scope})`)}</h3>${budgetBurnDownChart(series, budget.days_in_month, budget.amount, budget.projected, budget.currency, `burn-down of budget ${budget.name}`)}`;
    })
    .join('');
  const savings = report.recommendations.map((r) => ({ label: `${r.rule} ${r.resource}`, value: r.monthly_savings_usd }));
  const monthOverMonth =
    report.showback === null
      ? ''
      : `<h2>Month over month by team</h2>${monthOverMonthChart(
          report.showback.by_team.map((l) => ({ label: l.key, now: l.month_to_date, before: l.previous_month_to_date })),
          { now: report.showback.month, before: report.showback.previous_month },
          c,
          'month over month by team',
        )}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>FinOps report ${escapeXml(report.generatedFor)}</title><style>${STYLE}</style></head><body>
<h1>FinOps report ${escapeXml(report.generatedFor)}</h1>
<p>Month to date <b>${escapeXml(money(facts.monthToDate, c))}</b> · history ${escapeXml(facts.firstDay ?? '—')} to ${escapeXml(facts.lastDay ?? '—')} · ${facts.sources.length} source(s)</p>
<p class="${report.violations.length > 0 ? 'deny' : 'ok'}">${report.violations.length > 0 ? `${report.violations.length} deny finding(s)` : 'No deny findings'} · ${report.warnings.length} warning(s)</p>
<h2>Daily spend by team</h2>${stackedDailyChart(days, layers, budgetLines, c, 'daily spend by team')}
<h2>Daily spend and anomalies</h2>${dailySpendChart(total, anomalyDays, null, 'daily spend with anomalies')}
${showbackHtml(report)}
${estimatesHtml(report)}
<h2>Budgets</h2><table><tr><th>Budget</th><th class="n">Month to date</th><th class="n">Forecast</th><th class="n">Budget</th><th class="n">%</th><th class="n">Days left</th></tr>
${report.budgets.map((b) => `<tr><td>${escapeXml(b.name)}</td><td class="n">${escapeXml(money(b.month_to_date, b.currency))}</td><td class="n">${escapeXml(money(b.projected, b.currency))}</td><td class="n">${escapeXml(money(b.amount, b.currency))}</td><td class="n ${b.status === 'deny' ? 'deny' : ''}">${escapeXml(percent(b))}</td><td class="n">${b.days_left ?? '—'}</td></tr>`).join('')}</table>
<h2>Budget burn-down</h2>${burnDowns || '<p>No budget has spend this month.</p>'}
${monthOverMonth}
<h2>Violations</h2>${findingList(report.violations)}
<h2>Anomalies</h2>${findingList(report.anomalies)}
<h2>GPU spend by team</h2>${barChart(
    facts.gpuByTeam.map((s) => ({ label: s.key, value: s.cost })),
    'GPU spend by team',
  )}
<h2>GPU spend by model</h2>${barChart(
    facts.gpuByModel.map((s) => ({ label: s.key, value: s.cost })),
    'GPU spend by model',
  )}
<h2>Top cost drivers</h2><table><tr><th>Cloud</th><th>Service</th><th>Resource</th><th>Team</th><th class="n">Spend</th><th class="n">Share</th></tr>
${facts.topDrivers.map((d) => `<tr><td>${escapeXml(d.provider)}</td><td>${escapeXml(d.service)}</td><td><code>${escapeXml(d.resource)}</code></td><td>${escapeXml(d.team ?? '—')}</td><td class="n">${escapeXml(money(d.cost, c))}</td><td class="n">${(d.share * 100).toFixed(1)}%</td></tr>`).join('')}</table>
<h2>Savings recommendations</h2>${savings.length > 0 ? barChart(savings, 'savings per recommendation, per month') : ''}${savingsHtml(report)}
<h2>Exemptions expiring soon</h2>${findingList(report.expiringExemptions)}
<p class="axis">bundle ${escapeXml(report.decision.bundleRevision)} · input ${escapeXml(report.decision.inputDigest)}</p>
</body></html>
`;
}
