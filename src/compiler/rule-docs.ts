/**
 * Rule documentation has one source: each rule package's `# METADATA` block. At build time it is
 * read with `opa inspect --annotations` and stored in the bundle as `data.tollgate.meta.rules`, where
 * the decision reads severities, default enforcement and parameter defaults (the wasm target has no
 * `rego.metadata.*`), and where `tollgate explain`, SARIF and the README's rule table read the docs.
 */
import { relative } from 'node:path';
import type { Enforcement, ReportSection, RuleDoc, RuleParameterDoc, Severity } from '../model/decision.js';
import { REPORT_SECTIONS, SEVERITIES } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
import { runOpa } from './opa-cli.js';

interface InspectPathTerm {
  readonly type: string;
  readonly value: unknown;
}
interface InspectAnnotation {
  readonly annotations?: {
    readonly scope?: string;
    readonly title?: string;
    readonly description?: string;
    readonly custom?: Record<string, unknown>;
  };
  readonly location?: { readonly file?: string; readonly row?: number };
  readonly path?: readonly InspectPathTerm[];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function parameters(value: unknown): Record<string, RuleParameterDoc> {
  if (value === null || typeof value !== 'object') return {};
  const out: Record<string, RuleParameterDoc> = {};
  for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
    const record = spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
    out[name] = { description: text(record.description), default: record.default ?? null };
  }
  return out;
}

/** The rule docs in `opa inspect -a -f json` output; package-scoped annotations under data.tollgate.rules only. */
export function ruleDocsFromInspect(inspectJson: string, policyRoot: string): RuleDoc[] {
  const parsed = JSON.parse(inspectJson) as { annotations?: InspectAnnotation[] };
  const docs: RuleDoc[] = [];
  for (const entry of parsed.annotations ?? []) {
    const path = (entry.path ?? []).map((term) => String(term.value));
    if (path.length !== 5 || path[1] !== 'tollgate' || path[2] !== 'rules') continue;
    const annotations = entry.annotations ?? {};
    if (annotations.scope !== 'package') continue;
    const custom = annotations.custom ?? {};
    const id = path[4]!;
    const severity = text(custom.severity) as Severity;
    const enforcement = text(custom.enforcement) as Enforcement;
    const file = entry.location?.file ? relative(policyRoot, entry.location.file) : '';
    if (custom.id !== undefined && custom.id !== id) {
      throw new TollgateError(`METADATA id ${String(custom.id)} does not match package id ${id}`, { file });
    }
    const section = text(custom.report_section);
    if (section !== '' && !(REPORT_SECTIONS as readonly string[]).includes(section)) {
      throw new TollgateError(`METADATA report_section of ${id} must be one of ${REPORT_SECTIONS.join(', ')} (got "${section}")`, { file });
    }
    docs.push({
      id,
      area: path[3]!,
      title: text(annotations.title) || id,
      description: text(annotations.description),
      severity: SEVERITIES.includes(severity) ? severity : 'medium',
      enforcement: enforcement === 'warn' ? 'warn' : 'deny',
      remediation: text(custom.remediation),
      parameters: parameters(custom.parameters),
      ...(section === '' ? {} : { reportSection: section as ReportSection }),
      file,
    });
  }
  return docs.sort((a, b) => a.id.localeCompare(b.id));
}

export async function extractRuleDocs(opa: string, policyDir: string): Promise<RuleDoc[]> {
  const { stdout } = await runOpa(opa, ['inspect', '--annotations', '--format', 'json', policyDir], 'reading rule METADATA');
  return ruleDocsFromInspect(stdout, policyDir);
}

/** The shape stored at data.tollgate.meta in a bundle. */
export interface RuleMetaData {
  readonly rules: Readonly<Record<string, RuleDoc>>;
}

export function ruleMetaData(docs: readonly RuleDoc[]): RuleMetaData {
  return { rules: Object.fromEntries(docs.map((doc) => [doc.id, doc])) };
}
