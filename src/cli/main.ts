/**
 * The CLI's top level: commands, and the one place errors become exit codes.
 * A TollgateError (the user's mistake) prints one line and exits with its code (2);
 * anything else is a bug in Tollgate and prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { isTollgateError } from '../model/errors.js';
import { registerAudit } from './audit.js';
import { registerBuild } from './build.js';
import { registerCheck } from './check.js';
import { registerComment } from './comment.js';
import { registerExplain } from './explain.js';
import { registerInit } from './init.js';
import { registerPricing } from './pricing.js';
import { registerInventory } from './inventory.js';
import { registerServe } from './serve.js';
import { registerReport } from './report.js';
import { TOLLGATE_VERSION } from './version.js';

export function reportError(error: unknown): number {
  if (isTollgateError(error)) {
    process.stderr.write(`tollgate: ${error.format()}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`tollgate: internal error — please report it with this output:\n${detail}\n`);
  return 3;
}

function oneLineUsageError(text: string): string {
  if (!text.startsWith('error:')) return text;
  return `tollgate: ${text.trimEnd().replace(/\n+/g, ' ')} (run with --help for usage)\n`;
}

/** `tollgate explain | head` closes the pipe early: that is the reader's choice, not an error. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnClosedPipe(process.stdout);
  let exitCode = 0;
  const run = async (work: () => Promise<number>): Promise<void> => {
    try {
      exitCode = await work();
    } catch (error) {
      exitCode = reportError(error);
    }
  };
  const program = new Command()
    .name('tollgate')
    .description(
      'Policy-as-code guardrails and cost checks for AI/ML infrastructure: one Rego policy set for Terraform ' +
        'plans, Kubernetes admission and FinOps reports. Works offline on the built-in rules; no OPA install needed.',
    )
    .version(TOLLGATE_VERSION, '-V, --version')
    .exitOverride()
    // A usage mistake is one line, like every other input error: the pointer to --help goes on the same line.
    .configureOutput({ writeErr: (text) => process.stderr.write(oneLineUsageError(text)) });
  registerCheck(program, run);
  registerExplain(program, run);
  registerInit(program, run);
  registerBuild(program, run);
  registerPricing(program, run);
  registerInventory(program, run);
  registerServe(program, run);
  registerReport(program, run);
  registerComment(program, run);
  registerAudit(program, run);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage mistakes are input errors.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error);
  }
  return exitCode;
}
