import { rmSync } from "node:fs";
import type { Server } from "node:http";
import { BroadcastChannel } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serve, stopWorkerThread, workerThreadWanted } from "../scripts/serve";
import { writeStandInBuild } from "./helpers/stand-in-build";

// The workers in a thread of their own (scripts/serve.ts, scripts/worker-thread.mjs,
// docs/decisions/011-worker-thread.md). The thread's life is checked with a stand-in build that reports what
// each thread saw on a BroadcastChannel; the real build runs this way in the resilience suite's crash test and
// in bench:webhook.

describe("workerThreadWanted", () => {
  it("on by default with a server database; never without one (PGlite), with the workers off, or when turned off", () => {
    const pg = { DATABASE_URL: "postgresql://db/hala" };
    expect(workerThreadWanted(pg)).toBe(true);
    expect(workerThreadWanted({ ...pg, HALA_WORKER_THREAD: "auto" })).toBe(true);
    expect(workerThreadWanted({ ...pg, HALA_WORKER_THREAD: "true" })).toBe(true);
    expect(workerThreadWanted({ ...pg, HALA_WORKER_THREAD: "false" })).toBe(false);
    expect(workerThreadWanted({ ...pg, HALA_WORKER_THREAD: "0" })).toBe(false);
    expect(workerThreadWanted({ ...pg, HALA_WORKERS: "false" })).toBe(false);
    expect(workerThreadWanted({})).toBe(false);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(workerThreadWanted({ HALA_WORKER_THREAD: "true" })).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/needs DATABASE_URL/));
    warn.mockRestore();
  });

  it("refuses a setting it does not know rather than guessing (validated with the app's env schema)", () => {
    expect(() =>
      workerThreadWanted({ DATABASE_URL: "postgresql://db/hala", HALA_WORKER_THREAD: "yes" }),
    ).toThrow(/HALA_WORKER_THREAD/);
    expect(() => workerThreadWanted({ DATABASE_URL: "postgresql://db/hala", HALA_WORKERS: "off" })).toThrow(
      /HALA_WORKERS/,
    );
  });
});

/** A build whose import and background start/stop report to the test; its first start in a thread fails. */
const STAND_IN_BUILD = `
import { BroadcastChannel, isMainThread, resourceLimits, threadId } from "node:worker_threads";
import { existsSync, writeFileSync } from "node:fs";
const report = new BroadcastChannel("hala-test:worker-thread");
report.unref();
const thread = isMainThread ? "main" : "worker";
report.postMessage({ event: "import", thread, threadId, workers: process.env.HALA_WORKERS,
  wakes: process.env.HALA_WORKER_THREAD_RUNNING ?? null, youngMb: resourceLimits.maxYoungGenerationSizeMb ?? null,
  instance: process.env.HALA_INSTANCE_ID ?? null });
const failedOnce = new URL("./failed-once", import.meta.url);
export const entry = { module: {
  default: () => new Response("stand-in"),
  background: {
    async start() {
      if (!isMainThread && !existsSync(failedOnce)) {
        writeFileSync(failedOnce, "1");
        throw new Error("first start fails");
      }
      report.postMessage({ event: "start", thread, threadId });
    },
    async stop() {
      report.postMessage({ event: "stop", thread, threadId });
    },
  },
} };
`;

type Report = {
  event: string;
  thread: string;
  threadId: number;
  workers?: string;
  wakes?: string | null;
  youngMb?: number | null;
  instance?: string | null;
};

