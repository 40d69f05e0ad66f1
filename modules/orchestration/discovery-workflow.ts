import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { GlueTrigger } from "@cdktf/provider-aws/lib/glue-trigger";
import { GlueWorkflow } from "@cdktf/provider-aws/lib/glue-workflow";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { policyDocument } from "../identity/policy-document";
import { ServiceRole } from "../identity/service-role";

export interface DiscoveryWorkflowProps {
  /**
   * Terraform name of the workflow (`aws_glue_workflow.<name>`); its
   * triggers, rules and role are `discovery__<name>…` and `events__<name>`.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Workflow name; trigger and rule names add `-arrivals`, `-then`, `-schedule`. */
  readonly workflowName: string;
  /** ARN of the workflow, known in advance from its name (the events role's policy names it). */
  readonly workflowArn: string;
  readonly description: string;
  /** The crawler the workflow starts; a reference to it, so the trigger waits for the crawler. */
  readonly crawlerName: string;
  /** Bucket whose object-created events start the workflow; it must send events to EventBridge. */
  readonly bucketName: string;
  /** Key prefixes whose arrivals count. */
  readonly prefixes: readonly string[];
  /** Arrivals that start a run at once, 1–100. */
  readonly batchSize: number;
  /** Seconds after the first arrival of a batch when a run starts anyway, 1–900. */
  readonly batchWindowSeconds: number;
  /**
   * AWS cron expression of a backstop: an EventBridge schedule that sends the
   * workflow one more event, so a lost arrival event delays a crawl, never loses it.
   * @default - arrivals only
   */
  readonly schedule?: string;
  /**
   * Glue jobs run when the crawl succeeds, in the same workflow (one
   * conditional trigger).
   * @default - none
   */
  readonly thenJobs?: readonly string[];
  /** The jobs' resources, so the conditional trigger is created after them. @default - none */
  readonly thenJobResources?: readonly ITerraformDependable[];
  /** Physical name of the role EventBridge assumes to notify the workflow. */
  readonly eventsRoleName: string;
  readonly accountId: string;
}

/**
 * A Glue workflow started by S3 arrivals: an EventBridge rule matching
 * "Object Created" events of one bucket under given prefixes (S3 sends them
 * once the bucket's EventBridge notifications are on) targets the workflow,
 * whose EVENT trigger batches them and starts the crawler. A conditional
 * trigger can run Glue jobs after a successful crawl.
 *
 * Fixed in code, not offered as options:
 * - one run at a time (a crawler cannot run twice at once; arrivals during a
 *   run are picked up by the next, which crawls every folder new since the last);
 * - EventBridge notifies the workflow through a role of its own, which only
 *   events.amazonaws.com may assume, for this account, and whose one policy
 *   allows `glue:NotifyEvent` on this workflow alone;
 * - the backstop schedule is an EventBridge schedule sending to the same
 *   EVENT trigger, not a second start trigger (a workflow has one).
 *
 * Terraform addresses: `aws_glue_workflow.<name>`,
 * `aws_glue_trigger.discovery__<name>` (EVENT) and `…--then` (CONDITIONAL),
 * `aws_cloudwatch_event_rule.discovery__<name>` with its target, and
 * `…--schedule` with its target, `aws_iam_role.events__<name>` (policy
 * `events__<name>__notify-workflow`).
 */
