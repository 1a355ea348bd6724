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
  /**
   * Takes one token from a bucket refilled at `ratePerSec` holding at most `burst` tokens (default
   * `ratePerSec`), AND at most `windowLimit(ratePerSec, burst)` = max(burst, ratePerSec) tokens in any
   * sliding `windowMs` (default 1 s): a plain bucket would let a full burst go and the refill as many again
   * within the same second (rate + burst). Both implementations behave the same.
   */
  takeToken(key: string, ratePerSec: number, burst?: number, windowMs?: number): Promise<TokenBucketResult>;
  /**
   * takeToken for several buckets in one step (one round trip on Redis): in order, stopping at the first that
   * gives no token. Returns the results of the buckets tried; the ones after a refusal are left untouched.
   */
  takeTokens(buckets: TokenRequest[]): Promise<TokenBucketResult[]>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One bucket of a takeTokens call (the arguments of takeToken). */
export interface TokenRequest {
  key: string;
  ratePerSec: number;
  burst?: number;
  windowMs?: number;
}

// ---------------------------------------------------------------------------------------------

/** The most tokens one bucket gives in any sliding window: max(burst, rate), at least 1. */
export function windowLimit(ratePerSec: number, burst: number): number {
  return Math.max(1, Math.floor(Math.max(burst, ratePerSec)));
}

export class MemoryCache implements Cache {
  readonly kind = "memory" as const;
  private values = new Map<string, { value: string; expiresAt: number }>();
  /** `times`: when the last (up to windowLimit) tokens were taken, oldest first. */
  private buckets = new Map<string, { tokens: number; at: number; times: number[] }>();
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

