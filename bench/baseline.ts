/**
 * The hand-written baseline: a plain CDKTF program, no Lakeform code, that
 * constructs the same resources as Lakeform emits for the synthetic domains
 * (same types, same counts, same configuration) and synthesizes them.
 *
 * Writing 40,000 resources by hand is not practical, so the program is data
 * driven: it reads the Terraform JSON of each stack (a spec, bench/spec.ts) and, for every
 * resource, calls the provider class's constructor with that resource's
 * configuration as a literal object, camelCased as a hand-written program
 * would write it. References between resources are real CDKTF references
 * (`bucket.getStringAttribute("arn")`, `dependsOn: [role]`), as a
 * hand-written program's would be, not pasted strings. Providers, the backend
 * and outputs are constructs too. The App uses default options, as a naive
 * program would: construct stack traces on, and cdktf's per-token traces on
 * (they are always on in cdktf). With `--lean` it does what Lakeform does
 * (no traces of either kind), to show what the DSL itself costs.
 *
 * Usage: node --import tsx bench/baseline.ts <spec dir> <outdir> [--lean]
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { App, LocalBackend, S3Backend, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { oneStack, withoutTokenTraces } from "../generators/stacks/stack-by-stack";
import { type TerraformJson, resourceClassModule } from "./spec";

/** Map-valued attributes whose keys are data (tag names, job arguments), not attribute names. */
const MAP_ATTRIBUTES = new Set(["tags", "tags_all", "default_arguments", "non_overridable_arguments", "parameters", "environment_variables", "variables", "airflow_configuration_options", "spark_submit_parameters_map", "storage_descriptor_parameters", "serde_parameters", "classification_properties"]);

/** Attributes the provider bindings rename because the plain name is taken (a method, a construct property). */
const RENAMED: Record<string, string> = { equals: "equalTo", self: "selfAttribute" };

const camel = (key: string) => RENAMED[key] ?? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

type ResourceClass = new (scope: Construct, id: string, config: Record<string, unknown>) => TerraformResource;

async function classFor(type: string): Promise<ResourceClass> {
  const mod = (await import(resourceClassModule(type))) as Record<string, unknown>;
  const cls = Object.values(mod).find((v) => typeof v === "function" && (v as { tfResourceType?: string }).tfResourceType === type);
  if (!cls) throw new Error(`no provider class for ${type}`);
  return cls as ResourceClass;
}

const REF = /\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}/g;

/** Resources a value refers to, as `type.name`. */
function refsOf(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === "string") for (const m of value.matchAll(REF)) out.add(`${m[1]}.${m[2]}`);
  else if (Array.isArray(value)) value.forEach((v) => refsOf(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => refsOf(v, out));
  return out;
}

/**
 * Configuration as a hand-written program passes it: camelCase attribute
 * names, references as tokens of the resources. `keys`: whether this level's
 * keys are attribute names, a map's keys (this level only) or data (all levels).
 */
function toConfig(value: unknown, resources: Map<string, TerraformResource>, keys: "attributes" | "map" | "data" = "attributes"): unknown {
  if (typeof value === "string") {
    return value.replace(REF, (whole, type: string, name: string, attr: string) => resources.get(`${type}.${name}`)?.getStringAttribute(attr) ?? whole);
  }
  if (Array.isArray(value)) return value.map((v) => toConfig(v, resources, keys === "data" ? "data" : "attributes"));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) =>
        keys === "attributes" ? [camel(k), toConfig(v, resources, MAP_ATTRIBUTES.has(k) ? "map" : "attributes")] : [k, toConfig(v, resources, keys === "data" ? "data" : "attributes")],
      ),
    );
  }
  return value;
}

