// Loaded with `node --import` into the benchmarked CLI: reports the process's peak RSS on exit.
process.on('exit', () => {
  process.stderr.write(`\nbench-max-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
