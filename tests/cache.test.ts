import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  cache,
  CacheUnavailableError,
  MemoryCache,
  RedisCache,
  windowLimit,
  type Cache,
} from "~/cache.server";

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

  it("deleting a prefix resets the token buckets under it (as Redis's keyspace does)", async () => {
    expect((await c.takeToken(prefix + "r:bucket", 1 / 60, 1)).ok).toBe(true);
    expect((await c.takeToken(prefix + "r:bucket", 1 / 60, 1)).ok).toBe(false);
    expect((await c.takeToken(prefix + "other", 1 / 60, 1)).ok).toBe(true);
    await c.delPrefix(prefix + "r:");
    expect((await c.takeToken(prefix + "r:bucket", 1 / 60, 1)).ok).toBe(true);
    expect((await c.takeToken(prefix + "other", 1 / 60, 1)).ok).toBe(false);
  });

  it("limits with a token bucket", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => c.takeToken(prefix + "bucket", 5, 5)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.find((r) => !r.ok)!;
    // The bucket would refill a token in 200 ms; the sliding second is full (5) until the first one is 1 s old.
    expect(refused.waitMs).toBeGreaterThan(200);
    expect(refused.waitMs).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, refused.waitMs + 20));
    expect((await c.takeToken(prefix + "bucket", 5, 5)).ok).toBe(true);
  });

  it("never gives more than max(burst, rate) tokens in any sliding second (real clock)", async () => {
    const times: number[] = [];
    const end = Date.now() + 1_600;
    while (Date.now() < end) {
      // The limiter's clock is the caller's, read when the call starts (the Lua script gets it as an argument):
      // a time read after the round trip would shift some grants later than the limiter saw them.
      const at = Date.now();
      const r = await c.takeToken(prefix + "sliding", 8, 8);
      if (r.ok) times.push(at);
      else await new Promise((resolve) => setTimeout(resolve, Math.min(r.waitMs, 50)));
    }
    // A plain bucket gives 8 at once and 8 more within that second (15–16); this one gives 8.
    expect(maxInSlidingWindow(times, 1000)).toBeLessThanOrEqual(8);
    expect(times.length).toBeGreaterThanOrEqual(14);
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

function maxInSlidingWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * The same rules on both implementations, with a fake clock: the in-process cache always, Redis (the Lua
 * script, fed the fake clock) when REDIS_URL is set.
 */
const clocked: { name: string; make: (now: () => number) => Cache }[] = [
  { name: "memory", make: (now) => new MemoryCache(now) },
];
const redisUrl = process.env.REDIS_URL;
const redisClients: Redis[] = [];
if (redisUrl)
  clocked.push({
    name: "redis",
    make: (now) => {
      const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      redisClients.push(client);
      return new RedisCache(client, redisUrl, `${prefix}clock:${redisClients.length}:`, now);
    },
  });
afterAll(async () => {
  for (const client of redisClients) {
    const keys = await client.keys(`${prefix}clock:*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  }
});

describe.each(clocked)("token bucket with a fake clock ($name)", ({ make }) => {
  it("takes from several buckets in one call, in order, and leaves the ones after an empty bucket untouched", async () => {
    let now = 2_000_000;
    const m = make(() => now);
    const pair = { key: "p", ratePerSec: 1, burst: 2 };
    const rate = { key: "r", ratePerSec: 3, burst: 3 };
    const ok = { ok: true, waitMs: 0 };
    expect(await m.takeTokens([pair, rate])).toEqual([ok, ok]);
    expect(await m.takeTokens([pair, rate])).toEqual([ok, ok]);
    // The first bucket is empty: the second is not asked, and still holds its third token.
    expect(await m.takeTokens([pair, rate])).toEqual([{ ok: false, waitMs: 1000 }]);
    expect(await m.takeToken("r", 3, 3)).toEqual(ok);
    // Now the second is empty: the first still gives its token (as two takeToken calls in a row would).
    now += 1000;
    const single = { key: "s", ratePerSec: 1, burst: 1 };
    expect(await m.takeToken("s", 1, 1)).toEqual(ok);
    expect(await m.takeTokens([pair, single])).toEqual([ok, { ok: false, waitMs: 1000 }]);
    expect(await m.takeToken("p", 1, 2)).toEqual({ ok: false, waitMs: 1000 });
    // One bucket, and none: the same as takeToken, and nothing.
    expect(await m.takeTokens([{ key: "q", ratePerSec: 1, burst: 1 }])).toEqual([ok]);
    expect(await m.takeTokens([])).toEqual([]);
  });

  it("refills at the configured rate, never past the sliding second", async () => {
    let now = 1_000_000;
    const m = make(() => now);
    for (let i = 0; i < 80; i++) expect((await m.takeToken("b", 80)).ok).toBe(true);
    // The bucket is empty (a token in 13 ms) and the second full: the 81st waits for the first to be 1 s old.
    expect(await m.takeToken("b", 80)).toEqual({ ok: false, waitMs: 1000 });
    now += 500;
    expect((await m.takeToken("b", 80)).ok).toBe(false);
    now += 500;
    let taken = 0;
    while ((await m.takeToken("b", 80)).ok) taken++;
    expect(taken).toBe(80);
  });

  it.each([
    { rate: 10, burst: 10, windowMs: 1000 },
    { rate: 10, burst: 3, windowMs: 1000 },
    { rate: 2, burst: 8, windowMs: 1000 },
    { rate: 5, burst: 5, windowMs: 1100 },
    { rate: 0.5, burst: 1, windowMs: 1000 },
  ])(
    "a sender retrying at waitMs: ≤ max(burst, rate) in any sliding window, the rate on average ($rate/s, burst $burst, window $windowMs ms)",
    async ({ rate, burst, windowMs }) => {
      let now = 5_000_000;
      const start = now;
      const m = make(() => now);
      const times: number[] = [];
      const seconds = 6;
      while (now < start + seconds * 1000) {
        const r = await m.takeToken("s", rate, burst, windowMs);
        if (r.ok) {
          times.push(now);
          now += 1 + (times.length % 3); // a few ms between sends
        } else {
          expect(r.waitMs).toBeGreaterThan(0);
          now += r.waitMs;
        }
      }
      const limit = windowLimit(rate, burst);
      expect(limit).toBe(Math.max(1, Math.floor(Math.max(burst, rate))));
      // At full tilt the window is reached, never passed (a plain bucket: burst + rate).
      expect(maxInSlidingWindow(times, windowMs)).toBe(limit);
      // Throughput: the bucket's rate (less the window's margin when it binds), never more.
      const expected = Math.min(rate, limit / (windowMs / 1000)) * seconds;
      expect(times.length).toBeLessThanOrEqual(burst + rate * seconds);
      expect(times.length).toBeGreaterThanOrEqual(Math.floor(expected * 0.8));
    },
  );
});

describe.skipIf(!redisUrl)("Redis token bucket script", () => {
  it("goes by its SHA (EVALSHA) and still works after Redis forgot its scripts (NOSCRIPT → loaded again)", async () => {
    const redis = new Redis(redisUrl!);
    const monitor = await redis.monitor();
    const seen: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => seen.push(String(args[0]).toLowerCase()));
    try {
      await redis.script("FLUSH");
      const bucket = `${prefix}sha:bucket`;
      expect((await c.takeToken(bucket, 1 / 60, 2)).ok).toBe(true);
      expect((await c.takeToken(bucket, 1 / 60, 2)).ok).toBe(true);
      expect((await c.takeToken(bucket, 1 / 60, 2)).ok).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen.filter((command) => command === "evalsha").length).toBeGreaterThanOrEqual(3);
      // Two buckets in one call are one command.
      const before = seen.length;
      const both = await c.takeTokens([
        { key: `${bucket}:a`, ratePerSec: 1, burst: 1 },
        { key: `${bucket}:b`, ratePerSec: 1, burst: 1 },
      ]);
      expect(both.map((r) => r.ok)).toEqual([true, true]);
      await new Promise((r) => setTimeout(r, 50));
      // (MONITOR also lists the commands the script runs; only EVALSHA/EVAL came from the client.)
      expect(seen.slice(before).filter((command) => command.startsWith("eval"))).toEqual(["evalsha"]);
      // The script text travelled at most once (after the flush), not with every call.
      expect(seen.filter((command) => command === "eval").length).toBeLessThanOrEqual(1);
    } finally {
      monitor.disconnect();
      redis.disconnect();
    }
  });
});

/**
 * The Redis cache's circuit breaker: with the connection gone, commands fail at once (callers degrade
 * without waiting for reconnects and timeouts), and the cache is used again as soon as it is back. Redis is
 * reached through a TCP proxy on loopback that the test cuts and restores.
 */
describe.skipIf(!redisUrl)("Redis cache circuit breaker", () => {
  it("fails fast while the connection is down and recovers by itself", async () => {
    const target = new URL(redisUrl!);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    const listen = (port = 0) =>
      new Promise<number>((resolve) =>
        proxy.listen(port, "127.0.0.1", () => resolve((proxy.address() as net.AddressInfo).port)),
      );
    const port = await listen();
    const c = RedisCache.connect(`redis://127.0.0.1:${port}${target.pathname}`, `${prefix}breaker:`);
    try {
      await c.set("k", "v");
      expect(await c.get("k")).toBe("v");
      expect(c.unavailable).toBe(false);

      // Cut: stop accepting and drop the connections.
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
      });
      await expect.poll(() => c.unavailable, { timeout: 2_000 }).toBe(true);
      const t0 = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => c.takeToken(`b${i}`, 10, 10)),
      );
      const elapsed = performance.now() - t0;
      expect(results.every((r) => r.status === "rejected")).toBe(true);
      expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(CacheUnavailableError);
      expect(elapsed).toBeLessThan(50); // no waiting for the client's reconnects or its command timeout
      expect(await c.ping()).toBe(false);

      // Back: the client reconnects by itself and the breaker closes.
      await listen(port);
      await expect.poll(() => c.unavailable, { timeout: 5_000, interval: 50 }).toBe(false);
      expect(await c.get("k")).toBe("v");
      await c.del("k");
    } finally {
      await c.close();
      proxy.close();
      for (const s of sockets) s.destroy();
    }
  });
});
