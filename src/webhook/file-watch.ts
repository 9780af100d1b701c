/**
 * Calls back when any of a set of files changes. Polls with `fs.watchFile` (stat follows symlinks) rather
 * than `fs.watch`: Kubernetes updates mounted Secrets and ConfigMaps by swapping a `..data` symlink, which
 * inotify watches on the old file never see. Changes to several files within one poll are coalesced.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';

export type StopWatching = () => void;

export function watchFiles(files: readonly string[], onChange: () => void, intervalMs: number): StopWatching {
  let pending: NodeJS.Timeout | null = null;
  const listener = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino && current.size === previous.size) return;
    if (pending !== null) return;
    // Let a writer finish the other files of a pair (cert and key) before reading.
    pending = setTimeout(
      () => {
        pending = null;
        onChange();
      },
      Math.min(intervalMs, 100),
    );
    pending.unref();
  };
  // persistent: false, so watching never keeps a shutting-down process alive.
  for (const file of files) watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return () => {
    if (pending !== null) clearTimeout(pending);
    for (const file of files) unwatchFile(file, listener);
  };
}
