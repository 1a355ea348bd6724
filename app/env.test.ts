import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, parseTuning } from "./env.server";

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

  it("gives the tuning knobs their defaults without the Shopify settings", () => {
    expect(parseTuning({})).toEqual({
      HALA_WORKERS: true,
      DATABASE_POOL_MAX: 20,
      DATABASE_POOL_MIN: undefined,
      DATABASE_PLAN_REFRESH_ROWS: 1000,
      HALA_INTAKE_STATEMENTS: 4,
      HALA_INTAKE_LINGER_MS: 5,
      HALA_INBOX_CONCURRENCY: 64,
      HALA_INBOX_BATCHES: 2,
      HALA_OUTBOX_LANES: 1,
      HALA_SEND_ON_COMMIT: true,
      HALA_WORKER_THREAD: "auto",
      HALA_WORKER_THREAD_NICE: 0,
      HALA_WORKER_THREAD_SEMI_SPACE_MB: 64,
      HALA_WARM_UP_MS: 1000,
      HALA_LISTEN_SOCKETS: 8,
      HALA_FEEDBACK_DELAY_SECONDS: undefined,
      HALA_AWAY_DELAY_SECONDS: undefined,
    });
    // Empty means unset, as a blank line in an .env file gives.
    expect(parseTuning({ DATABASE_POOL_MIN: "" }).DATABASE_POOL_MIN).toBeUndefined();
    expect(parseTuning({ HALA_INBOX_CONCURRENCY: "", HALA_SEND_ON_COMMIT: "" })).toMatchObject({
      HALA_INBOX_CONCURRENCY: 64,
      HALA_SEND_ON_COMMIT: true,
    });
  });

  it("reads the tuning knobs' values", () => {
    const t = parseTuning({
      HALA_WORKERS: "0",
      DATABASE_POOL_MAX: "50",
      DATABASE_POOL_MIN: "0",
      DATABASE_PLAN_REFRESH_ROWS: "0",
      HALA_INTAKE_LINGER_MS: "0",
      HALA_INBOX_CONCURRENCY: "128",
      HALA_INBOX_BATCHES: "3",
      HALA_SEND_ON_COMMIT: "false",
      HALA_WORKER_THREAD: "false",
      HALA_WORKER_THREAD_NICE: "10",
      HALA_WORKER_THREAD_SEMI_SPACE_MB: "0",
      HALA_WARM_UP_MS: "0",
      HALA_LISTEN_SOCKETS: "1",
      HALA_FEEDBACK_DELAY_SECONDS: "5",
      HALA_AWAY_DELAY_SECONDS: "0",
    });
    expect(t).toMatchObject({
      HALA_WORKERS: false,
      DATABASE_POOL_MAX: 50,
      DATABASE_POOL_MIN: 0,
      DATABASE_PLAN_REFRESH_ROWS: 0,
      HALA_INTAKE_LINGER_MS: 0,
      HALA_INBOX_CONCURRENCY: 128,
      HALA_INBOX_BATCHES: 3,
      HALA_SEND_ON_COMMIT: false,
      HALA_WORKER_THREAD: false,
      HALA_WORKER_THREAD_NICE: 10,
      HALA_WORKER_THREAD_SEMI_SPACE_MB: 0,
      HALA_WARM_UP_MS: 0,
      HALA_LISTEN_SOCKETS: 1,
      HALA_FEEDBACK_DELAY_SECONDS: 5,
      HALA_AWAY_DELAY_SECONDS: 0,
    });
    expect(parseTuning({ HALA_WORKER_THREAD: "1" }).HALA_WORKER_THREAD).toBe(true);
    // The full environment carries them too.
    expect(parseEnv({ ...valid, HALA_OUTBOX_LANES: "2" }).HALA_OUTBOX_LANES).toBe(2);
  });

  it("refuses a malformed tuning knob, naming it, instead of falling back to its default", () => {
    try {
      parseTuning({
        HALA_INBOX_CONCURRENCY: "lots",
        HALA_INBOX_BATCHES: "0",
        HALA_INTAKE_STATEMENTS: "2.5",
        HALA_INTAKE_LINGER_MS: "51",
        HALA_SEND_ON_COMMIT: "no",
        HALA_WORKER_THREAD_NICE: "20",
        HALA_WORKER_THREAD_SEMI_SPACE_MB: "1024",
        HALA_WARM_UP_MS: "10001",
        HALA_LISTEN_SOCKETS: "0",
        HALA_AWAY_DELAY_SECONDS: "-1",
        DATABASE_POOL_MIN: "-1",
        DATABASE_PLAN_REFRESH_ROWS: "-1",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      expect((error as EnvError).issues.map((i) => i.variable).sort()).toEqual([
        "DATABASE_PLAN_REFRESH_ROWS",
        "DATABASE_POOL_MIN",
        "HALA_AWAY_DELAY_SECONDS",
        "HALA_INBOX_BATCHES",
        "HALA_INBOX_CONCURRENCY",
        "HALA_INTAKE_LINGER_MS",
        "HALA_INTAKE_STATEMENTS",
        "HALA_LISTEN_SOCKETS",
        "HALA_SEND_ON_COMMIT",
        "HALA_WARM_UP_MS",
        "HALA_WORKER_THREAD_NICE",
        "HALA_WORKER_THREAD_SEMI_SPACE_MB",
      ]);
    }
  });
});
