/**
 * SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.
 *
 * Violations are `error`, warnings `warning` (`note` when the rule could not decide because a value is unknown
 * until apply), exempted findings are results with an accepted external suppression so dashboards show them as
 * dismissed rather than forgetting them. Recommendations are savings, not defects, and are left out: code scanning
 * would turn each into an alert.
 */
import { createHash } from 'node:crypto';
import type { ExemptedFinding, Finding, RuleDoc, Severity } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
import {
  canonicalJson,
  compareStrings,
  resourcesByAddress,
  rulesById,
  sortedDecision,
  toForwardSlashes,
  withSortedKeys,
} from './check-result.js';
import { stripControlCharacters } from './sanitize.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'tollgate/v1';

type SarifLevel = 'error' | 'warning' | 'note';

/** The numbers GitHub reads from `security-severity` (≥9 critical, ≥7 high, ≥4 medium, else low). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

interface SarifArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

interface SarifLocation {
  readonly physicalLocation: {
    readonly artifactLocation: SarifArtifactLocation;
    readonly region?: { readonly startLine: number };
  };
  readonly logicalLocations: ReadonlyArray<{ readonly fullyQualifiedName: string; readonly kind: 'resource' }>;
}

interface SarifReportingDescriptor {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: Required<SarifMessage>;
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: {
    readonly tags: readonly string[];
    readonly 'security-severity': string;
    readonly severity: Severity;
  };
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly suppressions?: ReadonlyArray<{
    readonly kind: 'external';
    readonly status: 'accepted';
    readonly justification: string;
  }>;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: {
        readonly driver: {
          readonly name: string;
          readonly version: string;
          readonly semanticVersion: string;
          readonly informationUri: string;
          readonly rules: readonly SarifReportingDescriptor[];
        };
      };
      readonly invocations: ReadonlyArray<{ readonly executionSuccessful: boolean }>;
      readonly results: readonly SarifResult[];
      readonly properties: Readonly<Record<string, unknown>>;
    },
  ];
}

/** Stable identity of a finding across runs: rule and resource only, so edits to messages or lines keep alerts. */
export function fingerprint(rule: string, resource: string): string {
  return createHash('sha256').update(`${rule}\u0000${resource}`, 'utf8').digest('hex');
}

function levelOf(enforcement: RuleDoc['enforcement']): SarifLevel {
  return enforcement === 'deny' ? 'error' : 'warning';
}

function parameterLines(rule: RuleDoc): { text: string[]; markdown: string[] } {
  const names = Object.keys(rule.parameters).sort(compareStrings);
  if (names.length === 0) return { text: [], markdown: [] };
  const text = ['', 'Parameters:'];
  const markdown = ['', '**Parameters**', '', '| Name | Default | Description |', '| --- | --- | --- |'];
  for (const name of names) {
    const parameter = rule.parameters[name];
    if (!parameter) continue;
    const fallback = canonicalJson(parameter.default);
    text.push(`- ${name} (default ${fallback}): ${parameter.description}`);
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    markdown.push(`| \`${name}\` | \`${cell(fallback)}\` | ${cell(parameter.description)} |`);
  }
  return { text, markdown };
}

/** SARIF wants `name` to be an identifier a person can read ("StorageIsEncryptedAtRest"), distinct from the id. */
export function ruleName(title: string): string {
  const words = title.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

function describeRule(rule: RuleDoc): SarifReportingDescriptor {
  const parameters = parameterLines(rule);
  return {
    id: rule.id,
    name: ruleName(rule.title) || rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: [rule.description, '', `Remediation: ${rule.remediation}`, ...parameters.text].join('\n'),
      markdown: [
        `**${rule.id}: ${rule.title}**`,
        '',
        rule.description,
        '',
        `**Remediation:** ${rule.remediation}`,
        ...parameters.markdown,
      ].join('\n'),
    },
    defaultConfiguration: { level: levelOf(rule.enforcement) },
    properties: { tags: [rule.area], 'security-severity': SECURITY_SEVERITY[rule.severity], severity: rule.severity },
  };
}

/**
 * A finding may name a rule that has no docs (a custom policy without METADATA); it still needs a descriptor so
 * that `ruleIndex` points somewhere.
 */
function undocumentedRule(id: string, severity: Severity): RuleDoc {
  return {
    id,
    area: 'custom',
    title: id,
    description: `Rule ${id} (no documentation in the bundle).`,
    severity,
    enforcement: 'warn',
    remediation: 'See the policy source.',
    parameters: {},
    file: '',
  };
}

