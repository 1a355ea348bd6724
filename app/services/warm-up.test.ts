import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "~/env.server";
import { resetWarmUpForTests, warmUp, warmUpThread } from "./warm-up.server";

describe("warmUp", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
    resetWarmUpForTests();
  });

  it("runs the workers' path on made-up webhooks: every one gets the engine's replies, built for the Graph API", () => {
    const result = warmUp("workers", { rounds: 60, budgetMs: 60_000 });
    expect(result.rounds).toBe(60);
    // A new shopper's "hi" is answered (welcome and menu): each round built at least one Graph request.
    expect(result.replies).toBeGreaterThanOrEqual(60);
  });

  it("runs the intake's path (parse, signature, schema) without the conversation", () => {
    expect(warmUp("intake", { rounds: 25, budgetMs: 60_000 })).toMatchObject({ rounds: 25, replies: 0 });
  });

  it("stops at its time budget", () => {
    expect(warmUp("workers", { rounds: 1_000_000, budgetMs: 0 }).rounds).toBe(0);
    const bounded = warmUp("intake", { rounds: 1_000_000, budgetMs: 50 });
    expect(bounded.rounds).toBeGreaterThan(0);
    expect(bounded.rounds).toBeLessThan(1_000_000);
    expect(bounded.ms).toBeLessThan(1_000);
  });

  it("a failing warm-up does not fail the start", () => {
    const failing = () => {
      throw new Error("warm-up: body is not a JSON object");
    };
    expect(warmUpThread("intake", failing)).toBeUndefined();
  });

  it("runs once per thread: the workers' part includes the intake's", () => {
    const run = vi.fn((_part: "intake" | "workers") => ({ rounds: 1, replies: 0, ms: 0 }));
    expect(warmUpThread("intake", run)).toBeDefined();
    expect(warmUpThread("intake", run)).toBeUndefined();
    expect(warmUpThread("workers", run)).toBeDefined();
    expect(warmUpThread("workers", run)).toBeUndefined();
    expect(run.mock.calls.map(([part]) => part)).toEqual(["intake", "workers"]);

    resetWarmUpForTests();
    run.mockClear();
    expect(warmUpThread("workers", run)).toBeDefined();
    expect(warmUpThread("intake", run)).toBeUndefined();
    expect(run.mock.calls.map(([part]) => part)).toEqual(["workers"]);
  });

  it("a failed warm-up does not count as done", () => {
    const failing = vi.fn(() => {
      throw new Error("warm-up: body is not a JSON object");
    });
    expect(warmUpThread("workers", failing)).toBeUndefined();
    expect(warmUpThread("workers", () => ({ rounds: 1, replies: 1, ms: 0 }))).toBeDefined();
  });

  it("is off with HALA_WARM_UP_MS=0", () => {
    vi.stubEnv("HALA_WARM_UP_MS", "0");
    resetEnvForTests();
    expect(warmUpThread("workers")).toBeUndefined();
    vi.stubEnv("HALA_WARM_UP_MS", "200");
    resetEnvForTests();
    expect(warmUpThread("intake")?.rounds).toBeGreaterThan(0);
  });
});

// What the warm-up is for: V8 has optimised (TurboFan) the per-message functions before the first real message.
// Checked in a child process with V8's own view of the functions (natives syntax) and the app's V8 flags, as a
// served process has them: without the warm-up they are not optimised yet, after it they are.
const dir = mkdtempSync(path.join(os.tmpdir(), "hala-warm-up-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const url = (file: string) => JSON.stringify(pathToFileURL(path.resolve(file)).href);
const SCRIPT = `
await import(${url("scripts/v8-flags.ts")});
const { warmUp } = await import(${url("app/services/warm-up.server.ts")});
const { encodeAction } = await import(${url("app/domain/conversation/ids.ts")});
const { verifySignature } = await import(${url("app/adapters/whatsapp/verify-signature.ts")});
const { parseWebhookBody } = await import(${url("app/adapters/whatsapp/webhook-schema.ts")});
const { toGraphRequest } = await import(${url("app/adapters/whatsapp/to-graph-request.ts")});
if (process.argv[2] === "warm") warmUp("workers");
// TurboFan compiles in the background.
await new Promise((resolve) => setTimeout(resolve, 500));
const optimised = (f) => (eval("%GetOptimizationStatus(f)") & 16) !== 0;
process.stdout.write(JSON.stringify([verifySignature, parseWebhookBody, encodeAction, toGraphRequest].map(optimised)));
`;

function optimisedAfter(mode: "warm" | "cold"): boolean[] {
  const file = path.join(dir, "warm.mjs");
  writeFileSync(file, SCRIPT);
  const child = spawnSync(process.execPath, ["--allow-natives-syntax", "--import", "tsx", file, mode], {
    cwd: process.cwd(),
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, LOG_LEVEL: "silent" },
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as boolean[];
}

describe("the warm-up's effect", () => {
  // (Functions V8 inlines into their callers, such as the engine's `transition`, get no code of their own: the
  // menu's button ids, encodeAction, stand for the engine's turn.)
  it("leaves the signature check, the webhook schema, the engine's menu and the Graph request builder optimised", () => {
    expect(optimisedAfter("cold")).toEqual([false, false, false, false]);
    expect(optimisedAfter("warm")).toEqual([true, true, true, true]);
  }, 120_000);
});
