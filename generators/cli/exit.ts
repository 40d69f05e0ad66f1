/** Exit codes: the CLI contract, the same for every command. */
export const EXIT = { ok: 0, findings: 1, badInput: 2, internal: 3 } as const;

/** Writes `message` (one trailing newline) to standard error and returns `code`, for `return fail(...)`. */
export function fail(code: number, message: string): number {
  process.stderr.write(message.endsWith("\n") ? message : `${message}\n`);
  return code;
}
