import type { GuardrailRule } from "../../types";
import { attached, BUCKET, bucketArnOf, type Check, entries, KMS_KEY, lakeBuckets, list, POLICY, PREFIX_WRITER_ACTIONS_DOCUMENTED, providerOf, refName, resolveBucketRefs, rootAccountOf, statementsOf, uploadKeysOf, violation, type Violation, zoneKeysOf } from "../../terraform";

/**
 * Partner drops. A zone bucket's policy allows nothing but uploads by other
 * accounts under a literal prefix each: the root of an account other than the
 * stack's (its own IAM then decides who), only PutObject and the multipart
 * actions, on `<bucket>/<prefix>/*`; the bucket keeps its upload guards (SSE-KMS
 * under its key). Its zone key lets that account do exactly what the upload
 * needs (GenerateDataKey, Decrypt for multipart) only through S3 in the
 * stack's Region (kms:ViaService), only from that account (kms:CallerAccount),
 * only for that bucket (encryption context the bucket's ARN, which is the
 * context with S3 Bucket Keys, or objects under the prefix). And no key of
 * the stack names another account for anything else. That the partner
 * cannot read is the read guard's (c), which excepts the registration role
 * alone.
 */
export const checkPrefixWriters: Check = (stacks) =>
  stacks.flatMap((s) => {
    const out: Violation[] = [];
    const rule = "prefix-writers";
    const { account, region } = providerOf(s);
    const expectedKeyUse = new Map<string, { bucket: string; contexts: string[] }[]>(); // key name → writers
    for (const [b] of lakeBuckets(s)) {
      const arn = bucketArnOf(s, b);
      for (const [pn, p] of attached(s, POLICY, b)) {
        for (const st of (statementsOf(p.policy) ?? []).filter((x) => x.Effect === "Allow")) {
          const at = (m: string) => out.push(violation(rule, s.name, `${POLICY}.${pn}`, `statement ${st.Sid ?? "?"} ${m}`));
          const partner = rootAccountOf(st);
          const principalAws = (st.Principal as { AWS?: unknown } | undefined)?.AWS;
          const pipelineRole = typeof principalAws === "string" && new RegExp(`^arn:aws[a-z-]*:iam::${account}:role/[^/]+-mwaa-`).test(principalAws);
          if (pipelineRole && st.Sid?.startsWith("PipelineQueries")) {
            // The pipeline's Athena statements write with the MWAA execution role's credentials, under the target tables' folders only.
            const allowed = st.Sid === "PipelineQueriesListTargetTables" ? ["s3:GetBucketLocation", "s3:ListBucket"] : PREFIX_WRITER_ACTIONS_DOCUMENTED;
            if (st.NotAction !== undefined || !list(st.Action).every((a) => allowed.includes(String(a)))) at(`allows ${JSON.stringify(st.Action ?? st.NotAction)}, not only ${allowed.join(", ")}`);
            const resources = list(st.Resource).map((x) => resolveBucketRefs(s, String(x)));
            const underPrefixes = st.Sid === "PipelineQueriesListTargetTables" ? resources.every((x) => x === arn) : resources.every((x) => arn !== undefined && /^[^*?]+\/\*$/.test(x.slice(arn.length + 1)) && x.startsWith(`${arn}/`));
            if (!underPrefixes) at(`is on ${JSON.stringify(st.Resource)}, not the objects under literal table folders of ${BUCKET}.${b}`);
            continue;
          }
          if (!partner || partner === account) {
            at(`allows ${JSON.stringify(st.Principal)}: a zone bucket allows only other accounts to upload under a prefix`);
            continue;
          }
          if (st.NotAction !== undefined || !list(st.Action).every((a) => PREFIX_WRITER_ACTIONS_DOCUMENTED.includes(String(a)))) at(`allows ${JSON.stringify(st.Action ?? st.NotAction)}, not only ${PREFIX_WRITER_ACTIONS_DOCUMENTED.join(", ")}`);
          if (st.Condition !== undefined && Object.keys(st.Condition).length > 0) at("carries a condition; the bucket's guards are what limit uploads");
          const resources = list(st.Resource).map((x) => resolveBucketRefs(s, String(x)));
          const prefix = arn && resources.length === 1 && resources[0]!.startsWith(`${arn}/`) ? resources[0]!.slice(arn.length + 1) : undefined;
          if (!prefix || !/^[^*?]+\/\*$/.test(prefix)) {
            at(`is on ${JSON.stringify(st.Resource)}, not the objects under one literal prefix of ${BUCKET}.${b}`);
            continue;
          }
          const keyName = refName(zoneKeysOf(s, b)[0], KMS_KEY);
          if (keyName) expectedKeyUse.set(`${keyName}\u0000${partner}`, [...(expectedKeyUse.get(`${keyName}\u0000${partner}`) ?? []), { bucket: arn!, contexts: [arn!, `${arn}/${prefix}`] }]);
        }
      }
      const guarded = uploadKeysOf(s, b) !== undefined;
      const sseGuard = attached(s, POLICY, b).some(([, p]) => (statementsOf(p.policy) ?? []).some((st) => st.Effect === "Deny" && list(st.Action).includes("s3:PutObject") && st.Condition?.StringNotEqualsIfExists?.["s3:x-amz-server-side-encryption"] === "aws:kms"));
      if ([...expectedKeyUse.values()].some((ws) => ws.some((w) => w.bucket === arn)) && (!guarded || !sseGuard)) {
        out.push(violation(rule, s.name, `${BUCKET}.${b}`, "other accounts upload, but the bucket does not refuse uploads without SSE-KMS under its key"));
      }
    }
    for (const [kn, k] of entries(s, KMS_KEY)) {
      for (const st of (statementsOf(k.policy) ?? []).filter((x) => x.Effect === "Allow")) {
        const partner = rootAccountOf(st);
        if (!partner || partner === account) continue;
        const at = (m: string) => out.push(violation(rule, s.name, `${KMS_KEY}.${kn}`, `statement ${st.Sid ?? "?"} ${m}`));
        const writers = expectedKeyUse.get(`${kn}\u0000${partner}`);
        if (!writers) {
          at(`lets account ${partner} use the key, but no bucket under it lets that account upload`);
          continue;
        }
        if (!list(st.Action).every((a) => ["kms:Decrypt", "kms:GenerateDataKey"].includes(String(a)))) at(`allows ${JSON.stringify(st.Action)}, not only kms:Decrypt and kms:GenerateDataKey`);
        const eq = st.Condition?.StringEquals ?? {};
        if (eq["kms:ViaService"] !== `s3.${region ?? "?"}.amazonaws.com`) at(`is not limited to S3 in ${region ?? "?"} (kms:ViaService)`);
        if (eq["kms:CallerAccount"] !== partner) at(`is not limited to calls from account ${partner} (kms:CallerAccount)`);
        const contexts = list(st.Condition?.StringLike?.["kms:EncryptionContext:aws:s3:arn"] ?? st.Condition?.StringEquals?.["kms:EncryptionContext:aws:s3:arn"]).map(String);
        const allowedContexts = new Set(writers.flatMap((w) => w.contexts));
        if (contexts.length === 0 || contexts.some((c) => !allowedContexts.has(c))) at(`lets the encryption context be ${JSON.stringify(contexts)}, not only the bucket and the account's prefixes ${JSON.stringify([...allowedContexts].sort())}`);
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "LF-011",
  severity: "error",
  scope: "terraform",
  rule: "Other accounts may only upload under their prefix of a raw bucket, and use the zone key through S3 for that bucket only.",
  explanation: "A partner drop is the one Allow a zone bucket may hold; the read guard still applies to it.",
  source: ["custom"],
  check: ({ stacks }) => checkPrefixWriters(stacks),
};
