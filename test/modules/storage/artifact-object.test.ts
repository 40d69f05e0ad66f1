import { describe, expect, it } from "vitest";
import { ArtifactObject, type ArtifactObjectProps } from "../../../modules/storage/artifact-object";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const SCRIPT = "from pyspark.sql import SparkSession\n\nspark = SparkSession.builder.getOrCreate()\n";

function props(over: Partial<ArtifactObjectProps> = {}): ArtifactObjectProps {
  return {
    bucket: "${aws_s3_bucket.artifacts.id}",
    key: "jobs/conform/0123456789abcdef.py",
    content: SCRIPT,
    contentType: "text/x-python",
    kmsKeyArn: KEY,
    ...over,
  };
}

const synth = (p: ArtifactObjectProps, id = "script-conform"): TfJson => synthScope((s) => void new ArtifactObject(s, id, p));

describe("ArtifactObject", () => {
  it("is exactly one S3 object: SSE-KMS under the given key with a bucket key, its content inline", () => {
    const tf = synth(props({ terraformName: "script__conform" }));
    expect(Object.keys(tf.resource)).toEqual(["aws_s3_object"]);
    expect(resource(tf, "aws_s3_object", "script__conform")).toEqual({
      bucket: "${aws_s3_bucket.artifacts.id}",
      key: "jobs/conform/0123456789abcdef.py",
      content: SCRIPT,
      content_type: "text/x-python",
      server_side_encryption: "aws:kms",
      kms_key_id: KEY,
      bucket_key_enabled: true,
    });
  });

  it("writes no source path (the output holds no path of the machine) and no content_base64", () => {
    const o = resource(synth(props()), "aws_s3_object", "script-conform");
    for (const attr of ["source", "source_hash", "etag", "content_base64"]) expect(o, attr).not.toHaveProperty(attr);
  });

  it("is named after the construct id unless a Terraform name is given", () => {
    expect(Object.keys(resourcesOf(synth(props()), "aws_s3_object"))).toEqual(["script-conform"]);
    expect(Object.keys(resourcesOf(synth(props({ terraformName: "script__x" })), "aws_s3_object"))).toEqual(["script__x"]);
  });

  it("keeps the content byte for byte: empty lines, unicode, quotes, backslashes", () => {
    const text = "# naïve → ok\n\nprint(f\"{x}\")\nprint('a\\tb')\n";
    expect(resource(synth(props({ content: text })), "aws_s3_object", "script-conform").content).toBe(text);
  });

  // Terraform reads every string of a .tf.json file as a template; the script text must come through literally.
  it("escapes ${ and %{ so Terraform uploads a script's text literally", () => {
    const text = "spark.sql(\"SELECT * FROM t WHERE day = '${hivevar:day}'\")\n# %{ not a directive }\n";
    expect(resource(synth(props({ content: text })), "aws_s3_object", "script-conform").content).toBe("spark.sql(\"SELECT * FROM t WHERE day = '$${hivevar:day}'\")\n# %%{ not a directive }\n");
  });

  it("writes no encryption headers without a key, leaving the object to the bucket's default encryption", () => {
    const o = resource(synth(props({ kmsKeyArn: undefined })), "aws_s3_object", "script-conform");
    expect(o).toEqual({ bucket: "${aws_s3_bucket.artifacts.id}", key: "jobs/conform/0123456789abcdef.py", content: SCRIPT, content_type: "text/x-python" });
  });

  it("keeps a content that is already a template as given: its references stay live, its escapes are the caller's", () => {
    const text = 'application_id="${aws_emrserverless_application.x.id}"\n# $${literal}\n';
    expect(resource(synth(props({ content: text, contentIsTemplate: true })), "aws_s3_object", "script-conform").content).toBe(text);
    // Without the flag the same text is escaped whole: the reference would be uploaded literally.
    expect(resource(synth(props({ content: text })), "aws_s3_object", "script-conform").content).toBe('application_id="$${aws_emrserverless_application.x.id}"\n# $$${literal}\n');
  });

  it("passes a key reference through, so the object waits for the key", () => {
    expect(resource(synth(props({ kmsKeyArn: "${aws_kms_key.ops.arn}" })), "aws_s3_object", "script-conform").kms_key_id).toBe("${aws_kms_key.ops.arn}");
  });
});
