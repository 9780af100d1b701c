/**
 * Posting the report on a pull/merge request, with Infracost's three behaviours:
 * - `update` (default): edit the latest comment carrying the marker in place (create one when there is none),
 *   so a pull request has one report however often it is pushed;
 * - `new`: always add a comment (the history of reports stays in the conversation);
 * - `delete-and-new`: delete every earlier report comment, then add one at the bottom.
 */
import { carriesMarker, commentBody } from './body.js';
import type { CommentPlatform } from './platform.js';

export const COMMENT_BEHAVIOURS = ['update', 'new', 'delete-and-new'] as const;
export type CommentBehaviour = (typeof COMMENT_BEHAVIOURS)[number];

export interface PostedComment {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly deleted: number;
  readonly truncated: boolean;
}

export async function postReport(
  platform: CommentPlatform,
  options: { summary: string; marker: string; behaviour: CommentBehaviour; fullReport?: string },
): Promise<PostedComment> {
  const { body, truncated } = commentBody({
    summary: options.summary,
    marker: options.marker,
    limit: platform.limit,
    platform: platform.name,
    ...(options.fullReport !== undefined ? { fullReport: options.fullReport } : {}),
  });
  if (options.behaviour === 'new') {
    const created = await platform.create(body);
    return { action: 'created', id: created.id, deleted: 0, truncated };
  }
  const ours = (await platform.list()).filter((comment) => carriesMarker(comment.body, options.marker));
  if (options.behaviour === 'delete-and-new') {
    for (const comment of ours) await platform.remove(comment.id);
    const created = await platform.create(body);
    return { action: 'created', id: created.id, deleted: ours.length, truncated };
  }
  const latest = ours.at(-1);
  if (latest === undefined) {
    const created = await platform.create(body);
    return { action: 'created', id: created.id, deleted: 0, truncated };
  }
  // The same report again (a re-run): no edit, so the conversation does not show an edit for nothing.
  if (latest.body === body) return { action: 'unchanged', id: latest.id, deleted: 0, truncated };
  const updated = await platform.update(latest.id, body);
  return { action: 'updated', id: updated.id, deleted: 0, truncated };
}
