/** `tollgate build`: compile policy directories into a wasm bundle for `--bundle` (needs the opa CLI). */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { buildBundle } from '../compiler/build-bundle.js';
import { builtinPolicyDir } from '../package-paths.js';

export interface BuildCommandOptions {
  readonly output: string;
  readonly builtin: boolean;
}

export async function runBuild(dirs: readonly string[], options: BuildCommandOptions): Promise<number> {
  const policyDirs = [...(options.builtin ? [builtinPolicyDir] : []), ...dirs.map((dir) => resolve(dir))];
  const result = await buildBundle({ policyDirs, output: options.output });
  process.stderr.write(`tollgate: wrote ${options.output} (revision ${result.revision}, ${result.rules.length} rules)\n`);
  return 0;
}

export function registerBuild(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('build')
    .argument('[dirs...]', 'directories of Rego policies (rules under tollgate.rules.<area>["<ID>"])')
    .description('Compile policies with the built-in library into a wasm bundle (`opa build -t wasm`), for --bundle.')
    .option('-o, --output <file>', 'bundle file to write', 'tollgate-bundle.tar.gz')
    .option('--no-builtin', 'leave out the built-in rules and library (your policies must define tollgate.decision)')
    .action(async (dirs: string[], options: BuildCommandOptions) => {
      await run(() => runBuild(dirs, options));
    });
}