function buildStack(app: App, name: string, tf: TerraformJson, classes: Map<string, ResourceClass>): TerraformStack {
  const stack = new TerraformStack(app, name);
  const providers = new Map<string, TerraformProvider>();
  for (const p of tf.provider?.aws ?? []) {
    const config = toConfig(p, new Map()) as Record<string, unknown>;
    providers.set(p.alias ? `aws.${p.alias as string}` : "aws", new AwsProvider(stack, p.alias ? `aws-${p.alias as string}` : "aws", config));
  }
  const backend = tf.terraform?.backend;
  if (backend?.local) new LocalBackend(stack, backend.local as { path: string });
  else if (backend?.s3) new S3Backend(stack, toConfig(backend.s3, new Map()) as ConstructorParameters<typeof S3Backend>[1]);

  // Resources in dependency order, so each reference names a resource already built.
  const entries = Object.entries(tf.resource ?? {}).flatMap(([type, byName]) => Object.entries(byName).map(([n, body]) => ({ type, name: n, key: `${type}.${n}`, body })));
  const pending = new Map(entries.map((e) => [e.key, e]));
  const resources = new Map<string, TerraformResource>();
  const build = (key: string) => {
    const e = pending.get(key);
    if (!e) return;
    pending.delete(key);
    const { depends_on: dependsOn, provider, "//": _meta, ...body } = e.body as Record<string, unknown>;
    const deps = [...refsOf(body, new Set()), ...((dependsOn as string[] | undefined) ?? [])];
    deps.forEach(build);
    const config = toConfig(body, resources) as Record<string, unknown>;
    if (dependsOn) config.dependsOn = (dependsOn as string[]).map((d) => resources.get(d)!);
    if (provider) config.provider = providers.get(provider as string)!;
    const resource = new (classes.get(e.type)!)(stack, e.key, config);
    resource.overrideLogicalId(e.name);
    resources.set(e.key, resource);
  };
  for (const e of entries) build(e.key);

  for (const [id, out] of Object.entries(tf.output ?? {})) {
    const { value, ...rest } = out as { value: unknown };
    new TerraformOutput(stack, id, { ...(toConfig(rest, resources) as object), value: toConfig(value, resources, "data") });
  }
  return stack;
}

/**
 * Synthesizes every stack of a spec directory (`<spec>/<stack>.json`, see
 * writeSpec) into `outdir` as a plain CDKTF app. Each stack's JSON is read
 * when the stack is built, as a program would hold its own literals.
 */
export async function synthesizeBaseline(specDir: string, outdir: string, lean: boolean): Promise<void> {
  const classes = new Map<string, ResourceClass>();
  const stacks = async function* () {
    for (const file of readdirSync(specDir).filter((f) => f.endsWith(".json")).sort()) {
      const tf = JSON.parse(readFileSync(join(specDir, file), "utf8")) as TerraformJson;
      for (const type of Object.keys(tf.resource ?? {})) if (!classes.has(type)) classes.set(type, await classFor(type));
      yield [file.slice(0, -".json".length), tf] as const;
    }
  };
  if (!lean) {
    // Naive: default App options (construct stack traces on), every stack held until app.synth().
    const app = new App({ outdir });
    for await (const [name, tf] of stacks()) buildStack(app, name, tf, classes);
    app.synth();
    return;
  }
  // What Lakeform does: no traces, one stack in memory at a time.
  const app = new App({ outdir, stackTraces: false });
  const session = { outdir: app.outdir, skipValidation: false, manifest: app.manifest };
  for await (const [name, tf] of stacks()) {
    withoutTokenTraces(() =>
      oneStack(app, (scope) => buildStack(scope, name, tf, classes), (s) => {
        s.prepareStack();
        s.synthesizer.synthesize(session);
      }),
    );
  }
  app.synth();
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [specDir, outdir, flag] = process.argv.slice(2);
  if (!specDir || !outdir) {
    process.stderr.write("usage: baseline.ts <spec dir> <outdir> [--lean]\n");
    process.exit(2);
  }
  await synthesizeBaseline(specDir, outdir, flag === "--lean");
}
