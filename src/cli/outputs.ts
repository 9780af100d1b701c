/**
 * `--format FORMAT[=FILE]`, repeatable: every requested format is rendered first and only then
 * written, each file through a temporary name and a rename, so a failure never leaves half a report.
 */
import { statSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file.js';
import { TollgateError } from '../model/errors.js';
import { getRenderer, isOutputFormat, OUTPUT_FORMATS, type CheckResult, type OutputFormat } from '../output/index.js';

export interface OutputTarget {
  readonly format: OutputFormat;
  /** null: standard output. */
  readonly file: string | null;
}

export function parseOutputTargets(specs: readonly string[]): OutputTarget[] {
  const targets = specs
    .flatMap((spec) => spec.split(','))
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '')
    .map((spec): OutputTarget => {
      const [format = '', ...rest] = spec.split('=');
      const file = rest.length > 0 ? rest.join('=') : null;
      if (!isOutputFormat(format)) {
        throw new TollgateError(`unknown output format "${format}" (choose from ${OUTPUT_FORMATS.join(', ')})`);
      }
      if (file === '') throw new TollgateError(`--format ${format}= needs a file name after "="`);
      return { format, file };
    });
  const toStdout = targets.filter((target) => target.file === null);
  if (toStdout.length > 1) {
    throw new TollgateError(
      `only one format can go to standard output (got ${toStdout.map((t) => t.format).join(', ')}); ` +
        'send the others to files with FORMAT=FILE',
    );
  }
  return targets.length > 0 ? targets : [{ format: 'text', file: null }];
}

function isSpecialFile(file: string): boolean {
  try {
    return !statSync(file).isFile();
  } catch {
    return false;
  }
}

export function writeOutputs(targets: readonly OutputTarget[], report: CheckResult): void {
  const rendered = targets.map((target) => ({
    target,
    text: getRenderer(target.format)({ ...report, color: target.file === null && report.color }),
  }));
  for (const { target, text } of rendered) {
    if (target.file === null) {
      process.stdout.write(text);
      continue;
    }
    try {
      if (isSpecialFile(target.file)) {
        // /dev/stdout, /dev/null, a named pipe: nothing to rename over, write straight through.
        writeFileSync(target.file, text);
        continue;
      }
      writeFileAtomic(target.file, text);
    } catch (error) {
      if (error instanceof TollgateError) throw error;
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      throw new TollgateError(`cannot write ${target.format} output: ${reason}`, {
        file: target.file,
      });
    }
  }
}
