import { afterEach, describe, expect, it, vi } from "vitest";
import { groupCommit, inDistinctRounds } from "~/adapters/db/group-commit";
import {
  insertInboundEvents,
  storeInboundEvents,
  type NewInboundEvent,
} from "~/adapters/db/inbound-events.server";
import { db } from "~/db.server";
import { setupTestDatabase } from "./helpers/db";

/** A `run` whose statements finish only when the test says so. */
function controlledRun() {
  const runs: { calls: number[]; finish: (fail?: Error) => void }[] = [];
  const run = (calls: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      runs.push({
        calls,
        finish: (fail) => (fail ? reject(fail) : resolve(calls.map((c) => c * 10))),
      });
    });
  return { runs, run };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("inDistinctRounds", () => {
  it("writes calls sharing a key in successive rounds, in order; an unanswered call goes again; results in order", async () => {
    const rounds: string[][] = [];
    let missOnce = true;
    const results = await inDistinctRounds(
      ["a1", "b1", "a2", "c1", "a3", "b2"],
      (call) => [call[0]],
      async (round) => {
        rounds.push(round);
        return round.map((call) => {
          if (call === "c1" && missOnce) {
            missOnce = false;
            return undefined;
          }
          return call.toUpperCase();
        });
      },
    );
    expect(rounds).toEqual([["a1", "b1", "c1"], ["c1", "a2", "b2"], ["a3"]]);
    expect(results).toEqual(["A1", "B1", "A2", "C1", "A3", "B2"]);
    await expect(
      inDistinctRounds(
        ["x"],
        () => ["x"],
        async () => [undefined],
        2,
      ),
    ).rejects.toThrow("left unwritten");
  });
});

describe("groupCommit", () => {
  it("runs a call at once and alone while a statement slot is free", async () => {
    const { runs, run } = controlledRun();
    const submit = groupCommit<number, number>({ concurrency: 2, maxBatch: 100, size: () => 1, run });
    const a = submit(1);
    const b = submit(2);
    expect(runs.map((r) => r.calls)).toEqual([[1], [2]]);
    runs[0].finish();
    runs[1].finish();
    expect(await a).toBe(10);
    expect(await b).toBe(20);
  });

  it("merges the calls that waited for a slot into one statement, each getting its own result", async () => {
    const { runs, run } = controlledRun();
    const submit = groupCommit<number, number>({ concurrency: 1, maxBatch: 100, size: () => 1, run });
    const first = submit(1);
    const waiting = [2, 3, 4, 5].map((n) => submit(n));
    expect(runs).toHaveLength(1);
    runs[0].finish();
    await first;
    await tick();
    expect(runs.map((r) => r.calls)).toEqual([[1], [2, 3, 4, 5]]);
    runs[1].finish();
    expect(await Promise.all(waiting)).toEqual([20, 30, 40, 50]);
  });

  it("a batch stops at maxBatch units; a single bigger call still runs, alone", async () => {
    const { runs, run } = controlledRun();
    const submit = groupCommit<number, number>({ concurrency: 1, maxBatch: 5, size: (n) => n, run });
    const all = [submit(1), submit(2), submit(2), submit(2), submit(9), submit(1)];
    let settled = false;
    const done = Promise.all(all).then(() => (settled = true));
    // Finish whatever runs, let the next batch start, until every call has its result.
    for (let i = 0; i < 10 && !settled; i++) {
      for (const r of runs) r.finish();
      await tick();
      await tick();
    }
    await done;
    expect(runs.map((r) => r.calls)).toEqual([[1], [2, 2], [2], [9], [1]]);
  });

  it("a failed batch is retried call by call: one bad call never fails the others", async () => {
    const seen: number[][] = [];
    const submit = groupCommit<number, number>({
      concurrency: 1,
      maxBatch: 100,
      size: () => 1,
      run: async (calls) => {
        seen.push(calls);
        await tick();
        if (calls.includes(13)) throw new Error("bad row 13");
        return calls.map((c) => c * 10);
      },
    });
    const results = await Promise.allSettled([submit(1), submit(2), submit(13), submit(4)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      "bad row 13",
      40,
    ]);
    expect(seen).toEqual([[1], [2, 13, 4], [2], [13], [4]]);
  });

  it("an error that concerns the whole batch (database down) fails every call at once, without retries", async () => {
    let runs = 0;
    const submit = groupCommit<number, number>({
      concurrency: 1,
      maxBatch: 100,
      size: () => 1,
      retryAlone: (error) => (error as Error).message !== "down",
      run: async () => {
        runs++;
        await tick();
        throw new Error("down");
      },
    });
    const results = await Promise.allSettled([submit(1), submit(2), submit(3)]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(runs).toBe(2); // [1], then [2, 3] together — never one by one
  });
});

describe("groupCommit's linger", () => {
  afterEach(() => vi.useRealTimers());

  /** A group commit with a linger (2 ms unless said) on a clock the test moves (fake timers move with it). */
  function lingering(options: { lingerUntil?: number; concurrency?: number; lingerMs?: number } = {}) {
    vi.useFakeTimers();
    const { runs, run } = controlledRun();
    let clock = 0;
    const submit = groupCommit<number, number>({
      concurrency: options.concurrency ?? 4,
      maxBatch: 100,
      size: () => 1,
      run,
      lingerMs: options.lingerMs ?? 2,
      lingerUntil: options.lingerUntil,
      now: () => clock,
    });
    const advance = async (ms: number) => {
      clock += ms;
      await vi.advanceTimersByTimeAsync(ms);
    };
    return { runs, submit, advance };
  }

  it("calls further apart than the linger go at once and alone, as without one", async () => {
    const { runs, submit, advance } = lingering();
    const results: Promise<number>[] = [];
    for (const n of [1, 2, 3, 4]) {
      results.push(submit(n));
      expect(runs).toHaveLength(n);
      runs[n - 1].finish();
      await advance(10);
    }
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40]);
    expect(runs.map((r) => r.calls)).toEqual([[1], [2], [3], [4]]);
  });

  it("calls closer together than the linger wait for each other (at most the linger), then go as one statement", async () => {
    const { runs, submit, advance } = lingering();
    // The first calls set the pace (each still alone: the average gap starts from their own gaps).
    const early = [submit(1)];
    await advance(1);
    early.push(submit(2));
    expect(runs.map((r) => r.calls)).toEqual([[1]]); // 1 ms after the first: the second lingers
    await advance(1);
    early.push(submit(3));
    expect(runs).toHaveLength(1);
    await advance(1); // the second's linger ends: 2 and 3 together, though slots were free
    expect(runs.map((r) => r.calls)).toEqual([[1], [2, 3]]);
    for (const r of runs) r.finish();
    expect(await Promise.all(early)).toEqual([10, 20, 30]);
  });

  it("a lingering batch that reaches lingerUntil goes at once", async () => {
    const { runs, submit, advance } = lingering({ lingerUntil: 3 });
    const all = [submit(1)];
    await advance(0.5);
    all.push(submit(2));
    await advance(0.5);
    all.push(submit(3));
    expect(runs.map((r) => r.calls)).toEqual([[1]]);
    all.push(submit(4)); // 2, 3, 4: a full batch, no waiting for the timer
    expect(runs.map((r) => r.calls)).toEqual([[1], [2, 3, 4]]);
    for (const r of runs) r.finish();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
  });

  it("calls that lingered go as soon as a statement finishes, with the calls queued behind it", async () => {
    const { runs, submit, advance } = lingering({ concurrency: 1, lingerMs: 5 });
    const first = submit(1);
    await advance(1);
    const second = submit(2); // lingers (and the only slot is busy anyway)
    expect(runs).toHaveLength(1);
    runs[0].finish();
    await first;
    await advance(0);
    expect(runs.map((r) => r.calls)).toEqual([[1], [2]]); // not after the 5-ms linger
    runs[1].finish();
    expect(await second).toBe(20);
  });
});

