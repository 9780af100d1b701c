import { describe, expect, it } from 'vitest';
import { budgetBurnDownChart, stackedDailyChart } from '../../src/report/svg-charts.js';

describe('stackedDailyChart', () => {
  const days = ['2025-06-01', '2025-06-02'];
  const layers = [
    { label: 'research', values: [10, 20] },
    { label: '(untagged)', values: [5, 0] },
  ];

  it('draws one labelled line per budget, never their sum', () => {
    const svg = stackedDailyChart(
      days,
      layers,
      [
        { label: 'platform', daily: 12 },
        { label: 'company', daily: 30 },
      ],
      'EUR',
      't',
    );
    expect(svg.match(/class="budget"/g)).toHaveLength(2);
    expect(svg).toContain('budget platform: 12 EUR/day');
    expect(svg).toContain('budget company: 30 EUR/day');
    expect(svg).not.toContain('42 EUR');
  });

  it('stacks a layer per key with a legend, the currency on the y axis and the dates on the x axis', () => {
    const svg = stackedDailyChart(days, layers, [], 'USD', 't');
    // Three non-zero values: research on both days, untagged on the first.
    expect(svg.match(/class="layer"/g)).toHaveLength(3);
    expect(svg).toContain('<title>2025-06-01 (untagged): 5.00 USD</title>');
    expect(svg).toContain('spend per day (USD)');
    expect(svg).toContain('>2025-06-01</text>');
    expect(svg).toContain('>2025-06-02</text>');
    expect(svg.match(/<g class="legend">/g)).toHaveLength(2);
  });

  it('folds keys beyond the palette into one "others" layer', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ label: `team-${i}`, values: [1, 1] }));
    const svg = stackedDailyChart(days, many, [], 'USD', 't');
    expect(svg).toContain('>3 others</text>');
    expect(svg.match(/<g class="legend">/g)).toHaveLength(8);
  });
});

describe('budgetBurnDownChart', () => {
  it('has a legend for actual, forecast and the budget with its amount', () => {
    const svg = budgetBurnDownChart([10, 25], 30, 500, 480, 'USD', 'burn');
    expect(svg).toMatch(/>actual<\/text>.*>forecast<\/text>.*>budget 500 USD<\/text>/s);
    expect(svg).toContain('class="projection"');
    expect(svg).toContain('spend this month (USD)');
  });

  it('draws no forecast when there is none', () => {
    expect(budgetBurnDownChart([10], 30, 500, null, 'USD', 'burn')).not.toContain('<line class="projection" x1="2');
  });
});
