/**
 * SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.
 *
 * Violations are `error`, warnings `warning` (`note` when the rule could not decide because a value is unknown
 * until apply), exempted findings are results with an accepted external suppression so dashboards show them as
 * dismissed rather than forgetting them. Recommendations are savings, not defects, and are left out: code scanning
 * would turn each into an alert.
 *
 * What code scanning needs to place and track an alert: a path relative to the repository root, a start line on
 * every result (1 when only the plan file is known), fingerprints that do not move when unrelated lines do, and
 * `automationDetails.id` so that several uploads (a matrix of plans) do not replace each other. Only security rules
 * carry `security-severity` and the `security` tag: GitHub files everything that has them as a security alert.
 */
import { createHash } from 'node:crypto';
import type { ExemptedFinding, Finding, RuleDoc, Severity } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
import {
  canonicalJson,
  compareStrings,
  placeOf,
  resourcesByAddress,
  rulesById,
  sortedDecision,
  toForwardSlashes,
  withSortedKeys,
} from './check-result.js';
import { collectChunks, writeJsonChunks, type ChunkSink } from './json-chunks.js';
import { stripControlCharacters } from './sanitize.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'tollgate/v1';
/** The key GitHub reads first; supplying it keeps the upload from hashing the (moving) source line instead. */
export const LINE_HASH_KEY = 'primaryLocationLineHash';
export const DEFAULT_CATEGORY = 'tollgate';

/**
 * Areas whose rules protect data (encryption, data residency): their alerts are security alerts. Cost, tagging,
 * instance, budget, review and savings rules are quality findings and must not inflate the security overview.
 */
export const SECURITY_AREAS: ReadonlySet<string> = new Set(['encryption', 'region']);

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
    readonly region: { readonly startLine: number };
  };
  readonly logicalLocations: ReadonlyArray<{ readonly fullyQualifiedName: string; readonly kind: 'resource' }>;
}

interface SarifReportingDescriptor {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: Required<SarifMessage>;
  readonly helpUri?: string;
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: {
    readonly tags: readonly string[];
    /** Only on security rules. */
    readonly 'security-severity'?: string;
    /** GitHub's severity for alerts that are not security alerts. */
    readonly 'problem.severity'?: 'error' | 'warning';
    /** A plan says exactly what will be deployed: a finding is not a heuristic guess. */
    readonly precision: 'very-high';
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
      readonly automationDetails: { readonly id: string };
      readonly invocations: ReadonlyArray<{ readonly executionSuccessful: boolean }>;
      readonly results: readonly SarifResult[];
      readonly properties: Readonly<Record<string, unknown>>;
    },
  ];
}

/**
 * Stable identity of a finding across runs: rule and resource only, so edits to messages or lines keep alerts.
 * `occurrence` tells apart several findings of one rule on one resource (0 for the first, which most are).
 */
export function fingerprint(rule: string, resource: string, occurrence = 0): string {
  const key = occurrence === 0 ? `${rule}\u0000${resource}` : `${rule}\u0000${resource}\u0000${occurrence}`;
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The same identity in the shape GitHub gives `primaryLocationLineHash` ("<hex>:<n>"). */
export function lineHash(rule: string, resource: string, occurrence = 0): string {
  return lineHashOf(fingerprint(rule, resource, occurrence));
}

/** lineHash from the fingerprint already computed (a sha256 per finding is a large part of writing SARIF). */
function lineHashOf(fingerprintHex: string): string {
  return `${fingerprintHex.slice(0, 16)}:1`;
}

export function isSecurityRule(rule: Pick<RuleDoc, 'area'>): boolean {
  return SECURITY_AREAS.has(rule.area);
}

/** A built-in rule's page: its policy source at the release that judged it. Custom rules have none we know of. */
function helpUri(rule: RuleDoc, tool: CheckResult['tool']): string | undefined {
  if (!rule.id.startsWith('TG-') || rule.file === '') return undefined;
  const path = toForwardSlashes(rule.file).split('/').map(encodeURIComponent).join('/');
  return `${tool.informationUri}/blob/v${tool.version}/policies/${path}`;
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

function describeRule(rule: RuleDoc, tool: CheckResult['tool']): SarifReportingDescriptor {
  const parameters = parameterLines(rule);
  const security = isSecurityRule(rule);
  const uri = helpUri(rule, tool);
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
    ...(uri !== undefined ? { helpUri: uri } : {}),
    defaultConfiguration: { level: levelOf(rule.enforcement) },
    properties: security
      ? {
          tags: [rule.area, 'security'],
          'security-severity': SECURITY_SEVERITY[rule.severity],
          precision: 'very-high',
          severity: rule.severity,
        }
      : {
          tags: [rule.area],
          'problem.severity': levelOf(rule.enforcement) === 'error' ? 'error' : 'warning',
          precision: 'very-high',
          severity: rule.severity,
        },
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

function locationOf(
  report: CheckResult,
  address: string,
  resource: Resource | undefined,
  artifact: (path: string) => SarifArtifactLocation,
): SarifLocation {
  const place = placeOf(report, resource);
  return {
    physicalLocation: { artifactLocation: artifact(place.file), region: { startLine: place.line ?? 1 } },
    logicalLocations: [{ fullyQualifiedName: address, kind: 'resource' as const }],
  };
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
  // Findings are placed in a few files: each file's location is made once and shared by its results.
  const artifacts = new Map<string, SarifArtifactLocation>();
  const artifact = (path: string): SarifArtifactLocation => {
    let location = artifacts.get(path);
    if (location === undefined) {
      location = artifactLocation(path);
      artifacts.set(path, location);
    }
    return location;
  };
  // Findings of one rule on one resource are numbered in their sorted order, so each keeps its own fingerprint.
  const seen = new Map<string, number>();
  const place = (kind: string, rule: string, resource: string) => {
    const key = `${kind}\u0000${rule}\u0000${resource}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const stable = fingerprint(rule, resource, occurrence);
    return {
      locations: [locationOf(report, resource, resources.get(resource), artifact)],
      partialFingerprints: { [LINE_HASH_KEY]: lineHashOf(stable), [FINGERPRINT_KEY]: stable },
    };
  };

  const findingResult = (finding: Finding, level: SarifLevel): SarifResult => ({
    ...identity(finding.rule),
    level,
    message: { text: displayText(finding.message) },
    ...place('finding', finding.rule, finding.resource),
    // Written in sorted key order, as withSortedKeys would give them: only the evidence, whose keys the rule chose,
    // is sorted (a sorted copy of the whole object was most of the cost of a result). An undefined member is not
    // written, as withSortedKeys leaves it out.
    properties: {
      evidence: withSortedKeys(finding.evidence),
      indeterminate: finding.indeterminate,
      remediation: displayText(finding.remediation),
      severity: finding.severity,
    },
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
      ...place('exempted', exemption.rule, exemption.resource),
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
            rules: rules.map((rule) => describeRule(rule, report.tool)),
          },
        },
        automationDetails: { id: `${report.category ?? DEFAULT_CATEGORY}/` },
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

/** The SARIF log, two-space indented, written to `sink` in chunks. */
export function streamSarif(report: CheckResult, sink: ChunkSink): void {
  writeJsonChunks(toSarif(report), sink, { indent: 2, sortKeys: false });
  sink('\n');
}

export function renderSarif(report: CheckResult): string {
  return collectChunks((sink) => streamSarif(report, sink));
}
