/**
 * The output formats and their registry. A renderer is pure: a CheckResult in, the text to write out;
 * the CLI decides where it goes. The formats that grow with the plan (json, sarif, junit) also render as a
 * stream of chunks, so a large report is written to its file without ever being one string.
 */
import { TollgateError } from '../model/errors.js';
import { renderCodeQuality } from './codequality.js';
import { renderGithub } from './github.js';
import { renderJson, streamJson } from './json.js';
import type { ChunkSink } from './json-chunks.js';
import { renderJunit, streamJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { CheckResult } from './check-result.js';
import { renderSarif, streamSarif } from './sarif.js';
import { renderText } from './text.js';

export type Renderer = (report: CheckResult) => string;
/** Renders the same text as the format's Renderer, handed to `sink` in order, a chunk at a time. */
export type StreamRenderer = (report: CheckResult, sink: ChunkSink) => void;

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

const STREAM_RENDERERS: Readonly<Partial<Record<OutputFormat, StreamRenderer>>> = {
  json: streamJson,
  sarif: streamSarif,
  junit: streamJunit,
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

/** The format's streamed renderer; a format without one gives its whole text as one chunk. */
export function getStreamRenderer(format: OutputFormat): StreamRenderer {
  const render = RENDERERS[format];
  return STREAM_RENDERERS[format] ?? ((report, sink) => sink(render(report)));
}

export type { ChunkSink } from './json-chunks.js';
export type { CheckResult, SourceKind } from './check-result.js';
export type { FailOn } from '../model/decision.js';
export { countBySeverity, failingFindings, isPassing } from './check-result.js';