describe("serve() with the workers in their own thread", () => {
  const saved = { ...process.env };
  let root: string | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await stopWorkerThread();
    server?.close();
    server = undefined;
    for (const key of [
      "HALA_WORKERS",
      "HALA_WORKER_THREAD_RUNNING",
      "HALA_WORKER_THREAD",
      "HALA_INSTANCE_ID",
      "DATABASE_URL",
    ])
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    if (root) rmSync(root, { recursive: true, force: true });
    delete (globalThis as { __halaWorkerThread?: object }).__halaWorkerThread;
  });

  it("the web thread imports the build with the workers off; a thread runs them, is started again after a failed start, and stops on request", async () => {
    root = writeStandInBuild("hala-thread-", STAND_IN_BUILD);
    const reports: Report[] = [];
    const channel = new BroadcastChannel("hala-test:worker-thread");
    channel.onmessage = (event) => reports.push((event as unknown as { data: Report }).data);
    const until = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!predicate()) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(reports)}`);
    };
    try {
      process.env.DATABASE_URL = "postgresql://127.0.0.1:1/not-used-by-the-stand-in";
      delete process.env.HALA_WORKERS;
      delete process.env.HALA_WORKER_THREAD;
      const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
      server = await serve({ port: 0, root });
      await until(() => reports.some((r) => r.event === "start"), "the workers' start");
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/worker thread exited .*starting it again/));
      error.mockRestore();

      const imports = reports.filter((r) => r.event === "import");
      // The web thread: workers off. Two threads after it (the first one's start failed): workers on, and
      // both get the web thread's wakes over the BroadcastChannel (app/services/worker.server.ts).
      expect(imports.map((r) => [r.thread, r.workers, r.wakes])).toEqual([
        ["main", "false", "1"],
        ["worker", "true", "1"],
        ["worker", "true", "1"],
      ]);
      // The thread's young generation: 3 × HALA_WORKER_THREAD_SEMI_SPACE_MB (default 64); the web thread's is V8's.
      expect(imports.map((r) => r.youngMb)).toEqual([null, 192, 192]);
      // One instance id for the process's threads: the thread ignores the cache's echo of the web thread's wakes.
      expect(imports[0].instance).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(imports.map((r) => r.instance)).size).toBe(1);
      expect(new Set(imports.map((r) => r.threadId)).size).toBe(3);
      const started = reports.filter((r) => r.event === "start");
      expect(started).toHaveLength(1);
      expect(started[0].threadId).toBe(imports[2].threadId);

      // What /healthz reports (app/services/health.server.ts): running, started again once.
      const status = () => (globalThis as { __halaWorkerThread?: object }).__halaWorkerThread;
      await until(
        () => JSON.stringify(status()) === JSON.stringify({ running: true, restarts: 1 }),
        "the status",
      );

      await stopWorkerThread();
      expect(reports.filter((r) => r.event === "stop").map((r) => r.threadId)).toEqual([imports[2].threadId]);
      expect(status()).toEqual({ running: false, restarts: 1 });
    } finally {
      channel.close();
    }
  });
});

describe("wakes between the web thread and the workers' thread", () => {
  afterEach(() => {
    delete process.env.HALA_WORKER_THREAD_RUNNING;
    vi.resetModules();
  });

  it("a wake goes to the other threads once per turn of the event loop, and one from them wakes a worker here", async () => {
    process.env.HALA_WORKER_THREAD_RUNNING = "1";
    vi.resetModules();
    const { wake, createPollingWorker } = await import("~/services/worker.server");
    const otherThread = new BroadcastChannel("hala:wake");
    const received: unknown[] = [];
    otherThread.onmessage = (event) => received.push((event as unknown as { data: unknown }).data);
    let runs = 0;
    const worker = createPollingWorker({
      name: "wake-test",
      channel: "wake-test:in",
      pollMs: 60_000,
      runOnce: async () => (runs++, 0),
    });
    try {
      for (let i = 0; i < 5; i++) wake("wake-test:out");
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toEqual(["wake-test:out"]);

      worker.start();
      await new Promise((r) => setTimeout(r, 50));
      expect(runs).toBe(1); // the first batch, then asleep for a minute
      otherThread.postMessage("wake-test:in");
      await new Promise((r) => setTimeout(r, 100));
      expect(runs).toBe(2);
    } finally {
      await worker.stop();
      otherThread.close();
    }
  });
});
