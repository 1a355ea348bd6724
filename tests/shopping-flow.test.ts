import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersFulfilled } from "~/routes/webhooks.orders.fulfilled";
import { action as productsUpdate } from "~/routes/webhooks.products.update";
import { cache } from "~/cache.server";
import { DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { orderWebhookPayload } from "./mocks/shopify-webhook-payloads";
import { setupTestDatabase } from "./helpers/db";
import { anyAvailableVariant, placeAndFulfilOrder } from "./helpers/orders";
import { callRoute } from "./helpers/remix";
import { choicesOf, fastForward, settle, Shopper, textOfBody } from "./helpers/shopper";
import { shopifyWebhookRequest } from "./helpers/shopify-webhook";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const graph = createGraphApiFake();
let catalog: DemoShopifyStore;
let admin: ReturnType<typeof createShopifyAdminHandlers>;
let store: TestStore;

beforeEach(async () => {
  await cache().delPrefix(""); // a fresh cache per test (catalog entries, token buckets)
  graph.reset();
  catalog = new DemoShopifyStore({ shopDomain: SHOP });
  admin = createShopifyAdminHandlers(catalog, { shopDomain: SHOP });
  server.use(...graph.handlers, ...admin);
  store = await seedStore({ shop: SHOP, name: "Hala Demo Boutique", currencyCode: "SAR" });
  await db().shop.update({
    where: { shop: SHOP },
    data: { reviewUrl: "https://g.page/r/hala-demo/review", feedbackDelayMinutes: 60 },
  });
});

/** From "hi" to a checkout link by taps; returns the invoice URL. */
async function shopToCheckout(shopper: Shopper, quantityTap: RegExp) {
  const menu = await shopper.say("hi");
  expect(menu.length).toBeGreaterThan(0);
  await shopper.tap(/^menu:browse$/);
  // The first collection, then the first product with a price.
  await shopper.tap((c) => c.id.startsWith("col:"));
  await shopper.tap((c) => c.id.startsWith("prod:"));
  // One variant list (if any), then the quantity.
  const last = shopper.all().at(-1)!;
  if (choicesOf(last).some((c) => c.id.startsWith("var:"))) await shopper.tap((c) => c.id.startsWith("var:"));
  await shopper.tap(quantityTap);
  const afterAdd = shopper.all().at(-1)!;
  expect(JSON.stringify(afterAdd)).toMatch(/SAR|ر\.س|﷼/);
  await shopper.tap(/^(cart:checkout|checkout|menu:checkout)/);
  // A review step may ask to confirm.
  let link = shopper.all().find((b) => b.interactive?.type === "cta_url");
  if (!link) {
    await shopper.tap(/confirm|pay/i);
    link = shopper.all().find((b) => b.interactive?.type === "cta_url");
  }
  expect(link, JSON.stringify(shopper.all().slice(-3))).toBeTruthy();
  return link!.interactive!.action.parameters!.url;
}

describe("shopping conversation through the real webhook, worker and sender", () => {
  it("English, by taps: hi → browse → product → quantity 2 → checkout link; draftOrderCreate gets the variant and quantity", async () => {
    const shopper = new Shopper(store, graph, "966500000001", "Sara");
    const invoiceUrl = await shopToCheckout(shopper, /^qty:2$/);
    expect(invoiceUrl).toMatch(new RegExp(`^https://${SHOP}/`));

    const drafts = admin.requestsFor("HalaDraftOrderCreate");
    expect(drafts).toHaveLength(1);
    const input = (
      drafts[0].variables as {
        input: {
          lineItems: { variantId: string; quantity: number }[];
          phone?: string;
          customAttributes: { key: string; value: string }[];
          tags: string[];
        };
      }
    ).input;
    expect(input.lineItems).toHaveLength(1);
    expect(input.lineItems[0].quantity).toBe(2);
    expect(catalog.findVariant(input.lineItems[0].variantId)).toBeTruthy();
    expect(input.phone).toBe("+966500000001");
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    expect(input.customAttributes).toContainEqual({ key: "hala_conversation_id", value: conversation.id });
    expect(input.tags).toContain("hala-whatsapp");
    // Every bot message went out through the Graph API to this shopper, nothing failed.
    expect(
      await db().message.count({ where: { shop: SHOP, direction: "out", status: { not: "sent" } } }),
    ).toBe(0);
  });

  it("Arabic, by typing numbers and Arabic digits, reaches the checkout link too", async () => {
    const shopper = new Shopper(store, graph, "966500000002", "نورة");
    const first = await shopper.say("مرحبا");
    expect(first.map(textOfBody).join(" ")).toMatch(/[\u0600-\u06FF]/);
    const invoiceUrl = await shopToCheckout(shopper, /^qty:1$/);
    expect(invoiceUrl).toContain(SHOP);
    const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId: "966500000002" } });
    expect(contact.language).toBe("ar");
  });

  it("orders/create attributes the order to the conversation, empties the cart and confirms once", async () => {
    const shopper = new Shopper(store, graph, "966500000003", "Omar");
    await shopToCheckout(shopper, /^qty:1$/);
    const draft = admin.requestsFor("HalaDraftOrderCreate")[0];
    expect(draft).toBeTruthy();
    const checkout = await db().checkout.findFirstOrThrow({ where: { shop: SHOP } });
    expect(checkout.invoiceUrl).toContain(SHOP);
    expect(Number(checkout.totalAmount)).toBeGreaterThan(0);
    const order = catalog.placeOrder(checkout.draftOrderId, {
      customer: { firstName: "Omar", phone: "+966500000003" },
    });
    const payload = orderWebhookPayload(catalog, order);
    for (let i = 0; i < 2; i++) {
      const response = await callRoute(
        ordersCreate,
        shopifyWebhookRequest("orders/create", payload, { shop: SHOP, webhookId: `create-${order.id}` }),
      );
      expect(response.status).toBe(200);
    }
    // A redelivery with a new webhook id is still one attribution and one confirmation.
    await callRoute(ordersCreate, shopifyWebhookRequest("orders/create", payload, { shop: SHOP }));
    await settle();
    const attribution = await db().orderAttribution.findFirstOrThrow({ where: { shop: SHOP } });
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    expect(attribution).toMatchObject({
      orderId: `gid://shopify/Order/${order.id}`,
      conversationId: conversation.id,
      orderName: order.name,
    });
    expect((conversation.state as { cart: unknown[] }).cart).toEqual([]);
    const confirmations = shopper.all().filter((b) => textOfBody(b).includes(order.name));
    expect(confirmations).toHaveLength(1);
  });
});

