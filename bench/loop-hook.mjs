// Loaded with `node --import` into each server bench/webhook.ts measures (serve, its workers, and the floor):
// how long the event loop was held (a 1 ms timer's lateness, which is what a request arriving then waits
// before it is even read) and the garbage collector's pauses. On SIGUSR2 it prints what it saw since the last
// SIGUSR2 as one `bench-loop {...}` line on stderr, and starts again, so the bench reads one window per run.
import { setInterval } from 'node:timers';
import { createHistogram, monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
// The CPU time spent between two ticks of a 1 ms timer: the work of one turn of a busy loop, which, unlike the
// delay, a busy machine does not stretch (it includes the process's other threads, which are mostly idle here).
// One reading per tick, which is also where the next turn starts: each reading is a getrusage call, and at a
// thousand ticks a second the hook's own CPU is counted in the server's.
const turnCpu = createHistogram();
let lastCpu = process.cpuUsage();
setInterval(() => {
  const now = process.cpuUsage();
  turnCpu.record(Math.max(1, now.user - lastCpu.user + now.system - lastCpu.system));
  lastCpu = now;
}, 1).unref();
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
    turnCpu: { p99Ms: ms(turnCpu.percentile(99) * 1000), p999Ms: ms(turnCpu.percentile(99.9) * 1000), maxMs: ms(turnCpu.max * 1000) },
    minorGc: summary(pauses.minor),
    majorGc: summary(pauses.major),
  };
  process.stderr.write(`bench-loop ${JSON.stringify(line)}\n`);
  delay.reset();
  turnCpu.reset();
  pauses = { minor: [], major: [] };
});
