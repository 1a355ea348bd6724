import { describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { createPollingWorker, wake } from "~/services/worker.server";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("createPollingWorker", () => {
  it("runs `lanes` batches at once, and stop() waits for the running ones", async () => {
    let inFlight = 0;
    let most = 0;
    let batches = 0;
    const worker = createPollingWorker({
      name: "test-lanes",
      channel: "test-lanes",
      pollMs: 10_000,
      lanes: 3,
      runOnce: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick(20);
        inFlight--;
        return ++batches <= 9 ? 1 : 0;
      },
    });
    worker.start();
    await tick(150);
    expect(most).toBe(3);
    await worker.stop();
    expect(inFlight).toBe(0);
  });

  // Found with the retention worker (pollMs one hour): a sweep that was running when stop() came went to sleep for
  // its poll interval afterwards, and stop() waited for it.
  it("stop() does not wait out the poll interval or the error backoff of a batch that ends after it", async () => {
    for (const outcome of ["nothing", "error"] as const) {
      let release!: () => void;
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const worker = createPollingWorker({
        name: `test-stop-${outcome}`,
        channel: `test-stop-${outcome}`,
        pollMs: 60 * 60_000,
        errorBackoffMs: 60 * 60_000,
        runOnce: async () => {
          started();
          await new Promise<void>((r) => (release = r));
          if (outcome === "error") throw new Error("database away");
          return 0;
        },
      });
      worker.start();
      await running;
      const t0 = Date.now();
      const stopped = worker.stop();
      release();
      await stopped;
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
  });

  it("an idle lane sleeps pollMs, but a wake-up on its channel (also one that came during a batch) runs it at once", async () => {
    const calls: number[] = [];
    const started = Date.now();
    let handOut = 0;
    const worker = createPollingWorker({
      name: "test-wake",
      channel: "test-wake",
      pollMs: 10_000,
      lanes: 2,
      runOnce: async () => {
        calls.push(Date.now() - started);
        await tick(10);
        if (handOut > 0) {
          handOut--;
          return 1;
        }
        return 0;
      },
    });
    worker.start();
    await tick(50);
    const idle = calls.length;
    expect(idle).toBe(2); // each lane looked once, found nothing and sleeps
    handOut = 1;
    wake("test-wake");
    await tick(80);
    // One lane woke, got the work and looked again right after it; the other slept on (waking both made it
    // claim nothing: three claims for one event).
    expect(calls.length).toBe(idle + 2);
    expect(calls.at(-1)!).toBeLessThan(5_000);
    // Two wake-ups start both idle lanes.
    handOut = 2;
    wake("test-wake");
    setImmediate(() => wake("test-wake"));
    await tick(80);
    expect(calls.length).toBe(idle + 2 + 4); // each lane took one and looked again
    await worker.stop();
  });

  it("a claim that comes back full wakes another idle lane at once, before its batch is processed", async () => {
    const started: number[] = [];
    let pending = 0;
    const t0 = Date.now();
    const worker = createPollingWorker({
      name: "test-full",
      channel: "test-full",
      pollMs: 10_000,
      lanes: 3,
      fullBatch: 4,
      runOnce: async (claimed) => {
        const take = Math.min(4, pending);
        pending -= take;
        if (take) started.push(Date.now() - t0);
        claimed(take);
        await tick(take ? 60 : 1);
        return take;
      },
    });
    worker.start();
    await tick(30);
    pending = 10; // two full claims and a partial one
    wake("test-full");
    await tick(40);
    // All three lanes started within the first batch's processing time: each full claim woke the next lane.
    expect(started).toHaveLength(3);
    expect(Math.max(...started) - Math.min(...started)).toBeLessThan(30);
    await worker.stop();
  });

  it("a lane count that is no number (a bad env value), zero or negative still runs one lane", async () => {
    for (const lanes of [Number("x"), 0, -3]) {
      let calls = 0;
      const worker = createPollingWorker({
        name: "test-one-lane",
        channel: "test-one-lane",
        pollMs: 10_000,
        lanes,
        runOnce: async () => {
          calls++;
          return 0;
        },
      });
      worker.start();
      await tick(20);
      expect(calls).toBe(1);
      await worker.stop();
    }
  });

  it("a wake-up runs an idle lane once: the cache's echo of this instance's own publication is ignored, another instance's is not", async () => {
    let calls = 0;
    const worker = createPollingWorker({
      name: "test-echo",
      channel: "test-echo",
      pollMs: 10_000,
      runOnce: async () => {
        calls++;
        return 0;
      },
    });
    worker.start();
    await tick(50);
    expect(calls).toBe(1); // looked once, found nothing, sleeps
    wake("test-echo");
    // The publication to other instances goes out 25 ms later and comes back through this process's subscription.
    await tick(150);
    expect(calls).toBe(2);
    await cache().publish("wake:test-echo", "another-instance");
    await tick(100);
    expect(calls).toBe(3);
    await worker.stop();
  });
});
