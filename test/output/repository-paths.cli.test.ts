/**
 * `tollgate check` run from a subdirectory of a repository, as a monorepo pipeline does: SARIF, JUnit, Code
 * Quality and annotations name files relative to the repository root (the directory holding `.git`, or
 * `--repo-root`), and `--category` keeps SARIF uploads apart. Drives the built CLI (`npm run build`).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from '../cli/run-cli.js';

interface Sarif {
  runs: Array<{
    automationDetails: { id: string };
    results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
  }>;
}

let repo = '';
let live = '';

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'tollgate-repo-'));
  mkdirSync(join(repo, '.git'));
  live = join(repo, 'envs', 'prod');
  mkdirSync(live, { recursive: true });
  cpSync(join(repoRoot, 'fixtures/terraform/aws'), live, { recursive: true });
  cpSync(join(repoRoot, 'fixtures/plans/aws-ml-platform.json'), join(live, 'plan.json'));
});

function check(extra: readonly string[]) {
  const args = ['check', '--plan', 'plan.json', '--tf-dir', '.', '--now', '2026-11-23', '--fail-on', 'never', ...extra];
  return tollgate(args, { cwd: live });
}

function uris(file: string): string[] {
  const log = JSON.parse(readFileSync(join(live, file), 'utf8')) as Sarif;
  return (log.runs[0]?.results ?? []).map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? '');
}

describe('report paths relative to the repository root', () => {
  it('finds the git top level above the working directory', () => {
    const result = check(['-f', 'sarif=out.sarif', '-f', 'codequality=cq.json', '-f', 'junit=junit.xml', '-f', 'github']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const paths = uris('out.sarif');
    expect(paths.length).toBeGreaterThan(0);
    for (const uri of paths) expect(uri).toMatch(/^envs\/prod\//);
    expect(paths).toContain('envs/prod/main.tf');
    const log = JSON.parse(readFileSync(join(live, 'out.sarif'), 'utf8')) as Sarif;
    expect(log.runs[0]?.automationDetails.id).toBe('tollgate/');
    for (const result of log.runs[0]?.results ?? []) {
      expect(result.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
    const issues = JSON.parse(readFileSync(join(live, 'cq.json'), 'utf8')) as Array<{ location: { path: string } }>;
    for (const issue of issues) expect(issue.location.path).toMatch(/^envs\/prod\//);
    expect(readFileSync(join(live, 'junit.xml'), 'utf8')).toContain('file="envs/prod/main.tf"');
    for (const line of result.stdout.trim().split('\n')) expect(line).toMatch(/^::(error|warning|notice) file=envs\/prod\//);
  });

  it('takes --repo-root and --category', () => {
    const result = check(['--repo-root', '.', '--category', 'prod/us-east-1', '-f', 'sarif=rooted.sarif']);
    expect(result.stderr).toBe('');
    expect(uris('rooted.sarif')).toContain('main.tf');
    const log = JSON.parse(readFileSync(join(live, 'rooted.sarif'), 'utf8')) as Sarif;
    expect(log.runs[0]?.automationDetails.id).toBe('prod/us-east-1/');
  });

  it.each([
    [['--repo-root', 'no-such-dir'], 'tollgate: --repo-root no-such-dir: no such directory'],
    [['--category', 'a b'], 'tollgate: --category must be letters, digits and - _ . / without a trailing slash (got "a b")'],
  ])('refuses %j with one line, exit 2 and nothing written', (args, message) => {
    const before = readdirSync(live);
    const result = check([...args, '-f', 'sarif=refused.sarif']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n`);
    expect(readdirSync(live)).toEqual(before);
  });
});
