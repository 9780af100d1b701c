// Loaded with `node --import` into each server bench/webhook.ts measures (serve, its workers, and the floor):
// how long the event loop was held (a 1 ms timer's lateness, which is what a request arriving then waits
// before it is even read) and the garbage collector's pauses. On SIGUSR2 it prints what it saw since the last
// SIGUSR2 as one `bench-loop {...}` line on stderr, and starts again, so the bench reads one window per run.
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let pauses = { minor: [], major: [] };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const minor = entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
    (minor ? pauses.minor : pauses.major).push(entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

const ms = (ns) => Math.round(ns / 1e4) / 100;
const summary = (durations) => {
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, d) => sum + d, 0);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    count: sorted.length,
    totalMs: Math.round(total),
    p99Ms: Math.round(at(0.99) * 100) / 100,
    maxMs: Math.round(at(1) * 100) / 100,
  };
};

process.on('SIGUSR2', () => {
  const line = {
    pid: process.pid,
    delay: { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), p999Ms: ms(delay.percentile(99.9)), maxMs: ms(delay.max) },
    minorGc: summary(pauses.minor),
    majorGc: summary(pauses.major),
  };
  process.stderr.write(`bench-loop ${JSON.stringify(line)}\n`);
  delay.reset();
  pauses = { minor: [], major: [] };
});
