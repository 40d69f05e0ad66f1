import { describe, expect, it } from "vitest";
import { deploymentOf, modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf } from "../helpers/synth";

const DEV = "111111111111";
const RAW = `acme-sales-raw-dev-${DEV}-eu-west-1`;

/** Sales with a Glue job run after the crawl of lead files in raw, and a backstop schedule. */
function salesWithDiscovery(mutate: (d: Record<string, any>) => void = () => {}) {
  const d = domainFixture();
  d.jobs = [{ name: "load-leads", engine: "glue", script: "jobs/load_leads.py", writes: ["processed.orders"] }];
  d.discovery = [
    { name: "leads", description: "CRM lead exports", prefixes: ["leads/"], exclude: ["**/_SUCCESS"], tablePrefix: "lead_", batch: { size: 10, windowSeconds: 120 }, schedule: "cron(0 3 * * ? *)", then: ["load-leads"] },
    { name: "surveys", prefixes: ["surveys/eu/", "surveys/us/"] },
  ];
  mutate(d);
  return d;
}

const model = modelFrom(platformFixture(), [salesWithDiscovery()]);
const dep = deploymentOf(model, "sales-dev");
const tf = synthStackOf(model, "sales-dev");

describe("discovery in the model", () => {
  it("names the crawler, workflow, roles, database and log group, and resolves the defaults", () => {
    const [leads, surveys] = dep.discovery.crawlers;
    expect(leads).toMatchObject({
      name: "leads",
      zone: "raw",
      crawlerName: "sales-dev-leads",
      workflowName: "sales-dev-leads",
      workflowArn: `arn:aws:glue:eu-west-1:${DEV}:workflow/sales-dev-leads`,
      role: { name: "acme-sales-crawler-leads-dev-eu-west-1", arn: `arn:aws:iam::${DEV}:role/acme-sales-crawler-leads-dev-eu-west-1` },
      eventsRole: { name: "acme-sales-events-leads-dev-eu-west-1" },
      targets: [`s3://${RAW}/leads/`],
      tablePrefix: "lead_",
      tableLevel: 2,
      database: { name: "sales_raw_discovered_dev" },
      batch: { size: 10, windowSeconds: 120 },
      schedule: "cron(0 3 * * ? *)",
      then: ["sales-dev-load-leads"],
      logGroupName: "/aws-glue/crawlers-role/acme-sales-crawler-leads-dev-eu-west-1-acme-sales-dev-crawler-logs",
    });
    expect(surveys).toMatchObject({ prefixes: ["surveys/eu/", "surveys/us/"], tableLevel: 3, batch: { size: 100, windowSeconds: 300 }, schedule: null, then: [], tablePrefix: "" });
    expect(dep.discovery.securityConfiguration).toBe("acme-sales-dev-crawler-logs");
  });

  it("gives each zone with discovery one database, tagged like the zone but PII, so no tag grant reaches unclassified columns", () => {
    expect(dep.discovery.databases).toEqual([
      {
        zone: "raw",
        name: "sales_raw_discovered_dev",
        arn: `arn:aws:glue:eu-west-1:${DEV}:database/sales_raw_discovered_dev`,
        description: expect.stringContaining("PII until declared"),
        locationUri: `s3://${RAW}/`,
        lfTags: [
          { key: "confidentiality", value: "pii" },
          { key: "domain", value: "sales" },
        ],
      },
    ]);
    const zoneTags = dep.zones.find((z) => z.name === "raw")!.database.lfTags;
    expect(zoneTags).toContainEqual({ key: "confidentiality", value: "internal" });
  });

  it("gives crawlers no grant on declared tables, so they are no principal of lakeform access", () => {
    expect(dep.grants.map((g) => g.principal.id)).not.toContain(dep.discovery.crawlers[0]!.role.arn);
  });

  it("is empty for a domain without discovery", () => {
    expect(deploymentOf(modelFrom(), "sales-dev").discovery).toEqual({ crawlers: [], databases: [], securityConfiguration: "acme-sales-dev-crawler-logs" });
  });
});

