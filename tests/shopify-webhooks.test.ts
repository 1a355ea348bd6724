import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { shopifyFixture, shopifyWebhookRequest } from "./helpers/shopify-webhook";

setupTestDatabase();

const SHOP = "test-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

type Action = typeof uninstalled;
const call = (action: Action, request: Request) => callRoute(action, request);

/** Two shops with the same shopper phone, with a contact, conversation, messages, feedback and an order. */
async function seedShops() {
  const prisma = db();
  for (const shop of [SHOP, OTHER]) {
    await prisma.shop.create({ data: { shop } });
    await prisma.session.create({
      data: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_x", isOnline: false },
    });
    const contact = await prisma.contact.create({
      data: { shop, waId: "15556251199", name: "John", shopifyCustomerId: "191167" },
    });
    const other = await prisma.contact.create({ data: { shop, waId: "971500000001", name: "Sara" } });
    for (const c of [contact, other]) {
      const conversation = await prisma.conversation.create({ data: { shop, contactId: c.id, state: {} } });
      await prisma.message.create({
        data: {
          shop,
          conversationId: conversation.id,
          contactId: c.id,
          direction: "in",
          author: "shopper",
          type: "text",
          body: { text: "hi" },
          text: "hi",
          status: "received",
        },
      });
      await prisma.feedback.create({ data: { shop, orderId: `order-${c.id}`, contactId: c.id, rating: 5 } });
    }
    await prisma.orderAttribution.create({ data: { shop, orderId: "299938", contactId: null } });
  }
}

async function countsFor(shop: string) {
  const prisma = db();
  const [contacts, messages, feedback, conversations, sessions, orders, shops] = await Promise.all([
    prisma.contact.count({ where: { shop } }),
    prisma.message.count({ where: { shop } }),
    prisma.feedback.count({ where: { shop } }),
    prisma.conversation.count({ where: { shop } }),
    prisma.session.count({ where: { shop } }),
    prisma.orderAttribution.count({ where: { shop } }),
    prisma.shop.count({ where: { shop } }),
  ]);
  return { contacts, messages, feedback, conversations, sessions, orders, shops };
}

