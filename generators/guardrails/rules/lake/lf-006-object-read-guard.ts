import type { GuardrailRule } from "../../types";
import { attached, BUCKET, bucketArnOf, type Check, lakeBuckets, list, OBJECT_READS, POLICY, READ_GUARD, registrationRoleOf, roleArnOf, sameStrings, statementsOf, violation } from "../../terraform";

/** (c) Every zone bucket's policy denies object reads to everyone but the role the bucket is registered through. */
export const checkObjectReadGuard: Check = (stacks) =>
  stacks.flatMap((s) =>
    lakeBuckets(s).flatMap(([b]) => {
      const at = (message: string) => violation("no-back-doors/read-guard", s.name, `${BUCKET}.${b}`, message);
      const role = registrationRoleOf(s, b);
      const expected = role ? roleArnOf(s, role) : undefined;
      if (!expected) return [at(`no registration role with a known ARN, so ${READ_GUARD} cannot name it`)];
      const guards = attached(s, POLICY, b).flatMap(([, p]) => (statementsOf(p.policy) ?? []).filter((st) => st.Sid === READ_GUARD));
      if (guards.length !== 1) return [at(`has ${guards.length} ${READ_GUARD} statements, expected 1`)];
      const g = guards[0]!;
      const arn = bucketArnOf(s, b);
      const objects = [`\${${BUCKET}.${b}.arn}/*`, ...(arn ? [`${arn}/*`] : [])];
      const problems: string[] = [];
      if (g.Effect !== "Deny") problems.push(`${READ_GUARD} is not a Deny`);
      if (!(g.Principal === "*" || JSON.stringify(g.Principal) === JSON.stringify({ AWS: "*" }))) problems.push(`${READ_GUARD} does not apply to every principal`);
      if (!sameStrings(g.Action, OBJECT_READS)) problems.push(`${READ_GUARD} denies ${JSON.stringify(g.Action)}, expected ${JSON.stringify(OBJECT_READS)}`);
      if (list(g.Resource).length !== 1 || !objects.includes(list(g.Resource)[0] as string)) problems.push(`${READ_GUARD} is on ${JSON.stringify(g.Resource)}, expected the bucket's objects`);
      const c = g.Condition ?? {};
      const readers = c.ArnNotEquals?.["aws:PrincipalArn"];
      if (Object.keys(c).length !== 1 || Object.keys(c.ArnNotEquals ?? {}).length !== 1 || !sameStrings(readers, [expected])) {
        problems.push(`${READ_GUARD} must except exactly ${expected} (ArnNotEquals aws:PrincipalArn), has ${JSON.stringify(c)}`);
      }
      return problems.map(at);
    }),
  );

export const rule: GuardrailRule = {
  id: "LF-006",
  severity: "error",
  scope: "terraform",
  rule: "Every zone bucket's policy denies object reads to all but its registration role.",
  explanation: "The guard holds even against an IAM policy written outside Lakeform.",
  source: ["custom (ARCHITECTURE: no back doors)"],
  check: ({ stacks }) => checkObjectReadGuard(stacks),
};
