import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://hala.example.com",
  ENCRYPTION_KEY: Buffer.alloc(32).toString("base64"),
};

describe("env", () => {
  it("accepts a minimal environment and applies defaults (embedded database and cache)", () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PGLITE_DATA_DIR).toBe("./data/pglite");
    expect(env.GRAPH_API_URL).toBe("https://graph.facebook.com");
    expect(env.PORT).toBe(3000);
    expect(env.HALA_WORKERS).toBe(true);
  });

  it("treats empty URLs as absent", () => {
    expect(parseEnv({ ...valid, DATABASE_URL: "", REDIS_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names every missing or malformed variable", () => {
    try {
      parseEnv({ SHOPIFY_APP_URL: "not a url", PORT: "-1", GRAPH_API_VERSION: "24" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const names = (error as EnvError).issues.map((i) => i.variable).sort();
      expect(names).toEqual(
        [
          "ENCRYPTION_KEY",
          "GRAPH_API_VERSION",
          "PORT",
          "SHOPIFY_API_KEY",
          "SHOPIFY_API_SECRET",
          "SHOPIFY_APP_URL",
        ].sort(),
      );
      expect((error as Error).message).toContain("SHOPIFY_API_KEY");
    }
  });
});
