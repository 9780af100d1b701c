/**
 * Finding and running the OPA CLI, which is needed only to compile policies (custom `--policy`
 * directories and the built-in bundle); evaluation never needs it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TollgateError } from '../model/errors.js';
import { localToolsDir, toolVersionsPath } from '../package-paths.js';

/** The OPA version the built-in bundle is compiled with (scripts/tool-versions.env). */
export function pinnedOpaVersion(): string {
  const text = existsSync(toolVersionsPath) ? readFileSync(toolVersionsPath, 'utf8') : '';
  return /^OPA_VERSION=(\S+)/m.exec(text)?.[1] ?? 'v1.22.2';
}

function onPath(command: string, searchPath: string): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * The OPA CLI: `TOLLGATE_OPA` when set, else the project's pinned copy (.tools/bin/opa), else `opa` on PATH,
 * else a TollgateError (exit 2) saying how to install it. `purpose` names the work in that message.
 */
export function findOpa(
  env: NodeJS.ProcessEnv = process.env,
  toolsDir: string = localToolsDir,
  purpose: 'compile' | 'test' = 'compile',
): string {
  const override = env.TOLLGATE_OPA;
  if (override) {
    if (!existsSync(override)) throw new TollgateError(`TOLLGATE_OPA points at ${override}, which does not exist`);
    return override;
  }
  const local = join(toolsDir, 'opa');
  if (existsSync(local)) return local;
  const found = onPath('opa', env.PATH ?? '');
  if (found) return found;
  const version = pinnedOpaVersion();
  const install =
    `install it with \`go install github.com/open-policy-agent/opa@${version}\` (or \`npm run tools\` in a Tollgate checkout), ` +
    `or set TOLLGATE_OPA to its path`;
  throw new TollgateError(
    purpose === 'test'
      ? `running Rego tests needs the OPA CLI, which is not on PATH: ${install}`
      : `compiling Rego needs the OPA CLI, which is not on PATH: ${install}, or pass a prebuilt bundle with --bundle`,
  );
}

export interface OpaResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * OPA's output on failure as one TollgateError: its compile and parse errors read `file:line: rego_<kind>_error:
 * message`, so the first is reported at its place; anything else is quoted.
 */
export function opaFailure(stdout: string, stderr: string, what: string, fallback: string): TollgateError {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const located = lines
    .map((line) => /(\S+):(\d+): (rego_\w+_error: .*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);
  const first = located[0];
  if (first) {
    const more = located.length > 1 ? ` (and ${located.length - 1} more)` : '';
    return new TollgateError(`${first[3]}${more}`, { file: first[1], line: Number(first[2]) });
  }
  const detail = lines.join('; ');
  return new TollgateError(`${what} failed: ${detail || fallback}`);
}

export interface OpaStatus extends OpaResult {
  /** The exit status: `opa test` exits non-zero when a test fails, which is a result, not an error. */
  readonly code: number;
}

/** Runs opa and resolves with its exit status; only a failure to start it at all rejects. */
export function runOpaStatus(opa: string, args: readonly string[], cwd?: string): Promise<OpaStatus> {
  return new Promise((resolve, reject) => {
    execFile(opa, [...args], { maxBuffer: 256 << 20, encoding: 'utf8', cwd }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new TollgateError(`could not run ${opa}: ${error.message}`));
        return;
      }
      resolve({ stdout, stderr, code: typeof error?.code === 'number' ? error.code : 0 });
    });
  });
}

/** Runs opa; a non-zero exit becomes a TollgateError carrying OPA's own message (it names files and lines). */
export function runOpa(opa: string, args: readonly string[], what: string, cwd?: string): Promise<OpaResult> {
  return new Promise((resolve, reject) => {
    execFile(opa, [...args], { maxBuffer: 256 << 20, encoding: 'utf8', cwd }, (error, stdout, stderr) => {
      if (error) {
        reject(opaFailure(stdout, stderr, what, error.message));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}
