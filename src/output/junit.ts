/**
 * JUnit XML, the test-report format GitLab, Jenkins and Azure DevOps display.
 *
 * Layout: one <testsuite> per rule; one <testcase> per resource the rule had something to say about
 * (classname = rule id, name = resource address, file and line = where the resource is declared, relative to
 * the repository root): <failure> when denied; <skipped type="warning"> when only warned about and
 * <skipped type="exempted"> when exempted, so that GitLab's and Jenkins' summaries count and list them without
 * failing the build (text in <system-out> alone shows in neither summary); passing with <system-out> when only
 * recommended. A rule with no findings gets one passing "no findings" case, so the counts show how many rules ran
 * and passed. Only elements and attributes of the Jenkins JUnit schema are written (its <testsuites> has no
 * `skipped`).
 */
import type { ExemptedFinding, Finding, Recommendation, RuleDoc } from '../model/decision.js';
import type { CheckResult } from './check-result.js';
import type { Resource } from '../model/resource.js';
import { compareStrings, formatUsd, placeOf, resourcesByAddress, rulesById, sortedDecision } from './check-result.js';
import { collectChunks, type ChunkSink } from './json-chunks.js';

// Characters XML 1.0 forbids outright (most C0 controls, lone surrogates, U+FFFE/U+FFFF); no escape makes them legal.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text that has nothing to drop or escape: no markup character and nothing outside the plain ranges of XML
 * characters. Surrogates (astral characters) are outside these ranges too, so such text takes the full path,
 * which checks that they pair. Most messages and addresses are plain, and skip eight replacements each.
 */
const PLAIN_TEXT = /^[\t\n\r\u0020-\u0025\u0027-\u003B\u003D\u003F-\uD7FF\uE000-\uFFFD]*$/;
/** As PLAIN_TEXT, and with no quote and no tab or line break, which attribute values escape as well. */
const PLAIN_ATTRIBUTE = /^[\u0020\u0021\u0023-\u0025\u0028-\u003B\u003D\u003F-\uD7FF\uE000-\uFFFD]*$/;

