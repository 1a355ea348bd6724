import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader } from "~/routes/app.feedback";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { adminRequest } from "./helpers/session-token";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

let store: TestStore;
let other: TestStore;

beforeEach(async () => {
  store = await seedStore();
  other = await seedStore({ shop: "other-shop.myshopify.com", phoneNumberId: "222222222222" });
});

async function seedFeedback(
  shop: string,
  rows: {
    orderId: string;
    rating?: number | null;
    outcome?: string | null;
    comment?: string;
    sentimentLabel?: string;
    sentimentScore?: number;
    at: Date;
    withConversation?: boolean;
  }[],
) {
  const contact = await db().contact.create({
    data: { shop, waId: `9715${Math.floor(Math.random() * 1e8)}`, name: "Sara" },
  });
  const conversation = await db().conversation.create({ data: { shop, contactId: contact.id, state: {} } });
  for (const row of rows) {
    await db().feedback.create({
      data: {
        shop,
        orderId: row.orderId,
        orderName: `#${row.orderId}`,
        contactId: contact.id,
        conversationId: row.withConversation === false ? "conv-deleted" : conversation.id,
        rating: row.rating ?? null,
        outcome: row.outcome ?? null,
        comment: row.comment ?? null,
        sentimentLabel: row.sentimentLabel ?? null,
        sentimentScore: row.sentimentScore ?? null,
        status: row.rating || row.comment ? "answered" : "requested",
        createdAt: row.at,
        answeredAt: row.rating || row.comment ? row.at : null,
      },
    });
  }
  return { contact, conversation };
}

const page = async (query = "", shop = store.shop) => {
  const response = await callRoute(loader, adminRequest(shop, `/app/feedback${query}`));
  expect(response.status).toBe(200);
  return response.json();
};

describe("the feedback page", () => {
  it("lists the shop's feedback newest first, with rating, sentiment, outcome and a link to the conversation", async () => {
    const now = Date.now();
    const { conversation } = await seedFeedback(store.shop, [
      {
        orderId: "1001",
        rating: 5,
        outcome: "positive",
        comment: "Loved it",
        sentimentLabel: "positive",
        sentimentScore: 0.8,
        at: new Date(now - 3000),
      },
      {
        orderId: "1002",
        rating: 2,
        outcome: "negative",
        comment: "وصل متأخر",
        sentimentLabel: "negative",
        sentimentScore: -0.5,
        at: new Date(now - 2000),
      },
      { orderId: "1003", rating: null, outcome: null, at: new Date(now - 1000), withConversation: false },
    ]);
    await seedFeedback(other.shop, [{ orderId: "9999", rating: 1, outcome: "negative", at: new Date(now) }]);

    const data = await page();
    expect(data.feedback.map((f: { orderName: string }) => f.orderName)).toEqual(["#1003", "#1002", "#1001"]);
    expect(data.feedback[1]).toMatchObject({
      rating: 2,
      outcome: "negative",
      comment: "وصل متأخر",
      sentimentLabel: "negative",
      sentimentScore: -0.5,
      contactName: "Sara",
      conversationId: conversation.id,
    });
    // A conversation that no longer exists is not linked.
    expect(data.feedback[0].conversationId).toBeNull();
    expect(data.next).toBeNull();
  });

  it("filters by outcome and rating", async () => {
    const now = Date.now();
    await seedFeedback(store.shop, [
      { orderId: "1", rating: 5, outcome: "positive", at: new Date(now - 3000) },
      { orderId: "2", rating: 4, outcome: "negative", comment: "broken", at: new Date(now - 2000) },
      { orderId: "3", rating: 1, outcome: "negative", at: new Date(now - 1000) },
    ]);
    const orders = async (q: string) =>
      (await page(q)).feedback.map((f: { orderName: string }) => f.orderName);
    expect(await orders("?outcome=negative")).toEqual(["#3", "#2"]);
    expect(await orders("?rating=5")).toEqual(["#1"]);
    expect(await orders("?outcome=negative&rating=4")).toEqual(["#2"]);
    expect(await orders("?outcome=bogus&rating=9")).toEqual(["#3", "#2", "#1"]);
  });

  it("pages", async () => {
    const now = Date.now();
    await seedFeedback(
      store.shop,
      Array.from({ length: 30 }, (_, i) => ({
        orderId: String(100 + i),
        rating: 5,
        outcome: "positive",
        at: new Date(now - i * 1000),
      })),
    );
    const first = await page();
    expect(first.feedback).toHaveLength(25);
    expect(first.firstPage).toBe(true);
    const second = await page(`?cursor=${first.next}`);
    expect(second.feedback.map((f: { orderName: string }) => f.orderName)).toEqual([
      "#125",
      "#126",
      "#127",
      "#128",
      "#129",
    ]);
    expect(second.next).toBeNull();
    expect(second.firstPage).toBe(false);
  });

  it("empty", async () => {
    const data = await page();
    expect(data.feedback).toEqual([]);
    expect(data.firstPage).toBe(true);
  });
});
