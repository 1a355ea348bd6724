/**
 * One small cache interface, two implementations:
 * - Redis (ioredis) when REDIS_URL is set — shared by every app instance;
 * - an in-process equivalent otherwise (the single-machine default; see docs/decisions/004-embedded-default.md).
 * Used for catalog caching, rate limits (token buckets shared across instances), idempotency keys and
 * publish/subscribe (live inbox updates).
 */
import { Redis } from "ioredis";
import { env } from "./env.server";

export interface TokenBucketResult {
  /** true when a token was taken. */
  ok: boolean;
  /** When not ok: how long until a token is available. */
  waitMs: number;
}

export interface Cache {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets the key only if it does not exist; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Deletes every key that starts with `prefix` (catalog invalidation). */
  delPrefix(prefix: string): Promise<void>;
  /** Increments an integer; the TTL is set when the key is created. */
  incr(key: string, ttlMs?: number): Promise<number>;
  /** Takes one token from a bucket refilled at `ratePerSec` holding at most `burst` tokens. */
  takeToken(key: string, ratePerSec: number, burst?: number): Promise<TokenBucketResult>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------

export class MemoryCache implements Cache {
  readonly kind = "memory" as const;
  private values = new Map<string, { value: string; expiresAt: number }>();
  private buckets = new Map<string, { tokens: number; at: number }>();
  private channels = new Map<string, Set<(message: string) => void>>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string) {
    const entry = this.values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.values.set(key, { value, expiresAt: ttlMs ? this.now() + ttlMs : Number.POSITIVE_INFINITY });
    if (this.values.size > 50_000) this.sweep();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async del(key: string) {
    this.values.delete(key);
  }

  async delPrefix(prefix: string) {
    for (const key of this.values.keys()) if (key.startsWith(prefix)) this.values.delete(key);
  }

  async incr(key: string, ttlMs?: number) {
    const entry = this.live(key);
    const next = (entry ? Number(entry.value) || 0 : 0) + 1;
    this.values.set(key, {
      value: String(next),
      expiresAt: entry ? entry.expiresAt : ttlMs ? this.now() + ttlMs : Number.POSITIVE_INFINITY,
    });
    return next;
  }

  async takeToken(key: string, ratePerSec: number, burst = ratePerSec) {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSec);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true, waitMs: 0 };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, waitMs: Math.ceil(((1 - tokens) / ratePerSec) * 1000) };
  }

  async publish(channel: string, message: string) {
    for (const handler of this.channels.get(channel) ?? []) {
      queueMicrotask(() => handler(message));
    }
  }

  async subscribe(channel: string, handler: (message: string) => void) {
    const set = this.channels.get(channel) ?? new Set();
    set.add(handler);
    this.channels.set(channel, set);
    return async () => {
      set.delete(handler);
    };
  }

  async ping() {
    return true;
  }

  async close() {
    this.values.clear();
    this.buckets.clear();
    this.channels.clear();
  }

  private sweep() {
    const now = this.now();
    for (const [key, entry] of this.values) if (entry.expiresAt <= now) this.values.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------

// Token bucket in one round trip: KEYS[1] bucket, ARGV rate/s, burst, now ms. Returns {ok, waitMs}.
const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + ((now - at) / 1000) * rate)
local ok = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  wait = math.ceil(((1 - tokens) / rate) * 1000)
end
redis.call('HSET', KEYS[1], 't', tokens, 'a', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate) * 1000) + 1000)
return {ok, wait}
`;

export class RedisCache implements Cache {
  readonly kind = "redis" as const;
  private subscriber?: Redis;
  private handlers = new Map<string, Set<(message: string) => void>>();

  constructor(
    private readonly client: Redis,
    private readonly url: string,
    private readonly prefix = "hala:",
  ) {}

  static connect(url: string, prefix = "hala:"): RedisCache {
    const client = new Redis(url, {
      // Commands wait for the connection briefly, then fail fast so callers can degrade (see issue 9).
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
    });
    client.on("error", () => {});
    return new RedisCache(client, url, prefix);
  }

  private k(key: string) {
    return this.prefix + key;
  }

  async get(key: string) {
    return this.client.get(this.k(key));
  }

  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs) await this.client.set(this.k(key), value, "PX", ttlMs);
    else await this.client.set(this.k(key), value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.client.set(this.k(key), value, "PX", ttlMs, "NX")) === "OK";
  }

  async del(key: string) {
    await this.client.del(this.k(key));
  }

  async delPrefix(prefix: string) {
    let cursor = "0";
    do {
      const [next, keys] = await this.client.scan(cursor, "MATCH", this.k(prefix) + "*", "COUNT", 500);
      cursor = next;
      if (keys.length) await this.client.del(...keys);
    } while (cursor !== "0");
  }

  async incr(key: string, ttlMs?: number) {
    const k = this.k(key);
    const value = await this.client.incr(k);
    if (value === 1 && ttlMs) await this.client.pexpire(k, ttlMs);
    return value;
  }

  async takeToken(key: string, ratePerSec: number, burst = ratePerSec) {
    const [ok, waitMs] = (await this.client.eval(
      TOKEN_BUCKET_LUA,
      1,
      this.k(key),
      ratePerSec,
      burst,
      Date.now(),
    )) as [number, number];
    return { ok: ok === 1, waitMs };
  }

  async publish(channel: string, message: string) {
    await this.client.publish(this.k(channel), message);
  }

  async subscribe(channel: string, handler: (message: string) => void) {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.url, { lazyConnect: false, maxRetriesPerRequest: null });
      this.subscriber.on("error", () => {});
      this.subscriber.on("message", (ch: string, message: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(message);
      });
    }
    const k = this.k(channel);
    const set = this.handlers.get(k) ?? new Set();
    if (set.size === 0) await this.subscriber.subscribe(k);
    set.add(handler);
    this.handlers.set(k, set);
    return async () => {
      set.delete(handler);
      if (set.size === 0) await this.subscriber?.unsubscribe(k).catch(() => undefined);
    };
  }

  async ping() {
    try {
      return (await this.client.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close() {
    this.subscriber?.disconnect();
    this.client.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

const globalForCache = globalThis as unknown as { __halaCache?: Cache };

export function createCache(redisUrl: string | undefined): Cache {
  return redisUrl ? RedisCache.connect(redisUrl) : new MemoryCache();
}

export function cache(): Cache {
  if (!globalForCache.__halaCache) {
    globalForCache.__halaCache = createCache(env().REDIS_URL);
  }
  return globalForCache.__halaCache;
}

export function setCache(value: Cache): void {
  globalForCache.__halaCache = value;
}

export async function closeCache(): Promise<void> {
  const current = globalForCache.__halaCache;
  globalForCache.__halaCache = undefined;
  await current?.close();
}
