// Loaded with --import into every measured child: on exit, the child reports its own peak RSS
// (process.resourceUsage().maxRSS, in KiB) to the file named by BENCH_PROBE. /usr/bin/time is not everywhere.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_PROBE;
if (file) {
  process.on("exit", (code) => {
    writeFileSync(file, JSON.stringify({ maxRssKib: process.resourceUsage().maxRSS, exitCode: code }));
  });
}
