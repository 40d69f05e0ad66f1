import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_ATTEMPTS, createLiveClients } from "../../../generators/export/live/clients";

describe("createLiveClients", () => {
  it("configures every client with the adaptive retry mode and the attempts asked for", async () => {
    const c = createLiveClients({ region: "eu-west-1", profile: "lakeform-prod" });
    for (const client of [c.glue, c.lakeFormation, c.sts]) {
      expect(await client.config.region()).toBe("eu-west-1");
      expect(await client.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
      const strategy = await client.config.retryStrategy();
      expect((strategy as { mode?: string }).mode).toBe("adaptive");
      expect(strategy.constructor.name).toBe("AdaptiveRetryStrategy");
      expect((client.config as { profile?: string }).profile).toBe("lakeform-prod");
    }
    expect(await createLiveClients({ region: "eu-west-1", maxAttempts: 3 }).glue.config.maxAttempts()).toBe(3);
  });
});
