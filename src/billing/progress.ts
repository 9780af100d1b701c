/**
 * A one-line progress indicator on stderr for long fetches and imports: redrawn in place on a terminal,
 * silent when stderr is not a TTY (CI logs and schedulers get no noise).
 */
export interface Progress {
  update(message: string): void;
  done(): void;
}

export const SILENT_PROGRESS: Progress = { update: () => undefined, done: () => undefined };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return SILENT_PROGRESS;
  let shown = false;
  return {
    update(message) {
      // Node leaves `columns` unset when it cannot read the terminal's size, whatever the typings say.
      const columns = stream.columns as number | undefined;
      const width = Math.max(20, (columns ?? 80) - 1);
      stream.write(`\r\x1b[2Ktollgate: ${message}`.slice(0, width + 6));
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
