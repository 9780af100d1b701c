/**
 * Pull request comments through GitHub's REST API (issue comments: the conversation tab), on github.com or a
 * GitHub Enterprise Server (`--api-url`, GITHUB_API_URL in Actions). Pages of 100 followed by the Link header.
 */
import { TollgateError } from '../model/errors.js';
import { RestClient, nextLink, type RestClientOptions } from './http.js';
import { commentFrom, type CommentPlatform, type ExistingComment } from './platform.js';

/** GitHub refuses a comment body over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A runaway pagination (a server that always says "next") stops here. */
const MAX_PAGES = 100;

export interface GithubTarget {
  readonly apiUrl: string;
  /** owner/name */
  readonly repository: string;
  readonly pullRequest: number;
  readonly token: string;
}

export function githubPlatform(target: GithubTarget, options: Partial<RestClientOptions> = {}): CommentPlatform {
  const [owner, name, extra] = target.repository.split('/');
  if (!owner || !name || extra !== undefined) throw new TollgateError(`--repo must be OWNER/NAME (got "${target.repository}")`);
  const client = new RestClient({
    platform: 'GitHub',
    baseUrl: target.apiUrl,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${target.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'tollgate',
    },
    forbiddenHint: 'the workflow needs `permissions: pull-requests: write` (a pull request from a fork gets a read-only token)',
    ...options,
  });
  const issue = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/issues`;
  return {
    name: 'GitHub',
    limit: GITHUB_COMMENT_LIMIT,
    async list(): Promise<ExistingComment[]> {
      const comments: ExistingComment[] = [];
      let next: string | null = `${issue}/${target.pullRequest}/comments?per_page=100`;
      for (let page = 0; next !== null; page += 1) {
        if (page >= MAX_PAGES) throw new TollgateError(`GitHub: more than ${MAX_PAGES} pages of comments; giving up`);
        const response = await client.request('GET', next);
        if (!Array.isArray(response.json)) throw new TollgateError('GitHub: the comment list is not a JSON array');
        comments.push(...(response.json as unknown[]).map((item) => commentFrom(item, 'GitHub')));
        next = nextLink(response.headers.get('link'));
      }
      return comments;
    },
    async create(body) {
      return commentFrom((await client.request('POST', `${issue}/${target.pullRequest}/comments`, { body })).json, 'GitHub');
    },
    async update(id, body) {
      return commentFrom((await client.request('PATCH', `${issue}/comments/${id}`, { body })).json, 'GitHub');
    },
    async remove(id) {
      await client.request('DELETE', `${issue}/comments/${id}`);
    },
  };
}
