/**
 * Inline SVG charts for the HTML report: no scripts, no external assets, so the page works from a mail
 * attachment or an artifact store. Every text is escaped.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const W = 720;
const H = 220;
const PAD = { left: 64, right: 16, top: 16, bottom: 28 };

function scale(value: number, max: number): number {
  return H - PAD.bottom - (max > 0 ? (value / max) * (H - PAD.top - PAD.bottom) : 0);
}

function axisLabels(max: number): string {
  return [0, 0.5, 1]
    .map(
      (f) =>
        `<text x="${PAD.left - 6}" y="${scale(max * f, max) + 4}" text-anchor="end" class="axis">${Math.round(max * f).toLocaleString('en-US')}</text>`,
    )
    .join('');
}

/** Daily spend as bars, anomalous days in red, with the budget's daily allowance as a dashed line. */
export function dailySpendChart(
  points: ReadonlyArray<{ day: string; cost: number }>,
  anomalies: ReadonlySet<string>,
  dailyBudget: number | null,
  title: string,
): string {
  const max = Math.max(1, dailyBudget ?? 0, ...points.map((p) => p.cost)) * 1.1;
  const step = (W - PAD.left - PAD.right) / Math.max(1, points.length);
  const bars = points
    .map((p, i) => {
      const y = scale(p.cost, max);
      const cls = anomalies.has(p.day) ? 'bar anomaly' : 'bar';
      return `<rect class="${cls}" x="${(PAD.left + i * step + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${(H - PAD.bottom - y).toFixed(1)}"><title>${escapeXml(`${p.day}: ${p.cost.toFixed(2)}`)}</title></rect>`;
    })
    .join('');
  const budgetLine =
    dailyBudget === null
      ? ''
      : `<line class="budget" x1="${PAD.left}" x2="${W - PAD.right}" y1="${scale(dailyBudget, max).toFixed(1)}" y2="${scale(dailyBudget, max).toFixed(1)}"/><text class="axis" x="${W - PAD.right}" y="${(scale(dailyBudget, max) - 4).toFixed(1)}" text-anchor="end">daily budget</text>`;
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  return `<svg role="img" aria-label="${escapeXml(title)}" class="chart daily" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">${axisLabels(max)}${bars}${budgetLine}<text class="axis" x="${PAD.left}" y="${H - 8}">${escapeXml(first)}</text><text class="axis" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${escapeXml(last)}</text></svg>`;
}

/** Cumulative month-to-date spend against the budget, with the projection to month end dashed. */
export function burnDownChart(
  cumulative: readonly number[],
  daysInMonth: number,
  amount: number,
  forecast: number | null,
  title: string,
): string {
  const max = Math.max(amount, forecast ?? 0, ...cumulative) * 1.1 || 1;
  const x = (day: number): number => PAD.left + (day / daysInMonth) * (W - PAD.left - PAD.right);
  const path = cumulative.map((value, i) => `${i === 0 ? 'M' : 'L'}${x(i + 1).toFixed(1)},${scale(value, max).toFixed(1)}`).join(' ');
  const lastValue = cumulative[cumulative.length - 1] ?? 0;
  const projection =
    forecast === null
      ? ''
      : `<line class="projection" x1="${x(cumulative.length).toFixed(1)}" y1="${scale(lastValue, max).toFixed(1)}" x2="${x(daysInMonth).toFixed(1)}" y2="${scale(forecast, max).toFixed(1)}"/>`;
  return `<svg role="img" aria-label="${escapeXml(title)}" class="chart burn" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">${axisLabels(max)}<line class="budget" x1="${PAD.left}" x2="${W - PAD.right}" y1="${scale(amount, max).toFixed(1)}" y2="${scale(amount, max).toFixed(1)}"/><path class="actual" d="${path}"/>${projection}<text class="axis" x="${PAD.left}" y="${H - 8}">day 1</text><text class="axis" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">day ${daysInMonth}</text></svg>`;
}

/** Horizontal bars, largest first: savings per recommendation, or spend per team/model. */
export function barChart(items: ReadonlyArray<{ label: string; value: number }>, title: string): string {
  const rows = items.slice(0, 10);
  const height = 24 * rows.length + 16;
  const max = Math.max(1, ...rows.map((item) => item.value));
  const left = 260;
  const bars = rows
    .map((item, i) => {
      const width = ((W - left - 90) * item.value) / max;
      return `<text class="axis" x="${left - 6}" y="${i * 24 + 24}" text-anchor="end">${escapeXml(item.label.length > 40 ? `${item.label.slice(0, 39)}…` : item.label)}</text><rect class="bar" x="${left}" y="${i * 24 + 10}" width="${width.toFixed(1)}" height="18"/><text class="axis" x="${(left + width + 6).toFixed(1)}" y="${i * 24 + 24}">${Math.round(item.value).toLocaleString('en-US')}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="${escapeXml(title)}" class="chart bars" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}
