/**
 * Abuse: a shopper sending 50 messages a second is throttled (every message recorded, a polite notice
 * once, no reply storm) without slowing the other shoppers; a merchant's replies and broadcasts never
 * exceed the number's rate (measured at the fake Graph API); the conversation state stays bounded in size
 * whatever a shopper sends, over a long session. On the in-process cache and — when Redis answers on
 * 127.0.0.1:6379 — on Redis (db RES_REDIS_DB_INPROC, default 7, under a key prefix of this run).
 */
import { forgetCachedAccounts } from "~/adapters/db/accounts.server";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureContactAndConversation, touchInbound } from "~/adapters/db/conversations.server";
import { cache, closeCache, MemoryCache, RedisCache, setCache, type Cache } from "~/cache.server";
import { database, db } from "~/db.server";
import { NOTIFICATION_STRINGS } from "~/domain/notifications";
import { action as webhook } from "~/routes/webhooks.whatsapp";
import { INBOUND_BURST, INBOUND_RATE_PER_SEC } from "~/services/conversation.server";
import { runThreadAction } from "~/services/inbox.admin.server";
import { processInboxBatch } from "~/services/inbox.server";
import { sendOutboxBatch } from "~/services/outbox.server";
import { setupTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/remix";
import { choicesOf, settle, Shopper, textOfBody } from "../helpers/shopper";
import {
  inboundPayload,
  seedStore,
  textMessage,
  whatsappWebhookRequest,
  type TestStore,
} from "../helpers/whatsapp";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { createGraphApiFake } from "../mocks/graph-api";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers } from "../mocks/shopify-admin";
import { recordFigures } from "./support/figures";
import { hugeString } from "./support/fuzz";
import fc from "fast-check";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const LONG = process.env.RES_LONG === "1";
const graph = createGraphApiFake();
let store: TestStore;
const figures: Record<string, unknown> = {};

async function redisAvailable(): Promise<RedisCache | null> {
  const dbIndex = Number(process.env.RES_REDIS_DB_INPROC ?? process.env.RES_REDIS_DB ?? 7);
  const candidate = RedisCache.connect(
    `redis://127.0.0.1:6379/${dbIndex}`,
    `hala-res-${process.pid}-${randomBytes(3).toString("hex")}:`,
  );
  if (await candidate.ping()) return candidate;
  await candidate.close();
  return null;
}

beforeEach(async () => {
  graph.reset();
  const catalog = new DemoShopifyStore({ shopDomain: SHOP });
  server.use(...graph.handlers, ...createShopifyAdminHandlers(catalog, { shopDomain: SHOP }));
  store = await seedStore({ shop: SHOP, name: "Hala Demo Boutique", currencyCode: "SAR" });
});

afterEach(async () => {
  await cache()
    .delPrefix("")
    .catch(() => undefined);
});

afterAll(async () => {
  recordFigures("abuse", { title: "Abuse", ...figures });
  await closeCache();
});

/** Posts a shopper's text through the real webhook route. */
async function post(waId: string, text: string, name = "Shopper") {
  const response = await callRoute(
    webhook,
    whatsappWebhookRequest(
      inboundPayload(store.phoneNumberId, waId, textMessage(text), { name }),
      store.appSecret,
    ),
  );
  expect(response.status).toBe(200);
}

const backends: [string, () => Promise<Cache | null>][] = [
  ["memory", async () => new MemoryCache()],
  ["redis", redisAvailable],
];

