import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatProblems } from "../manifest/errors";
import { loadAndValidate } from "../manifest/validate";
import { defaultPrices } from "../review/cost";
import { reviewMarkdown } from "../review/markdown";
import { type ReviewSide, buildReview } from "../review/review";
import { EXIT, fail } from "./exit";
import { writeFileAtomic } from "./write";

/** `lakeform review`: the two sides from disk or git, the review, and its files. */

const git = (cwd: string, args: string[], input?: string) =>
  execFileSync("git", args, { cwd, input, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"] });

/** The commit `ref` names in the repository holding `root`, or undefined. */
function commitOf(root: string, ref: string): string | undefined {
  try {
    return git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `domains/` as it is at `commit` into `dir`, without touching the
 * working tree: one `ls-tree` and one `cat-file --batch` for all files.
 */
export function materializeDomains(root: string, commit: string, dir: string): void {
  const entries = git(root, ["ls-tree", "-r", "-z", commit, "--", "domains"])
    .toString()
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split("\t") as [string, string];
      const [mode, type, sha] = meta.split(" ") as [string, string, string];
      return { mode, type, sha, path };
    })
    // Regular files only: no symlinks out of the tree, no submodules.
    .filter((e) => e.type === "blob" && (e.mode === "100644" || e.mode === "100755"));
  if (entries.length === 0) return;
  const batch = git(root, ["cat-file", "--batch"], `${entries.map((e) => e.sha).join("\n")}\n`);
  let at = 0;
  for (const e of entries) {
    const headerEnd = batch.indexOf(0x0a, at);
    const size = Number(batch.subarray(at, headerEnd).toString().split(" ")[2]);
    const target = join(dir, e.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, batch.subarray(headerEnd + 1, headerEnd + 1 + size));
    at = headerEnd + 1 + size + 1;
  }
}

async function side(label: string, root: string): Promise<ReviewSide> {
  const result = await loadAndValidate(root);
  return result.ok ? { label, model: result.model, problems: [], findings: result.findings } : { label, model: null, problems: result.problems, findings: [] };
}

export interface ReviewArgs {
  readonly base?: string;
  readonly head?: string;
  readonly out?: string;
  readonly format?: string;
}

export async function review(root: string, args: ReviewArgs): Promise<number> {
  const format = args.format ?? "markdown";
  if (format !== "markdown" && format !== "json") return fail(EXIT.badInput, `lakeform review: --format must be markdown or json, got "${format}"`);
  if (!args.base) return fail(EXIT.badInput, "lakeform review: give --base <git ref or directory>");
  const headRoot = resolve(args.head ?? root);
  const head = await side(args.head ?? "working tree", headRoot);
  if (!head.model) return fail(EXIT.badInput, `lakeform review: the head does not validate\n${formatProblems(head.problems)}`);

  let base: ReviewSide;
  const baseDir = resolve(args.base);
  if (existsSync(baseDir) && statSync(baseDir).isDirectory()) base = await side(args.base, baseDir);
  else {
    const commit = commitOf(root, args.base);
    if (!commit) return fail(EXIT.badInput, `lakeform review: --base "${args.base}" is neither a directory nor a git revision of ${root}`);
    // Inside the project, so TypeScript manifests resolve `import … from "lakeform"` as in the working tree.
    const scratch = join(root, ".lakeform-tmp");
    mkdirSync(scratch, { recursive: true });
    const dir = mkdtempSync(join(scratch, "review-base-"));
    try {
      materializeDomains(root, commit, dir);
      base = await side(args.base, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (readdirSync(scratch).length === 0) rmSync(scratch, { recursive: true, force: true });
    }
  }

  const r = buildReview(base, { ...head, model: head.model }, { prices: defaultPrices() });
  if (r.guardrails.problems.length > 0) process.stderr.write(formatProblems(r.guardrails.problems));
  const markdown = reviewMarkdown(r);
  const json = `${JSON.stringify(r, null, 2)}\n`;
  if (args.out) {
    const out = resolve(root, args.out);
    writeFileAtomic(join(out, "review.md"), markdown);
    writeFileAtomic(join(out, "review.json"), json);
    const gov = r.approvals.governance;
    process.stdout.write(
      `wrote ${join(out, "review.md")} and review.json: ${gov.required ? `governance approval required (${gov.approvers})` : "no governance approval needed"}; owners: ${r.approvals.owners.map((o) => o.approver).join(", ") || "none"}\n`,
    );
  } else process.stdout.write(format === "json" ? json : markdown);
  return r.exitCode;
}