describe("storeInboundEvents through the group commit (database)", () => {
  setupTestDatabase();

  const event = (key: string, shop = "gc.myshopify.com"): NewInboundEvent => ({
    shop,
    phoneNumberId: "PN-GC",
    kind: "message",
    dedupeKey: key,
    waId: "966500000009",
    payload: { key },
  });

  it("one statement for several webhooks: each is credited with the items it stored first, in order", async () => {
    const counts = await insertInboundEvents([
      [event("msg:a"), event("msg:b")],
      [event("msg:b"), event("msg:c")],
      [event("msg:a")],
    ]);
    expect(counts).toEqual([2, 1, 0]);
    const rows = await db().inboundEvent.findMany({
      where: { shop: "gc.myshopify.com" },
      orderBy: { seq: "asc" },
    });
    expect(rows.map((r) => r.dedupeKey)).toEqual(["msg:a", "msg:b", "msg:c"]);
    // Already stored: nothing is credited again.
    expect(await insertInboundEvents([[event("msg:c")], [event("msg:d")]])).toEqual([0, 1]);
  });

  it("processing order is arrival order, whatever the keys' order", async () => {
    await insertInboundEvents([[event("msg:z-first"), event("msg:a-second")], [event("msg:m-third")]]);
    const rows = await db().inboundEvent.findMany({
      where: { shop: "gc.myshopify.com" },
      orderBy: { seq: "asc" },
    });
    expect(rows.map((r) => r.dedupeKey)).toEqual(["msg:z-first", "msg:a-second", "msg:m-third"]);
  });

  it("concurrent statements carrying the same keys in opposite orders never deadlock", async () => {
    // Without a common lock order, [x, y] and [y, x] in flight together deadlock on PostgreSQL (one fails
    // after deadlock_timeout); insertInboundEvents is called directly here, without the group commit's retry.
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => {
        const keys = Array.from({ length: 400 }, (_, n) => `msg:dl-${i}-${String(n).padStart(3, "0")}`);
        return [
          insertInboundEvents([keys.map((k) => event(k))]),
          insertInboundEvents([[...keys].reverse().map((k) => event(k))]),
        ];
      }).flat(),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await db().inboundEvent.count({ where: { dedupeKey: { startsWith: "msg:dl-" } } })).toBe(2_400);
  });

  it("200 concurrent webhooks (half of them re-deliveries) store each item once and count it once", async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `msg:concurrent-${i}`);
    const counts = await Promise.all([...keys, ...keys].map((k) => storeInboundEvents([event(k)])));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(await db().inboundEvent.count({ where: { dedupeKey: { in: keys } } })).toBe(100);
  });
});
