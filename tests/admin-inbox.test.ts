import type { Prisma } from "@prisma/client";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { initialState, parseState } from "~/domain/conversation";
import { action as threadAction, loader as threadLoader } from "~/routes/app.inbox.$id";
import { loader as eventsLoader } from "~/routes/app.inbox.$id.events";
import { loader as inboxLoader } from "~/routes/app.inbox";
import { loader as mediaLoader } from "~/routes/app.media.$id";
import { publishConversationUpdate } from "~/services/conversation.server";
import { OUTSIDE_WINDOW_TITLE, sendOutboxBatch } from "~/services/outbox.server";
import { catalogs } from "~/i18n/admin";
import { demoProducts, DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { adminRequest } from "./helpers/session-token";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const HOUR = 3600_000;
const graph = createGraphApiFake();
let store: TestStore;
let other: TestStore;
let catalog: DemoShopifyStore;
let admin: ReturnType<typeof createShopifyAdminHandlers>;

beforeEach(async () => {
  await cache().delPrefix("");
  graph.reset();
  store = await seedStore();
  other = await seedStore({ shop: "other-shop.myshopify.com", phoneNumberId: "222222222222" });
  catalog = new DemoShopifyStore({ shopDomain: store.shop });
  admin = createShopifyAdminHandlers(catalog);
  server.use(...graph.handlers, ...admin);
});

interface SeedMessage {
  direction?: "in" | "out";
  author?: string;
  text?: string | null;
  type?: string;
  body?: Prisma.InputJsonValue;
  status?: string;
  at: Date;
  errorCode?: number;
  errorTitle?: string;
}

/** A contact, its conversation and messages, written as the worker would have left them. */
async function seedConversation(
  shop: string,
  input: {
    waId: string;
    name?: string | null;
    status?: "bot" | "human";
    needsAttention?: boolean;
    unreadCount?: number;
    lastInboundAt?: Date | null;
    lastMessageAt?: Date;
    state?: Prisma.InputJsonValue;
    blocked?: boolean;
    accountId?: string;
    messages?: SeedMessage[];
  },
) {
  const lastInboundAt = input.lastInboundAt === undefined ? new Date() : input.lastInboundAt;
  const contact = await db().contact.create({
    data: {
      shop,
      waId: input.waId,
      name: input.name ?? null,
      blocked: input.blocked ?? false,
    },
  });
  const conversation = await db().conversation.create({
    data: {
      shop,
      contactId: contact.id,
      accountId: input.accountId ?? null,
      state: input.state ?? (initialState() as unknown as Prisma.InputJsonValue),
      status: input.status ?? "bot",
      needsAttention: input.needsAttention ?? false,
      unreadCount: input.unreadCount ?? 0,
      lastInboundAt,
      lastMessageAt: input.lastMessageAt ?? new Date(),
    },
  });
  for (const [i, m] of (input.messages ?? []).entries()) {
    const direction = m.direction ?? "in";
    await db().message.create({
      data: {
        shop,
        conversationId: conversation.id,
        contactId: contact.id,
        direction,
        author: m.author ?? (direction === "in" ? "shopper" : "bot"),
        wamid: `wamid.${conversation.id}.${i}`,
        type: m.type ?? "text",
        body: m.body ?? { event: { type: "text", text: m.text } },
        text: m.text === undefined ? null : m.text,
        status: m.status ?? (direction === "in" ? "received" : "delivered"),
        errorCode: m.errorCode ?? null,
        errorTitle: m.errorTitle ?? null,
        createdAt: m.at,
      },
    });
  }
  return { contact, conversation };
}

const list = async (query = "", shop = store.shop) => {
  const response = await callRoute(inboxLoader, adminRequest(shop, `/app/inbox${query}`));
  expect(response.status).toBe(200);
  return response.json();
};
const thread = (id: string, shop = store.shop, query = "") =>
  callRoute(threadLoader, adminRequest(shop, `/app/inbox/${id}${query}`), { id });
const act = (id: string, form: Record<string, string>, shop = store.shop) =>
  callRoute(threadAction, adminRequest(shop, `/app/inbox/${id}`, { form }), { id });

describe("the conversation list", () => {
  it("newest first, with previews, unread counts and filter counts", async () => {
    const now = Date.now();
    await seedConversation(store.shop, {
      waId: "971500000001",
      name: "Sara",
      unreadCount: 2,
      lastMessageAt: new Date(now - 3 * HOUR),
      messages: [{ text: "Do you have the abaya in black?", at: new Date(now - 3 * HOUR) }],
    });
    await seedConversation(store.shop, {
      waId: "971500000002",
      name: "Omar",
      status: "human",
      needsAttention: true,
      lastMessageAt: new Date(now - 1 * HOUR),
      messages: [
        { text: "human please", at: new Date(now - 2 * HOUR) },
        {
          direction: "out",
          author: "merchant",
          text: "Hi Omar, how can I help?",
          at: new Date(now - 1 * HOUR),
        },
      ],
    });
    await seedConversation(store.shop, {
      waId: "971500000003",
      name: "Layla",
      lastMessageAt: new Date(now - 2 * HOUR),
    });
    await seedConversation(other.shop, { waId: "971500000009", name: "Not mine" });

    const data = await list();
    expect(data.locale).toBe("en");
    expect(data.conversations.map((c: { contact: { name: string } }) => c.contact.name)).toEqual([
      "Omar",
      "Layla",
      "Sara",
    ]);
    expect(data.conversations[0].preview).toEqual({
      text: "Hi Omar, how can I help?",
      direction: "out",
      author: "merchant",
      status: "delivered",
    });
    expect(data.conversations[1].preview).toBeNull();
    expect(data.counts).toEqual({
      all: 3,
      attention: 1,
      human: 1,
      bot: 2,
      unreadConversations: 1,
      unreadMessages: 2,
    });
    expect(data.page).toEqual({ next: null, previous: null });

    expect(
      (await list("?filter=attention")).conversations.map(
        (c: { contact: { name: string } }) => c.contact.name,
      ),
    ).toEqual(["Omar"]);
    expect(
      (await list("?filter=human")).conversations.map((c: { contact: { name: string } }) => c.contact.name),
    ).toEqual(["Omar"]);
    expect(
      (await list("?filter=bot")).conversations.map((c: { contact: { name: string } }) => c.contact.name),
    ).toEqual(["Layla", "Sara"]);
    // Nonsense falls back to everything rather than failing.
    expect((await list("?filter=nonsense&dir=sideways&cursor=%%%")).conversations).toHaveLength(3);
  });

  it("searches contact names, phone numbers and message text (English and Arabic), not the bot's replies", async () => {
    const at = new Date();
    await seedConversation(store.shop, {
      waId: "971500000001",
      name: "Sara Ahmed",
      messages: [{ text: "Do you ship to Dubai?", at }],
    });
    await seedConversation(store.shop, {
      waId: "966511112222",
      name: "Omar",
      messages: [{ text: "أريد عباية سوداء مقاس كبير", at }],
    });
    await seedConversation(store.shop, {
      waId: "201000000003",
      name: null,
      messages: [
        { text: "shipping costs?", at },
        // The bot's replies are not searched (its menus would match every conversation); a merchant's are.
        { direction: "out", author: "bot", text: "Browse our collections or checkout", at },
        { direction: "out", author: "merchant", text: "Your parcel leaves tomorrow", at },
      ],
    });
    await seedConversation(other.shop, {
      waId: "971500000004",
      name: "Sara Other",
      messages: [{ text: "ship to Dubai", at }],
    });
    const names = async (q: string) =>
      (await list(`?q=${encodeURIComponent(q)}`)).conversations.map(
        (c: { contact: { waId: string } }) => c.contact.waId,
      );

    expect(await names("sara")).toEqual(["971500000001"]);
    expect(await names("ahm")).toEqual(["971500000001"]);
    expect(await names("+966 51111")).toEqual(["966511112222"]);
    expect(await names("dubai")).toEqual(["971500000001"]);
    expect((await names("ship")).sort()).toEqual(["201000000003", "971500000001"]);
    expect(await names("عباية")).toEqual(["966511112222"]);
    expect(await names("سوداء كبير")).toEqual(["966511112222"]);
    expect(await names("nothing-like-this")).toEqual([]);
    expect(await names("collections")).toEqual([]);
    expect(await names("parcel")).toEqual(["201000000003"]);
    // LIKE wildcards are searched as text.
    expect(await names("%")).toEqual([]);
    // Search combines with a filter.
    expect((await list("?filter=human&q=sara")).conversations).toEqual([]);
  });

  it("pages with cursors, forwards and back", async () => {
    const now = Date.now();
    for (let i = 0; i < 30; i++) {
      await seedConversation(store.shop, {
        waId: `9715000001${String(i).padStart(2, "0")}`,
        name: `Shopper ${i}`,
        lastMessageAt: new Date(now - i * 60_000),
      });
    }
    const first = await list();
    expect(first.conversations).toHaveLength(25);
    expect(first.conversations[0].contact.name).toBe("Shopper 0");
    expect(first.page.previous).toBeNull();
    expect(first.page.next).toBeTruthy();

    const second = await list(`?cursor=${first.page.next}&dir=after`);
    expect(second.conversations.map((c: { contact: { name: string } }) => c.contact.name)).toEqual(
      ["25", "26", "27", "28", "29"].map((n) => `Shopper ${n}`),
    );
    expect(second.page.next).toBeNull();
    expect(second.page.previous).toBeTruthy();

    const back = await list(`?cursor=${second.page.previous}&dir=before`);
    expect(back.conversations).toHaveLength(25);
    expect(back.conversations[0].contact.name).toBe("Shopper 0");
    expect(back.conversations[24].contact.name).toBe("Shopper 24");
    expect(back.page.previous).toBeNull();
    expect(back.page.next).toBeTruthy();
  });

  it("the list beside an open thread shows that thread read (the layout loader gets the thread's id)", async () => {
    const { conversation } = await seedConversation(store.shop, { waId: "971500000001", unreadCount: 3 });
    const response = await callRoute(inboxLoader, adminRequest(store.shop, `/app/inbox/${conversation.id}`), {
      id: conversation.id,
    });
    const data = await response.json();
    expect(data.conversations[0].unreadCount).toBe(0);
    expect(data.counts.unreadMessages).toBe(0);
    // Another shop's id changes nothing.
    const theirs = await seedConversation(other.shop, { waId: "971500000002", unreadCount: 2 });
    await callRoute(inboxLoader, adminRequest(store.shop, `/app/inbox/${theirs.conversation.id}`), {
      id: theirs.conversation.id,
    });
    expect(
      (await db().conversation.findUniqueOrThrow({ where: { id: theirs.conversation.id } })).unreadCount,
    ).toBe(2);
  });

  it("an empty inbox says so", async () => {
    const data = await list();
    expect(data.conversations).toEqual([]);
    expect(data.counts.all).toBe(0);
  });
});

describe("a thread", () => {
  it("messages in order with authors and statuses (Meta's failure reason too), the cart, recent orders; opening marks it read", async () => {
    const now = Date.now();
    const state = {
      ...initialState({ language: "en" }),
      cart: [
        {
          variantId: "gid://shopify/ProductVariant/1",
          productId: "gid://shopify/Product/1",
          productTitle: "Black Abaya",
          variantTitle: "L",
          quantity: 2,
          unitPrice: { amount: "250.00", currencyCode: "SAR" },
        },
      ],
    };
    const variant = demoProducts[0].variants[0];
    const { draftOrder } = catalog.createDraftOrder({
      lineItems: [{ variantId: `gid://shopify/ProductVariant/${variant.id}`, quantity: 1 }],
      phone: "+971500000001",
    });
    const order = catalog.placeOrder(draftOrder!.id);

    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      name: "Sara",
      unreadCount: 3,
      state: state as unknown as Prisma.InputJsonValue,
      messages: [
        { text: "hi", at: new Date(now - 5000) },
        {
          direction: "out",
          type: "buttons",
          text: "Welcome!",
          body: {
            kind: "buttons",
            body: "Welcome!",
            buttons: [
              { id: "menu:browse", title: "Browse" },
              { id: "menu:cart", title: "Cart" },
            ],
          },
          status: "read",
          at: new Date(now - 4000),
        },
        {
          type: "image",
          text: "[image]",
          body: { event: { type: "media", kind: "image", mediaId: "MEDIA1", caption: "this one" } },
          at: new Date(now - 3000),
        },
        {
          direction: "out",
          author: "merchant",
          text: "Sure!",
          status: "failed",
          errorCode: 131026,
          errorTitle: "Message undeliverable",
          at: new Date(now - 2000),
        },
      ],
    });

    const response = await thread(conversation.id);
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.thread.contact).toMatchObject({
      name: "Sara",
      waId: "971500000001",
      blocked: false,
      botEnabled: true,
    });
    expect(data.thread.messages.map((m: { author: string; status: string }) => [m.author, m.status])).toEqual(
      [
        ["shopper", "received"],
        ["bot", "read"],
        ["shopper", "received"],
        ["merchant", "failed"],
      ],
    );
    expect(data.thread.messages[1].choices).toEqual(["Browse", "Cart"]);
    expect(data.thread.messages[2].media).toEqual({ kind: "image", caption: "this one" });
    expect(data.thread.messages[3].error).toEqual({ code: 131026, title: "Message undeliverable" });
    expect(data.thread.window.open).toBe(true);
    expect(data.thread.cart).toEqual(state.cart);
    expect(data.orders.ok).toBe(true);
    expect(data.orders.orders.map((o: { name: string }) => o.name)).toEqual([order.name]);
    // Raw Graph payloads never reach the page.
    expect(JSON.stringify(data)).not.toContain("MEDIA1");

    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).unreadCount).toBe(
      0,
    );
  });

  it("the thread still opens when Shopify cannot answer for the orders", async () => {
    admin.failNext("*", 500, Infinity);
    const { conversation } = await seedConversation(store.shop, { waId: "971500000001" });
    const response = await thread(conversation.id);
    expect(response.status).toBe(200);
    expect((await response.json()).orders).toEqual({ ok: false, reason: "unavailable" });
  });

  it("limits the messages to the newest page, and says there are older ones", async () => {
    const now = Date.now();
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      messages: Array.from({ length: 60 }, (_, i) => ({
        text: `message ${i}`,
        at: new Date(now - (60 - i) * 1000),
      })),
    });
    const data = await (await thread(conversation.id)).json();
    expect(data.thread.messages).toHaveLength(50);
    expect(data.thread.messages.at(-1).text).toBe("message 59");
    expect(data.thread.moreMessages).toBe(true);
    const all = await (await thread(conversation.id, store.shop, "?limit=100")).json();
    expect(all.thread.messages).toHaveLength(60);
    expect(all.thread.moreMessages).toBe(false);
  });
});