  /** Like Redis's keyspace: token buckets live under the same keys and go with them. */
  async delPrefix(prefix: string) {
    for (const key of this.values.keys()) if (key.startsWith(prefix)) this.values.delete(key);
    for (const key of this.buckets.keys()) if (key.startsWith(prefix)) this.buckets.delete(key);
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

  async takeToken(key: string, ratePerSec: number, burst = ratePerSec, windowMs = 1000) {
    const now = this.now();
    const limit = windowLimit(ratePerSec, burst);
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now, times: [] };
    const tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSec);
    const times = bucket.times.filter((t) => now - t < windowMs).slice(-limit);
    const bucketWait = tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / ratePerSec) * 1000);
    const windowWait = times.length < limit ? 0 : times[times.length - limit] + windowMs - now;
    if (bucketWait === 0 && windowWait <= 0) {
      times.push(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now, times });
      return { ok: true, waitMs: 0 };
    }
    this.buckets.set(key, { tokens, at: now, times });
    return { ok: false, waitMs: Math.max(bucketWait, windowWait, 1) };
  }

  async takeTokens(buckets: TokenRequest[]) {
    const results: TokenBucketResult[] = [];
    for (const b of buckets) {
      const result = await this.takeToken(b.key, b.ratePerSec, b.burst, b.windowMs);
      results.push(result);
      if (!result.ok) break;
    }
    return results;
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

// Token buckets + sliding windows in one round trip, taken in order until one gives no token. Per bucket i:
// KEYS[2i-1] the bucket (hash t = tokens, a = at), KEYS[2i] the times of its last `limit` tokens (list, newest
// first); ARGV[1] now ms, then per bucket rate/s, burst, limit, window ms. Returns {ok, waitMs} per bucket
// tried. Same rules as MemoryCache.takeToken.
const TOKEN_BUCKET_LUA = `
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS / 2 do
local bucketKey = KEYS[2 * i - 1]
local timesKey = KEYS[2 * i]
local rate = tonumber(ARGV[4 * i - 2])
local burst = tonumber(ARGV[4 * i - 1])
local limit = tonumber(ARGV[4 * i])
local window = tonumber(ARGV[4 * i + 1])
local state = redis.call('HMGET', bucketKey, 't', 'a')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + ((now - at) / 1000) * rate)
local wait = 0
if tokens < 1 then wait = math.ceil(((1 - tokens) / rate) * 1000) end
local count = redis.call('LLEN', timesKey)
if count >= limit then
  local oldest = tonumber(redis.call('LINDEX', timesKey, limit - 1))
  local windowWait = oldest + window - now
  if windowWait > wait then wait = windowWait end
end
local ttl = math.ceil((burst / rate) * 1000) + window + 1000
local ok = 0
if wait <= 0 then
  tokens = tokens - 1
  ok = 1
  wait = 0
  redis.call('LPUSH', timesKey, now)
  redis.call('LTRIM', timesKey, 0, limit - 1)
  redis.call('PEXPIRE', timesKey, ttl)
elseif wait < 1 then
  wait = 1
end
redis.call('HSET', bucketKey, 't', tokens, 'a', now)
redis.call('PEXPIRE', bucketKey, ttl)
out[2 * i - 1] = ok
out[2 * i] = wait
if ok == 0 then break end
end
return out
`;

/** The script with its key count first (ioredis's defineCommand without numberOfKeys): keys, then arguments. */
type TakeTokensScript = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Thrown at once, without asking Redis, while the circuit breaker is open (the cache is down). */
export class CacheUnavailableError extends Error {
  constructor() {
    super("the cache (Redis) is unavailable");
    this.name = "CacheUnavailableError";
  }
}

/** A command that gets no answer within this time fails (and opens the breaker). */
export const CACHE_COMMAND_TIMEOUT_MS = 1_000;
/** After a command timed out, commands fail at once for this long (then one is tried again). */
export const CACHE_OPEN_MS = 2_000;

export class RedisCache implements Cache {
  readonly kind = "redis" as const;
  private subscriber?: Redis;
  private handlers = new Map<string, Set<(message: string) => void>>();
  /**
   * Circuit breaker: open (commands fail at once) from the moment the connection closes until it is ready
   * again, and for CACHE_OPEN_MS after a command timed out. Callers degrade (local buckets, fail open) at
   * once instead of every call waiting for the client's reconnects and timeouts (issue 9.2).
   */
  private disconnected = false;
  private openUntil = 0;

  constructor(
    private readonly client: Redis,
    private readonly url: string,
    private readonly prefix = "hala:",
    private readonly now: () => number = Date.now,
  ) {
    client.on("close", () => {
      this.disconnected = true;
    });
    client.on("ready", () => {
      this.disconnected = false;
      this.openUntil = 0;
    });
    // The token bucket script goes by its SHA1 (EVALSHA; ioredis loads it on NOSCRIPT) instead of its ~1 KB
    // text with every call: one call per message sent (the recipient's pacing and the number's rate together).
    if (!("takeTokensScript" in client)) client.defineCommand("takeTokensScript", { lua: TOKEN_BUCKET_LUA });
  }

  static connect(url: string, prefix = "hala:"): RedisCache {
    const client = new Redis(url, {
      // Until the first connection, commands wait in the offline queue; after a drop the breaker fails them.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      // Commands issued in the same tick (a batch of sends taking their tokens, the workers' publishes) go out
      // in one write: on this hot path the syscalls cost more than Redis's own work.
      enableAutoPipelining: true,
      connectTimeout: 2_000,
      commandTimeout: CACHE_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
    });
    client.on("error", () => {});
    return new RedisCache(client, url, prefix);
  }

  /** Whether commands currently fail at once (the breaker is open). */
  get unavailable(): boolean {
    return this.disconnected || this.now() < this.openUntil;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.unavailable) throw new CacheUnavailableError();
    try {
      return await command();
    } catch (error) {
      if (
        error instanceof Error &&
        /timed out|Connection is closed|max retries|Stream isn't/i.test(error.message)
      )
        this.openUntil = this.now() + CACHE_OPEN_MS;
      throw error;
    }
  }

  private k(key: string) {
    return this.prefix + key;
  }

  async get(key: string) {
    return this.run(() => this.client.get(this.k(key)));
  }

  async set(key: string, value: string, ttlMs?: number) {
    await this.run(() =>
      ttlMs ? this.client.set(this.k(key), value, "PX", ttlMs) : this.client.set(this.k(key), value),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.run(() => this.client.set(this.k(key), value, "PX", ttlMs, "NX"))) === "OK";
  }

  async del(key: string) {
    await this.run(() => this.client.del(this.k(key)));
  }

  async delPrefix(prefix: string) {
    let cursor = "0";
    do {
      const [next, keys] = await this.run(() =>
        this.client.scan(cursor, "MATCH", this.k(prefix) + "*", "COUNT", 500),
      );
      cursor = next;
      if (keys.length) await this.run(() => this.client.del(...keys));
    } while (cursor !== "0");
  }

  async incr(key: string, ttlMs?: number) {
    const k = this.k(key);
    const value = await this.run(() => this.client.incr(k));
    if (value === 1 && ttlMs) await this.run(() => this.client.pexpire(k, ttlMs));
    return value;
  }

  async takeToken(key: string, ratePerSec: number, burst = ratePerSec, windowMs = 1000) {
    return (await this.takeTokens([{ key, ratePerSec, burst, windowMs }]))[0];
  }

  async takeTokens(buckets: TokenRequest[]) {
    const keys: string[] = [];
    const args: number[] = [this.now()];
    for (const { key, ratePerSec, burst = ratePerSec, windowMs = 1000 } of buckets) {
      keys.push(this.k(key), this.k(key) + ":w");
      args.push(ratePerSec, burst, windowLimit(ratePerSec, burst), windowMs);
    }
    const flat = (await this.run(() =>
      (this.client as Redis & { takeTokensScript: TakeTokensScript }).takeTokensScript(
        keys.length,
        ...keys,
        ...args,
      ),
    )) as number[];
    const results: TokenBucketResult[] = [];
    for (let i = 0; i < flat.length; i += 2) results.push({ ok: flat[i] === 1, waitMs: flat[i + 1] });
    return results;
  }

  async publish(channel: string, message: string) {
    await this.run(() => this.client.publish(this.k(channel), message));
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
      return (await this.run(() => this.client.ping())) === "PONG";
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
