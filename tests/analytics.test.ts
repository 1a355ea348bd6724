import type { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { initialState } from "~/domain/conversation";
import { loader } from "~/routes/app._index";
import {
  analyticsPage,
  analyticsReport,
  localToday,
  type AnalyticsReport,
} from "~/services/analytics.server";
import { DemoShopifyStore } from "./mocks/demo-catalog";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { adminRequest } from "./helpers/session-token";
import { seedStore, type TestStore } from "./helpers/whatsapp";

/**
 * The analytics overview on a small known dataset: shop A's exact numbers for every series and funnel, in
 * the shop's time zone (Asia/Riyadh, UTC+3 all year: local midnight is 21:00 UTC the day before), with
 * shop B holding look-alike rows at the same instants — some even pointing at A's conversations — that must
 * never show in A's numbers.
 */
setupTestDatabase();

const TZ = "Asia/Riyadh";
const FROM = "2026-03-01";
const TO = "2026-03-07";
/** A local time in Riyadh, e.g. riyadh("03-02 00:30:00") → 2026-03-01T21:30:00Z. */
const riyadh = (monthDayTime: string) => new Date(`2026-${monthDayTime.replace(" ", "T")}+03:00`);

let a: TestStore;
let b: TestStore;

type MessageSeed = {
  dir: "in" | "out";
  author?: "shopper" | "bot" | "merchant" | "system";
  at: string;
  status?: string;
  sent?: boolean;
  delivered?: boolean;
  read?: boolean;
};

let seq = 0;

async function conversation(
  shop: string,
  waId: string,
  messages: MessageSeed[],
  options: { cart?: boolean; conversationId?: string } = {},
) {
  const contact = await db().contact.create({ data: { shop, waId, name: `Shopper ${waId}` } });
  const state = initialState() as unknown as Record<string, unknown>;
  if (options.cart) {
    state.cart = [
      {
        variantId: "gid://shopify/ProductVariant/1",
        productId: "gid://shopify/Product/1",
        productTitle: "Oud",
        variantTitle: "50 ml",
        quantity: 1,
        unitPrice: { amount: "120.00", currencyCode: "SAR" },
      },
    ];
  }
  const conv = await db().conversation.create({
    data: { shop, contactId: contact.id, state: state as Prisma.InputJsonValue },
  });
  await addMessages(shop, options.conversationId ?? conv.id, contact.id, messages);
  return { contactId: contact.id, id: conv.id };
}

async function addMessages(shop: string, conversationId: string, contactId: string, messages: MessageSeed[]) {
  for (const m of messages) {
    const at = riyadh(m.at);
    const later = (s: number) => new Date(at.getTime() + s * 1000);
    const status =
      m.status ?? (m.dir === "in" ? "received" : m.read ? "read" : m.delivered ? "delivered" : "sent");
    await db().message.create({
      data: {
        shop,
        conversationId,
        contactId,
        direction: m.dir,
        author: m.author ?? (m.dir === "in" ? "shopper" : "bot"),
        type: "text",
        body: { text: { body: `message ${++seq}` } },
        text: `message ${seq}`,
        status,
        createdAt: at,
        sentAt:
          m.dir === "out" && (m.sent ?? ["sent", "delivered", "read"].includes(status)) ? later(1) : null,
        deliveredAt: m.delivered ? later(2) : null,
        readAt: m.read ? later(3) : null,
        failedAt: status === "failed" ? later(1) : null,
      },
    });
  }
}

async function checkout(
  shop: string,
  conversationId: string,
  contactId: string,
  draftOrderId: string,
  at: string,
) {
  await db().checkout.create({
    data: {
      shop,
      conversationId,
      contactId,
      draftOrderId,
      invoiceUrl: `https://${shop}/invoices/${draftOrderId}`,
      lines: [],
      totalAmount: "100.00",
      currencyCode: "SAR",
      createdAt: riyadh(at),
    },
  });
}

async function order(
  shop: string,
  orderId: string,
  at: string,
  amount: string,
  currencyCode: string,
  conversationId: string | null,
) {
  await db().orderAttribution.create({
    data: { shop, orderId, conversationId, totalAmount: amount, currencyCode, createdAt: riyadh(at) },
  });
}

async function feedback(
  shop: string,
  orderId: string,
  input: {
    created: string;
    answered?: string;
    outcome?: string;
    label?: string;
    score?: number;
    rating?: number;
  },
) {
  await db().feedback.create({
    data: {
      shop,
      orderId,
      outcome: input.outcome ?? null,
      sentimentLabel: input.label ?? null,
      sentimentScore: input.score ?? null,
      rating: input.rating ?? null,
      status: input.answered ? "answered" : "requested",
      createdAt: riyadh(input.created),
      answeredAt: input.answered ? riyadh(input.answered) : null,
    },
  });
}

async function llm(
  shop: string,
  at: string,
  input: { ok: boolean; prompt: number; completion: number; latency: number },
) {
  await db().llmCall.create({
    data: {
      shop,
      purpose: "reply",
      model: "test-model",
      promptTokens: input.prompt,
      completionTokens: input.completion,
      latencyMs: input.latency,
      ok: input.ok,
      createdAt: riyadh(at),
    },
  });
}

/**
 * Shop A (7 local days, 2026-03-01 … 2026-03-07):
 * C1 bot answers twice (2 s, 4 s), two checkouts, one order; C2 two shopper messages at 00:30 local on
 * 03-02 (still 03-01 in UTC), a merchant answer 11 min later (read without "delivered"), a failed system
 * message, cart lines in state; C3 a shopper message at 23:59:59 whose bot answer failed (unanswered) and a
 * checkout; C4 outbound only (delivered, queued, cancelled); C5 a run that began before the range and a
 * wait at 23:59:58 on the last day answered 5 s later, after the range.
 */
async function seedShopA() {
  const c1 = await conversation(a.shop, "966500000001", [
    { dir: "in", at: "03-01 10:00:00" },
    { dir: "out", at: "03-01 10:00:02", delivered: true, read: true },
    { dir: "in", at: "03-01 10:01:00" },
    { dir: "out", at: "03-01 10:01:04", delivered: true },
  ]);
  const c2 = await conversation(
    a.shop,
    "966500000002",
    [
      { dir: "in", at: "03-02 00:30:00" },
      { dir: "in", at: "03-02 00:31:00" },
      { dir: "out", author: "merchant", at: "03-02 00:41:00", read: true },
      { dir: "out", author: "system", at: "03-02 00:50:00", status: "failed" },
    ],
    { cart: true },
  );
  const c3 = await conversation(a.shop, "966500000003", [
    { dir: "in", at: "03-03 23:59:59" },
    { dir: "out", at: "03-04 00:00:01", status: "failed" },
  ]);
  const c4 = await conversation(a.shop, "966500000004", [
    { dir: "out", author: "merchant", at: "03-05 09:00:00", delivered: true },
    { dir: "out", at: "03-05 09:05:00", status: "queued" },
    { dir: "out", at: "03-05 09:06:00", status: "cancelled" },
  ]);
  const c5 = await conversation(a.shop, "966500000005", [
    { dir: "in", at: "02-28 23:58:00" },
    { dir: "in", at: "03-01 00:00:30" },
    { dir: "out", at: "03-01 00:00:35" },
    { dir: "in", at: "03-07 23:59:58" },
    { dir: "out", at: "03-08 00:00:03" },
  ]);
  await checkout(a.shop, c1.id, c1.contactId, "D1", "03-01 10:05:00");
  await checkout(a.shop, c3.id, c3.contactId, "D2", "03-04 10:00:00");
  await checkout(a.shop, c1.id, c1.contactId, "D3", "03-05 11:00:00");
  await checkout(a.shop, c4.id, c4.contactId, "D4", "02-20 11:00:00");
  await order(a.shop, "O1", "03-02 12:00:00", "150.00", "SAR", c1.id);
  await order(a.shop, "O2", "03-06 08:00:00", "99.50", "SAR", null);
  await order(a.shop, "O3", "03-07 23:00:00", "20.00", "USD", null);
  await order(a.shop, "O4", "03-08 00:10:00", "500.00", "SAR", c2.id);
  await feedback(a.shop, "O1", {
    created: "03-02 13:00:00",
    answered: "03-03 09:00:00",
    outcome: "positive",
    label: "positive",
    score: 0.8,
    rating: 5,
  });
  await feedback(a.shop, "F2", {
    created: "03-01 13:00:00",
    answered: "03-04 09:00:00",
    outcome: "negative",
    label: "negative",
    score: -0.6,
    rating: 2,
  });
  await feedback(a.shop, "F3", {
    created: "02-25 13:00:00",
    answered: "03-04 18:00:00",
    outcome: "neutral",
    label: "neutral",
    score: 0,
  });
  await feedback(a.shop, "F4", { created: "03-06 13:00:00" });
  await feedback(a.shop, "F5", {
    created: "03-07 13:00:00",
    answered: "03-08 01:00:00",
    outcome: "positive",
    label: "positive",
    score: 0.9,
    rating: 5,
  });
  await llm(a.shop, "03-01 10:00:01", { ok: true, prompt: 100, completion: 20, latency: 800 });
  await llm(a.shop, "03-01 10:01:01", { ok: false, prompt: 50, completion: 0, latency: 3000 });
  await llm(a.shop, "03-06 12:00:00", { ok: true, prompt: 30, completion: 5, latency: 200 });
  await llm(a.shop, "02-28 23:00:00", { ok: true, prompt: 1000, completion: 1000, latency: 100 });
  return { c1, c2, c3, c4, c5 };
}

/** Shop B: busy at the same instants, plus rows that point at shop A's conversations. */
async function seedShopB(aConversations: Awaited<ReturnType<typeof seedShopA>>) {
  const d1 = await conversation(b.shop, "966500000001", [
    { dir: "in", at: "03-01 10:00:00" },
    { dir: "out", author: "merchant", at: "03-01 10:00:01", delivered: true, read: true },
    { dir: "in", at: "03-03 12:00:00" },
    { dir: "out", at: "03-03 12:00:30", status: "failed" },
    { dir: "out", at: "03-06 12:00:30", status: "queued" },
  ]);
  // Stray rows of shop B that reference shop A's conversations must not count for A.
  await addMessages(b.shop, aConversations.c4.id, d1.contactId, [
    { dir: "in", at: "03-05 09:01:00" },
    { dir: "out", author: "merchant", at: "03-05 09:01:30", read: true },
  ]);
  await checkout(b.shop, aConversations.c5.id, d1.contactId, "D1", "03-02 10:00:00");
  await checkout(b.shop, d1.id, d1.contactId, "D9", "03-02 10:00:00");
  await order(b.shop, "O1", "03-02 12:00:00", "9999.00", "SAR", aConversations.c5.id);
  await order(b.shop, "O9", "03-06 12:00:00", "1.00", "EUR", d1.id);
  await feedback(b.shop, "O1", {
    created: "03-02 13:00:00",
    answered: "03-03 09:00:00",
    outcome: "negative",
    label: "negative",
    score: -1,
    rating: 1,
  });
  await llm(b.shop, "03-01 10:00:01", { ok: false, prompt: 7777, completion: 7777, latency: 9999 });
  return { d1 };
}

beforeEach(async () => {
  await cache().delPrefix("");
  a = await seedStore({ shop: "shop-a.myshopify.com", phoneNumberId: "111111111111" });
  b = await seedStore({ shop: "shop-b.myshopify.com", phoneNumberId: "222222222222" });
});

const day = (report: Pick<AnalyticsReport, "daily">, date: string) =>
  report.daily.find((d) => d.date === date);

describe("analytics report (SQL aggregation, shop A)", () => {
  let report: Awaited<ReturnType<typeof analyticsReport>>;

  beforeEach(async () => {
    const convs = await seedShopA();
    await seedShopB(convs);
    report = await analyticsReport({ shop: a.shop, from: FROM, to: TO, timeZone: TZ });
  });

  it("counts conversations and messages per local day, zero-filled", () => {
    expect(report.empty).toBe(false);
    expect(report.daily).toEqual([
      { date: "2026-03-01", conversations: 2, messagesIn: 3, messagesOut: 3 },
      { date: "2026-03-02", conversations: 1, messagesIn: 2, messagesOut: 2 },
      { date: "2026-03-03", conversations: 1, messagesIn: 1, messagesOut: 0 },
      { date: "2026-03-04", conversations: 1, messagesIn: 0, messagesOut: 1 },
      { date: "2026-03-05", conversations: 1, messagesIn: 0, messagesOut: 2 },
      { date: "2026-03-06", conversations: 0, messagesIn: 0, messagesOut: 0 },
      { date: "2026-03-07", conversations: 1, messagesIn: 1, messagesOut: 0 },
    ]);
    expect(report.totals).toEqual({ conversations: 5, messagesIn: 7, messagesOut: 8 });
  });

  it("reports the delivery funnel (read implies delivered; cancelled left out)", () => {
    expect(report.delivery).toEqual({ outbound: 8, sent: 5, delivered: 4, read: 2, failed: 2, pending: 1 });
  });

  it("reports the shopping funnel by conversation and the attributed revenue per currency", () => {
    expect(report.shopping).toMatchObject({
      conversations: 4,
      carts: 3,
      checkouts: 2,
      orders: 1,
      checkoutsCreated: 3,
      ordersAttributed: 3,
    });
    expect(report.shopping.revenue).toEqual([
      { currencyCode: "SAR", orders: 2, amount: "249.50" },
      { currencyCode: "USD", orders: 1, amount: "20.00" },
    ]);
    expect(report.shopping.dailyOrders.filter((d) => d.orders > 0)).toEqual([
      { date: "2026-03-02", orders: 1 },
      { date: "2026-03-06", orders: 1 },
      { date: "2026-03-07", orders: 1 },
    ]);
  });

  it("reports feedback outcomes, sentiment and ratings over time", () => {
    expect(report.feedback).toMatchObject({
      requested: 4,
      answered: 3,
      outcomes: { positive: 1, neutral: 1, negative: 1 },
      sentiment: { positive: 1, neutral: 1, negative: 1, averageScore: 0.067 },
      ratings: 2,
      averageRating: 3.5,
    });
    expect(report.feedback.daily.filter((d) => d.positive + d.neutral + d.negative > 0)).toEqual([
      { date: "2026-03-03", positive: 1, neutral: 0, negative: 0, averageSentiment: 0.8 },
      { date: "2026-03-04", positive: 0, neutral: 1, negative: 1, averageSentiment: -0.3 },
    ]);
  });

  it("measures first-response times of the bot and of merchants", () => {
    expect(report.responseTimes.bot).toEqual({ waits: 3, medianSeconds: 4, p90Seconds: 4.8 });
    expect(report.responseTimes.merchant).toEqual({ waits: 1, medianSeconds: 660, p90Seconds: 660 });
    expect(report.responseTimes.unanswered).toBe(1);
    expect(
      report.responseTimes.daily.filter(
        (d) => d.botMedianSeconds !== null || d.merchantMedianSeconds !== null,
      ),
    ).toEqual([
      { date: "2026-03-01", botMedianSeconds: 3, merchantMedianSeconds: null },
      { date: "2026-03-02", botMedianSeconds: null, merchantMedianSeconds: 660 },
      { date: "2026-03-07", botMedianSeconds: 5, merchantMedianSeconds: null },
    ]);
  });

  it("reports AI usage", () => {
    expect(report.ai).toMatchObject({
      calls: 3,
      failures: 1,
      promptTokens: 180,
      completionTokens: 25,
      averageLatencyMs: 1333.3,
    });
    expect(report.ai.daily.filter((d) => d.calls > 0)).toEqual([
      { date: "2026-03-01", calls: 2, failures: 1, tokens: 170 },
      { date: "2026-03-06", calls: 1, failures: 0, tokens: 35 },
    ]);
  });

  it("buckets by the time zone it is given (UTC moves C2's 00:30 local to the day before)", async () => {
    const utc = await analyticsReport({ shop: a.shop, from: FROM, to: TO, timeZone: "UTC" });
    expect(day(utc, "2026-03-01")).toEqual({
      date: "2026-03-01",
      conversations: 2,
      messagesIn: 4,
      messagesOut: 4,
    });
    expect(day(utc, "2026-03-02")).toEqual({
      date: "2026-03-02",
      conversations: 0,
      messagesIn: 0,
      messagesOut: 0,
    });
    expect(day(utc, "2026-03-03")).toEqual({
      date: "2026-03-03",
      conversations: 1,
      messagesIn: 1,
      messagesOut: 1,
    });
    // 03-08 00:00:03 and 00:10 local are still 03-07 in UTC.
    expect(day(utc, "2026-03-07")).toEqual({
      date: "2026-03-07",
      conversations: 1,
      messagesIn: 1,
      messagesOut: 1,
    });
    expect(utc.shopping.ordersAttributed).toBe(4);
  });

  it("shop B sees only its own rows", async () => {
    const other = await analyticsReport({ shop: b.shop, from: FROM, to: TO, timeZone: TZ });
    expect(other.totals).toEqual({ conversations: 2, messagesIn: 3, messagesOut: 4 });
    expect(other.delivery).toEqual({ outbound: 4, sent: 2, delivered: 2, read: 2, failed: 1, pending: 1 });
    expect(other.shopping).toMatchObject({ checkoutsCreated: 2, ordersAttributed: 2 });
    expect(other.shopping.revenue).toEqual([
      { currencyCode: "EUR", orders: 1, amount: "1.00" },
      { currencyCode: "SAR", orders: 1, amount: "9999.00" },
    ]);
    expect(other.ai).toMatchObject({ calls: 1, failures: 1 });
    expect(other.responseTimes.merchant).toMatchObject({ waits: 2 });
  });
});

describe("days across a daylight-saving change", () => {
  it("buckets by the zone's real midnights (America/New_York springs forward on 2026-03-08)", async () => {
    const contact = await db().contact.create({ data: { shop: a.shop, waId: "15550000001" } });
    const conv = await db().conversation.create({ data: { shop: a.shop, contactId: contact.id, state: {} } });
    // 23:30 EST on 03-07, 23:30 EDT on 03-08, 00:30 EDT on 03-09 (a fixed UTC−5 would put it on 03-08).
    for (const at of ["2026-03-08T04:30:00Z", "2026-03-09T03:30:00Z", "2026-03-09T04:30:00Z"]) {
      await db().message.create({
        data: {
          shop: a.shop,
          conversationId: conv.id,
          contactId: contact.id,
          direction: "in",
          author: "shopper",
          type: "text",
          body: {},
          status: "received",
          createdAt: new Date(at),
        },
      });
    }
    const report = await analyticsReport({
      shop: a.shop,
      from: "2026-03-07",
      to: "2026-03-09",
      timeZone: "America/New_York",
    });
    expect(report.daily.map((d) => [d.date, d.messagesIn])).toEqual([
      ["2026-03-07", 1],
      ["2026-03-08", 1],
      ["2026-03-09", 1],
    ]);
  });
});

describe("an empty shop", () => {
  it("is empty with zero-filled series", async () => {
    const report = await analyticsReport({ shop: a.shop, from: FROM, to: TO, timeZone: TZ });
    expect(report.empty).toBe(true);
    expect(report.daily).toHaveLength(7);
    expect(report.daily.every((d) => d.conversations === 0 && d.messagesIn === 0)).toBe(true);
    expect(report.delivery).toEqual({ outbound: 0, sent: 0, delivered: 0, read: 0, failed: 0, pending: 0 });
    expect(report.shopping).toMatchObject({
      conversations: 0,
      carts: 0,
      checkouts: 0,
      orders: 0,
      revenue: [],
    });
    expect(report.responseTimes.bot).toEqual({ waits: 0, medianSeconds: null, p90Seconds: null });
    expect(report.ai.calls).toBe(0);
  });
});

describe("the range (zod) and the time zone", () => {
  const now = new Date("2026-03-07T22:30:00Z"); // 2026-03-08 01:30 in Riyadh

  it("defaults to the last 30 local days, today included", async () => {
    const page = await analyticsPage(a.shop, {}, { now });
    // No Admin API client: UTC.
    expect(page.report.range).toEqual({
      preset: "30d",
      from: "2026-02-06",
      to: "2026-03-07",
      days: 30,
      timeZone: "UTC",
      timeZoneSource: "utc",
    });
    expect(page.rangeError).toBe(false);
  });

  it("uses presets and custom ranges in the shop's time zone", async () => {
    const graphql = async () => Response.json({ data: { shop: { ianaTimezone: TZ } } });
    const seven = await analyticsPage(a.shop, { range: "7d" }, { now, graphql });
    expect(seven.report.range).toMatchObject({
      preset: "7d",
      from: "2026-03-02",
      to: "2026-03-08",
      days: 7,
      timeZone: TZ,
      timeZoneSource: "shop",
    });
    const ninety = await analyticsPage(a.shop, { range: "90d" }, { now });
    expect(ninety.report.range).toMatchObject({
      from: "2025-12-09",
      to: "2026-03-08",
      days: 90,
      timeZone: TZ,
    }); // cached zone
    const custom = await analyticsPage(a.shop, { from: FROM, to: TO }, { now });
    expect(custom.report.range).toMatchObject({ preset: "custom", from: FROM, to: TO, days: 7 });
    expect(custom.report.daily.map((d) => d.date)).toEqual([
      "2026-03-01",
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
    ]);
  });

  it.each([
    { range: "365d" },
    { range: "custom", from: FROM },
    { from: "2026-03-08", to: "2026-03-01" },
    { from: "2026-02-30", to: "2026-03-01" },
    { from: "2024-01-01", to: "2026-03-01" },
    { from: "1999-12-31", to: "2000-01-01" },
    { from: "03/01/2026", to: TO },
    { from: '2026-03-01\'; DROP TABLE "Message"; --', to: TO },
  ])("refuses %o and shows the default range", async (query) => {
    const page = await analyticsPage(a.shop, query as unknown as Record<string, string>, { now });
    expect(page.rangeError).toBe(true);
    expect(page.report.range).toMatchObject({ preset: "30d", days: 30 });
  });

  it("falls back to UTC when Shopify cannot say", async () => {
    const graphql = async () => new Response("oops", { status: 500 });
    const page = await analyticsPage(a.shop, {}, { now, graphql });
    expect(page.report.range).toMatchObject({ timeZone: "UTC", timeZoneSource: "utc" });
  });

  it("computes the local day", () => {
    expect(localToday(TZ, now)).toBe("2026-03-08");
    expect(localToday("UTC", now)).toBe("2026-03-07");
    expect(localToday("America/Los_Angeles", now)).toBe("2026-03-07");
  });
});

describe("the app._index loader", () => {
  beforeEach(async () => {
    const convs = await seedShopA();
    await seedShopB(convs);
    // The Admin API fake answers shop { ianaTimezone } with Asia/Riyadh.
    server.use(
      ...createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: a.shop }), { catchAll: true }),
    );
  });

  it("renders shop A's analytics for an authenticated admin request, in the shop's time zone", async () => {
    const response = await callRoute(loader, adminRequest(a.shop, `/app?from=${FROM}&to=${TO}`));
    expect(response.status).toBe(200);
    const data = (await response.json()) as { report: AnalyticsReport; rangeError: boolean; locale: string };
    expect(data.rangeError).toBe(false);
    expect(data.report.range).toMatchObject({ from: FROM, to: TO, timeZone: TZ, timeZoneSource: "shop" });
    expect(data.report.totals).toEqual({ conversations: 5, messagesIn: 7, messagesOut: 8 });
    expect(data.report.shopping.revenue).toEqual([
      { currencyCode: "SAR", orders: 2, amount: "249.50" },
      { currencyCode: "USD", orders: 1, amount: "20.00" },
    ]);
  });

  it("uses the session's shop, never a shop named in the URL", async () => {
    const response = await callRoute(
      loader,
      adminRequest(b.shop, `/app?from=${FROM}&to=${TO}&shop=${a.shop}`),
    );
    expect(response.status).toBe(200);
    const data = (await response.json()) as { report: AnalyticsReport };
    expect(data.report.totals).toEqual({ conversations: 2, messagesIn: 3, messagesOut: 4 });
  });

  it("defaults to 30 days and flags an invalid range", async () => {
    const response = await callRoute(loader, adminRequest(a.shop, `/app?from=2026-03-09&to=2026-03-01`));
    expect(response.status).toBe(200);
    const data = (await response.json()) as { report: AnalyticsReport; rangeError: boolean };
    expect(data.rangeError).toBe(true);
    expect(data.report.range).toMatchObject({ preset: "30d", days: 30, to: localToday(TZ) });
  });

  it("refuses a request without a session token", async () => {
    const response = await callRoute(
      loader,
      new Request(`${process.env.SHOPIFY_APP_URL}/app`, { headers: { Authorization: "Bearer nope" } }),
    );
    expect(response.status).not.toBe(200);
  });
});
