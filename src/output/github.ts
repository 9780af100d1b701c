/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the file and line that declares the
 * resource (or on the plan file when the source location is not known).
 * Violations are `::error`, warnings `::warning`, recommendations `::notice`. Exempted findings are not annotated.
 * When the plan was priced, one more `::notice` on the plan file gives the monthly cost change.
 *
 * GitHub shows at most 10 error and 10 warning annotations per step (50 per job) and silently drops the rest.
 * So each kind is capped at 10: the most severe findings first, and when there are more, the tenth says how
 * many were left out and where the full list is, instead of a silent cut.
 */
import type { Finding, Recommendation } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
import { formatUsd, placeOf, resourcesByAddress, severityRank, sortedDecision } from './check-result.js';
import { costAssumptions, monthlyCostLine } from './costs.js';
import { stripControlCharacters } from './sanitize.js';

type Command = 'error' | 'warning' | 'notice';

/** Annotations of one kind GitHub shows for one step. */
export const ANNOTATIONS_PER_KIND = 10;

/** The message part of a workflow command, escaped as the runner unescapes it. */
export function escapeData(text: string): string {
  return stripControlCharacters(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (file=, title=): also the separators of the property list. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

interface Annotation {
  readonly command: Command;
  readonly resource: string;
  readonly title: string;
  readonly message: string;
}

function workflowCommand(annotation: Annotation, resource: Resource | undefined, report: CheckResult): string {
  const place = placeOf(report, resource);
  const properties: Array<[string, string]> = [['file', place.file]];
  if (place.line !== null) properties.push(['line', String(place.line)]);
  properties.push(['title', annotation.title]);
  const list = properties.map(([name, value]) => `${name}=${escapeProperty(value)}`).join(',');
  return `::${annotation.command} ${list}::${escapeData(annotation.message)}`;
}

function findingAnnotation(command: Command, finding: Finding): Annotation {
  const lines = [`${finding.resource}: ${finding.message}`];
  if (finding.indeterminate) lines.push('Indeterminate: the plan does not say enough to decide.');
  if (finding.remediation !== '') lines.push(`Remediation: ${finding.remediation}`);
  return {
    command,
    resource: finding.resource,
    title: `${finding.rule} (${finding.severity})`,
    message: lines.join('\n'),
  };
}

function recommendationAnnotation(recommendation: Recommendation): Annotation {
  return {
    command: 'notice',
    resource: recommendation.resource,
    title: `${recommendation.rule} (save ${formatUsd(recommendation.monthly_savings_usd)}/month)`,
    message: `${recommendation.resource}: ${recommendation.message}`,
  };
}

const KIND_NAMES: Readonly<Record<Command, readonly [string, string]>> = {
  error: ['violation', 'violations'],
  warning: ['warning', 'warnings'],
  notice: ['note', 'notes'],
};

/** At most ANNOTATIONS_PER_KIND of one kind; the last of them, when some are left out, says so. */
function capped(command: Command, annotations: readonly Annotation[]): Annotation[] {
  if (annotations.length <= ANNOTATIONS_PER_KIND) return [...annotations];
  const shown = annotations.slice(0, ANNOTATIONS_PER_KIND - 1);
  const hidden = annotations.length - shown.length;
  const [singular, pluralName] = KIND_NAMES[command];
  const message =
    `${hidden} more ${hidden === 1 ? singular : pluralName} not annotated here: GitHub shows ${ANNOTATIONS_PER_KIND} per step. ` +
    'The full list is in the job summary, in code scanning (SARIF) and in the output of this step.';
  return [...shown, { command, resource: '', title: `Tollgate: ${hidden} more ${pluralName}`, message }];
}

export function renderGithub(report: CheckResult): string {
  const decision = sortedDecision(report.decision, 'resource');
  const resources = resourcesByAddress(report.resources);
  // Most severe first, so that the cap keeps the findings that matter most (sort is stable: resource order within).
  const bySeverity = (findings: readonly Finding[]) => [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const notices: Annotation[] = [];
  const cost = monthlyCostLine(report);
  if (cost !== null) {
    const message = `${cost}\nAssumes ${costAssumptions(report) ?? ''}.`;
    notices.push({ command: 'notice', resource: '', title: 'Tollgate cost estimate', message });
  }
  // One push per recommendation: push(...all) passes an argument each and overflows the stack on very large plans.
  for (const recommendation of decision.recommendations) notices.push(recommendationAnnotation(recommendation));
  const annotations = [
    ...capped(
      'error',
      bySeverity(decision.violations).map((f) => findingAnnotation('error', f)),
    ),
    ...capped(
      'warning',
      bySeverity(decision.warnings).map((f) => findingAnnotation('warning', f)),
    ),
    ...capped('notice', notices),
  ];
  const lines = annotations.map((a) => workflowCommand(a, a.resource === '' ? undefined : resources.get(a.resource), report));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
