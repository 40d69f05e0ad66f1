import { defineDomain } from "lakeform";

/**
 * The network-ops domain, scaffolded by `lakeform new-domain`. It validates,
 * synthesizes and plans as it is: replace the sample table, job and grant
 * with your own (README.md in this folder walks through it).
 */
export default defineDomain({
  name: "network-ops",
  description: "The network-ops domain of noc.",
  owner: { team: "noc", email: "noc@acme.example" },
  costCentre: "CC-7100",
  environments: ["prod"],
  lfTags: { domain: "network-ops", confidentiality: "internal" },
  // Monthly AWS Budget per environment, emailed to the owner at 80 % and 100 %
  // of actual spend and when the month's forecast passes 100 %.
  budget: { monthlyUsd: 2500 },
  tables: [
    {
      name: "events",
      zone: "raw",
      format: "json",
      description: "Events as the producer sends them, one JSON document per line",
      columns: [
        { name: "event_id", type: "string" },
        { name: "event_time", type: "timestamp" },
        { name: "event_type", type: "string" },
        { name: "payload", type: "string" },
      ],
      partitionKeys: [{ name: "ingest_date", type: "date" }],
    },
    {
      name: "events",
      zone: "processed",
      description: "Events conformed to Parquet, one row per event, deduplicated",
      columns: [
        { name: "event_id", type: "string" },
        { name: "event_time", type: "timestamp" },
        { name: "event_type", type: "string" },
        { name: "payload", type: "string" },
      ],
      partitionKeys: [{ name: "event_date", type: "date" }],
      quality: ["RowCount > 0", 'IsComplete "event_id"', 'IsUnique "event_id"'],
    },
  ],
  jobs: [
    {
      name: "conform-events",
      engine: "glue",
      description: "Conforms the day's raw events into processed, deduplicated by event_id",
      script: "jobs/conform_events.py",
      reads: ["raw.events"],
      writes: ["processed.events"],
    },
  ],
  pipeline: {
    schedule: "0 3 * * *",
    tasks: [
      { name: "conform_events", job: "conform-events" },
      { name: "events_quality", quality: "processed.events", after: ["conform_events"] },
    ],
  },
  access: [
    {
      name: "analysts",
      description: "analysts read the domain's internal data",
      principal: "analysts",
      tags: { domain: ["network-ops"], confidentiality: ["internal"] },
    },
  ],
});
