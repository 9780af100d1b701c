/**
 * Rule documentation has one source: each rule package's `# METADATA` block. At build time it is
 * read with `opa inspect --annotations` and stored in the bundle as `data.tollgate.meta.rules`, where
 * the decision reads severities, default enforcement and parameter defaults (the wasm target has no
 * `rego.metadata.*`), and where `tollgate explain`, SARIF and the README's rule table read the docs.
 */
import { relative } from 'node:path';
import type { ReportSection, RuleDoc, RuleParameterDoc, Severity } from '../model/decision.js';
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

/** What a METADATA block may say a rule's default enforcement is (`off` is a config choice, not a default). */
const RULE_ENFORCEMENTS: ReadonlyArray<RuleDoc['enforcement']> = ['deny', 'warn'];

/**
 * A `custom` field with a fixed set of values: absent means `fallback`; anything else must be one of `allowed`,
 * so a typo (`severity: hgh`) fails the build instead of quietly becoming the default.
 */
function oneOf<T extends string>(
  custom: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  fallback: T,
  rule: { id: string; file: string | undefined; line: number | undefined },
): T {
  const value = custom[field];
  if (value === undefined) return fallback;
  const found = allowed.find((option) => option === value);
  if (found !== undefined) return found;
  const message = `rule ${rule.id}: METADATA ${field} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`;
  throw new TollgateError(message, { file: rule.file, line: rule.line });
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
    const id = path[4] ?? '';
    const file = entry.location?.file ? relative(policyRoot, entry.location.file) : '';
    const rule = { id, file: entry.location?.file, line: entry.location?.row };
    const severity = oneOf<Severity>(custom, 'severity', SEVERITIES, 'medium', rule);
    const enforcement = oneOf(custom, 'enforcement', RULE_ENFORCEMENTS, 'deny', rule);
    if (custom.id !== undefined && custom.id !== id) {
      throw new TollgateError(`METADATA id ${JSON.stringify(custom.id)} does not match package id ${id}`, { file });
    }
    const section =
      custom.report_section === undefined ? null : oneOf<ReportSection>(custom, 'report_section', REPORT_SECTIONS, 'anomalies', rule);
    docs.push({
      id,
      area: path[3] ?? '',
      title: text(annotations.title) || id,
      description: text(annotations.description),
      severity,
      enforcement,
      remediation: text(custom.remediation),
      parameters: parameters(custom.parameters),
      ...(section === null ? {} : { reportSection: section }),
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
