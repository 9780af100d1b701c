import { describe, expect, it } from 'vitest';
import { TollgateError } from '../../src/model/errors.js';
import { getRenderer, isOutputFormat, OUTPUT_FORMATS } from '../../src/output/index.js';
import type { CheckResult } from '../../src/output/check-result.js';
import type { FailOn } from '../../src/model/decision.js';
import { countBySeverity, failingFindings, formatUsd, isPassing } from '../../src/output/check-result.js';
import { cleanReport, sampleReport, shuffledReport } from './sample-report.js';

describe('getRenderer', () => {
  it.each(OUTPUT_FORMATS)('knows the %s format', (format) => {
    expect(isOutputFormat(format)).toBe(true);
    expect(getRenderer(format)(sampleReport)).toEqual(expect.any(String));
  });

  it('rejects an unknown format with an error the user can act on', () => {
    expect(() => getRenderer('yaml')).toThrow(TollgateError);
    expect(() => getRenderer('yaml')).toThrow(/unknown output format "yaml" \(expected one of: text, json, sarif/);
  });
});

describe('every renderer', () => {
  it.each(OUTPUT_FORMATS)('%s: renders the same bytes twice', (format) => {
    const render = getRenderer(format);
    expect(render(sampleReport)).toBe(render(sampleReport));
  });

  it.each(OUTPUT_FORMATS)('%s: does not depend on the order of the input lists', (format) => {
    const render = getRenderer(format);
    const expected = render(sampleReport);
    for (const seed of [1, 2, 3, 42]) expect(render(shuffledReport(sampleReport, seed))).toBe(expected);
  });

  it.each(OUTPUT_FORMATS)('%s: handles a report with no findings', (format) => {
    expect(() => getRenderer(format)(cleanReport)).not.toThrow();
  });

  it.each(OUTPUT_FORMATS)('%s: does not mutate the report', (format) => {
    const before = JSON.stringify(sampleReport);
    getRenderer(format)(sampleReport);
    expect(JSON.stringify(sampleReport)).toBe(before);
  });
});

describe('verdict', () => {
  const withFailOn = (failOn: FailOn): CheckResult => ({ ...sampleReport, failOn });

  it.each<[FailOn, number]>([
    ['deny', 4], // the four violations, whatever their severity
    ['never', 0],
    ['critical', 1], // TG-REG-001
    ['high', 3], // + the TG-ENC-001 and TG-GPU-001 violations; warnings (even indeterminate ones) never fail
    ['medium', 4],
    ['low', 4],
    ['info', 4],
  ])('fail on %s: %i failing findings', (failOn, count) => {
    expect(failingFindings(withFailOn(failOn))).toHaveLength(count);
    expect(isPassing(withFailOn(failOn))).toBe(count === 0);
  });

  it('passes a clean report under every setting', () => {
    for (const failOn of ['deny', 'critical', 'info'] as const) expect(isPassing({ ...cleanReport, failOn })).toBe(true);
  });
});

describe('report helpers', () => {
  it('counts findings by severity', () => {
    expect(countBySeverity(sampleReport.decision.violations)).toEqual({ critical: 1, high: 2, medium: 1, low: 0, info: 0 });
  });

  it.each<[number, string]>([
    [0, '$0.00'],
    [1234.56, '$1,234.56'],
    [999.999, '$1,000.00'],
    [1234567.8, '$1,234,567.80'],
    [-12, '-$12.00'],
    [0.004, '$0.00'],
  ])('formats %d dollars as %s', (amount, text) => {
    expect(formatUsd(amount)).toBe(text);
  });
});