describe("taking over and giving back", () => {
  it("take over: a person handles it, the bot is quiet, it leaves 'needs attention'", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      needsAttention: true,
    });
    const response = await act(conversation.id, { intent: "takeOver" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, intent: "takeOver", queued: 0 });
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row).toMatchObject({ status: "human", needsAttention: false });
    expect(parseState(row.state)).toMatchObject({ mode: "human", step: "handoff" });
  });

  it("give back: the bot is back, and tells the shopper so (inside the 24-hour window)", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      status: "human",
      accountId: store.accountId,
    });
    await act(conversation.id, { intent: "takeOver" });
    const response = await act(conversation.id, { intent: "giveBack" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.ok).toBe(true);
    expect(body.queued).toBeGreaterThan(0);
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row.status).toBe("bot");
    expect(parseState(row.state).mode).toBe("bot");
    const queued = await db().message.findMany({
      where: { conversationId: conversation.id, direction: "out" },
    });
    expect(queued.every((m) => m.author === "bot" && m.status === "queued")).toBe(true);
    expect(queued.map((m) => m.text).join("\n")).toContain("assistant again");

    await sendOutboxBatch();
    expect(graph.sentTo("971500000001").length).toBe(queued.length);
  });

  it("give back on a conversation the bot already has: nothing is sent", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      accountId: store.accountId,
    });
    expect(await (await act(conversation.id, { intent: "giveBack" })).json()).toEqual({
      ok: true,
      intent: "giveBack",
      queued: 0,
    });
    expect(await db().message.count({ where: { conversationId: conversation.id } })).toBe(0);
  });

  it("give back outside the window: the bot takes over again but sends nothing", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      status: "human",
      lastInboundAt: new Date(Date.now() - 30 * HOUR),
    });
    const body = await (await act(conversation.id, { intent: "giveBack" })).json();
    expect(body).toEqual({ ok: true, intent: "giveBack", queued: 0 });
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).status).toBe(
      "bot",
    );
    expect(await db().message.count({ where: { conversationId: conversation.id } })).toBe(0);
  });
});

