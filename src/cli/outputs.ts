/**
 * `--format FORMAT[=FILE]`, repeatable: every requested format is rendered first and only then
 * written, each file through a temporary name and a rename, so a failure never leaves half a report.
 */
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFilesAtomic } from '../atomic-file.js';
import { TollgateError } from '../model/errors.js';
import { getRenderer, getStreamRenderer, isOutputFormat, OUTPUT_FORMATS, type CheckResult, type OutputFormat } from '../output/index.js';

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
  // Two formats to one file would silently keep only the last: refuse it before anything is rendered.
  const seen = new Map<string, OutputFormat>();
  for (const target of targets) {
    if (target.file === null) continue;
    const path = resolve(target.file);
    const earlier = seen.get(path);
    if (earlier !== undefined) {
      throw new TollgateError(`--format ${earlier} and --format ${target.format} both write ${target.file}; give each its own file`);
    }
    seen.set(path, target.format);
  }
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

/**
 * Renders every format and writes it: the regular files all or nothing (each rendered in chunks straight into
 * a temporary file beside its target, then all renamed in together), then devices and pipes (/dev/stdout, a
 * FIFO), then standard output, whose text is rendered whole before anything is written to it. A file that
 * cannot be written leaves none of the others written.
 */
export function writeOutputs(targets: readonly OutputTarget[], report: CheckResult): void {
  // Each target is looked at once: a regular file (or none yet), a device or pipe, or standard output.
  const classified = targets.map((target) => ({ target, special: target.file !== null && isSpecialFile(target.file) }));
  const whole = classified
    .filter(({ target, special }) => target.file === null || special)
    .map(({ target }) => ({ target, text: getRenderer(target.format)({ ...report, color: target.file === null && report.color }) }));
  writeFilesAtomic(
    classified.flatMap(({ target, special }) => {
      if (target.file === null || special) return [];
      const render = getStreamRenderer(target.format);
      return [{ path: target.file, data: (write: (chunk: string) => void) => render({ ...report, color: false }, write) }];
    }),
  );
  for (const { target, text } of whole) {
    if (target.file === null) {
      process.stdout.write(text);
    } else {
      try {
        writeFileSync(target.file, text);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
        throw new TollgateError(`cannot write ${target.format} output: ${reason}`, { file: target.file });
      }
    }
  }
}
