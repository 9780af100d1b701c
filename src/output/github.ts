/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the file and line that declares the
 * resource (or on the plan file when the source location is not known).
 * Violations are `::error`, warnings `::warning`, recommendations `::notice`. Exempted findings are not annotated.
 * When the plan was priced, one more `::notice` on the plan file gives the monthly cost change.
 */
import type { Finding, Recommendation } from '../model/decision.js';
import type { Resource } from '../model/resource.js';
import type { CheckResult } from './check-result.js';
import { formatUsd, placeOf, resourcesByAddress, sortedDecision } from './check-result.js';
import { costAssumptions, monthlyCostLine } from './costs.js';
import { stripControlCharacters } from './sanitize.js';

type Command = 'error' | 'warning' | 'notice';

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

export function renderGithub(report: CheckResult): string {
  const decision = sortedDecision(report.decision, 'resource');
  const resources = resourcesByAddress(report.resources);
  const annotations = [
    ...decision.violations.map((f) => findingAnnotation('error', f)),
    ...decision.warnings.map((f) => findingAnnotation('warning', f)),
    ...decision.recommendations.map(recommendationAnnotation),
  ];
  const lines = annotations.map((a) => workflowCommand(a, resources.get(a.resource), report));
  const cost = monthlyCostLine(report);
  if (cost !== null) {
    const message = `${cost}\nAssumes ${costAssumptions(report) ?? ''}.`;
    lines.push(workflowCommand({ command: 'notice', resource: '', title: 'Tollgate cost estimate', message }, undefined, report));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