describe("replying as the merchant", () => {
  it("inside the window: queued with author 'merchant', sent by the outbox, once per key", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      lastInboundAt: new Date(Date.now() - 2 * HOUR),
    });
    const reply = { intent: "reply", text: "  Yes, we ship to Dubai in 2 days.  ", key: "reply-key-0001" };
    const response = await act(conversation.id, reply);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, intent: "reply", queued: 1 });
    // A double submit of the same draft queues nothing more.
    expect(await (await act(conversation.id, reply)).json()).toEqual({
      ok: true,
      intent: "reply",
      queued: 0,
    });

    const rows = await db().message.findMany({
      where: { conversationId: conversation.id, direction: "out" },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      author: "merchant",
      status: "queued",
      type: "text",
      text: "Yes, we ship to Dubai in 2 days.",
      toWaId: "971500000001",
    });
    // Writing takes the conversation over: the bot will not answer in between.
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row.status).toBe("human");
    expect(parseState(row.state).mode).toBe("human");

    await sendOutboxBatch();
    expect(graph.sentTo("971500000001")).toEqual([
      expect.objectContaining({
        type: "text",
        text: expect.objectContaining({ body: "Yes, we ship to Dubai in 2 days." }),
      }),
    ]);
    expect((await db().message.findFirstOrThrow({ where: { id: rows[0].id } })).status).toBe("sent");
  });

  it("outside the window: refused with the reason, nothing queued", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      lastInboundAt: new Date(Date.now() - 25 * HOUR),
    });
    const response = await act(conversation.id, { intent: "reply", text: "Hello again" });
    expect(response.status).toBe(409);
    const body = await response.json();
    expect(body).toEqual({
      ok: false,
      intent: "reply",
      reason: "outside_window",
      message: "inbox.refused.outside_window",
    });
    expect(catalogs.en["inbox.refused.outside_window"]).toContain(OUTSIDE_WINDOW_TITLE);
    expect(await db().message.count({ where: { conversationId: conversation.id } })).toBe(0);

    const data = await (await thread(conversation.id)).json();
    expect(data.thread.window.open).toBe(false);
  });

  it("an empty reply is a 422 with a field message", async () => {
    const { conversation } = await seedConversation(store.shop, { waId: "971500000001" });
    const response = await act(conversation.id, { intent: "reply", text: "   " });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      ok: false,
      message: "inbox.errors.replyEmpty",
      errors: { text: "inbox.errors.replyEmpty" },
    });
  });

  it("outside the window, an approved template is offered and sent with its values", async () => {
    await db().messageTemplate.createMany({
      data: [
        {
          shop: store.shop,
          accountId: store.accountId,
          name: "order_followup",
          language: "en",
          status: "APPROVED",
          category: "UTILITY",
          components: [
            { type: "HEADER", format: "TEXT", text: "Order {{1}}" },
            { type: "BODY", text: "Hi {{1}}, your order {{2}} is ready." },
          ],
        },
        {
          shop: store.shop,
          accountId: store.accountId,
          name: "with_image",
          language: "en",
          status: "APPROVED",
          components: [
            { type: "HEADER", format: "IMAGE" },
            { type: "BODY", text: "Look" },
          ],
        },
        {
          shop: store.shop,
          accountId: store.accountId,
          name: "pending_one",
          language: "en",
          status: "PENDING",
          components: [],
        },
      ],
    });
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      lastInboundAt: new Date(Date.now() - 48 * HOUR),
    });
    const data = await (await thread(conversation.id)).json();
    expect(
      data.thread.templates.map((t: { name: string; unsupported: string | null }) => [t.name, t.unsupported]),
    ).toEqual([
      ["order_followup", null],
      ["with_image", "inbox.templates.unsupportedMedia"],
    ]);
    expect(data.thread.templates[0].params).toEqual([
      { component: "header", name: "1" },
      { component: "body", name: "1" },
      { component: "body", name: "2" },
    ]);

    const missing = await act(conversation.id, {
      intent: "template",
      name: "order_followup",
      language: "en",
      values: JSON.stringify({ "body:1": "Sara" }),
    });
    expect(missing.status).toBe(422);
    expect((await missing.json()).reason).toBe("template_params");
    const unsupported = await act(conversation.id, {
      intent: "template",
      name: "with_image",
      language: "en",
      values: "{}",
    });
    expect((await unsupported.json()).reason).toBe("template_unsupported");
    const pending = await act(conversation.id, {
      intent: "template",
      name: "pending_one",
      language: "en",
      values: "{}",
    });
    expect((await pending.json()).reason).toBe("template_unknown");

    const sent = await act(conversation.id, {
      intent: "template",
      name: "order_followup",
      language: "en",
      values: JSON.stringify({ "header:1": "#1001", "body:1": "Sara", "body:2": "#1001" }),
    });
    expect(sent.status).toBe(200);
    const row = await db().message.findFirstOrThrow({
      where: { conversationId: conversation.id, direction: "out" },
    });
    expect(row).toMatchObject({
      author: "merchant",
      type: "template",
      text: "Hi Sara, your order #1001 is ready.",
    });
    await sendOutboxBatch();
    expect(graph.sentTo("971500000001")).toEqual([
      expect.objectContaining({
        type: "template",
        template: {
          name: "order_followup",
          language: { code: "en" },
          components: [
            { type: "header", parameters: [{ type: "text", text: "#1001" }] },
            {
              type: "body",
              parameters: [
                { type: "text", text: "Sara" },
                { type: "text", text: "#1001" },
              ],
            },
          ],
        },
      }),
    ]);
  });
});

