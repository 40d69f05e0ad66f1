import { App, Lazy, TerraformStack, Testing, Tokenization } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { oneStack, tokenMap, withoutTokenTraces } from "../../generators/stacks/stack-by-stack";

/** The two cdktf internals synthesis leans on (stack-by-stack.ts): if an upgrade moves them, these fail. */

afterEach(() => {
  delete process.env.LAKEFORM_DEBUG;
});

/** The creation stack cdktf recorded for a new token. */
const lazyTrace = (): string[] => Tokenization.reverseString(Lazy.stringValue({ produce: () => "x" })).firstToken!.creationStack;

describe("withoutTokenTraces", () => {
  it("creates tokens without stack traces, and restores cdktf's traces afterwards", () => {
    expect(lazyTrace().length).toBeGreaterThan(0);
    expect(withoutTokenTraces(() => lazyTrace())).toEqual([]);
    expect(lazyTrace().length).toBeGreaterThan(0);
  });

  it("keeps the traces under LAKEFORM_DEBUG=1", () => {
    process.env.LAKEFORM_DEBUG = "1";
    expect(withoutTokenTraces(() => lazyTrace()).length).toBeGreaterThan(0);
  });

  it("restores the traces when the work throws", () => {
    expect(() =>
      withoutTokenTraces(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(lazyTrace().length).toBeGreaterThan(0);
  });
});

describe("oneStack", () => {
  const build = (app: App) => {
    const stack = new TerraformStack(app, "one");
    const bucket = new S3Bucket(stack, "b", { bucket: "acme-one" });
    new S3Bucket(stack, "c", { bucket: Lazy.stringValue({ produce: () => `${bucket.bucket}-copy` }) });
    return stack;
  };

  it("detaches the stack and forgets the tokens it registered, keeping earlier ones", () => {
    const app = Testing.app();
    const earlier = Lazy.stringValue({ produce: () => "kept" });
    const map = tokenMap()!;
    const before = [map.stringTokenMap.size, map.numberTokenMap.size];
    const json = oneStack(app, build, (stack) => JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, { bucket: string }>> });
    expect(json.resource.aws_s3_bucket!.c!.bucket).toBe("${aws_s3_bucket.b.bucket}-copy");
    expect(app.node.children).toEqual([]);
    expect([map.stringTokenMap.size, map.numberTokenMap.size]).toEqual(before);
    // A token made before the stack still resolves.
    const later = new TerraformStack(app, "later");
    new S3Bucket(later, "d", { bucket: earlier });
    expect(Testing.synth(later)).toContain('"bucket": "kept"');
  });

  it("detaches the stack when the work on it throws", () => {
    const app = Testing.app();
    expect(() =>
      oneStack(app, build, () => {
        throw new Error("synthesis failed");
      }),
    ).toThrow("synthesis failed");
    expect(app.node.children).toEqual([]);
  });
});