describe.each(backends)("a flooding shopper (%s cache)", (backend, make) => {
  it("50 messages in a second: all recorded, at most the burst answered, one notice, other shoppers unaffected", async (ctx) => {
    const c = await make();
    if (!c) return ctx.skip();
    setCache(c);
    const abuser = "966500001000";
    const others = ["966500001001", "966500001002", "966500001003", "966500001004", "966500001005"];
    const t0 = performance.now();
    // 50 messages in about a second, with the other shoppers writing in between.
    for (let i = 0; i < 50; i++) {
      await post(abuser, i % 3 ? `spam ${i}` : "hi");
      if (i % 10 === 5) await post(others[(i / 10) | 0], "hi", "Calm Shopper");
      await new Promise((r) => setTimeout(r, Math.max(0, 20 - 1)));
    }
    const floodMs = performance.now() - t0;
    // The first batch takes the oldest pending event of EVERY contact: the others are answered at once.
    const firstBatch = await processInboxBatch();
    const othersDone = await db().inboundEvent.count({
      where: { shop: SHOP, waId: { in: others }, status: "done" },
    });
    const tSettle = performance.now();
    await settle();
    const settleMs = performance.now() - tSettle;
    const elapsedS = (performance.now() - t0) / 1000;

    const inbound = await db().message.count({
      where: { shop: SHOP, direction: "in", toWaId: null, contact: undefined } as never,
    });
    const abuserContact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId: abuser } });
    const recorded = await db().message.count({
      where: { shop: SHOP, contactId: abuserContact.id, direction: "in" },
    });
    const events = await db().inboundEvent.groupBy({
      by: ["status"],
      where: { shop: SHOP, waId: abuser },
      _count: true,
    });
    const toAbuser = graph.sentTo(abuser) as Record<string, unknown>[];
    const notices = toAbuser.filter((b) =>
      /faster than we can answer|أسرع مما نستطيع/.test(textOfBody(b as never)),
    );
    // Answered turns: the burst, plus what the bucket refilled while the flood and the processing lasted.
    const answeredTurns = await db().message.count({
      where: { shop: SHOP, contactId: abuserContact.id, direction: "out", author: "bot" },
    });
    const bound = INBOUND_BURST + Math.ceil(elapsedS * INBOUND_RATE_PER_SEC) + 1;
    figures[`flood.${backend}`] = {
      messages: 50,
      floodMs: Math.round(floodMs),
      recorded,
      events: Object.fromEntries(events.map((e) => [e.status, e._count])),
      repliesToFlooder: toAbuser.length,
      botTurnsAnswered: answeredTurns - notices.length,
      notices: notices.length,
      boundTurns: bound,
      otherShoppersAnsweredInFirstBatch: `${othersDone}/${others.length}`,
      firstBatch,
      settleMs: Math.round(settleMs),
      inboundRows: inbound,
    };
    expect(recorded).toBe(50);
    expect(events.every((e) => e.status === "done")).toBe(true);
    expect(notices).toHaveLength(1);
    expect(answeredTurns - notices.length).toBeLessThanOrEqual(bound);
    expect(answeredTurns).toBeLessThan(50);
    expect(othersDone).toBe(others.length);
    for (const o of others) expect(graph.sentTo(o).length).toBeGreaterThan(0);
    // The notice speaks the shopper's language.
    expect(
      Object.values(NOTIFICATION_STRINGS).some((s) => textOfBody(notices[0] as never) === s.slowDown),
    ).toBe(true);
  });
});

describe("Arabic flooder", () => {
  it("gets the notice in Arabic", async () => {
    setCache(new MemoryCache());
    const waId = "966500002000";
    for (let i = 0; i < INBOUND_BURST + 4; i++) await post(waId, "مرحبا");
    await settle();
    const notice = (graph.sentTo(waId) as never[]).map(textOfBody).find((t) => t.includes("أسرع"));
    expect(notice).toBe(NOTIFICATION_STRINGS.ar.slowDown);
  });
});

