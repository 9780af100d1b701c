/**
 * Structured logs: one JSON object per line on stdout, for log collectors. Messages never carry object
 * contents or env values; callers pass only the fields listed in their records.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/** Past this many characters waiting, lines are written at once rather than at the end of the turn. */
const MAX_PENDING_CHARS = 1 << 16;

/**
 * Writes lines to stdout in one write per turn of the event loop: a busy webhook logs a line per request, and
 * a write per line was a system call per request (stdout to a pipe is synchronous). What is still waiting when
 * the process exits is written then.
 */
function bufferedStdout(): (line: string) => void {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    process.stdout.write(text);
  };
  process.on('exit', flush);
  return (line) => {
    pending += line;
    if (pending.length >= MAX_PENDING_CHARS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

let stdoutWriter: ((line: string) => void) | null = null;

/** The one buffered stdout writer of the process (every logger shares it, so lines keep their order). */
export function stdoutLines(): (line: string) => void {
  stdoutWriter ??= bufferedStdout();
  return stdoutWriter;
}

/** The fields every line starts with; a caller's field of the same name replaces them, as in an object spread. */
const RESERVED = ['time', 'level', 'msg'] as const;

let timeMillis = NaN;
let timeText = '';

/**
 * `new Date().toISOString()`, written once per millisecond: the decisions of a batch are logged in the same
 * millisecond, and formatting a date costs more than the rest of a line's header.
 */
function isoTimeNow(): string {
  const millis = Date.now();
  if (millis !== timeMillis) {
    timeMillis = millis;
    timeText = new Date(millis).toISOString();
  }
  return timeText;
}

export function jsonLogger(minimum: LogLevel, write: (line: string) => void = stdoutLines()): Logger {
  const threshold = LOG_LEVELS.indexOf(minimum);
  return {
    log(level, message, fields = {}) {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const time = isoTimeNow();
      if (RESERVED.some((name) => name in fields)) {
        write(`${JSON.stringify({ time, level, msg: message, ...fields })}\n`);
        return;
      }
      // The same text as JSON.stringify({ time, level, msg, ...fields }), without copying the fields.
      const rest = JSON.stringify(fields);
      const head = `"time":"${time}","level":${JSON.stringify(level)},"msg":${JSON.stringify(message)}`;
      write(`{${head}${rest === '{}' ? '}' : `,${rest.slice(1)}`}\n`);
    },
  };
}
