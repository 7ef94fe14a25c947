// Loaded into the measured CLI process with `node --import`: at exit, writes the process's own
// peak resident set (worker threads included) and CPU time to the file named by VIGIL_BENCH_PROBE.
import { writeFileSync } from 'node:fs';

const out = process.env.VIGIL_BENCH_PROBE;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({
        maxRssKb: usage.maxRSS,
        userMicros: usage.userCPUTime,
        systemMicros: usage.systemCPUTime,
      }),
    );
  });
}
