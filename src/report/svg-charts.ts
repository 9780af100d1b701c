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

/** Colours of stacked layers, in order; the last layer of a crowded chart is "other". */
const PALETTE = ['#4a74c9', '#e08a2e', '#3a9d6e', '#b55fb0', '#c9a227', '#5fb5c9', '#c95f5f', '#7a7a7a'];

type Swatch = (x: number, y: number) => string;

/** A row of legend entries, each a swatch and its label. */
function legend(items: ReadonlyArray<{ label: string; swatch: Swatch }>, y: number): string {
  let x = PAD.left;
  return items
    .map((item) => {
      const text = item.label.length > 28 ? `${item.label.slice(0, 27)}…` : item.label;
      const entry = `<g class="legend">${item.swatch(x, y)}<text class="axis" x="${x + 16}" y="${y + 4}">${escapeXml(text)}</text></g>`;
      x += 16 + text.length * 6.2 + 18;
      return entry;
    })
    .join('');
}

const box =
  (colour: string): Swatch =>
  (x, y) =>
    `<rect x="${x}" y="${y - 6}" width="11" height="11" fill="${colour}"/>`;
const stroke =
  (cls: string): Swatch =>
  (x, y) =>
    `<line class="${cls}" x1="${x}" x2="${x + 12}" y1="${y}" y2="${y}"/>`;

/** Y-axis ticks with the currency, and the axis titles. */
function axes(max: number, currency: string, yTitle: string, xTitle: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = scale(max * f, max);
      return `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="axis">${Math.round(max * f).toLocaleString('en-US')}</text>`;
    })
    .join('');
  return `${ticks}<text class="axis title" transform="translate(12,${(H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(`${yTitle} (${currency})`)}</text><text class="axis title" x="${(PAD.left + W - PAD.right) / 2}" y="${H + 6}" text-anchor="middle">${escapeXml(xTitle)}</text>`;
}

/**
 * Daily spend stacked by team (or cloud): one coloured layer per key, dates on the x axis, the currency on
 * the y axis, and one dashed line per budget that covers all spend (its daily allowance), each labelled; a
 * sum of overlapping budgets is never drawn.
 */