describe("catalog cache", () => {
  it("serves collections from the cache until products/update drops it", async () => {
    const shopper = new Shopper(store, graph, "966500000020");
    await shopper.say("hi");
    await shopper.tap(/^menu:browse$/);
    await shopper.say("menu");
    await shopper.tap(/^menu:browse$/);
    expect(admin.requestsFor("HalaListCollections")).toHaveLength(1);
    const response = await callRoute(
      productsUpdate,
      shopifyWebhookRequest(
        "products/update",
        { id: 1, admin_graphql_api_id: "gid://shopify/Product/1" },
        { shop: SHOP },
      ),
    );
    expect(response.status).toBe(200);
    await shopper.say("menu");
    await shopper.tap(/^menu:browse$/);
    expect(admin.requestsFor("HalaListCollections")).toHaveLength(2);
    // Cart validation and checkout are never cached.
    expect(shopper.all().at(-1)?.interactive?.type).toBe("list");
  });
});

describe("feedback after delivery", () => {
  async function buyAndFulfil(waId: string, name: string, firstName: string, opts: { language?: "ar" } = {}) {
    const shopper = new Shopper(store, graph, waId, name);
    await shopper.say(opts.language === "ar" ? "السلام عليكم" : "hello");
    const order = await placeAndFulfilOrder(catalog, SHOP, {
      waId,
      firstName,
      language: opts.language ?? "en",
    });
    return { shopper, order };
  }

  it("orders/fulfilled → job at run_at → rating buttons (in the window) → Great + comment → review link", async () => {
    const { shopper, order } = await buyAndFulfil("966500000010", "Layla", "Layla");
    const job = await db().scheduledJob.findFirstOrThrow({ where: { shop: SHOP, kind: "feedback_request" } });
    const delay = job.runAt.getTime() - Date.now();
    expect(delay).toBeGreaterThan(50 * 60_000); // fulfilment + the shop's 60 minutes
    await settle();
    expect(shopper.newReplies().filter((b) => JSON.stringify(b).includes("fb:rate"))).toHaveLength(0); // not yet due
    await fastForward();
    await settle();
    const request = shopper.newReplies();
    expect(request.some((b) => choicesOf(b).some((c) => c.id === "fb:rate:5"))).toBe(true);
    expect(JSON.stringify(request)).toContain(order.name);
    await shopper.tap(/^fb:rate:5$/);
    const thanks = await shopper.say("Loved it, great quality and fast delivery!");
    const review = thanks.find((b) => b.interactive?.type === "cta_url");
    expect(review?.interactive?.action.parameters?.url).toBe("https://g.page/r/hala-demo/review");
    const feedback = await db().feedback.findFirstOrThrow({ where: { shop: SHOP } });
    expect(feedback).toMatchObject({
      rating: 5,
      outcome: "positive",
      status: "answered",
      sentimentLabel: "positive",
      language: "en",
    });
    // The job ran once: running the scheduler again sends nothing.
    await fastForward();
    await settle();
    expect(shopper.newReplies()).toHaveLength(0);
  });

  it("Arabic, unhappy: Bad + complaint → apology, human mode, needs attention, merchant badge", async () => {
    const { shopper } = await buyAndFulfil("966500000011", "خالد", "خالد", { language: "ar" });
    await fastForward();
    await settle();
    expect(JSON.stringify(shopper.newReplies())).toMatch(/fb:rate:1/);
    await shopper.tap(/^fb:rate:1$/);
    const apology = await shopper.say("المنتج وصل مكسور وما عجبني أبداً");
    expect(apology.map(textOfBody).join(" ")).toMatch(/[\u0600-\u06FF]/);
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    expect(conversation).toMatchObject({ status: "human", needsAttention: true });
    const feedback = await db().feedback.findFirstOrThrow({ where: { shop: SHOP } });
    expect(feedback).toMatchObject({
      rating: 1,
      outcome: "negative",
      language: "ar",
      sentimentLabel: "negative",
    });
    expect((await db().shop.findUniqueOrThrow({ where: { shop: SHOP } })).needsAttentionCount).toBe(1);
    // The bot is silent while a person handles it.
    expect(await shopper.say("hello?")).toHaveLength(0);
  });

  it("outside the 24-hour window the request is the shop's template with first name and order name", async () => {
    await db().shop.update({
      where: { shop: SHOP },
      data: { feedbackTemplateName: "order_feedback", feedbackTemplateLanguage: "en" },
    });
    const { shopper, order } = await buyAndFulfil("966500000012", "Nadia", "Nadia");
    const nadia = await db().contact.findUniqueOrThrow({
      where: { shop_waId: { shop: SHOP, waId: "966500000012" } },
    });
    await db().conversation.updateMany({
      where: { shop: SHOP, contactId: nadia.id },
      data: { lastInboundAt: new Date(Date.now() - 30 * 3600_000) },
    });
    shopper.newReplies();
    await fastForward();
    await settle();
    const [template] = shopper.newReplies();
    expect(template.type).toBe("template");
    expect(template.template?.name).toBe("order_feedback");
    expect(JSON.stringify(template.template?.components)).toContain("Nadia");
    expect(JSON.stringify(template.template?.components)).toContain(order.name);
  });

  it("skips orders without a phone and shoppers who opted out", async () => {
    const { draftOrder } = catalog.createDraftOrder({
      lineItems: [{ variantId: anyAvailableVariant(catalog), quantity: 1 }],
    });
    const order = catalog.placeOrder(draftOrder!.id, { phone: null });
    const payload = { ...orderWebhookPayload(catalog, order), phone: null, customer: null };
    await callRoute(ordersFulfilled, shopifyWebhookRequest("orders/fulfilled", payload, { shop: SHOP }));
    expect(await db().scheduledJob.count({ where: { shop: SHOP } })).toBe(0);

    const shopper = new Shopper(store, graph, "966500000013", "Opted Out");
    await shopper.say("hi");
    await db().contact.updateMany({ where: { shop: SHOP, waId: "966500000013" }, data: { optedOut: true } });
    const { draftOrder: d2 } = catalog.createDraftOrder({
      lineItems: [{ variantId: anyAvailableVariant(catalog), quantity: 1 }],
      phone: "+966500000013",
    });
    const o2 = catalog.placeOrder(d2!.id);
    await callRoute(
      ordersFulfilled,
      shopifyWebhookRequest("orders/fulfilled", orderWebhookPayload(catalog, o2), { shop: SHOP }),
    );
    shopper.newReplies();
    await fastForward();
    await settle();
    expect(shopper.newReplies()).toHaveLength(0);
    expect(await db().scheduledJob.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({
      status: "skipped",
      lastError: "opted out",
    });
  });
});