describe("the number's rate", () => {
  /** Max sends in any sliding window of `ms`. */
  const maxIn = (times: number[], ms: number) => {
    const t = [...times].sort((x, y) => x - y);
    let best = 0;
    for (let i = 0, j = 0; i < t.length; i++) {
      while (t[i] - t[j] >= ms) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  };

  async function broadcast(rate: number, conversations: number) {
    setCache(new MemoryCache());
    await db().whatsAppAccount.updateMany({ where: { shop: SHOP }, data: { messagesPerSecond: rate } });
    forgetCachedAccounts(); // changed behind the accounts adapter's back
    const ids: string[] = [];
    for (let i = 0; i < conversations; i++) {
      const { conversation } = await ensureContactAndConversation(SHOP, {
        waId: `96650000${3000 + i}`,
        accountId: store.accountId,
        initialState: {},
      });
      await touchInbound(SHOP, conversation.id, new Date());
      ids.push(conversation.id);
    }
    // A merchant "broadcast": a reply in every conversation, plus a storm of replies to one shopper.
    for (const id of ids)
      expect(
        await runThreadAction(SHOP, id, { intent: "reply", text: "Eid sale: 20% off today!" }),
      ).toMatchObject({ ok: true });
    for (let i = 0; i < 10; i++)
      await runThreadAction(SHOP, ids[0], { intent: "reply", text: `Follow-up ${i}` });
    const total = conversations + 10;
    const deadline = Date.now() + 60_000;
    while (graph.sent.length < total && Date.now() < deadline) {
      if ((await sendOutboxBatch()) === 0) await new Promise((r) => setTimeout(r, 100));
      await database().raw.exec(
        `UPDATE "Message" SET "nextAttemptAt" = now() WHERE status = 'queued' AND "nextAttemptAt" > now() + interval '2 seconds'`,
      );
    }
    const times = graph.sent.map((s) => s.at);
    return {
      rate,
      sent: graph.sent.length,
      total,
      maxPerSecondSliding: maxIn(times, 1000),
      maxPer5s: maxIn(times, 5000),
      average: Math.round((times.length / ((Math.max(...times) - Math.min(...times)) / 1000 || 1)) * 10) / 10,
      toOneShopperMaxPerSecond: maxIn(
        graph.sent.filter((s) => s.body.to === "966500003000").map((s) => s.at),
        1000,
      ),
    };
  }

  it("fixed (outbox-rate-burst): a merchant's broadcast never exceeds messagesPerSecond in any sliding second, the rate on average", async () => {
    const result = await broadcast(5, LONG ? 60 : 20);
    figures.broadcast = result;
    expect(result.sent).toBe(result.total);
    expect(result.maxPerSecondSliding).toBeLessThanOrEqual(result.rate);
    expect(result.maxPer5s).toBeLessThanOrEqual(5 * result.rate);
  }, 90_000);
});

describe("bounded state", () => {
  it("the conversation state stays small whatever the shopper sends, over a long session", async () => {
    // A clock that moves 2 s per message: the throttle never fires, every message runs a full turn.
    let now = Date.now();
    setCache(new MemoryCache(() => now));
    const shopper = new Shopper(store, graph, "966500004000", "Long Session");
    const sizes: number[] = [];
    const stateSize = async () => {
      const c = await db().conversation.findFirstOrThrow({ where: { shop: SHOP }, select: { state: true } });
      return Buffer.byteLength(JSON.stringify(c.state));
    };
    const steps = LONG ? 400 : 80;
    const texts = fc.sample(
      fc.oneof(
        fc.constantFrom(
          "hi",
          "menu",
          "cart",
          "checkout",
          "help",
          "1",
          "2",
          "3",
          "more",
          "مرحبا",
          "السلة",
          "back",
        ),
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.integer({ min: 2_000, max: 60_000 }).chain((n) => hugeString(n)),
      ),
      { numRuns: steps, seed: 4242 },
    );
    for (let i = 0; i < steps; i++) {
      now += 2_000;
      const last = shopper.all().at(-1);
      const choices = last ? choicesOf(last) : [];
      // Mostly taps (browse, add to cart, quantities…), sometimes hostile text.
      if (choices.length && i % 3 !== 0) await shopper.tap((c) => c.id === choices[i % choices.length].id);
      else await shopper.say(texts[i]);
      sizes.push(await stateSize());
    }
    const stored = await database().raw.query<{ max: number }>(
      `SELECT max(octet_length(text))::int AS max FROM "Message" WHERE shop = $1 AND direction = 'in'`,
      [SHOP],
    );
    const chars = await database().raw.query<{ max: number }>(
      `SELECT max(length(text))::int AS max FROM "Message" WHERE shop = $1 AND direction = 'in'`,
      [SHOP],
    );
    figures.boundedState = {
      messages: steps,
      stateBytesMax: Math.max(...sizes),
      stateBytesLast: sizes.at(-1),
      cartLines:
        ((await db().conversation.findFirstOrThrow({ where: { shop: SHOP } })).state as { cart?: unknown[] })
          .cart?.length ?? 0,
      longestStoredInboundTextBytes: stored[0].max,
      longestStoredInboundTextChars: chars[0].max,
    };
    expect(Math.max(...sizes)).toBeLessThan(32 * 1024);
    // The inbox's text of a message is bounded too (the raw webhook body is kept as Meta sent it).
    expect(chars[0].max).toBeLessThanOrEqual(4096);
  }, 180_000);
});
