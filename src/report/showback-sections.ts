/**
 * The report's showback and data-quality sections, in Markdown and HTML: spend by team (untagged on its own
 * line), cloud, service and model this month against the previous month, which cost the figures are, spend in
 * currencies without a rate, accelerator spend the tables cannot classify, and each billing account's last
 * day. Shares, changes, trends and statuses are the decision's (facts.showback, facts.freshness); nothing is
 * computed here but layout.
 */
import { money, type FinOpsReport, type JudgedLine, type JudgedShowback } from './finops-report.js';
import { escapeXml } from './svg-charts.js';

const TREND: Readonly<Record<JudgedLine['trend'], string>> = { new: 'new', gone: 'gone', up: '▲', down: '▼', flat: '=', none: '—' };

function percentText(value: number | null): string {
  return value === null ? '—' : `${value}%`;
}

function changeText(line: JudgedLine): string {
  if (line.change_percent === null) return TREND[line.trend];
  return `${TREND[line.trend]} ${line.change_percent > 0 ? '+' : ''}${line.change_percent}%`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

interface Table {
  readonly title: string;
  readonly heading: string;
  readonly lines: readonly JudgedLine[];
  /** Extra cells after the key (model owner and tier). */
  readonly extra?: { readonly headings: readonly string[]; readonly cells: (line: JudgedLine) => readonly string[] };
}

function tablesOf(showback: JudgedShowback): Table[] {
  return [
    { title: 'Spend by team', heading: `Team (tag ${showback.team_tag})`, lines: showback.by_team },
    { title: 'Spend by cloud', heading: 'Cloud', lines: showback.by_cloud },
    { title: 'Spend by service', heading: 'Service', lines: showback.by_service },
    {
      title: 'Spend by model',
      heading: 'Model (tollgate.io/model)',
      lines: showback.by_model,
      extra: {
        headings: ['Owner team', 'Risk tier'],
        cells: (line) => {
          const model = showback.by_model.find((m) => m.key === line.key);
          return [model?.owner_team ?? '—', model?.risk_tier ?? '—'];
        },
      },
    },
  ];
}

/** Which cost the figures are, the currencies, and the accounts whose data lags: what the reader must know first. */
function basisLines(report: FinOpsReport): string[] {
  const { facts } = report;
  const lines = [
    `Figures are ${facts.costBasis.label}, in ${facts.currency}. Billed cost this month: ${money(facts.costBasis.billed_month_to_date, facts.currency)}; effective: ${money(facts.costBasis.effective_month_to_date, facts.currency)}.`,
  ];
  const converted = facts.currencies.filter((c) => c.rate !== null && c.currency !== facts.currency);
  if (converted.length > 0) {
    lines.push(
      `Converted with the rates in tollgate.yaml: ${converted.map((c) => `${money(c.month_to_date, c.currency)} at ${c.rate ?? ''}`).join('; ')}.`,
    );
  }
  const unconverted = facts.currencies.filter((c) => c.rate === null);
  if (unconverted.length > 0) {
    lines.push(
      `Not in the sums (no rate in tollgate.yaml currency.rates): ${unconverted.map((c) => money(c.month_to_date, c.currency)).join('; ')}.`,
    );
  }
  if (report.showback)
    lines.push(`Month to date runs through ${report.showback.complete_through}, the last day every billing account has data for.`);
  const stale = report.freshness.filter((a) => a.status === 'stale');
  for (const account of stale) {
    lines.push(
      `Stale: ${account.provider} ${account.account ?? '(no account id)'} ends on ${account.last_day}, ${account.days_behind} days before yesterday (${account.sources.join(', ')}).`,
    );
  }
  if (facts.accelerators.unknown > 0) {
    lines.push(
      `${money(facts.accelerators.unknown, facts.currency)} of instance spend is on types the tables do not know, so it is neither counted as GPU nor as not: ${facts.accelerators.unknown_types.join(', ')}.`,
    );
  }
  return lines;
}

const STATUS: Readonly<Record<string, string>> = {
  over: 'over',
  under: 'under',
  within: 'within',
  unmatched: 'no spend found',
  unpriced: 'not priced',
};

function errorText(value: number | null): string {
  return value === null ? '—' : `${value > 0 ? '+' : ''}${value}%`;
}

/** The estimate tables' rows: [resource or team, cells...], in Markdown and HTML alike. */
function estimateRows(report: FinOpsReport): { resources: string[][]; teams: string[][] } | null {
  const estimates = report.estimates;
  if (estimates === null) return null;
  const c = report.facts.currency;
  return {
    resources: estimates.resources.map((l) => [
      l.address,
      l.team,
      money(l.estimated_monthly, c),
      money(l.actual_monthly, c),
      errorText(l.error_percent),
      STATUS[l.status] ?? l.status,
      l.matched_by === null ? '—' : `${l.matched_by} ${l.matched ?? ''}`,
    ]),
    teams: estimates.teams.map((t) => [
      t.team,
      money(t.estimated_monthly, c),
      money(t.actual_monthly, c),
      errorText(t.error_percent),
      STATUS[t.status] ?? t.status,
      `${t.resources} matched, ${t.unmatched} without spend`,
    ]),
  };
}

const RESOURCE_HEADINGS = ['Resource', 'Team', 'Estimated / month', 'Actual run rate / month', 'Error', 'Status', 'Matched by'];
const TEAM_HEADINGS = ['Team', 'Estimated / month', 'Actual run rate / month', 'Error', 'Status', 'Resources'];

export function estimatesMarkdown(report: FinOpsReport): string[] {
  const rows = estimateRows(report);
  if (rows === null || report.estimates === null) return [];
  const table = (headings: readonly string[], body: readonly string[][]): string[] => [
    `| ${headings.join(' | ')} |`,
    `|${headings.map((_, i) => (i === 0 || headings[i] === 'Team' || headings[i] === 'Status' || headings[i] === 'Matched by' ? '---' : '---:')).join('|')}|`,
    ...body.map((cells) => `| ${cells.map(mdCell).join(' | ')} |`),
  ];
  return [
    '## Estimated vs actual',
    '',
    `Run rates from ${report.estimates.days} days of this month; over means more than ${report.estimates.over_percent}% above the estimate (TG-RPT-002).`,
    '',
    ...table(RESOURCE_HEADINGS, rows.resources),
    '',
    ...table(TEAM_HEADINGS, rows.teams),
    '',
  ];
}

export function estimatesHtml(report: FinOpsReport): string {
  const rows = estimateRows(report);
  if (rows === null || report.estimates === null) return '';
  const table = (headings: readonly string[], body: readonly string[][]): string =>
    `<table><tr>${headings.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${body
      .map((cells) => `<tr>${cells.map((cell) => `<td${cell === 'over' ? ' class="deny"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`)
      .join('')}</table>`;
  return `<h2>Estimated vs actual</h2><p>Run rates from ${report.estimates.days} days of this month; over means more than ${report.estimates.over_percent}% above the estimate.</p>${table(RESOURCE_HEADINGS, rows.resources)}${table(TEAM_HEADINGS, rows.teams)}`;
}

export function showbackMarkdown(report: FinOpsReport): string[] {
  const c = report.facts.currency;
  const lines = ['## Showback', '', ...basisLines(report).map((line) => `- ${mdCell(line)}`), ''];
  const showback = report.showback;
  if (showback === null) return [...lines, 'The policies publish no showback facts.', ''];
  const t = showback.totals;
  lines.push(
    `Total ${showback.month} to date: **${money(t.month_to_date, c)}** · ${showback.previous_month} to the same day: ${money(t.previous_month_to_date, c)} (${changeText(t)}) · all of ${showback.previous_month}: ${money(t.previous_month, c)}`,
    '',
  );
  for (const table of tablesOf(showback)) {
    const extra = table.extra?.headings ?? [];
    lines.push(
      `### ${table.title}`,
      '',
      `| ${[table.heading, ...extra, 'Month to date', 'Share', `${showback.previous_month} same days`, 'Change', `All ${showback.previous_month}`].join(' | ')} |`,
      `|${['---', ...extra.map(() => '---'), '---:', '---:', '---:', '---:', '---:'].join('|')}|`,
      ...table.lines.map(
        (line) =>
          `| ${[mdCell(line.key), ...(table.extra?.cells(line) ?? []).map(mdCell), money(line.month_to_date, c), percentText(line.share_percent), money(line.previous_month_to_date, c), changeText(line), money(line.previous_month, c)].join(' | ')} |`,
      ),
      '',
    );
  }
  return lines;
}

