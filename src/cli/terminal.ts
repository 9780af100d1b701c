/** What the CLI may assume about its terminal: colours and progress lines only on a TTY. */

export function useColor(stream: NodeJS.WriteStream, requested: boolean): boolean {
  if (!requested) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY;
}

/** A one-line status on stderr for slow steps; silent when stderr is not a terminal (CI logs). */
export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`tollgate: ${message}\n`);
}
