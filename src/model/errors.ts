/**
 * The one error type for a user's mistakes: bad input, bad config, a missing file.
 * The CLI prints it as a single line (`tollgate: file:line:col: message`) and exits with `exitCode`.
 * Anything that is not a TollgateError is a bug in Tollgate and is reported with its stack.
 */
export interface ErrorPlace {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export class TollgateError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly exitCode: number;

  constructor(message: string, place: ErrorPlace = {}, exitCode = 2) {
    super(message);
    this.name = 'TollgateError';
    this.file = place.file;
    this.line = place.line;
    this.column = place.column;
    this.exitCode = exitCode;
  }

  /** `file:line:column: message`, leaving out the parts that are not known. */
  format(): string {
    const where = [this.file, this.line, this.line !== undefined ? this.column : undefined].filter((part) => part !== undefined).join(':');
    return where ? `${where}: ${this.message}` : this.message;
  }
}

export function isTollgateError(value: unknown): value is TollgateError {
  return value instanceof TollgateError;
}

/** The message of whatever was thrown: an Error's message, else the thrown value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
