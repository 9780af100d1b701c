/**
 * The output formats and their registry. A renderer is pure: a CheckResult in, the text to write out;
 * the CLI decides where it goes.
 */
import { TollgateError } from '../model/errors.js';
import { renderCodeQuality } from './codequality.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { CheckResult } from './check-result.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type Renderer = (report: CheckResult) => string;

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'markdown', 'codequality'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const RENDERERS: Readonly<Record<OutputFormat, Renderer>> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
  codequality: renderCodeQuality,
};

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

/** The renderer for a format name as the user typed it; an unknown name is the user's mistake. */
export function getRenderer(format: string): Renderer {
  if (!isOutputFormat(format)) {
    throw new TollgateError(`unknown output format "${format}" (expected one of: ${OUTPUT_FORMATS.join(', ')})`);
  }
  return RENDERERS[format];
}

export type { CheckResult, SourceKind } from './check-result.js';
export type { FailOn } from '../model/decision.js';
export { countBySeverity, failingFindings, isPassing } from './check-result.js';