describe("block, bot per contact, mark read", () => {
  it("block / unblock, and a blocked contact cannot be written to", async () => {
    const { conversation, contact } = await seedConversation(store.shop, { waId: "971500000001" });
    expect((await act(conversation.id, { intent: "block" })).status).toBe(200);
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).blocked).toBe(true);
    const refused = await act(conversation.id, { intent: "reply", text: "hello" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).reason).toBe("blocked");
    expect((await act(conversation.id, { intent: "unblock" })).status).toBe(200);
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).blocked).toBe(false);
    expect((await act(conversation.id, { intent: "reply", text: "hello" })).status).toBe(200);
  });

  it("turns the bot off and on for one contact", async () => {
    const { conversation, contact } = await seedConversation(store.shop, { waId: "971500000001" });
    await act(conversation.id, { intent: "botOff" });
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).botEnabled).toBe(false);
    await act(conversation.id, { intent: "botOn" });
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).botEnabled).toBe(true);
  });

  it("mark read", async () => {
    const { conversation } = await seedConversation(store.shop, { waId: "971500000001", unreadCount: 4 });
    expect((await act(conversation.id, { intent: "markRead" })).status).toBe(200);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).unreadCount).toBe(
      0,
    );
  });

  it("an unknown intent is a 422", async () => {
    const { conversation } = await seedConversation(store.shop, { waId: "971500000001" });
    expect((await act(conversation.id, { intent: "delete" })).status).toBe(422);
  });
});

