/**
 * `tollgate comment github|gitlab`: post the Markdown summary of `check` on the pull or merge request, and on
 * later runs update that comment in place. The token is read from the environment, never from a flag (flags
 * show in process lists and logs). In GitHub Actions and GitLab CI every other setting has a default from the
 * job's environment.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readBoundedFile } from '../bounded-file.js';
import { markerFor } from '../comment/body.js';
import { githubPlatform } from '../comment/github.js';
import { gitlabPlatform } from '../comment/gitlab.js';
import type { CommentPlatform } from '../comment/platform.js';
import { COMMENT_BEHAVIOURS, postReport, type CommentBehaviour } from '../comment/post.js';
import { TollgateError } from '../model/errors.js';

/** A summary larger than this is not a summary; refuse it rather than page through it. */
const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

export interface CommentOptions {
  readonly bodyFile: string;
  readonly behavior?: string;
  readonly tag?: string;
  readonly apiUrl?: string;
  readonly tokenEnv?: string;
  readonly fullReportUrl?: string;
  /** GitHub */
  readonly repo?: string;
  readonly pullRequest?: string;
  /** GitLab */
  readonly project?: string;
  readonly mergeRequest?: string;
}

function parseBehaviour(value: string | undefined): CommentBehaviour {
  if (value === undefined) return 'update';
  if (!(COMMENT_BEHAVIOURS as readonly string[]).includes(value)) {
    throw new TollgateError(`--behavior must be one of ${COMMENT_BEHAVIOURS.join(', ')} (got "${value}")`);
  }
  return value as CommentBehaviour;
}

function parseNumber(value: string, flag: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new TollgateError(`${flag} must be a positive whole number (got "${value}")`);
  return Number(value);
}

function parseTag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/.test(value)) {
    throw new TollgateError(`--tag must be up to 64 letters, digits and - _ . / (got "${value}")`);
  }
  return value;
}

function parseApiUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TollgateError(`${flag} must be an http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TollgateError(`${flag} must be an http(s) URL (got "${value}")`);
  return value.replace(/\/+$/, '');
}

function token(env: NodeJS.ProcessEnv, names: readonly string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  throw new TollgateError(`no token: set ${names.join(' or ')} in the environment (a token is never taken from a flag)`);
}

/** The pull request of a GitHub Actions run: from the event payload, else from refs/pull/N/merge. */
function githubPullRequest(env: NodeJS.ProcessEnv): number | null {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath !== undefined && eventPath !== '') {
    try {
      const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { number?: unknown }; number?: unknown };
      const number = event.pull_request?.number ?? null;
      if (typeof number === 'number') return number;
    } catch {
      // Not readable: fall back to the ref.
    }
  }
  const match = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
  return match?.[1] !== undefined ? Number(match[1]) : null;
}

function githubTarget(options: CommentOptions, env: NodeJS.ProcessEnv): CommentPlatform {
  const repository = options.repo ?? env.GITHUB_REPOSITORY;
  if (repository === undefined || repository === '')
    throw new TollgateError('no repository: give --repo OWNER/NAME (GITHUB_REPOSITORY in Actions)');
  const pullRequest = options.pullRequest !== undefined ? parseNumber(options.pullRequest, '--pull-request') : githubPullRequest(env);
  if (pullRequest === null) {
    throw new TollgateError('no pull request: give --pull-request N (this run is not for a pull request, e.g. a push)');
  }
  const apiUrl = parseApiUrl(options.apiUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com', '--api-url');
  return githubPlatform({
    apiUrl,
    repository,
    pullRequest,
    token: token(env, options.tokenEnv !== undefined ? [options.tokenEnv] : ['GITHUB_TOKEN', 'GH_TOKEN']),
  });
}

function gitlabTarget(options: CommentOptions, env: NodeJS.ProcessEnv): CommentPlatform {
  const project = options.project ?? env.CI_PROJECT_ID;
  if (project === undefined || project === '')
    throw new TollgateError('no project: give --project ID or group/name (CI_PROJECT_ID in a pipeline)');
  const raw = options.mergeRequest ?? env.CI_MERGE_REQUEST_IID;
  if (raw === undefined || raw === '') {
    throw new TollgateError('no merge request: give --merge-request IID (run the job in a merge request pipeline)');
  }
  const mergeRequest = parseNumber(raw, '--merge-request');
  const apiUrl = parseApiUrl(options.apiUrl ?? env.CI_API_V4_URL ?? 'https://gitlab.com/api/v4', '--api-url');
  return gitlabPlatform({
    apiUrl,
    project,
    mergeRequest,
    token: token(env, options.tokenEnv !== undefined ? [options.tokenEnv] : ['GITLAB_TOKEN']),
  });
}

/** The run's page, where the full report is, in GitHub Actions and GitLab CI. */
function runUrl(host: 'github' | 'gitlab', env: NodeJS.ProcessEnv): string | undefined {
  if (host === 'github' && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  if (host === 'gitlab' && env.CI_JOB_URL) return env.CI_JOB_URL;
  return undefined;
}

export async function runComment(host: string, options: CommentOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (host !== 'github' && host !== 'gitlab') throw new TollgateError(`comment: the host must be github or gitlab (got "${host}")`);
  // Everything the user can get wrong is checked before the first request.
  const behaviour = parseBehaviour(options.behavior);
  const tag = parseTag(options.tag);
  const summary = readBoundedFile(options.bodyFile, { maxBytes: MAX_SUMMARY_BYTES, what: 'summary file' }).toString('utf8');
  const platform = host === 'github' ? githubTarget(options, env) : gitlabTarget(options, env);
  const fullReport = options.fullReportUrl ?? runUrl(host, env);
  const posted = await postReport(platform, {
    summary,
    marker: markerFor(tag),
    behaviour,
    ...(fullReport !== undefined ? { fullReport } : {}),
  });
  const what = host === 'github' ? 'pull request' : 'merge request';
  const deleted = posted.deleted > 0 ? `, deleted ${posted.deleted} earlier` : '';
  const cut = posted.truncated ? ` (cut to ${platform.name}'s ${platform.limit.toLocaleString('en-US')}-character limit)` : '';
  process.stdout.write(`${posted.action} the Tollgate comment ${posted.id} on the ${platform.name} ${what}${deleted}${cut}\n`);
  return 0;
}

export function registerComment(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('comment')
    .argument('<host>', 'github or gitlab')
    .description('Post the Markdown summary of `check` on the pull/merge request; later runs update that comment in place.')
    .requiredOption('--body-file <file>', 'the Markdown to post (from `tollgate check -f markdown=FILE`)')
    .option('--behavior <mode>', 'update (edit the last report comment, default), new (always add one), delete-and-new')
    .option('--tag <name>', 'keep one comment per tag on the same pull request (e.g. one per plan in a matrix)')
    .option('--full-report-url <url>', 'where the full report is, named when the comment is cut (default: the CI run)')
    .option('--api-url <url>', 'API root (default: GITHUB_API_URL or https://api.github.com; CI_API_V4_URL or https://gitlab.com/api/v4)')
    .option('--token-env <name>', 'environment variable holding the token (default: GITHUB_TOKEN or GH_TOKEN; GITLAB_TOKEN)')
    .option('--repo <owner/name>', 'GitHub repository (default: GITHUB_REPOSITORY)')
    .option('--pull-request <n>', 'GitHub pull request number (default: from the Actions event)')
    .option('--project <id>', 'GitLab project id or path (default: CI_PROJECT_ID)')
    .option('--merge-request <iid>', 'GitLab merge request IID (default: CI_MERGE_REQUEST_IID)')
    .addHelpText(
      'after',
      `
The comment starts with the marker <!-- tollgate-report --> (with --tag, <!-- tollgate-report tag="NAME" -->);
a run finds its earlier comment by it. A summary over the host's limit (GitHub 65,536 characters, GitLab
1,000,000) is cut at a line, with a note pointing at the full report.

Tokens: GitHub Actions' GITHUB_TOKEN needs \`permissions: pull-requests: write\`; on GitLab use a project access
token with the api scope in GITLAB_TOKEN (CI_JOB_TOKEN cannot write notes).

Exit codes: 0 posted, 2 usage error or an answer from the host that says why not (404, 403, 422, rate limit).

Examples:
  tollgate check --plan plan.json -f text -f markdown=summary.md
  tollgate comment github --body-file summary.md
  tollgate comment gitlab --body-file summary.md --behavior delete-and-new
  tollgate comment github --body-file summary.md --repo acme/infra --pull-request 42 --tag prod`,
    )
    .action(async (host: string, options: CommentOptions) => {
      await run(() => runComment(host, options));
    });
}
