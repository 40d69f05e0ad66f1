import { z } from "zod";

/**
 * A zone's cross-region replication, spread into the zone manifest. raw is
 * the system of record and is replicated by default; processed and curated
 * are recomputed from raw after a failover, so they replicate only when a
 * manifest marks them.
 */
export const ZoneReplicationFields = {
  replicate: z
    .boolean()
    .optional()
    .describe(
      "Replicate the zone's objects (SSE-KMS, under the zone key's multi-Region replica) to the zone's bucket in the platform's DR region.\n@default - true for raw, false for every other zone",
    ),
  replicationTimeControl: z
    .boolean()
    .optional()
    .describe(
      "S3 Replication Time Control: 99.99 % of objects replicated within 15 minutes, with replication metrics and events; the RPO target of raw. Costs extra per GB replicated. Needs replicate.\n@default - false",
    ),
  replicateDeletes: z
    .boolean()
    .optional()
    .describe(
      "Replicate delete markers, so a delete in the primary hides the object in the replica too. Off, a mistaken or malicious delete leaves the replica intact. Needs replicate.\n@default - false",
    ),
};
