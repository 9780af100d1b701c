/**
 * The GitHub Action as GitHub and actionlint see it. actionlint (pinned in scripts/tool-versions.env, built by
 * scripts/install-tools.sh) lints the example workflow using the action, which checks the inputs it passes
 * against action.yml, and a workflow made of the action's own composite steps, which checks their expressions
 * (step ids and outputs, contexts) and shell. Without actionlint the lint is skipped with a message; in CI it
 * must be there.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const actionText = readFileSync(join(root, 'action.yml'), 'utf8');
const exampleText = readFileSync(join(root, 'examples/github-workflow.yml'), 'utf8');

interface ActionStep {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, string>;
  readonly env?: Record<string, string>;
}
interface Action {
  readonly inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  readonly outputs: Record<string, { description: string; value: string }>;
  readonly runs: { readonly using: string; readonly steps: ActionStep[] };
}
const action = parse(actionText) as Action;
const example = parse(exampleText) as {
  on: { push?: { branches?: string[] }; pull_request?: unknown };
  permissions: Record<string, string>;
};

function findActionlint(): string | null {
  const local = join(root, '.tools/bin/actionlint');
  if (existsSync(local)) return local;
  const onPath = spawnSync('actionlint', ['-version'], { encoding: 'utf8' });
  return onPath.status === 0 ? 'actionlint' : null;
}
const actionlint = findActionlint();

/** A workflow that runs the action's steps as a job, with the action's inputs as workflow_call inputs. */
function stepsAsWorkflow(): string {
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      { description: input.description, required: input.required ?? false, type: 'string', ...(input.required ? {} : { default: '' }) },
    ]),
  );
  return stringify({
    name: 'action-steps',
    on: { workflow_call: { inputs } },
    jobs: { steps: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
  });
}

/** Lays out a throwaway repository (actionlint finds local actions from the directory holding .git). */
function lint(workflows: Readonly<Record<string, string>>): { code: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-actionlint-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  copyFileSync(join(root, 'action.yml'), join(dir, 'action.yml'));
  for (const [name, text] of Object.entries(workflows)) writeFileSync(join(dir, '.github/workflows', name), text);
  const result = spawnSync(actionlint ?? 'actionlint', ['-no-color', '-oneline', '-shellcheck=', '-pyflakes='], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const exampleUsingThisAction = exampleText.replace('uses: tollgate-dev/tollgate@v0', 'uses: ./');

describe.skipIf(actionlint === null)('actionlint', () => {
  it('passes the example workflow (using this action) and the action’s own steps', () => {
    expect(exampleUsingThisAction).not.toBe(exampleText);
    expect(lint({ 'example.yml': exampleUsingThisAction, 'action-steps.yml': stepsAsWorkflow() })).toEqual({ code: 0, output: '' });
  });

  it('is a live check: an input the action does not have fails', () => {
    const broken = exampleUsingThisAction.replace('tf-dir: .', 'tf-directory: .');
    const result = lint({ 'example.yml': broken });
    expect(result.output).toContain('input "tf-directory" is not defined in action "Tollgate check"');
    expect(result.code).toBe(1);
  });

  it('is a live check: a step output that no step sets fails', () => {
    const broken = stepsAsWorkflow().replace('steps.check.outputs.sarif', 'steps.chek.outputs.sarif');
    const result = lint({ 'action-steps.yml': broken });
    expect(result.output).toContain('property "chek" is not defined');
    expect(result.code).toBe(1);
  });
});
if (actionlint === null) {
  if (process.env.CI === 'true') {
    it('has actionlint in CI (scripts/install-tools.sh builds it)', () => {
      expect(actionlint).not.toBeNull();
    });
  } else {
    it.skip('actionlint is not installed (bash scripts/install-tools.sh actionlint), so the action is not linted', () => undefined);
  }
}

describe('action.yml', () => {
  const steps = action.runs.steps;
  const uses = steps.flatMap((step) => (step.uses !== undefined ? [step.uses] : []));

  it('pins every action it uses by commit, upload-sarif to a v4 release', () => {
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    expect(actionText).toMatch(/uses: github\/codeql-action\/upload-sarif@[0-9a-f]{40} # v4\.\d+\.\d+\n/);
  });

  it('installs the CLI of its own version, not latest, once per runner and cached', () => {
    expect(action.inputs.version?.default).toBe('');
    expect(actionText).not.toMatch(/latest/);
    const version = steps.find((step) => step.id === 'version');
    expect(version?.run).toContain('"$TG_ACTION_PATH/package.json"');
    expect(steps.find((step) => step.id === 'cache')?.uses).toMatch(/^actions\/cache@/);
    expect(actionText).toContain('if [ ! -x "$TG_DIR/node_modules/.bin/tollgate" ]');
  });

  it('has a category that reaches both the SARIF and the upload', () => {
    const check = steps.find((step) => step.id === 'check');
    expect(check?.run).toContain('--category "$TG_CATEGORY"');
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.category).toBe('${{ inputs.category }}');
  });

  it('does not upload or comment where the token is read-only (forks, Dependabot)', () => {
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    const comment = steps.find((step) => step.run?.includes('comment github'));
    for (const step of [upload, comment]) {
      expect(step?.if).toContain("github.actor != 'dependabot[bot]'");
      expect(step?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    }
  });

  it('gives the counts, the cost change and the report paths as outputs', () => {
    for (const name of ['exit-code', 'violations', 'warnings', 'monthly-cost-delta', 'sarif', 'markdown', 'json', 'junit']) {
      expect(action.outputs[name]?.value, name).toBe(`\${{ steps.check.outputs.${name} }}`);
    }
  });

  it('writes its files under $RUNNER_TEMP and comments with tollgate comment', () => {
    const check = steps.find((step) => step.id === 'check');
    expect(check?.run).toContain('out="$RUNNER_TEMP/tollgate/$TG_CATEGORY"');
    expect(check?.run).not.toMatch(/=tollgate\.sarif|=tollgate-summary\.md/);
    expect(actionText).toContain('comment github --body-file "$TG_SUMMARY" --behavior "$TG_BEHAVIOR"');
  });
});

describe('examples/github-workflow.yml', () => {
  it('also runs on pushes to the default branch, so code scanning has a base to compare with', () => {
    expect(example.on.pull_request).toBeDefined();
    expect(example.on.push?.branches).toContain('main');
  });

  it('asks for the permissions a private repository needs', () => {
    expect(example.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read', 'pull-requests': 'write' });
  });
});