export function stackedDailyChart(
  days: readonly string[],
  layers: ReadonlyArray<{ readonly label: string; readonly values: readonly number[] }>,
  budgetLines: ReadonlyArray<{ readonly label: string; readonly daily: number }>,
  currency: string,
  title: string,
): string {
  const shown = layers.length > PALETTE.length ? layers.slice(0, PALETTE.length - 1) : [...layers];
  if (layers.length > PALETTE.length) {
    const rest = layers.slice(PALETTE.length - 1);
    shown.push({
      label: `${rest.length} others`,
      values: days.map((_, i) => rest.reduce((sum, layer) => sum + (layer.values[i] ?? 0), 0)),
    });
  }
  const totals = days.map((_, i) => shown.reduce((sum, layer) => sum + (layer.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals, ...budgetLines.map((b) => b.daily)) * 1.1;
  const step = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const bars = days
    .map((day, i) => {
      let base = 0;
      return shown
        .map((layer, l) => {
          const value = layer.values[i] ?? 0;
          if (value <= 0) return '';
          const top = scale(base + value, max);
          const bottom = scale(base, max);
          base += value;
          return `<rect class="layer" fill="${PALETTE[l] ?? '#999'}" x="${(PAD.left + i * step + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${(bottom - top).toFixed(1)}"><title>${escapeXml(`${day} ${layer.label}: ${value.toFixed(2)} ${currency}`)}</title></rect>`;
        })
        .join('');
    })
    .join('');
  const lines = budgetLines
    .map((budget) => {
      const y = scale(budget.daily, max).toFixed(1);
      return `<line class="budget" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}"/><text class="axis" x="${W - PAD.right}" y="${(Number(y) - 4).toFixed(1)}" text-anchor="end">${escapeXml(`budget ${budget.label}: ${Math.round(budget.daily).toLocaleString('en-US')} ${currency}/day`)}</text>`;
    })
    .join('');
  const dateLabels = [0, Math.floor((days.length - 1) / 2), days.length - 1]
    .filter((i, n, all) => i >= 0 && all.indexOf(i) === n)
    .map((i, n, all) => {
      // The first and last dates are aligned inside the chart, so they are never cut off.
      const anchor = n === 0 ? 'start' : n === all.length - 1 ? 'end' : 'middle';
      const x = n === 0 ? PAD.left : n === all.length - 1 ? W - PAD.right : PAD.left + i * step + step / 2;
      return `<text class="axis" x="${x.toFixed(1)}" y="${H - 12}" text-anchor="${anchor}">${escapeXml(days[i] ?? '')}</text>`;
    })
    .join('');
  const key = legend(
    shown.map((layer, l) => ({ label: layer.label, swatch: box(PALETTE[l] ?? '#999') })),
    H + 28,
  );
  return `<svg role="img" aria-label="${escapeXml(title)}" class="chart daily" viewBox="0 0 ${W} ${H + 40}" xmlns="http://www.w3.org/2000/svg">${axes(max, currency, 'spend per day', 'day (UTC)')}${bars}${lines}${dateLabels}${key}</svg>`;
}

/**
 * A budget's month: cumulative actual spend by day (solid), the forecast to month end (dashed), the budget
 * (red dashed), with a legend, day numbers and the currency.
 */
export function budgetBurnDownChart(
  cumulative: readonly number[],
  daysInMonth: number,
  amount: number,
  forecast: number | null,
  currency: string,
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
  const budget = scale(amount, max).toFixed(1);
  const key = legend(
    [
      { label: 'actual', swatch: stroke('actual') },
      { label: 'forecast', swatch: stroke('projection') },
      { label: `budget ${Math.round(amount).toLocaleString('en-US')} ${currency}`, swatch: stroke('budget') },
    ],
    H + 28,
  );
  return `<svg role="img" aria-label="${escapeXml(title)}" class="chart burn" viewBox="0 0 ${W} ${H + 40}" xmlns="http://www.w3.org/2000/svg">${axes(max, currency, 'spend this month', 'day of the month')}<line class="budget" x1="${PAD.left}" x2="${W - PAD.right}" y1="${budget}" y2="${budget}"/><path class="actual" d="${path}"/>${projection}<text class="axis" x="${x(1).toFixed(1)}" y="${H - 12}" text-anchor="middle">1</text><text class="axis" x="${x(Math.ceil(daysInMonth / 2)).toFixed(1)}" y="${H - 12}" text-anchor="middle">${Math.ceil(daysInMonth / 2)}</text><text class="axis" x="${x(daysInMonth).toFixed(1)}" y="${H - 12}" text-anchor="middle">${daysInMonth}</text>${key}</svg>`;
}

/** This month to date against the previous month over the same days, two bars per line, with a legend. */
export function monthOverMonthChart(
  lines: ReadonlyArray<{ readonly label: string; readonly now: number; readonly before: number }>,
  months: { readonly now: string; readonly before: string },
  currency: string,
  title: string,
): string {
  const rows = lines.slice(0, 10);
  const left = 200;
  const rowHeight = 34;
  const height = rowHeight * rows.length + 40;
  const max = Math.max(1, ...rows.flatMap((row) => [row.now, row.before]));
  const width = (value: number): number => ((W - left - 110) * value) / max;
  const bars = rows
    .map((row, i) => {
      const y = i * rowHeight + 8;
      return `<text class="axis" x="${left - 6}" y="${y + 16}" text-anchor="end">${escapeXml(row.label.length > 30 ? `${row.label.slice(0, 29)}…` : row.label)}</text><rect fill="${PALETTE[0] ?? ''}" x="${left}" y="${y}" width="${width(row.now).toFixed(1)}" height="13"/><text class="axis" x="${(left + width(row.now) + 6).toFixed(1)}" y="${y + 11}">${Math.round(row.now).toLocaleString('en-US')}</text><rect fill="#b9c6e3" x="${left}" y="${y + 14}" width="${width(row.before).toFixed(1)}" height="13"/><text class="axis" x="${(left + width(row.before) + 6).toFixed(1)}" y="${y + 25}">${Math.round(row.before).toLocaleString('en-US')}</text>`;
    })
    .join('');
  const key = legend(
    [
      { label: `${months.now} to date (${currency})`, swatch: box(PALETTE[0] ?? '') },
      { label: `${months.before}, same days (${currency})`, swatch: box('#b9c6e3') },
    ],
    height - 12,
  );
  return `<svg role="img" aria-label="${escapeXml(title)}" class="chart bars" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg">${bars}${key}</svg>`;
}
