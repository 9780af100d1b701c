/**
 * Merge request notes through GitLab's REST API (v4), on gitlab.com or a self-managed instance (`--api-url`,
 * CI_API_V4_URL in a pipeline). Pages of 100 followed by the X-Next-Page header. The token goes in PRIVATE-TOKEN:
 * a project or personal access token with the `api` scope (CI_JOB_TOKEN cannot write notes).
 */
import { TollgateError } from '../model/errors.js';
import { RestClient, type RestClientOptions } from './http.js';
import { commentFrom, type CommentPlatform, type ExistingComment } from './platform.js';

/** GitLab's note length limit (1,000,000 characters). */
export const GITLAB_COMMENT_LIMIT = 1_000_000;
const MAX_PAGES = 100;

export interface GitlabTarget {
  readonly apiUrl: string;
  /** Numeric id or full path (group/project). */
  readonly project: string;
  readonly mergeRequest: number;
  readonly token: string;
}

export function gitlabPlatform(target: GitlabTarget, options: Partial<RestClientOptions> = {}): CommentPlatform {
  const client = new RestClient({
    platform: 'GitLab',
    baseUrl: target.apiUrl,
    headers: { 'private-token': target.token, 'user-agent': 'tollgate' },
    forbiddenHint: 'the token needs the `api` scope and at least Reporter access to the project (CI_JOB_TOKEN cannot write notes)',
    ...options,
  });
  const notes = `/projects/${encodeURIComponent(target.project)}/merge_requests/${target.mergeRequest}/notes`;
  return {
    name: 'GitLab',
    limit: GITLAB_COMMENT_LIMIT,
    async list(): Promise<ExistingComment[]> {
      const comments: ExistingComment[] = [];
      let page: string | null = '1';
      for (let count = 0; page !== null && page !== ''; count += 1) {
        if (count >= MAX_PAGES) throw new TollgateError(`GitLab: more than ${MAX_PAGES} pages of notes; giving up`);
        const response = await client.request('GET', `${notes}?sort=asc&order_by=created_at&per_page=100&page=${encodeURIComponent(page)}`);
        if (!Array.isArray(response.json)) throw new TollgateError('GitLab: the note list is not a JSON array');
        comments.push(...(response.json as unknown[]).map((item) => commentFrom(item, 'GitLab')));
        page = response.headers.get('x-next-page');
      }
      return comments;
    },
    async create(body) {
      return commentFrom((await client.request('POST', notes, { body })).json, 'GitLab');
    },
    async update(id, body) {
      return commentFrom((await client.request('PUT', `${notes}/${id}`, { body })).json, 'GitLab');
    },
    async remove(id) {
      await client.request('DELETE', `${notes}/${id}`);
    },
  };
}
