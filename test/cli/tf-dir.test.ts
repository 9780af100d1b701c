/** `--tf-dir` names Terraform sources; one that is not there is the user's mistake, not a tree without resources. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tollgate } from './run-cli.js';

const plan = join(repoRoot, 'fixtures/plans/aws-ml-platform.json');
const config = join(repoRoot, 'fixtures/tollgate.yaml');

/** Runs `tollgate check` in an empty working directory, asking for a file output too, with the given --tf-dir. */
function checkWithTfDir(tfDir: (cwd: string) => string): {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
  cwdFiles: string[];
} {
  const cwd = mkdtempSync(join(tmpdir(), 'tollgate-tf-dir-'));
  const dir = tfDir(cwd);
  const before = readdirSync(cwd);
  const args = ['check', '--plan', plan, '--config', config, '--now', '2026-11-23', '--tf-dir', dir, '-f', 'text', '-f', 'sarif=out.sarif'];
  const result = tollgate(args, { cwd });
  return { ...result, dir, cwdFiles: readdirSync(cwd).filter((name) => !before.includes(name)) };
}

describe('tollgate check --tf-dir', () => {
  it.each([
    ['does not exist', (cwd: string) => join(cwd, 'no-such-dir')],
    [
      'is a file',
      (cwd: string) => {
        const file = join(cwd, 'main.tf');
        writeFileSync(file, 'resource "aws_s3_bucket" "x" {}\n');
        return file;
      },
    ],
    [
      'is under a file',
      (cwd: string) => {
        writeFileSync(join(cwd, 'infra'), '');
        return join(cwd, 'infra', 'aws');
      },
    ],
  ])('exits 2 with one line on stderr when the directory %s, and writes nothing', (_case, tfDir) => {
    const result = checkWithTfDir(tfDir);
    expect(result.stderr).toBe(`tollgate: --tf-dir ${result.dir}: no such directory\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.cwdFiles).toEqual([]);
  });

  it('still locates resources when the directory exists', () => {
    const result = checkWithTfDir((cwd) => {
      const dir = join(cwd, 'empty');
      mkdirSync(dir);
      return dir;
    });
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
    expect(result.cwdFiles).toEqual(['out.sarif']);
  });
});
