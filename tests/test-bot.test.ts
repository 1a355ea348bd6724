import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { activityStats, responseTimes } from "~/adapters/db/analytics.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { loader as inboxLoader } from "~/routes/app.inbox";
import { loader as threadLoader } from "~/routes/app.inbox.$id";
import { loader as pageLoader } from "~/routes/app.test-bot";
import { action as sandboxAction, loader as sandboxLoader } from "~/routes/app.test-bot.sandbox";
import { sendOutboxBatch } from "~/services/outbox.server";
import { DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { adminRequest } from "./helpers/session-token";
import { choicesOf, settle, Shopper } from "./helpers/shopper";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const OTHER = "other-shop.myshopify.com";
/** A new sandbox shopper per test (the per-contact throttle's buckets outlive a test on the memory cache). */
let SANDBOX: string;
const graph = createGraphApiFake();
let catalog: DemoShopifyStore;
let admin: ReturnType<typeof createShopifyAdminHandlers>;
let store: TestStore;
/** Every request that reached the Graph API's host, whatever the fake answered. */
let graphRequests: string[];
const onRequest = ({ request }: { request: Request }) => {
  if (new URL(request.url).hostname === "graph.facebook.com") graphRequests.push(request.url);
};

type Body = Parameters<typeof choicesOf>[0];
interface ThreadItem {
  key: string;
  dir: "in" | "out";
  at: number;
  body: Body;
  status?: string;
}

beforeEach(async () => {
  await cache().delPrefix("");
  graph.reset();
  graphRequests = [];
  SANDBOX = `sb-${randomUUID()}`;
  server.events.on("request:start", onRequest);
  catalog = new DemoShopifyStore({ shopDomain: SHOP });
  admin = createShopifyAdminHandlers(catalog, { shopDomain: SHOP });
  server.use(...graph.handlers, ...admin);
  store = await seedStore({ shop: SHOP, name: "Hala Demo Boutique", currencyCode: "SAR" });
});

afterEach(() => {
  server.events.removeListener("request:start", onRequest);
});

async function post(form: Record<string, string>, shop = SHOP) {
  return callRoute(sandboxAction, adminRequest(shop, "/app/test-bot/sandbox", { form }));
}

/** The sandbox shopper sends a message; the inbox worker and the outbox run; the new items come back. */
async function say(message: Record<string, unknown>, options: { replyTo?: string; language?: string } = {}) {
  const before = (await thread()).items.length;
  const response = await post({
    intent: "send",
    sandboxId: SANDBOX,
    name: "Merchant as shopper",
    language: options.language ?? "en",
    message: JSON.stringify(message),
    ...(options.replyTo ? { replyTo: options.replyTo } : {}),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  await settle();
  return (await thread()).items.slice(before);
}

async function thread(shop = SHOP, sandboxId = SANDBOX) {
  const response = await callRoute(
    sandboxLoader,
    adminRequest(shop, `/app/test-bot/sandbox?sandbox=${sandboxId}`),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { items: ThreadItem[]; handedOff: boolean };
}

/** Taps the newest choice matching `match` (a reply button or a list row), as the phone does. */
async function tap(match: (c: { id: string; title: string }) => boolean) {
  const items = (await thread()).items.filter((i) => i.dir === "out");
  for (let i = items.length - 1; i >= 0; i--) {
    const choice = choicesOf(items[i].body).find(match);
    if (!choice) continue;
    const replyTo = items[i].body.biz_opaque_callback_data as string;
    return say(
      choice.kind === "button"
        ? {
            type: "interactive",
            interactive: { type: "button_reply", button_reply: { id: choice.id, title: choice.title } },
          }
        : {
            type: "interactive",
            interactive: { type: "list_reply", list_reply: { id: choice.id, title: choice.title } },
          },
      { replyTo },
    );
  }
  throw new Error(`no choice matches in ${JSON.stringify(items.at(-1)?.body)}`);
}

const text = (s: string) => ({ type: "text", text: { body: s } });

async function sandboxToCheckout() {
  await say(text("hi"));
  await tap((c) => c.id === "menu:browse");
  await tap((c) => c.id.startsWith("col:"));
  await tap((c) => c.id.startsWith("prod:"));
  const last = (await thread()).items.at(-1)!;
  if (choicesOf(last.body).some((c) => c.id.startsWith("var:"))) await tap((c) => c.id.startsWith("var:"));
  await tap((c) => c.id === "qty:1");
  await tap((c) => /^(cart:checkout|checkout|menu:checkout)/.test(c.id));
  let link = (await thread()).items.find((i) => i.body.interactive?.type === "cta_url");
  if (!link) {
    await tap((c) => /confirm|pay/i.test(c.id) || /confirm|pay/i.test(c.title));
    link = (await thread()).items.find((i) => i.body.interactive?.type === "cta_url");
  }
  expect(link, JSON.stringify((await thread()).items.slice(-3))).toBeTruthy();
  return link!.body.interactive!.action.parameters!.url;
}

describe("Test your bot: the sandbox runs the shop's real pipeline, nothing reaches WhatsApp", () => {
  it("the page loads for the shop with its name and bot state", async () => {
    const response = await callRoute(pageLoader, adminRequest(SHOP, "/app/test-bot"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      shopName: "Hala Demo Boutique",
      botEnabled: true,
      aiEnabled: false,
    });
  });

  it("\"hi\" gets the real engine's menu, and browsing lists the shop's catalog from the Admin API", async () => {
    const first = await say(text("hi"));
    expect(first[0]).toMatchObject({ dir: "in", body: { type: "text", text: { body: "hi" } } });
    const replies = first.filter((i) => i.dir === "out");
    expect(replies.length).toBeGreaterThan(0);
    expect(choicesOf(replies.at(-1)!.body).map((c) => c.id)).toContain("menu:browse");

    const collections = (await tap((c) => c.id === "menu:browse")).filter((i) => i.dir === "out");
    const rows = collections
      .flatMap((i) => choicesOf(i.body))
      .filter((c) => c.id.startsWith("col:"))
      .map((c) => c.title.replace(/^\d+\.\s*/, ""));
    // The shop's collections, as the Admin API fake returns them.
    const titles = catalog.collections.map((c) => c.title);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) expect(titles).toContain(row);
    expect(rows).toContain("Abayas");
    expect(admin.requests.length).toBeGreaterThan(0);

    // Completed by the outbox without the Graph API: delivered to the sandbox, no WhatsApp id.
    const out = await db().message.findMany({ where: { shop: SHOP, direction: "out" } });
    expect(out.length).toBe((await thread()).items.filter((i) => i.dir === "out").length);
    for (const m of out) {
      expect(m.status).toBe("delivered");
      expect(m.wamid).toBe(`sandbox.${m.id}`);
      expect(m.accountId).toBeNull();
    }
    expect(graph.sent).toHaveLength(0);
    expect(graphRequests).toEqual([]);
  });

  it("a checkout link is created with draftOrderCreate and recorded; still zero Graph API requests", async () => {
    const url = await sandboxToCheckout();
    expect(url).toMatch(new RegExp(`^https://${SHOP}/`));
    const drafts = admin.requestsFor("HalaDraftOrderCreate");
    expect(drafts).toHaveLength(1);
    const input = (drafts[0].variables as { input: { phone?: string; tags: string[] } }).input;
    expect(input.phone).toBeUndefined(); // a sandbox shopper has no phone number
    // Tagged like every Hala checkout, and as a test, so the merchant can find and delete it.
    expect(input.tags).toEqual(["hala-whatsapp", "hala-test"]);
    const checkout = await db().checkout.findFirstOrThrow({ where: { shop: SHOP } });
    expect(checkout.invoiceUrl).toBe(url);
    expect(
      await db().message.count({ where: { shop: SHOP, direction: "out", status: { not: "delivered" } } }),
    ).toBe(0);
    expect(graph.sent).toHaveLength(0);
    expect(graphRequests).toEqual([]);
  });

  it("Arabic: the sandbox shopper's language is used from the first reply", async () => {
    const replies = (await say(text("hi"), { language: "ar" })).filter((i) => i.dir === "out");
    expect(JSON.stringify(replies.map((r) => r.body))).toMatch(/[\u0600-\u06FF]/);
    const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, sandbox: true } });
    expect(contact.language).toBe("ar");
  });

  it("works before a WhatsApp number is connected (no account, only the Shopify session)", async () => {
    await db().whatsAppAccount.deleteMany({ where: { shop: SHOP } });
    const replies = (await say(text("hi"))).filter((i) => i.dir === "out");
    expect(replies.length).toBeGreaterThan(0);
    expect(graphRequests).toEqual([]);
  });

  it("the outbox never calls the sender for a sandbox message", async () => {
    await post({
      intent: "send",
      sandboxId: SANDBOX,
      name: "S",
      language: "en",
      message: JSON.stringify(text("hi")),
    });
    const { processInboxBatch } = await import("~/services/inbox.server");
    await processInboxBatch();
    // Even a sandbox reply that names the shop's connected number (it never does) is not sent.
    expect(
      (
        await db().message.updateMany({
          where: { shop: SHOP, direction: "out" },
          data: { accountId: store.accountId },
        })
      ).count,
    ).toBeGreaterThan(0);
    const calls: unknown[] = [];
    const handled = await sendOutboxBatch(50, {
      send: async (...args) => {
        calls.push(args);
        return { ok: true, wamid: "wamid.never" };
      },
      now: () => new Date(),
    });
    expect(handled).toBeGreaterThan(0);
    expect(calls).toEqual([]);
    expect(await db().message.count({ where: { shop: SHOP, direction: "out", status: "delivered" } })).toBe(
      handled,
    );
  });

  it("sandbox conversations stay out of the inbox, its counts and analytics; the real one is there", async () => {
    const real = new Shopper(store, graph, "966500000009", "Real Shopper");
    await real.say("hi");
    await sandboxToCheckout();
    await say(text("human")); // a handoff: "needs attention" on a real conversation

    const response = await callRoute(inboxLoader, adminRequest(SHOP, "/app/inbox"));
    const inbox = await response.json();
    expect(inbox.conversations.map((c: { contact: { name: string } }) => c.contact.name)).toEqual([
      "Real Shopper",
    ]);
    expect(inbox.counts).toMatchObject({ all: 1, attention: 0, human: 0, bot: 1 });
    const sandbox = await db().conversation.findFirstOrThrow({ where: { shop: SHOP, sandbox: true } });
    expect(sandbox.status).toBe("human");
    const opened = await callRoute(threadLoader, adminRequest(SHOP, `/app/inbox/${sandbox.id}`), {
      id: sandbox.id,
    });
    expect(opened.status).toBe(404);

    const day = new Date().toISOString().slice(0, 10);
    const window = { shop: SHOP, from: day, to: day, timeZone: "UTC" };
    const stats = await activityStats(window);
    const realMessages = await db().message.findMany({
      where: { shop: SHOP, conversationId: { not: sandbox.id } },
    });
    expect(stats.totals.messagesIn).toBe(realMessages.filter((m) => m.direction === "in").length);
    expect(stats.totals.messagesOut).toBe(realMessages.filter((m) => m.direction === "out").length);
    expect(stats.totals.conversations).toBe(1);
    expect(stats.funnel).toMatchObject({ conversations: 1, checkouts: 0, checkoutsCreated: 0 });
    const waits = await responseTimes(window);
    expect(waits.find((w) => w.day === null && w.responder === "bot")?.waits).toBe(1);
  });

  it("a sandbox handoff schedules no away message and raises no merchant alert", async () => {
    const alerts: unknown[] = [];
    server.use(
      http.post("https://merchant.test/hook", async ({ request }) => {
        alerts.push(await request.json());
        return HttpResponse.json({ ok: true });
      }),
    );
    await db().shop.update({
      where: { shop: SHOP },
      data: { awayMessageEn: "We are away", notifyWebhookUrl: "https://merchant.test/hook" },
    });
    await say(text("hi"));
    await say(text("human"));
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP, sandbox: true } });
    expect(conversation.status).toBe("human");
    expect((await thread()).handedOff).toBe(true);
    expect(await db().scheduledJob.count({ where: { shop: SHOP } })).toBe(0);
    expect((await db().shop.findUniqueOrThrow({ where: { shop: SHOP } })).needsAttentionCount).toBe(0);
    expect(alerts).toEqual([]);

    // The same sentence from a real shopper does schedule it (the check above can fail).
    const real = new Shopper(store, graph, "966500000010", "Real");
    await real.say("hi");
    await real.say("human");
    expect(await db().scheduledJob.count({ where: { shop: SHOP, kind: "away_message" } })).toBe(1);
    expect(await db().scheduledJob.count({ where: { shop: SHOP, kind: "merchant_alert_webhook" } })).toBe(1);
    expect((await db().shop.findUniqueOrThrow({ where: { shop: SHOP } })).needsAttentionCount).toBe(1);
    expect(alerts).toEqual([
      expect.objectContaining({ event: "handoff_requested", customerFirstName: "Real" }),
    ]);
  });

  it("reset forgets the sandbox thread; the next message starts a new conversation", async () => {
    await say(text("hi"));
    expect((await thread()).items.length).toBeGreaterThan(1);
    const response = await post({ intent: "reset", sandboxId: SANDBOX });
    expect(await response.json()).toEqual({ ok: true, reset: true });
    expect((await thread()).items).toEqual([]);
    expect(await db().contact.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db().message.count({ where: { shop: SHOP } })).toBe(0);
    expect((await say(text("hi"))).length).toBeGreaterThan(1);
  });

  it("shop B cannot read or reset shop A's sandbox thread", async () => {
    await seedStore({ shop: OTHER, phoneNumberId: "222222222222" });
    await say(text("hi"));
    const mine = await thread();
    expect(mine.items.length).toBeGreaterThan(1);

    expect((await thread(OTHER)).items).toEqual([]);
    const reset = await post({ intent: "reset", sandboxId: SANDBOX }, OTHER);
    expect(await reset.json()).toEqual({ ok: true, reset: false });
    expect((await thread()).items).toEqual(mine.items);
    // Shop B's own sandbox with the same id is its own thread, with its own contact.
    await post({ intent: "send", sandboxId: SANDBOX, name: "B", language: "en", text: "hi" }, OTHER);
    expect(await db().contact.count({ where: { shop: OTHER, sandbox: true } })).toBe(1);
    expect(await db().contact.count({ where: { shop: SHOP, sandbox: true } })).toBe(1);
  });

  it("two first messages at once make one sandbox shopper, and both are answered in order", async () => {
    const send = (body: string) =>
      post({ intent: "send", sandboxId: SANDBOX, name: "S", language: "en", text: body });
    const responses = await Promise.all([send("hi"), send("menu")]);
    expect(responses.map((r) => r.status)).toEqual([202, 202]);
    await settle();
    expect(await db().contact.count({ where: { shop: SHOP, sandbox: true } })).toBe(1);
    expect(await db().conversation.count({ where: { shop: SHOP, sandbox: true } })).toBe(1);
    const items = (await thread()).items;
    expect(items.filter((i) => i.dir === "in")).toHaveLength(2);
    expect(items.at(-1)!.dir).toBe("out");
  });

  it("a real contact is never taken over by a sandbox id", async () => {
    await db().contact.create({ data: { shop: SHOP, waId: `sandbox-${SANDBOX}`, name: "Real" } });
    const response = await post({
      intent: "send",
      sandboxId: SANDBOX,
      name: "S",
      language: "en",
      text: "hi",
    });
    expect(response.status).toBe(409);
    expect(await db().inboundEvent.count()).toBe(0);
  });

  it("bad input: 400 without an intent or sandbox id, 422 with a message per field", async () => {
    await ensureShop(SHOP);
    expect((await post({ sandboxId: SANDBOX })).status).toBe(400);
    expect((await post({ intent: "delete", sandboxId: SANDBOX })).status).toBe(400);
    const noSandbox = await callRoute(sandboxLoader, adminRequest(SHOP, "/app/test-bot/sandbox"));
    expect(noSandbox.status).toBe(400);

    const empty = await post({ intent: "send", sandboxId: SANDBOX, name: "S", language: "en", text: " " });
    expect(empty.status).toBe(422);
    expect((await empty.json()).errors).toHaveProperty("text");

    const bad = await post({
      intent: "send",
      sandboxId: "../../x",
      name: "",
      language: "fr",
      message: JSON.stringify({ type: "image", image: { link: "https://x" } }),
    });
    expect(bad.status).toBe(422);
    const { errors } = await bad.json();
    expect(Object.keys(errors).sort()).toEqual(expect.arrayContaining(["language", "name", "sandboxId"]));
    expect(Object.keys(errors).some((k) => k.startsWith("message"))).toBe(true);

    const notJson = await post({
      intent: "send",
      sandboxId: SANDBOX,
      name: "S",
      language: "en",
      message: "{",
    });
    expect(notJson.status).toBe(422);
    expect(await db().inboundEvent.count()).toBe(0);
    expect(await db().contact.count()).toBe(0);
  });

  it("requires the admin session", async () => {
    const response = await callRoute(
      sandboxLoader,
      new Request(`https://hala.test/app/test-bot/sandbox?sandbox=${SANDBOX}`),
    );
    expect([302, 401, 410]).toContain(response.status);
  });
});
