import type { GuardrailRule } from "../../types";
import { blocks, BUCKET, bucketArnOf, type Check, cmkProblems, FIREHOSE, firehoseHead, firstFolder, iamDocuments, lakeBuckets, list, LOG_GROUP, nonEmpty, perResource, providerOf, refName, ROLE, sameStrings, statementsOf, uploadKeysOf } from "../../terraform";

/**
 * Firehose delivery streams, against checkov's CKV_AWS_240 (the stream's
 * buffer is encrypted) and CKV_AWS_241 (with a customer-managed key, here one
 * of the stack), and the custom rules security-rules.md has none for: Direct
 * PUT only; an extended_s3 destination in a zone bucket of the stack, whose
 * objects are SSE-KMS under a key that bucket's upload guard accepts (or
 * every delivery would be refused); an error prefix that sorts failures by
 * type (`!{firehose:error-output-type}`) outside the data prefix's folder (the
 * table's location); CloudWatch logging into a log group of the stack (whose
 * key and retention checkLogGroups audits); and a role of the stack that
 * writes only under the literal heads of those two prefixes in that bucket,
 * and uses keys only through S3 in the stack's Region (kms:ViaService).
 */
export const checkFirehoseStreams: Check = (stacks) =>
  perResource("CKV_AWS_240/CKV_AWS_241/firehose-destination", stacks, FIREHOSE, (f, s) => {
    const out: string[] = [];
    const { region } = providerOf(s);
    const sse = blocks(f.server_side_encryption)[0];
    if (sse?.enabled !== true) out.push("server_side_encryption is not enabled (CKV_AWS_240)");
    else if (sse.key_type !== "CUSTOMER_MANAGED_CMK") out.push(`server_side_encryption.key_type is ${String(sse.key_type)}, not CUSTOMER_MANAGED_CMK (CKV_AWS_241)`);
    else out.push(...cmkProblems(s, "server_side_encryption.key_arn", sse.key_arn).map((m) => `${m} (CKV_AWS_241)`));
    for (const source of ["kinesis_source_configuration", "msk_source_configuration"]) if (f[source] !== undefined) out.push(`${source} is set: only Direct PUT streams are generated`);
    if (f.destination !== "extended_s3") return [...out, `destination is ${String(f.destination)}, not extended_s3`];
    const d = blocks(f.extended_s3_configuration)[0];
    if (!d) return [...out, "no extended_s3_configuration"];
    const bucket = refName(d.bucket_arn, BUCKET);
    if (!bucket || !lakeBuckets(s).some(([b]) => b === bucket)) return [...out, `bucket_arn ${String(d.bucket_arn)} is not a zone bucket of the stack`];
    const accepted = uploadKeysOf(s, bucket);
    if (!nonEmpty(d.kms_key_arn)) out.push("extended_s3_configuration.kms_key_arn is not set: objects would not be SSE-KMS, and the bucket refuses them");
    else if (accepted === undefined || !accepted.includes(d.kms_key_arn)) out.push(`objects go under ${d.kms_key_arn}, which ${BUCKET}.${bucket} does not accept (it takes ${JSON.stringify(accepted ?? [])})`);
    const errorPrefix = typeof d.error_output_prefix === "string" ? d.error_output_prefix : "";
    if (!errorPrefix.includes("!{firehose:error-output-type}")) out.push(`error_output_prefix ${JSON.stringify(d.error_output_prefix)} does not sort failures by !{firehose:error-output-type}`);
    const [data, errors] = [firstFolder(firehoseHead(d.prefix)), firstFolder(firehoseHead(errorPrefix))];
    if (!data) out.push(`prefix ${JSON.stringify(d.prefix)} does not start with a literal folder`);
    else if (errors.startsWith(data) || data.startsWith(errors)) out.push(`error_output_prefix ${JSON.stringify(errorPrefix)} is in the data prefix's folder ${data}: failed records would be read as data`);
    const cw = blocks(d.cloudwatch_logging_options)[0];
    const group = refName(cw?.log_group_name, LOG_GROUP);
    if (cw?.enabled !== true || !group || !s.json.resource?.[LOG_GROUP]?.[group]) out.push("delivery errors are not logged to a log group of the stack");
    const role = refName(d.role_arn, ROLE);
    if (!role || !s.json.resource?.[ROLE]?.[role]) return [...out, `role_arn ${String(d.role_arn)} is not a role of the stack`];
    const arn = bucketArnOf(s, bucket);
    const allowed = [firehoseHead(d.prefix), firehoseHead(errorPrefix)].flatMap((h) => [`\${${BUCKET}.${bucket}.arn}/${h}*`, ...(arn ? [`${arn}/${h}*`] : [])]);
    for (const doc of iamDocuments(s).filter((x) => x.kind === "role" && x.role === role)) {
      for (const st of (statementsOf(doc.policy) ?? []).filter((x) => x.Effect === "Allow")) {
        const actions = list(st.Action).map(String);
        const objectActions = actions.filter((a) => /^s3:/i.test(a) && !/^s3:(GetBucketLocation|ListBucket|ListBucketMultipartUploads)$/i.test(a));
        for (const r of objectActions.length > 0 ? list(st.Resource).map(String) : []) {
          if (!allowed.includes(r)) out.push(`${doc.address} › ${st.Sid ?? "?"}: ${objectActions.join(", ")} on ${r}, outside the stream's two prefixes`);
        }
        if (actions.some((a) => /^kms:/i.test(a))) {
          if (st.Condition?.StringEquals?.["kms:ViaService"] !== `s3.${region ?? "?"}.amazonaws.com`) out.push(`${doc.address} › ${st.Sid ?? "?"}: uses ${JSON.stringify(st.Resource)} other than through S3 in ${region ?? "?"} (kms:ViaService)`);
          if (!sameStrings(st.Resource, [String(d.kms_key_arn)])) out.push(`${doc.address} › ${st.Sid ?? "?"}: uses ${JSON.stringify(st.Resource)}, not exactly the destination's key`);
        }
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "FH-001",
  severity: "error",
  scope: "terraform",
  rule: "Firehose streams are Direct PUT into a zone bucket under a key it accepts, errors apart, logged, their role on their prefixes only.",
  explanation: "The stream writes into the lake without reading it.",
  source: ["CKV_AWS_240", "CKV_AWS_241", "custom"],
  check: ({ stacks }) => checkFirehoseStreams(stacks),
};
