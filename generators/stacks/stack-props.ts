import { posix } from "node:path";
import type { AwsStackProps } from "../../modules/stack/aws-stack";
import type { StackModel } from "../model/types";

/** From a stack's working directory `cdktf.out/stacks/<name>/` back to the project root. */
export const DEFAULT_STATE_ROOT = "../../..";

/**
 * Provider and backend settings of one stack. Local state files live in the
 * project root (`terraform.<stack>.tfstate`); `stateRoot` is the way there
 * from the stack's working directory.
 */
export function stackProps(stack: StackModel, stateRoot: string): AwsStackProps {
  const b = stack.backend;
  return {
    region: stack.region,
    accountId: stack.accountId,
    defaultTags: stack.defaultTags,
    backend: b.type === "local" ? { type: "local", path: posix.join(stateRoot, b.path) } : b,
  };
}