describe("discovery in the domain stack", () => {
  it("adds the discovery database with its PII tag, one security configuration under the ops key, and per discovery a crawler and a workflow", () => {
    expect(Object.keys(resourcesOf(tf, "aws_glue_catalog_database")).sort()).toEqual(["curated", "discovery--raw", "processed", "raw"]);
    expect(resource(tf, "aws_glue_catalog_database", "discovery--raw")).toMatchObject({ name: "sales_raw_discovered_dev", location_uri: `s3://${RAW}/` });
    const tags = resource(tf, "aws_lakeformation_resource_lf_tags", "discovery--raw");
    expect(tags.lf_tag).toEqual([
      { catalog_id: DEV, key: "confidentiality", value: "pii" },
      { catalog_id: DEV, key: "domain", value: "sales" },
    ]);
    const config = resource(tf, "aws_glue_security_configuration", "crawlers");
    expect(config.name).toBe("acme-sales-dev-crawler-logs");
    expect(JSON.stringify(config.encryption_configuration)).toContain("${aws_kms_key.ops.arn}");
    expect(Object.keys(resourcesOf(tf, "aws_glue_crawler")).sort()).toEqual(["leads", "surveys"]);
    expect(Object.keys(resourcesOf(tf, "aws_glue_workflow")).sort()).toEqual(["leads", "surveys"]);
    expect(Object.keys(resourcesOf(tf, "aws_glue_trigger")).sort()).toEqual(["discovery__leads", "discovery__leads--then", "discovery__surveys"]);
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_event_rule")).filter((n) => n.startsWith("discovery__")).sort()).toEqual([
      "discovery__leads",
      "discovery__leads--schedule",
      "discovery__surveys",
    ]);
  });

  it("points the crawler at the discovery database and the security configuration, and its location grant at the registered zone bucket", () => {
    const c = resource(tf, "aws_glue_crawler", "leads");
    expect(c).toMatchObject({
      name: "sales-dev-leads",
      database_name: "${aws_glue_catalog_database.discovery--raw.name}",
      security_configuration: "${aws_glue_security_configuration.crawlers.name}",
      s3_target: [{ path: `s3://${RAW}/leads/`, exclusions: ["**/_SUCCESS"] }],
      table_prefix: "lead_",
    });
    const location = resource(tf, "aws_lakeformation_permissions", "crawler__leads--location");
    expect(location.data_location).toEqual({ arn: "${aws_s3_bucket.raw.arn}", catalog_id: DEV });
    expect(location.depends_on).toEqual(["aws_iam_role.crawler__leads", "aws_lakeformation_resource.raw"]);
    expect(resource(tf, "aws_cloudwatch_log_group", "crawler__leads").kms_key_id).toBe("${aws_kms_key.ops.arn}");
    expect(policyOf(resource(tf, "aws_iam_role_policy", "crawler__leads__crawl")).Statement.find((s) => s.Sid === "UseLogKey")!.Resource).toBe("${aws_kms_key.ops.arn}");
  });

  it("starts the workflow from arrivals in the raw bucket, and runs the follow-up Glue job after a successful crawl, created after the job", () => {
    const rule = resource(tf, "aws_cloudwatch_event_rule", "discovery__leads");
    expect(JSON.parse(rule.event_pattern as string).detail).toEqual({ bucket: { name: [RAW] }, object: { key: [{ prefix: "leads/" }] } });
    const then = resource(tf, "aws_glue_trigger", "discovery__leads--then");
    expect(then.actions).toEqual([{ job_name: "sales-dev-load-leads" }]);
    expect(then.depends_on).toEqual(["aws_glue_job.load-leads"]);
    expect(resource(tf, "aws_glue_trigger", "discovery__leads").actions).toEqual([{ crawler_name: "${aws_glue_crawler.leads.name}" }]);
  });

  it("sends failed crawls to the domain's failure alarms", () => {
    const rule = resource(tf, "aws_cloudwatch_event_rule", "alerts--crawlers");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.glue"],
      "detail-type": ["Glue Crawler State Change"],
      detail: { crawlerName: ["sales-dev-leads", "sales-dev-surveys"], state: ["Failed"] },
    });
    const topicPolicy = policyOf(resource(tf, "aws_sns_topic_policy", "alerts"));
    expect(JSON.stringify(topicPolicy)).toContain("rule/acme-sales-dev-alerts-crawlers");
  });

  it("has alarms for a domain whose only runs are crawls", () => {
    const only = synthStackOf(modelFrom(platformFixture(), [salesWithDiscovery((d) => ((d.jobs = []), (d.discovery = [{ name: "leads", prefixes: ["leads/"] }])))]), "sales-dev");
    expect(Object.keys(resourcesOf(only, "aws_cloudwatch_event_rule")).sort()).toEqual(["alerts--crawlers", "discovery__leads"]);
    expect(Object.keys(resourcesOf(only, "aws_sns_topic"))).toEqual(["alerts"]);
  });

  it("adds nothing for a domain without discovery", () => {
    const plain = synthStackOf(modelFrom(), "sales-dev");
    for (const type of ["aws_glue_crawler", "aws_glue_workflow", "aws_glue_trigger", "aws_glue_security_configuration"]) expect(resourcesOf(plain, type), type).toEqual({});
    expect(Object.keys(resourcesOf(plain, "aws_glue_catalog_database")).sort()).toEqual(["curated", "processed", "raw"]);
  });

  it("is deterministic", () => {
    expect(JSON.stringify(synthStackOf(modelFrom(platformFixture(), [salesWithDiscovery()]), "sales-dev"))).toBe(JSON.stringify(tf));
  });
});
