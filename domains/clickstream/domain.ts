import { defineDomain } from "lakeform";

/**
 * Ad-tech clickstream: about 4 TB a day of impression and click logs from
 * the ad servers, landed by Firehose into raw, conformed to Parquet in
 * processed, aggregated per campaign and hour in curated.
 */
export default defineDomain({
  name: "clickstream",
  description: "Ad impressions and clicks from the ad servers (~4 TB/day).",
  owner: { team: "adtech-data", email: "adtech-data@acme.example" },
  costCentre: "CC-2040",
  // Spiky EMR reprocessing: warn early on actual spend, and twice on the forecast.
  budget: { monthlyUsd: 9000, environments: { dev: 900 }, alertAtPercent: [50, 80, 100], forecastAtPercent: [90, 110] },
  lfTags: { domain: "clickstream", confidentiality: "internal" },
  zones: {
    raw: {
      description: "Firehose deliveries of impression and click events, JSON, partitioned by ingest hour",
      lfTags: { retention: "1y" },
      lifecycle: { intelligentTiering: true, glacierAfterDays: 180, expireAfterDays: 400 },
      // Erasure requests delete device events here; the DR copy must forget them too.
      replicateDeletes: true,
    },
    processed: {
      lfTags: { retention: "1y" },
      lifecycle: { staging: { prefix: "_staging/", expireAfterDays: 3 } },
    },
    curated: { lfTags: { retention: "2y" } },
  },
  tables: [
    {
      name: "events",
      zone: "raw",
      format: "json",
      description: "Ad-server events as Firehose delivered them",
      columns: [
        { name: "event_type", type: "string" },
        { name: "event_time", type: "string" },
        { name: "impression_id", type: "string" },
        { name: "click_id", type: "string" },
        { name: "campaign_id", type: "bigint" },
        { name: "creative_id", type: "bigint" },
        { name: "publisher_id", type: "bigint" },
        { name: "device_id", type: "string", lfTags: { confidentiality: "pii" } },
        { name: "ip_address", type: "string", lfTags: { confidentiality: "pii" } },
        { name: "country", type: "string" },
        { name: "bid_price_usd", type: "decimal(12,6)" },
        { name: "landing_url", type: "string" },
      ],
      partitionKeys: [{ name: "ingest_hour", type: "string" }],
    },
    {
      name: "impressions",
      zone: "processed",
      description: "One row per ad impression, deduplicated by impression_id",
      columns: [
        { name: "impression_id", type: "string" },
        { name: "event_time", type: "timestamp" },
        { name: "campaign_id", type: "bigint" },
        { name: "creative_id", type: "bigint" },
        { name: "publisher_id", type: "bigint" },
        { name: "device_id", type: "string", comment: "Advertising ID (GAID/IDFA)", lfTags: { confidentiality: "pii" } },
        { name: "ip_address", type: "string", lfTags: { confidentiality: "pii" } },
        { name: "country", type: "char(2)" },
        { name: "bid_price_usd", type: "decimal(12,6)" },
        { name: "user_agent", type: "struct<browser:string,os:string,device_type:string>" },
      ],
      quality: ["RowCount > 0", 'IsUnique "impression_id"', 'IsComplete "campaign_id"', 'ColumnValues "bid_price_usd" between -1 and 1000'],
      partitionKeys: [
        { name: "event_date", type: "date" },
        { name: "event_hour", type: "tinyint" },
      ],
    },
    {
      name: "clicks",
      zone: "processed",
      description: "One row per click, joined to its impression",
      columns: [
        { name: "click_id", type: "string" },
        { name: "impression_id", type: "string" },
        { name: "event_time", type: "timestamp" },
        { name: "campaign_id", type: "bigint" },
        { name: "device_id", type: "string", lfTags: { confidentiality: "pii" } },
        { name: "landing_url", type: "string" },
      ],
      partitionKeys: [{ name: "event_date", type: "date" }],
    },
    {
      name: "campaign_hourly",
      zone: "curated",
      format: "iceberg",
      description: "Impressions, clicks, spend and CTR per campaign and hour",
      columns: [
        { name: "campaign_id", type: "bigint" },
        { name: "hour", type: "timestamp" },
        { name: "impressions", type: "bigint" },
        { name: "clicks", type: "bigint" },
        { name: "spend_usd", type: "decimal(18,6)" },
        { name: "ctr", type: "double" },
      ],
    },
    {
      name: "ctr_features",
      zone: "curated",
      format: "iceberg",
      description: "Seven-day impression, click and CTR features per campaign and creative, for the CTR model",
      columns: [
        { name: "campaign_id", type: "bigint" },
        { name: "creative_id", type: "bigint" },
        { name: "impressions_7d", type: "bigint" },
        { name: "clicks_7d", type: "bigint" },
        { name: "ctr_7d", type: "double" },
      ],
      partitionKeys: [{ name: "feature_date", type: "date" }],
    },
  ],
  jobs: [
    {
      name: "conform-events",
      engine: "emr-serverless",
      description: "Split the spiky raw event stream into impressions and clicks",
      script: "jobs/conform_events.py",
      reads: ["raw.events"],
      writes: ["processed.impressions", "processed.clicks"],
      maximumCapacity: { cpu: "400 vCPU", memory: "1600 GB" },
      idleTimeoutMinutes: 15,
      processesPii: "Carries device IDs and IPs from raw into processed, where consumers see them only masked.",
    },
    {
      name: "campaign-hourly",
      engine: "glue",
      description: "Hourly campaign roll-up",
      script: "jobs/campaign_hourly.py",
      reads: ["processed.impressions", "processed.clicks"],
      writes: ["curated.campaign_hourly"],
      workers: 4,
      schedule: "cron(15 * * * ? *)",
      processesPii: "Reads whole impression and click rows; writes aggregates without device IDs or IPs.",
    },
    {
      name: "ctr-features",
      engine: "emr-eks",
      description: "Daily CTR model features: a burst of Spark on the platform's EKS capacity once the hour's impressions pass their gate",
      script: "jobs/ctr_features.py",
      reads: ["processed.impressions", "processed.clicks"],
      writes: ["curated.ctr_features"],
      executor: { cores: 4, memoryGb: 16 },
      maxExecutors: 40,
      timeoutMinutes: 45,
      processesPii: "Counts impressions and clicks per campaign and creative; device IDs and IPs are read, never written.",
    },
  ],
  discovery: [
    {
      name: "streams",
      description: "New ad-server event streams, one folder each under streams/, catalogued within minutes of their first file",
      prefixes: ["streams/"],
      exclude: ["**/_temporary/**"],
      tablePrefix: "stream_",
      batch: { size: 100, windowSeconds: 300 },
      schedule: "cron(30 3 * * ? *)",
    },
  ],
  pipeline: {
    schedule: "@hourly",
    retries: 3,
    retryDelayMinutes: 2,
    slaMinutes: 45,
    tasks: [
      { name: "conform_events", job: "conform-events" },
      { name: "impressions_quality", quality: "processed.impressions", after: ["conform_events"] },
      { name: "ctr_features", job: "ctr-features", after: ["impressions_quality"] },
    ],
  },
  ingestion: {
    streams: [
      {
        name: "ad-events",
        description: "The ad servers PUT impression and click events, one newline-terminated JSON object per record.",
        table: "raw.events",
        partitions: { ingest_hour: "yyyy-MM-dd-HH" },
        bufferSizeMib: 128,
        bufferIntervalSeconds: 300,
      },
    ],
  },
  access: [
    {
      name: "data-science",
      description: "The data-science group explores every internal clickstream column; device IDs and IPs (pii) stay hidden.",
      principal: "data-science",
      tags: { domain: ["clickstream"], confidentiality: ["internal"] },
    },
    {
      name: "ctr-model-training",
      description: "SageMaker training jobs read the hourly campaign aggregates.",
      principal: "sagemaker-training",
      tables: ["curated.campaign_hourly"],
      permissions: ["SELECT"],
    },
    {
      name: "partner-reporting",
      description: "The ad-tech partner's account reads campaign performance (cross-account share).",
      principal: "partner-adtech",
      tables: ["curated.campaign_hourly"],
      permissions: ["DESCRIBE", "SELECT"],
    },
  ],
});
