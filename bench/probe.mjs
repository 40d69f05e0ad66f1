// Loaded with --import into every measured child: on exit, the child reports its own peak RSS
// (process.resourceUsage().maxRSS, in KiB; /usr/bin/time is not everywhere) and CPU time (user + system, ms)
// to the file named by BENCH_PROBE.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_PROBE;
if (file) {
  process.on("exit", (code) => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKib: u.maxRSS, cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000), exitCode: code }));
  });
}
