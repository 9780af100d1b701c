/**
 * The CLI's top level: commands, and the one place errors become exit codes.
 * A TollgateError (the user's mistake) prints one line and exits with its code (2);
 * anything else is a bug in Tollgate and prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { isTollgateError } from '../model/errors.js';
import { TOLLGATE_VERSION } from './version.js';

type Run = (work: () => Promise<number>) => Promise<void>;
type Register = (program: Command, run: Run) => void;

/**
 * Each command's module, imported only when that command runs (or all of them, for help and usage errors):
 * `check` must not load the webhook, the report's cloud clients or the compiler, whose loading was most of
 * a small plan's start-up. One line per command; the order is the order of `--help`.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['check', async () => (await import('./check.js')).registerCheck],
  ['explain', async () => (await import('./explain.js')).registerExplain],
  ['init', async () => (await import('./init.js')).registerInit],
  ['build', async () => (await import('./build.js')).registerBuild],
  ['test', async () => (await import('./test.js')).registerTest],
  ['pricing', async () => (await import('./pricing.js')).registerPricing],
  ['inventory', async () => (await import('./inventory.js')).registerInventory],
  ['serve', async () => (await import('./serve.js')).registerServe],
  ['report', async () => (await import('./report.js')).registerReport],
  ['comment', async () => (await import('./comment.js')).registerComment],
  ['audit', async () => (await import('./audit.js')).registerAudit],
  ['remove-webhook', async () => (await import('./remove-webhook.js')).registerRemoveWebhook],
];

/** The commands to register for these arguments: the one named first, else every command. */
async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const named = COMMANDS.find(([name]) => name === argv[2]);
  return Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
}

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
  const run: Run = async (work) => {
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
  for (const register of await commandsFor(argv)) register(program, run);
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