export function showbackHtml(report: FinOpsReport): string {
  const c = report.facts.currency;
  const basis = `<ul class="basis">${basisLines(report)
    .map((line) => `<li>${escapeXml(line)}</li>`)
    .join('')}</ul>`;
  const showback = report.showback;
  if (showback === null) return `<h2>Showback</h2>${basis}<p>The policies publish no showback facts.</p>`;
  const tables = tablesOf(showback)
    .map((table) => {
      const extra = table.extra?.headings ?? [];
      const head = [table.heading, ...extra]
        .map((h) => `<th>${escapeXml(h)}</th>`)
        .concat(
          ['Month to date', 'Share', `${showback.previous_month} same days`, 'Change', `All ${showback.previous_month}`].map(
            (h) => `<th class="n">${escapeXml(h)}</th>`,
          ),
        )
        .join('');
      const rows = table.lines
        .map((line) => {
          const cells = [line.key, ...(table.extra?.cells(line) ?? [])].map((text) => `<td>${escapeXml(text)}</td>`).join('');
          const numbers = [
            money(line.month_to_date, c),
            percentText(line.share_percent),
            money(line.previous_month_to_date, c),
            changeText(line),
            money(line.previous_month, c),
          ]
            .map((text) => `<td class="n">${escapeXml(text)}</td>`)
            .join('');
          return `<tr${line.key === '(untagged)' ? ' class="untagged"' : ''}>${cells}${numbers}</tr>`;
        })
        .join('');
      return `<h3>${escapeXml(table.title)}</h3><table class="showback"><tr>${head}</tr>${rows}</table>`;
    })
    .join('\n');
  return `<h2>Showback</h2>${basis}\n${tables}`;
}
