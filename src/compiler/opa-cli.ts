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

/** The project's pinned copy (.tools/bin/opa), else `opa` on PATH, else a TollgateError saying how to get it. */
export function findOpa(env: NodeJS.ProcessEnv = process.env, toolsDir: string = localToolsDir): string {
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
  throw new TollgateError(
    `compiling Rego needs the OPA CLI, which is not on PATH: install it with ` +
      `\`go install github.com/open-policy-agent/opa@${version}\` (or \`npm run tools\` in a Tollgate checkout), ` +
      `or pass a prebuilt bundle with --bundle`,
  );
}

export interface OpaResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs opa; a non-zero exit becomes a TollgateError carrying OPA's own message (it names files and lines). */
export function runOpa(opa: string, args: readonly string[], what: string, cwd?: string): Promise<OpaResult> {
  return new Promise((resolve, reject) => {
    execFile(opa, [...args], { maxBuffer: 256 << 20, encoding: 'utf8', cwd }, (error, stdout, stderr) => {
      if (error) {
        const lines = `${stderr}\n${stdout}`
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '');
        // OPA's compile errors read `file:line: rego_<kind>_error: message`: report the first at its place.
        const located = lines
          .map((line) => /(\S+):(\d+): (rego_\w+_error: .*)$/.exec(line))
          .filter((match): match is RegExpExecArray => match !== null);
        const first = located[0];
        if (first) {
          const more = located.length > 1 ? ` (and ${located.length - 1} more)` : '';
          reject(new TollgateError(`${first[3]}${more}`, { file: first[1], line: Number(first[2]) }));
          return;
        }
        const detail = lines.join('; ');
        reject(new TollgateError(`${what} failed: ${detail || error.message}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}
