/**
 * The report's savings section: the recommendations as the savings rules ranked and priced them, largest first,
 * each with the resource or model it names, its evidence (the message) and the assumption behind the figure.
 * A saving decided from billed spend is in the report's currency; one from catalog prices is in USD.
 */
import type { Recommendation } from '../model/decision.js';
import { money, type FinOpsReport } from './finops-report.js';
import { escapeXml } from './svg-charts.js';

/** The currency a recommendation's monthly saving is in. */
export function savingCurrency(recommendation: Recommendation, reportCurrency: string): string {
  return recommendation.evidence['source'] === 'billing' ? reportCurrency : 'USD';
}

function assumption(recommendation: Recommendation): string | null {
  const value = recommendation.evidence['assumption'];
  return typeof value === 'string' ? value : null;
}

/** Monthly savings summed per currency ("12,345.67 USD"), in the order the currencies first appear. */
export function savingsTotal(report: FinOpsReport): string {
  const totals = new Map<string, number>();
  for (const r of report.recommendations) {
    const currency = savingCurrency(r, report.facts.currency);
    totals.set(currency, Math.round(((totals.get(currency) ?? 0) + r.monthly_savings_usd) * 100) / 100);
  }
  return [...totals].map(([currency, total]) => money(total, currency)).join(' + ');
}

const mdCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function savingsMarkdown(report: FinOpsReport): string[] {
  if (report.recommendations.length === 0) return ['None.'];
  return [
    `${report.recommendations.length} recommendation(s), **${savingsTotal(report)}/month** in all, largest first.`,
    '',
    ...report.recommendations.map((r, i) => {
      const why = assumption(r);
      return `${i + 1}. **${money(r.monthly_savings_usd, savingCurrency(r, report.facts.currency))}/month** ${r.rule} \`${mdCell(r.resource)}\`: ${mdCell(r.message)}${why === null ? '' : `. _Assumes ${mdCell(why)}._`}`;
    }),
  ];
}

export function savingsHtml(report: FinOpsReport): string {
  if (report.recommendations.length === 0) return '<p>None.</p>';
  const items = report.recommendations.map((r) => {
    const why = assumption(r);
    const amount = money(r.monthly_savings_usd, savingCurrency(r, report.facts.currency));
    return `<li><b>${escapeXml(amount)}/month</b> ${escapeXml(r.rule)} <code>${escapeXml(r.resource)}</code>: ${escapeXml(r.message)}${why === null ? '' : `. <i>Assumes ${escapeXml(why)}.</i>`}</li>`;
  });
  return `<p>${report.recommendations.length} recommendation(s), <b>${escapeXml(savingsTotal(report))}/month</b> in all, largest first.</p><ol>${items.join('')}</ol>`;
}
