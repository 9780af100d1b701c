/**
 * The comment's text: the marker that lets a later run find its own comment, then the Markdown summary, cut to
 * the platform's size limit with a note saying so. A cut never leaves a code fence or a <details> block open,
 * which would swallow the note.
 */

export const MARKER = '<!-- tollgate-report -->';

/** The marker of one report among several on the same pull request (a matrix of plans): `--tag prod`. */
export function markerFor(tag: string | undefined): string {
  return tag === undefined ? MARKER : `<!-- tollgate-report tag="${tag}" -->`;
}

/** Whether a comment was written by a run with this marker (its first line is the marker). */
export function carriesMarker(body: string, marker: string): boolean {
  return body.split('\n', 1)[0]?.trim() === marker;
}

function closeOpenBlocks(text: string): string {
  const fences = text.match(/^\s*```/gm)?.length ?? 0;
  const opened = text.match(/<details>/g)?.length ?? 0;
  const closed = text.match(/<\/details>/g)?.length ?? 0;
  return `${text}${fences % 2 === 1 ? '\n```' : ''}${'\n</details>'.repeat(Math.max(0, opened - closed))}`;
}

/**
 * The full comment body, at most `limit` characters (UTF-16 code units, as the platforms count). When the
 * summary does not fit, whole lines are kept up to the limit and the note says where the rest is.
 */
export function commentBody(options: { summary: string; marker: string; limit: number; platform: string; fullReport?: string }): {
  body: string;
  truncated: boolean;
} {
  const full = `${options.marker}\n${options.summary.trimEnd()}\n`;
  if (full.length <= options.limit) return { body: full, truncated: false };
  const where =
    options.fullReport !== undefined ? `: the full report is at ${options.fullReport}` : '; the full report is in the job output';
  const note = `\n\n---\n**This report was cut to fit ${options.platform}'s comment limit (${options.limit.toLocaleString('en-US')} characters)${where}.**\n`;
  // Room for the note and for the closing of a fence and a few <details> blocks.
  const room = options.limit - note.length - 64;
  if (room <= options.marker.length) throw new RangeError(`comment limit ${options.limit} leaves no room for the report`);
  let kept = full.slice(0, room);
  const lastBreak = kept.lastIndexOf('\n');
  if (lastBreak > options.marker.length) kept = kept.slice(0, lastBreak);
  // Do not split a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  let body = `${closeOpenBlocks(kept)}${note}`;
  // Many unclosed <details> could in theory outgrow the reserve: drop lines until it fits.
  while (body.length > options.limit && kept.includes('\n')) {
    kept = kept.slice(0, kept.lastIndexOf('\n'));
    body = `${closeOpenBlocks(kept)}${note}`;
  }
  return { body, truncated: true };
}