describe("Shopify webhooks", () => {
  const topics: [string, Action, string][] = [
    ["app/uninstalled", uninstalled, "app__uninstalled"],
    ["app/scopes_update", scopesUpdate, "app__scopes_update"],
    ["shop/redact", shopRedact, "shop__redact"],
    ["customers/redact", customersRedact, "customers__redact"],
    ["customers/data_request", dataRequest, "customers__data_request"],
  ];

  it.each(topics)(
    "%s rejects an invalid HMAC with 401 and changes nothing",
    async (topic, action, fixture) => {
      await seedShops();
      const before = await countsFor(SHOP);
      const request = shopifyWebhookRequest(topic, shopifyFixture(fixture), {
        shop: SHOP,
        secret: "wrong-secret",
      });
      const response = await call(action, request);
      expect(response.status).toBe(401);
      expect(await countsFor(SHOP)).toEqual(before);
      expect(await db().webhookDelivery.count()).toBe(0);
    },
  );

  it.each(topics)("%s accepts the fixture signed with the app secret", async (topic, action, fixture) => {
    await seedShops();
    const response = await call(
      action,
      shopifyWebhookRequest(topic, shopifyFixture(fixture), { shop: SHOP }),
    );
    expect(response.status).toBe(200);
  });

  it("app/uninstalled deletes the shop's sessions and disables its bot, not the other shop's", async () => {
    await seedShops();
    const response = await call(
      uninstalled,
      shopifyWebhookRequest("app/uninstalled", shopifyFixture("app__uninstalled"), { shop: SHOP }),
    );
    expect(response.status).toBe(200);
    const shop = await db().shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(shop.botEnabled).toBe(false);
    expect(shop.uninstalledAt).toBeInstanceOf(Date);
    expect((await countsFor(SHOP)).sessions).toBe(0);
    expect((await countsFor(SHOP)).messages).toBe(2); // data stays until shop/redact
    const other = await db().shop.findUniqueOrThrow({ where: { shop: OTHER } });
    expect(other.botEnabled).toBe(true);
    expect((await countsFor(OTHER)).sessions).toBe(1);
  });

  it("shop/redact deletes every row of that shop and only that shop", async () => {
    await seedShops();
    const otherBefore = await countsFor(OTHER);
    const response = await call(
      shopRedact,
      shopifyWebhookRequest("shop/redact", shopifyFixture("shop__redact"), { shop: SHOP }),
    );
    expect(response.status).toBe(200);
    expect(await countsFor(SHOP)).toEqual({
      contacts: 0,
      messages: 0,
      feedback: 0,
      conversations: 0,
      sessions: 0,
      orders: 0,
      shops: 0,
    });
    expect(await countsFor(OTHER)).toEqual(otherBefore);
  });

  it("customers/redact deletes that customer's contact, messages and feedback (by phone and customer id)", async () => {
    await seedShops();
    const response = await call(
      customersRedact,
      shopifyWebhookRequest("customers/redact", shopifyFixture("customers__redact"), { shop: SHOP }),
    );
    expect(response.status).toBe(200);
    const prisma = db();
    expect(await prisma.contact.findMany({ where: { shop: SHOP }, select: { waId: true } })).toEqual([
      { waId: "971500000001" },
    ]);
    expect(await prisma.message.count({ where: { shop: SHOP } })).toBe(1);
    expect(await prisma.feedback.count({ where: { shop: SHOP } })).toBe(1);
    // orders_to_redact includes 299938
    expect(await prisma.orderAttribution.count({ where: { shop: SHOP } })).toBe(0);
    // The other shop keeps the same shopper.
    expect((await countsFor(OTHER)).contacts).toBe(2);
    expect((await countsFor(OTHER)).orders).toBe(1);
  });

  it("customers/redact matches by Shopify customer id when the phone is absent", async () => {
    await seedShops();
    const payload = {
      ...shopifyFixture("customers__redact"),
      customer: { id: 191167, email: null, phone: null },
    };
    const response = await call(
      customersRedact,
      shopifyWebhookRequest("customers/redact", payload, { shop: SHOP }),
    );
    expect(response.status).toBe(200);
    expect(await db().contact.count({ where: { shop: SHOP, shopifyCustomerId: "191167" } })).toBe(0);
    expect(await db().contact.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("customers/data_request records the request with an export of what is held", async () => {
    await seedShops();
    const response = await call(
      dataRequest,
      shopifyWebhookRequest("customers/data_request", shopifyFixture("customers__data_request"), {
        shop: SHOP,
      }),
    );
    expect(response.status).toBe(200);
    const requests = await db().dataRequest.findMany({ where: { shop: SHOP } });
    expect(requests).toHaveLength(1);
    const exported = requests[0].export as { contacts: { waId: string }[]; messages: { text: string }[] };
    expect(exported.contacts.map((c) => c.waId)).toEqual(["15556251199"]);
    expect(exported.messages.map((m) => m.text)).toEqual(["hi"]);
    expect(await db().dataRequest.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("is idempotent: the same X-Shopify-Webhook-Id twice has one effect", async () => {
    await seedShops();
    const payload = shopifyFixture("customers__data_request");
    for (let i = 0; i < 2; i++) {
      const response = await call(
        dataRequest,
        shopifyWebhookRequest("customers/data_request", payload, { shop: SHOP, webhookId: "same-id" }),
      );
      expect(response.status).toBe(200);
    }
    expect(await db().dataRequest.count({ where: { shop: SHOP } })).toBe(1);
    await call(
      dataRequest,
      shopifyWebhookRequest("customers/data_request", payload, { shop: SHOP, webhookId: "another-id" }),
    );
    expect(await db().dataRequest.count({ where: { shop: SHOP } })).toBe(2);
  });
});
