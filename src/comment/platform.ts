/**
 * What a code host must offer for a report comment: list the comments of one pull/merge request (every page),
 * create, update and delete one. GitHub and GitLab implement it over their REST APIs.
 */
import { TollgateError } from '../model/errors.js';

export interface ExistingComment {
  readonly id: number;
  readonly body: string;
}

export interface CommentPlatform {
  /** "GitHub" or "GitLab". */
  readonly name: string;
  /** The longest comment body the host accepts, in characters. */
  readonly limit: number;
  /** Every comment, oldest first. */
  list(): Promise<ExistingComment[]>;
  create(body: string): Promise<ExistingComment>;
  update(id: number, body: string): Promise<ExistingComment>;
  remove(id: number): Promise<void>;
}

export function commentFrom(json: unknown, platform: string): ExistingComment {
  const record = (json ?? {}) as { id?: unknown; body?: unknown };
  if (typeof record.id !== 'number') throw new TollgateError(`${platform}: the API answered with a comment that has no id`);
  return { id: record.id, body: typeof record.body === 'string' ? record.body : '' };
}
