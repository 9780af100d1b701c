// Loaded with `node --import` into the benchmarked CLI (Linux): on exit, the CPU time of the main thread beside the
// process's, all threads included (slice workers, V8's garbage collection and compilation helpers). With slice
// workers, the main thread's CPU time is the figure that bounds the wall time on idle cores, and the steadier of
// the two on a loaded machine, where wall times say little.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  // Fields 14 and 15 of /proc/thread-self/stat (utime, stime) are in clock ticks, 100 a second on Linux.
  const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const mainMs = (Number(fields[11]) + Number(fields[12])) * 10;
  const usage = process.cpuUsage();
  const processMs = Math.round((usage.user + usage.system) / 1000);
  process.stderr.write(`\nbench-main-thread-cpu-ms=${mainMs} bench-process-cpu-ms=${processMs}\n`);
});