export class DiscoveryWorkflow extends Construct {
  readonly workflow: GlueWorkflow;
  readonly startTrigger: GlueTrigger;
  readonly thenTrigger?: GlueTrigger;
  readonly eventsRole: ServiceRole;
  readonly arrivalsRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: DiscoveryWorkflowProps) {
    super(scope, id);
    const problems = discoveryWorkflowProblems(props);
    if (problems.length > 0) {
      throw new Error(`DiscoveryWorkflow ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const name = props.terraformName ?? id;
    const stem = `discovery__${name}`;

    this.workflow = new GlueWorkflow(this, "workflow", { name: props.workflowName, description: props.description, maxConcurrentRuns: 1 });
    this.workflow.overrideLogicalId(name);

    this.startTrigger = new GlueTrigger(this, "arrivals", {
      name: `${props.workflowName}-arrivals`,
      description: `Arrivals under ${[...props.prefixes].sort().join(", ")} start the crawl`,
      workflowName: this.workflow.name,
      type: "EVENT",
      // The provider starts a trigger after creating it when enabled; Glue refuses that for EVENT triggers
      // (hashicorp/terraform-provider-aws#28630 documents enabled = false for them).
      enabled: false,
      eventBatchingCondition: [{ batchSize: props.batchSize, batchWindow: props.batchWindowSeconds }],
      actions: [{ crawlerName: props.crawlerName }],
    });
    this.startTrigger.overrideLogicalId(stem);

    const jobs = [...(props.thenJobs ?? [])];
    if (jobs.length > 0) {
      this.thenTrigger = new GlueTrigger(this, "then", {
        name: `${props.workflowName}-then`,
        description: `A successful crawl runs ${jobs.join(", ")}`,
        workflowName: this.workflow.name,
        type: "CONDITIONAL",
        startOnCreation: true,
        // Glue requires the logical operator even for one condition.
        predicate: { logical: "AND", conditions: [{ crawlerName: props.crawlerName, crawlState: "SUCCEEDED", logicalOperator: "EQUALS" }] },
        actions: jobs.map((jobName) => ({ jobName })),
        ...(props.thenJobResources ? { dependsOn: [...props.thenJobResources] } : {}),
      });
      this.thenTrigger.overrideLogicalId(`${stem}--then`);
    }

    this.eventsRole = new ServiceRole(this, "events-role", {
      terraformName: `events__${name}`,
      roleName: props.eventsRoleName,
      description: `EventBridge notifies Glue workflow ${props.workflowName} of arrivals`,
      servicePrincipal: "events.amazonaws.com",
      accountId: props.accountId,
      policies: {
        "notify-workflow": policyDocument([{ Sid: "NotifyThisWorkflow", Effect: "Allow", Action: "glue:NotifyEvent", Resource: props.workflowArn }]),
      },
    });

    const target = (rule: CloudwatchEventRule, suffix: string) =>
      new CloudwatchEventTarget(this, `target${suffix}`, {
        rule: rule.name,
        arn: props.workflowArn,
        roleArn: this.eventsRole.role.arn,
        targetId: "workflow",
        // The workflow and the role's permission exist before the first event is sent.
        dependsOn: [this.workflow, this.startTrigger, ...Object.values(this.eventsRole.policies)],
      }).overrideLogicalId(`${stem}${suffix}`);

    this.arrivalsRule = new CloudwatchEventRule(this, "arrivals-rule", {
      name: `${props.workflowName}-arrivals`,
      description: `Objects created under ${[...props.prefixes].sort().join(", ")} of ${props.bucketName}`,
      eventPattern: JSON.stringify(arrivalsPattern(props.bucketName, props.prefixes)),
      state: "ENABLED",
    });
    this.arrivalsRule.overrideLogicalId(stem);
    target(this.arrivalsRule, "");

    if (props.schedule !== undefined) {
      const backstop = new CloudwatchEventRule(this, "schedule-rule", {
        name: `${props.workflowName}-schedule`,
        description: `Backstop crawl of ${props.workflowName}, in case an arrival event was lost`,
        scheduleExpression: props.schedule,
        state: "ENABLED",
      });
      backstop.overrideLogicalId(`${stem}--schedule`);
      target(backstop, "--schedule");
    }
  }
}

/** The EventBridge pattern of S3 "Object Created" events of one bucket under any of the prefixes. */
export function arrivalsPattern(bucketName: string, prefixes: readonly string[]): Record<string, unknown> {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: { bucket: { name: [bucketName] }, object: { key: [...new Set(prefixes)].sort().map((prefix) => ({ prefix })) } },
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const WORKFLOW_ARN = /^arn:aws[a-z-]*:glue:[a-z0-9-]+:\d{12}:workflow\/([A-Za-z0-9._-]+)$/;
const CRON = /^cron\(\S+(?: \S+){5}\)$/;

/** Every problem with the props, one sentence each; empty when they are fine. */
export function discoveryWorkflowProblems(props: DiscoveryWorkflowProps): string[] {
  const out: string[] = [];
  // Rule names are at most 64 characters; the longest suffix is -arrivals / -schedule (9).
  if (!NAME.test(props.workflowName) || props.workflowName.length > 64 - "-schedule".length) {
    out.push(`workflowName "${props.workflowName}" must be 1-55 letters, digits and ._- (EventBridge rule names add a suffix and stop at 64)`);
  }
  const arn = WORKFLOW_ARN.exec(props.workflowArn);
  if (!arn) out.push(`workflowArn "${props.workflowArn}" is not a Glue workflow ARN`);
  else if (arn[1] !== props.workflowName) out.push(`workflowArn "${props.workflowArn}" names workflow "${arn[1]}", not "${props.workflowName}"`);
  if (props.prefixes.length === 0) out.push("prefixes is empty: every object of the bucket would start a crawl");
  for (const p of props.prefixes) if (!/^([A-Za-z0-9_.=-]+\/)+$/.test(p)) out.push(`prefix "${p}" is not a key prefix of path segments ending in /`);
  if (!Number.isInteger(props.batchSize) || props.batchSize < 1 || props.batchSize > 100) out.push(`batchSize ${props.batchSize} is not a whole number from 1 to 100`);
  if (!Number.isInteger(props.batchWindowSeconds) || props.batchWindowSeconds < 1 || props.batchWindowSeconds > 900) {
    out.push(`batchWindowSeconds ${props.batchWindowSeconds} is not a whole number from 1 to 900`);
  }
  if (props.schedule !== undefined && !CRON.test(props.schedule)) out.push(`schedule "${props.schedule}" is not an AWS cron expression with six fields, e.g. cron(0 3 * * ? *)`);
  if (props.thenJobs && new Set(props.thenJobs).size !== props.thenJobs.length) out.push("thenJobs lists a job twice");
  return out;
}
