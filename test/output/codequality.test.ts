import { describe, expect, it } from 'vitest';
import { CODE_QUALITY_SEVERITY, renderCodeQuality, toCodeQuality } from '../../src/output/codequality.js';
import type { CheckResult } from '../../src/output/check-result.js';
import { SEVERITIES } from '../../src/model/decision.js';
import { expectGolden } from './golden.js';
import { HOSTILE_MESSAGE, cleanReport, sampleReport } from './sample-report.js';
import { present } from '../present.js';

/** The fields GitLab requires of each issue (docs: "Code Quality report format"). */
const REQUIRED = ['description', 'check_name', 'fingerprint', 'severity', 'location'] as const;
const GITLAB_SEVERITIES = ['info', 'minor', 'major', 'critical', 'blocker'];

describe('codequality renderer (GitLab Code Quality)', () => {
  it('matches the golden file', () => {
    expectGolden('sample.codequality.json', renderCodeQuality(sampleReport));
  });

  it('writes one issue per violation and warning, none for exemptions or recommendations', () => {
    const issues = toCodeQuality(sampleReport);
    const { violations, warnings } = sampleReport.decision;
    expect(issues).toHaveLength(violations.length + warnings.length);
    expect(renderCodeQuality(cleanReport)).toBe('[]\n');
  });

  it('gives every issue the fields GitLab requires, a known severity and a line', () => {
    for (const issue of toCodeQuality(sampleReport)) {
      for (const field of REQUIRED) expect(issue, field).toHaveProperty(field);
      expect(GITLAB_SEVERITIES).toContain(issue.severity);
      expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
      expect(issue.location.path).not.toMatch(/^(\/|\.\/)/);
    }
  });

  it('maps every severity, most severe first', () => {
    expect(SEVERITIES.map((s) => CODE_QUALITY_SEVERITY[s])).toEqual([...GITLAB_SEVERITIES].reverse());
  });

  it('places an issue at the declaring file and line relative to the repository root', () => {
    const report: CheckResult = { ...sampleReport, paths: { root: '/repo', cwd: '/repo/live' } };
    const region = toCodeQuality(report).find((i) => i.check_name === 'TG-REG-001');
    expect(region?.location).toEqual({ path: 'live/infra/serving.tf', lines: { begin: 3 } });
  });

  it('has unique fingerprints that survive a reworded message and a moved line', () => {
    const prints = toCodeQuality(sampleReport).map((i) => i.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
    const [first] = sampleReport.decision.violations;
    const twice: CheckResult = {
      ...sampleReport,
      decision: {
        ...sampleReport.decision,
        violations: [...sampleReport.decision.violations, { ...present(first, 'a violation'), message: 'a second problem' }],
      },
    };
    const twicePrints = toCodeQuality(twice).map((i) => i.fingerprint);
    expect(new Set(twicePrints).size).toBe(twicePrints.length);
    const moved: CheckResult = {
      ...sampleReport,
      resources: sampleReport.resources.map((r) => (r.location ? { ...r, location: { ...r.location, line: r.location.line + 5 } } : r)),
      decision: {
        ...sampleReport.decision,
        violations: sampleReport.decision.violations.map((v) => ({ ...v, message: `${v.message}!` })),
      },
    };
    expect(toCodeQuality(moved).map((i) => i.fingerprint)).toEqual(prints);
  });

  it('marks warnings and strips control characters', () => {
    const hostile: CheckResult = {
      ...sampleReport,
      decision: {
        ...sampleReport.decision,
        warnings: [{ ...present(sampleReport.decision.warnings[0], 'a warning'), message: HOSTILE_MESSAGE }],
      },
    };
    const warning = toCodeQuality(hostile).find((i) => i.description.startsWith('Warning: '));
    expect(warning?.description).not.toMatch(/[\u0001\u001b]/);
  });
});