describe("tenant isolation", () => {
  it("shop A can neither read nor act on shop B's conversation (404), and B's rows are untouched", async () => {
    const { conversation, contact } = await seedConversation(other.shop, {
      waId: "971500000009",
      status: "bot",
      unreadCount: 2,
      messages: [
        {
          type: "image",
          text: "[image]",
          body: { event: { type: "media", kind: "image", mediaId: "M9" } },
          at: new Date(),
        },
      ],
    });
    expect((await thread(conversation.id)).status).toBe(404);
    const forms: Record<string, string>[] = [
      { intent: "takeOver" },
      { intent: "giveBack" },
      { intent: "markRead" },
      { intent: "block" },
      { intent: "unblock" },
      { intent: "botOff" },
      { intent: "botOn" },
      { intent: "reply", text: "hello" },
      { intent: "template", name: "x", language: "en", values: "{}" },
    ];
    for (const form of forms) {
      const response = await act(conversation.id, form);
      expect(response.status, form.intent).toBe(404);
      expect((await response.json()).reason).toBe("not_found");
    }
    const events = await callRoute(
      eventsLoader,
      adminRequest(store.shop, `/app/inbox/${conversation.id}/events`),
      { id: conversation.id },
    );
    expect(events.status).toBe(404);
    const message = await db().message.findFirstOrThrow({ where: { conversationId: conversation.id } });
    expect(
      (await callRoute(mediaLoader, adminRequest(store.shop, `/app/media/${message.id}`), { id: message.id }))
        .status,
    ).toBe(404);
    expect((await list()).conversations).toEqual([]);

    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row).toMatchObject({ status: "bot", unreadCount: 2 });
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).blocked).toBe(false);
    expect(await db().message.count({ where: { conversationId: conversation.id } })).toBe(1);

    // Its own shop sees it.
    expect((await thread(conversation.id, other.shop)).status).toBe(200);
  });
});

