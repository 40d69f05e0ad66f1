/**
 * The floor: no constructs at all, only the Terraform JSON of every stack
 * parsed from the spec and serialized to disk as CDKTF lays it out. No
 * synthesis of the same documents can be cheaper than this.
 *
 * Usage: node --import tsx bench/floor.ts <spec dir> <outdir>
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [specDir, outdir] = process.argv.slice(2);
if (!specDir || !outdir) {
  process.stderr.write("usage: floor.ts <spec dir> <outdir>\n");
  process.exit(2);
}
for (const file of readdirSync(specDir).filter((f) => f.endsWith(".json")).sort()) {
  const dir = join(outdir, "stacks", file.slice(0, -".json".length));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(JSON.parse(readFileSync(join(specDir, file), "utf8")), null, 2));
}
