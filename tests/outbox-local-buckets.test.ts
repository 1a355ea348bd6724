/**
 * The outbox's per-process token buckets (app/services/outbox.server.ts): a shadow of the shared (Redis) buckets,
 * used while Redis is down. An in-process cache (the embedded default) is never down, so it gets no shadow.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { queueOutboundMessages } from "~/adapters/db/messages.server";
import { cache, CacheUnavailableError, MemoryCache, setCache, type Cache } from "~/cache.server";
import { db } from "~/db.server";
import { sendOutboxBatch } from "~/services/outbox.server";
import { channelBenchForEachTest } from "./helpers/channel";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();
const bench = channelBenchForEachTest();

let previous: Cache;
beforeEach(() => {
  previous = cache();
});
afterEach(() => {
  setCache(previous);
  vi.restoreAllMocks();
});

/** A shared cache stand-in: Redis's kind, buckets kept by `inner`, failing while `down`. */
function sharedCache(inner: MemoryCache, state: { down: boolean }): Cache {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "kind") return "redis";
      if (prop === "takeTokens")
        return (...args: Parameters<Cache["takeTokens"]>) =>
          state.down ? Promise.reject(new CacheUnavailableError()) : target.takeTokens(...args);
      return Reflect.get(target, prop, receiver);
    },
  }) as Cache;
}

async function sendOne(waId: string) {
  const { store } = bench;
  const contact = await db().contact.create({ data: { shop: store.shop, waId } });
  const conversation = await db().conversation.create({
    data: { shop: store.shop, contactId: contact.id, state: {}, lastInboundAt: new Date() },
  });
  await queueOutboundMessages(store.shop, [
    {
      conversationId: conversation.id,
      contactId: contact.id,
      accountId: store.accountId,
      toWaId: waId,
      author: "merchant",
      type: "text",
      body: { kind: "text", body: "Hello" },
      text: "Hello",
      idempotencyKey: `local-buckets-${waId}`,
    },
  ]);
  expect(await sendOutboxBatch()).toBe(1);
  expect(bench.graph.sentTo(waId)).toHaveLength(1);
}

describe("the outbox's per-process buckets", () => {
  it("an in-process cache takes the tokens alone: no shadow bucket is counted", async () => {
    const memory = new MemoryCache();
    setCache(memory);
    const takeToken = vi.spyOn(MemoryCache.prototype, "takeToken");
    await sendOne("966500009001");
    // The number's and the recipient's buckets, both taken by the cache itself.
    expect(takeToken.mock.calls.length).toBe(2);
    expect(takeToken.mock.contexts.every((context) => context === memory)).toBe(true);
  });

  it("a shared cache's tokens are counted in the process's own buckets too, which take over while it is down", async () => {
    const inner = new MemoryCache();
    const state = { down: false };
    setCache(sharedCache(inner, state));
    const takeToken = vi.spyOn(MemoryCache.prototype, "takeToken");
    await sendOne("966500009002");
    const shadow = takeToken.mock.contexts.filter((context) => context !== inner);
    expect(shadow).toHaveLength(2);

    state.down = true;
    takeToken.mockClear();
    await sendOne("966500009003");
    // Only the process's own buckets were asked, and the send went out.
    expect(takeToken.mock.contexts.length).toBe(2);
    expect(takeToken.mock.contexts.every((context) => context !== inner)).toBe(true);
  });
});