describe("media", () => {
  it("downloads an inbound image from the Graph API on demand, with the account's token", async () => {
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      accountId: store.accountId,
      messages: [
        {
          type: "image",
          text: "[image]",
          body: { event: { type: "media", kind: "image", mediaId: "MEDIA42", mimeType: "image/jpeg" } },
          at: new Date(),
        },
      ],
    });
    const message = await db().message.findFirstOrThrow({ where: { conversationId: conversation.id } });
    const response = await callRoute(mediaLoader, adminRequest(store.shop, `/app/media/${message.id}`), {
      id: message.id,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe("fake-bytes-of-MEDIA42");
  });

  it("a document that claims to be HTML is only ever a download", async () => {
    server.use(
      http.get("https://graph.facebook.com/:version/DOC1", () =>
        HttpResponse.json({
          url: "https://graph.facebook.com/media-download/DOC1",
          mime_type: "text/html",
          id: "DOC1",
        }),
      ),
      http.get(
        "https://graph.facebook.com/media-download/DOC1",
        () => new HttpResponse("<script>alert(1)</script>", { headers: { "Content-Type": "text/html" } }),
      ),
    );
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      messages: [
        {
          type: "document",
          text: "[document]",
          body: {
            event: { type: "media", kind: "document", mediaId: "DOC1" },
            raw: { document: { filename: "invoice.html" } },
          },
          at: new Date(),
        },
      ],
    });
    const message = await db().message.findFirstOrThrow({ where: { conversationId: conversation.id } });
    const response = await callRoute(mediaLoader, adminRequest(store.shop, `/app/media/${message.id}`), {
      id: message.id,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="invoice.html"');
  });

  it("media that expired at Meta is a 404; a message without media too", async () => {
    server.use(
      http.get("https://graph.facebook.com/:version/GONE", () =>
        HttpResponse.json({ error: { message: "Invalid parameter", code: 100 } }, { status: 400 }),
      ),
    );
    const { conversation } = await seedConversation(store.shop, {
      waId: "971500000001",
      messages: [
        {
          type: "image",
          text: "[image]",
          body: { event: { type: "media", kind: "image", mediaId: "GONE" } },
          at: new Date(),
        },
        { text: "just text", at: new Date(Date.now() + 1) },
      ],
    });
    const [gone, text] = await db().message.findMany({
      where: { conversationId: conversation.id },
      orderBy: { createdAt: "asc" },
    });
    expect(
      (await callRoute(mediaLoader, adminRequest(store.shop, `/app/media/${gone.id}`), { id: gone.id }))
        .status,
    ).toBe(404);
    expect(
      (await callRoute(mediaLoader, adminRequest(store.shop, `/app/media/${text.id}`), { id: text.id }))
        .status,
    ).toBe(404);
  });
});

