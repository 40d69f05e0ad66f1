import { defineDomain } from "lakeform";

/**
 * Billing: invoices and card payments from the Oracle billing system by DMS
 * CDC. Card numbers are PII and kept for seven years.
 */
export default defineDomain({
  name: "billing",
  description: "Invoices and card payments from the billing system (DMS CDC).",
  owner: { team: "billing-data", email: "billing-data@acme.example" },
  costCentre: "CC-3100",
  environments: ["dev", "prod"],
  lfTags: { domain: "billing", confidentiality: "confidential", retention: "7y" },
  zones: {
    raw: { lifecycle: { glacierAfterDays: 365, noncurrentVersionExpiryDays: 365 } },
    processed: {},
    curated: {},
  },
  tables: [
    {
      name: "payments",
      zone: "processed",
      description: "Card payments, one row per authorisation",
      columns: [
        { name: "payment_id", type: "string" },
        { name: "account_id", type: "bigint" },
        { name: "card_pan", type: "string", comment: "Primary account number", lfTags: { confidentiality: "pii" } },
        { name: "card_expiry", type: "varchar(5)", lfTags: { confidentiality: "pii" } },
        { name: "amount", type: "decimal(18,2)" },
        { name: "currency", type: "char(3)" },
        { name: "authorised_at", type: "timestamp" },
        { name: "status", type: "string" },
      ],
      partitionKeys: [{ name: "authorised_date", type: "date" }],
    },
    {
      name: "invoices",
      zone: "curated",
      format: "iceberg",
      description: "Monthly invoices per account",
      columns: [
        { name: "invoice_id", type: "string" },
        { name: "account_id", type: "bigint" },
        { name: "billing_month", type: "date" },
        { name: "lines", type: "array<struct<sku:string,quantity:int,amount:decimal(18,2)>>" },
        { name: "total", type: "decimal(18,2)" },
        { name: "currency", type: "char(3)" },
      ],
    },
  ],
  jobs: [
    {
      name: "monthly-invoices",
      engine: "glue",
      description: "Invoices per account and month from captured payments",
      script: "jobs/monthly_invoices.py",
      reads: ["processed.payments"],
      writes: ["curated.invoices"],
      flex: true,
      schedule: "cron(0 4 1 * ? *)",
      processesPii: "Matches refunds to payments by card; card data is never written to curated.",
    },
  ],
  consumes: [{ domain: "cdr", zone: "curated", description: "Per-subscriber daily charges feed monthly invoicing." }],
  access: [
    {
      name: "analysts",
      description: "Analysts read billing data; card numbers (tagged pii) stay hidden.",
      principal: "analysts",
      tags: { domain: ["billing"], confidentiality: ["confidential"] },
    },
    {
      name: "finance-bi",
      description: "Redshift Spectrum serves the finance dashboards: payments without card data.",
      principal: "redshift-spectrum",
      table: "processed.payments",
      mask: ["card_pan", "card_expiry"],
    },
  ],
});
