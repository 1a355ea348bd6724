import { afterAll, describe, expect, it } from "vitest";
import { cache, MemoryCache } from "~/cache.server";

// Runs against Redis in the services project and the in-process cache in the embedded project.
const c = cache();
const prefix = `test:${process.pid}:${Date.now()}:`;

afterAll(async () => {
  await c.delPrefix(prefix);
});

describe(`cache (${process.env.REDIS_URL ? "redis" : "memory"})`, () => {
  it("is the backend the environment asks for", () => {
    expect(c.kind).toBe(process.env.REDIS_URL ? "redis" : "memory");
  });

  it("gets, sets with TTL and deletes", async () => {
    await c.set(prefix + "a", "1", 60_000);
    expect(await c.get(prefix + "a")).toBe("1");
    await c.set(prefix + "short", "x", 30);
    await new Promise((r) => setTimeout(r, 80));
    expect(await c.get(prefix + "short")).toBeNull();
    await c.del(prefix + "a");
    expect(await c.get(prefix + "a")).toBeNull();
  });

  it("sets if absent exactly once under concurrency", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => c.setIfAbsent(prefix + "once", "1", 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("increments atomically", async () => {
    await Promise.all(Array.from({ length: 25 }, () => c.incr(prefix + "n", 60_000)));
    expect(await c.get(prefix + "n")).toBe("25");
  });

  it("deletes by prefix", async () => {
    await c.set(prefix + "p:1", "1");
    await c.set(prefix + "p:2", "2");
    await c.set(prefix + "q", "3");
    await c.delPrefix(prefix + "p:");
    expect(await c.get(prefix + "p:1")).toBeNull();
    expect(await c.get(prefix + "q")).toBe("3");
  });

  it("limits with a token bucket", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => c.takeToken(prefix + "bucket", 5, 5)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.find((r) => !r.ok)!;
    expect(refused.waitMs).toBeGreaterThan(0);
    expect(refused.waitMs).toBeLessThanOrEqual(200);
    await new Promise((r) => setTimeout(r, refused.waitMs + 20));
    expect((await c.takeToken(prefix + "bucket", 5, 5)).ok).toBe(true);
  });

  it("publishes to subscribers", async () => {
    const received: string[] = [];
    const unsubscribe = await c.subscribe(prefix + "chan", (m) => received.push(m));
    await c.publish(prefix + "chan", "hello");
    await expect.poll(() => received).toEqual(["hello"]);
    await unsubscribe();
    await c.publish(prefix + "chan", "after");
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual(["hello"]);
  });

  it("pings", async () => {
    expect(await c.ping()).toBe(true);
  });
});

describe("MemoryCache token bucket with a fake clock", () => {
  it("refills at the configured rate", async () => {
    let now = 0;
    const m = new MemoryCache(() => now);
    for (let i = 0; i < 80; i++) expect((await m.takeToken("b", 80)).ok).toBe(true);
    expect(await m.takeToken("b", 80)).toEqual({ ok: false, waitMs: 13 });
    now += 500;
    let taken = 0;
    while ((await m.takeToken("b", 80)).ok) taken++;
    expect(taken).toBe(40);
  });
});