describe("live updates (server-sent events)", () => {
  async function readUntil(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    pattern: RegExp,
    timeoutMs = 3000,
  ): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`timed out; got ${JSON.stringify(text)}`)),
            Math.max(1, deadline - Date.now()),
          ),
        ),
      ]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    return text;
  }

  it("the shop-wide stream reports updates of the shop's conversations, not another shop's", async () => {
    const mine = await seedConversation(store.shop, { waId: "971500000001" });
    const theirs = await seedConversation(other.shop, { waId: "971500000002" });
    const abort = new AbortController();
    const response = await callRoute(
      eventsLoader,
      adminRequest(store.shop, "/app/inbox/all/events", { signal: abort.signal }),
      { id: "all" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    const reader = response.body!.getReader();
    expect(await readUntil(reader, /event: ready/)).toContain("retry: 3000");

    await new Promise((r) => setTimeout(r, 100)); // the subscription is made after the first event
    await publishConversationUpdate(other.shop, theirs.conversation.id);
    await publishConversationUpdate(store.shop, mine.conversation.id);
    const text = await readUntil(reader, /event: update/);
    expect(text).toContain(`"conversationId":"${mine.conversation.id}"`);
    expect(text).not.toContain(theirs.conversation.id);
    abort.abort();
    await reader.cancel().catch(() => undefined);
  });

  it("a thread's stream carries only that conversation; an admin reply shows up in it", async () => {
    const a = await seedConversation(store.shop, { waId: "971500000001" });
    const b = await seedConversation(store.shop, { waId: "971500000002" });
    const abort = new AbortController();
    const response = await callRoute(
      eventsLoader,
      adminRequest(store.shop, `/app/inbox/${a.conversation.id}/events`, { signal: abort.signal }),
      { id: a.conversation.id },
    );
    const reader = response.body!.getReader();
    await readUntil(reader, /event: ready/);
    await new Promise((r) => setTimeout(r, 100));
    await publishConversationUpdate(store.shop, b.conversation.id);
    await act(a.conversation.id, { intent: "reply", text: "on my way" });
    const text = await readUntil(reader, /event: update/);
    expect(text).toContain(a.conversation.id);
    expect(text).not.toContain(b.conversation.id);
    abort.abort();
    await reader.cancel().catch(() => undefined);
  });
});