/** Text content: forbidden characters dropped, markup characters escaped. */
export function escapeXmlText(text: string): string {
  if (PLAIN_TEXT.test(text)) return text;
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute value (always double-quoted): also quotes, and whitespace as references so it survives normalisation. */
export function escapeXmlAttribute(text: string): string {
  if (PLAIN_ATTRIBUTE.test(text)) return text;
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

/** Everything one rule said about one resource. */
interface CaseFindings {
  readonly resource: string;
  readonly violations: Finding[];
  readonly warnings: Finding[];
  readonly recommendations: Recommendation[];
  readonly exempted: ExemptedFinding[];
}

interface Suite {
  readonly rule: RuleDoc | undefined;
  readonly id: string;
  readonly cases: Map<string, CaseFindings>;
}

function suitesByRule(report: CheckResult): Suite[] {
  const docs = rulesById(report.rules);
  const suites = new Map<string, Suite>();
  const suiteFor = (id: string): Suite => {
    let suite = suites.get(id);
    if (!suite) {
      suite = { id, rule: docs.get(id), cases: new Map() };
      suites.set(id, suite);
    }
    return suite;
  };
  const caseFor = (id: string, resource: string): CaseFindings => {
    const { cases } = suiteFor(id);
    let entry = cases.get(resource);
    if (!entry) {
      entry = { resource, violations: [], warnings: [], recommendations: [], exempted: [] };
      cases.set(resource, entry);
    }
    return entry;
  };

  for (const rule of report.rules) suiteFor(rule.id);
  const decision = sortedDecision(report.decision, 'rule');
  for (const f of decision.violations) caseFor(f.rule, f.resource).violations.push(f);
  for (const f of decision.warnings) caseFor(f.rule, f.resource).warnings.push(f);
  for (const r of decision.recommendations) caseFor(r.rule, r.resource).recommendations.push(r);
  for (const e of decision.exempted) caseFor(e.rule, e.resource).exempted.push(e);
  return [...suites.values()].sort((a, b) => compareStrings(a.id, b.id));
}

function findingText(f: Finding): string {
  const lines = [`[${f.severity}] ${f.resource}: ${f.message}`];
  if (f.indeterminate) lines.push('(indeterminate: the plan does not say enough to decide)');
  if (f.remediation !== '') lines.push(`Remediation: ${f.remediation}`);
  return lines.join('\n');
}

/** Notes that do not fail the case: warnings and recommendations. */
function systemOut(entry: CaseFindings): string {
  const notes = [
    ...entry.warnings.map((f) => `WARN ${findingText(f)}`),
    ...entry.recommendations.map((r) => `RECOMMENDATION ${r.resource}: ${r.message} (saves ${formatUsd(r.monthly_savings_usd)}/month)`),
  ];
  return notes.length > 0 ? `      <system-out>${escapeXmlText(notes.join('\n\n'))}</system-out>\n` : '';
}

type Place = (resource: Resource | undefined) => { file: string; line: number | null };

function testcase(
  id: string,
  entry: CaseFindings,
  resource: Resource | undefined,
  place: Place,
): { xml: string; failed: boolean; skipped: boolean } {
  const where = place(resource);
  const open = `    <testcase${attributes({
    classname: id,
    name: entry.resource,
    file: where.file,
    ...(where.line !== null ? { line: where.line } : {}),
    time: 0,
  })}>\n`;
  let outcome = '';
  const [first] = entry.violations;
  const [exemption] = entry.exempted;
  const [warning] = entry.warnings;
  if (first) {
    const body = entry.violations.map(findingText).join('\n\n');
    const failure = attributes({ message: first.message, type: first.severity });
    outcome = `      <failure${failure}>${escapeXmlText(body)}</failure>\n`;
  } else if (exemption) {
    const message = `exempted until ${exemption.expires} (owner ${exemption.owner}): ${exemption.reason}`;
    outcome = `      <skipped${attributes({ message, type: 'exempted' })}/>\n`;
  } else if (warning) {
    const message = `warning [${warning.severity}]: ${warning.message}`;
    outcome = `      <skipped${attributes({ message, type: 'warning' })}/>\n`;
  }
  const xml = `${open}${outcome}${systemOut(entry)}    </testcase>\n`;
  const skipped = first === undefined && (exemption !== undefined || warning !== undefined);
  return { xml, failed: first !== undefined, skipped };
}

function testsuite(
  suite: Suite,
  resources: ReadonlyMap<string, Resource>,
  place: Place,
): { xml: string; tests: number; failures: number; skipped: number } {
  const entries = [...suite.cases.values()].sort((a, b) => compareStrings(a.resource, b.resource));
  const cases = entries.map((entry) => testcase(suite.id, entry, resources.get(entry.resource), place));
  const body =
    cases.length > 0
      ? cases.map((c) => c.xml).join('')
      : `    <testcase${attributes({ classname: suite.id, name: 'no findings', time: 0 })}/>\n`;
  const tests = Math.max(1, cases.length);
  const failures = cases.filter((c) => c.failed).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const name = suite.rule ? `${suite.id}: ${suite.rule.title}` : suite.id;
  const open = `  <testsuite${attributes({ name, tests, failures, errors: 0, skipped, time: 0 })}>\n`;
  return { xml: `${open}${body}  </testsuite>\n`, tests, failures, skipped };
}

/** The JUnit XML, written to `sink` a test suite at a time. */
export function streamJunit(report: CheckResult, sink: ChunkSink): void {
  const resources = resourcesByAddress(report.resources);
  const place: Place = (resource) => placeOf(report, resource);
  const suites = suitesByRule(report).map((suite) => testsuite(suite, resources, place));
  const total = (key: 'tests' | 'failures') => suites.reduce((sum, s) => sum + s[key], 0);
  const root = attributes({ name: report.tool.name, tests: total('tests'), failures: total('failures'), errors: 0, time: 0 });
  sink(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n`);
  for (const suite of suites) sink(suite.xml);
  sink('</testsuites>\n');
}

export function renderJunit(report: CheckResult): string {
  return collectChunks((sink) => streamJunit(report, sink));
}