function ruleCatalog(report: CheckResult): RuleDoc[] {
  const docs = new Map(rulesById(report.rules));
  const { violations, warnings, exempted } = report.decision;
  for (const finding of [...violations, ...warnings]) {
    if (!docs.has(finding.rule)) docs.set(finding.rule, undocumentedRule(finding.rule, finding.severity));
  }
  for (const exemption of exempted) {
    if (!docs.has(exemption.rule)) docs.set(exemption.rule, undocumentedRule(exemption.rule, 'info'));
  }
  return [...docs.values()].sort((a, b) => compareStrings(a.id, b.id));
}

const ABSOLUTE_PATH = /^(\/|[A-Za-z]:\/)/;

/** A relative path becomes a URI relative to %SRCROOT%; an absolute one (better avoided) a file: URI. */
export function artifactLocation(path: string): SarifArtifactLocation {
  const normalised = toForwardSlashes(path);
  const encoded = normalised.split('/').map(encodeURIComponent).join('/');
  if (ABSOLUTE_PATH.test(normalised)) {
    return { uri: `file://${normalised.startsWith('/') ? '' : '/'}${encoded.replace(/^([A-Za-z])%3A/, '$1:')}` };
  }
  return { uri: encoded, uriBaseId: '%SRCROOT%' };
}

function locationOf(address: string, resource: Resource | undefined, sourceFile: string): SarifLocation {
  const logicalLocations = [{ fullyQualifiedName: address, kind: 'resource' as const }];
  if (resource?.location) {
    return {
      physicalLocation: {
        artifactLocation: artifactLocation(resource.location.file),
        region: { startLine: Math.max(1, resource.location.line) },
      },
      logicalLocations,
    };
  }
  return { physicalLocation: { artifactLocation: artifactLocation(sourceFile) }, logicalLocations };
}

function displayText(text: string): string {
  return stripControlCharacters(text);
}

export function toSarif(report: CheckResult): SarifLog {
  const rules = ruleCatalog(report);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const docs = new Map(rules.map((rule) => [rule.id, rule]));
  const resources = resourcesByAddress(report.resources);
  const decision = sortedDecision(report.decision, 'rule');

  const identity = (rule: string) => ({ ruleId: rule, ruleIndex: ruleIndex.get(rule) ?? -1 });
  const place = (rule: string, resource: string) => ({
    locations: [locationOf(resource, resources.get(resource), report.source.file)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(rule, resource) },
  });

  const findingResult = (finding: Finding, level: SarifLevel): SarifResult => ({
    ...identity(finding.rule),
    level,
    message: { text: displayText(finding.message) },
    ...place(finding.rule, finding.resource),
    properties: withSortedKeys({
      severity: finding.severity,
      indeterminate: finding.indeterminate,
      remediation: displayText(finding.remediation),
      evidence: finding.evidence,
    }) as Record<string, unknown>,
  });

  const exemptedResult = (exemption: ExemptedFinding): SarifResult => {
    const doc = docs.get(exemption.rule);
    return {
      ...identity(exemption.rule),
      level: doc ? levelOf(doc.enforcement) : 'warning',
      message: {
        text: displayText(
          `${exemption.resource} is exempted from ${exemption.rule} (${doc?.title ?? exemption.rule}) until ` +
            `${exemption.expires}, owner ${exemption.owner}: ${exemption.reason}`,
        ),
      },
      ...place(exemption.rule, exemption.resource),
      suppressions: [{ kind: 'external', status: 'accepted', justification: displayText(exemption.reason) }],
      properties: { owner: exemption.owner, expires: exemption.expires },
    };
  };

  const results = [
    ...decision.violations.map((finding) => findingResult(finding, 'error')),
    ...decision.warnings.map((finding) => findingResult(finding, finding.indeterminate ? 'note' : 'warning')),
    ...decision.exempted.map(exemptedResult),
  ];

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: report.tool.informationUri,
            rules: rules.map(describeRule),
          },
        },
        invocations: [{ executionSuccessful: true }],
        results,
        properties: {
          bundleRevision: decision.bundleRevision,
          inputDigest: decision.inputDigest,
          source: { file: report.source.file, kind: report.source.kind },
        },
      },
    ],
  };
}

export function renderSarif(report: CheckResult): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}
