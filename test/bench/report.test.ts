import { describe, expect, it } from "vitest";
import { type Kind, type SizeResult, median, ms, ratios, rssMib, table, targetLines, targets } from "../../bench/report";

const size = (domains: number, wall: Partial<Record<Kind, number[]>>, rssMiB: Partial<Record<Kind, number[]>> = {}): SizeResult => ({
  domains,
  stacks: domains * 2 + 2,
  resources: domains * 380 + 140,
  runs: Object.fromEntries(Object.entries(wall).map(([k, v]) => [k, { ms: v, maxRssKib: (rssMiB[k as Kind] ?? v.map(() => 200)).map((m) => m * 1024) }])),
  baselineMismatches: [],
  baselineIdentical: true,
});

const passing = [
  size(1, { synth: [2000, 2100, 1900], stack: [2200] }),
  size(10, { synth: [4000, 4100, 3900] }),
  size(100, { synth: [24000], lakeformSynth: [30000], baseline: [30000], validate: [3000], review: [6000], stack: [2900] }, { synth: [300], lakeformSynth: [380] }),
];

describe("benchmark report", () => {
  it("takes medians of odd and even counts, NaN for none", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("reports the worst peak RSS of the runs, in MiB", () => {
    expect(rssMib(size(1, { synth: [1, 2] }, { synth: [100, 300] }), "synth")).toBe(300);
    expect(rssMib(size(1, {}), "synth")).toBeNaN();
  });

  it("passes every target when the numbers are within their limits", () => {
    const ts = targets(passing);
    expect(ts.map((t) => [t.name, t.ok])).toEqual([
      ["synthesis vs hand-written CDKTF at N=100", true],
      ["time per domain, N=100 vs N=10", true],
      ["peak RSS of synthesis at N=100", true],
      ["peak RSS of lakeform synth at N=100", true],
      ["one named stack with 100 domains vs a one-domain app", true],
      ["validate vs synthesis at N=100", true],
      ["review of one domain vs synthesis at N=100", true],
    ]);
    // Marginal time per domain: (24000 - 2000) / 99 over (4000 - 2000) / 9.
    expect(ts[1]!.value).toBeCloseTo(22000 / 99 / (2000 / 9), 6);
    expect(ts[4]!.value).toBeCloseTo(2900 / 2000, 6);
  });

  it("fails a target that is over its limit or not measured", () => {
    const slow = [passing[0]!, passing[1]!, size(100, { synth: [40000], baseline: [30000] }, { synth: [500] })];
    const ts = targets(slow);
    expect(ts.find((t) => t.name.startsWith("synthesis vs"))!).toMatchObject({ ok: false, value: 40000 / 30000 });
    expect(ts.find((t) => t.name === "peak RSS of synthesis at N=100")!).toMatchObject({ ok: false, value: 500 });
    expect(ts.find((t) => t.name.startsWith("validate"))!.ok).toBe(false);
    expect(targetLines(ts)).toContain("FAIL validate vs synthesis at N=100: not measured");
  });

  it("computes the ratios results.json records, rounded to hundredths", () => {
    expect(ratios(passing[2]!)).toMatchObject({ synthVsBaseline: 0.8, lakeformSynthVsBaseline: 1, validateVsSynth: 0.13, reviewVsSynth: 0.25, stackVsSynth: 0.12 });
    expect(ms(passing[0], "synth")).toBe(2000);
  });

  it("prints one row per size, seconds and MiB, a dash where nothing was measured", () => {
    const lines = table(passing).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\| domains \| stacks \| resources \| synth s \| synth MiB \|/);
    expect(lines[4]).toMatch(/^\| 100 \| 202 \| 38140 \| 24\.0 \| 300 \| 30\.0 \| 380 \| 30\.0 \| 200 \| – \|/);
  });
});
