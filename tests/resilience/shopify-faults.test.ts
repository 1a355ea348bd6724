/**
 * The Shopify Admin API failing while a shopper checks out (in-process, the schema-validated msw fake with
 * fault injection): THROTTLED (HTTP 200 + GraphQL error), 5xx, 429 and network errors on the checkout's
 * calls. The shopper gets a clear "try again", the cart survives, nothing crashes, and once Shopify answers
 * again the same tap gives the checkout link — one draft order, no duplicate. Catalog calls failing while
 * browsing get the same treatment.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { setupTestDatabase } from "../helpers/db";
import { choicesOf, Shopper, textOfBody } from "../helpers/shopper";
import { seedStore, type TestStore } from "../helpers/whatsapp";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { createGraphApiFake } from "../mocks/graph-api";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers, type AdminFault } from "../mocks/shopify-admin";
import { recordFigures } from "./support/figures";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const graph = createGraphApiFake();
let admin: ReturnType<typeof createShopifyAdminHandlers>;
let store: TestStore;
const figures: Record<string, unknown> = {};
let faultsInjected = 0;

beforeEach(async () => {
  await cache().delPrefix("");
  graph.reset();
  admin = createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: SHOP }), { shopDomain: SHOP });
  server.use(...graph.handlers, ...admin);
  store = await seedStore({ shop: SHOP, name: "Hala Demo Boutique", currencyCode: "SAR" });
});

afterAll(() =>
  recordFigures("shopify-faults", {
    title: "Shopify Admin API faults during checkout",
    faultsInjected,
    ...figures,
  }),
);

/** hi → browse → a product → quantity: a cart with one line, just before the checkout tap. */
async function fillCart(shopper: Shopper) {
  await shopper.say("hi");
  await shopper.tap(/^menu:browse$/);
  await shopper.tap((c) => c.id.startsWith("col:"));
  await shopper.tap((c) => c.id.startsWith("prod:"));
  const last = shopper.all().at(-1)!;
  if (choicesOf(last).some((c) => c.id.startsWith("var:"))) await shopper.tap((c) => c.id.startsWith("var:"));
  await shopper.tap(/^qty:2$/);
}

async function cartOf(waId: string) {
  const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId } });
  const conversation = await db().conversation.findFirstOrThrow({
    where: { shop: SHOP, contactId: contact.id },
  });
  return (conversation.state as { cart: { variantId: string; quantity: number }[] }).cart;
}

const checkoutTap = /^(cart:checkout|checkout|menu:checkout)/;
const link = (bodies: ReturnType<Shopper["all"]>) => bodies.find((b) => b.interactive?.type === "cta_url");

describe("Shopify Admin API faults during checkout", () => {
  const faults: [string, AdminFault][] = [
    ["THROTTLED", "THROTTLED"],
    ["HTTP 500", 500],
    ["HTTP 503", 503],
    ["HTTP 429", 429],
    ["network error", "NETWORK"],
  ];

  // Every fault on the draft order; on every call too for some (all of them in the long run).
  const cases = faults.flatMap(([label, fault], i) => [
    ...(process.env.RES_LONG === "1" || i === 0
      ? [[`${label} on every call (the cart check fails first)`, fault, "*", `9665000080${i}0`] as const]
      : []),
    [`${label} on draftOrderCreate`, fault, "HalaDraftOrderCreate", `9665000080${i}1`] as const,
  ]);

  it.each(cases)(
    "%s: a clear 'try again', the cart survives, the retry gives one checkout link",
    async (label, fault, operation, waId) => {
      const shopper = new Shopper(store, graph, waId, "Sara");
      await fillCart(shopper);
      const cart = await cartOf(shopper.waId);
      expect(cart.length).toBe(1);

      admin.clearRequests();
      admin.failNext(operation, fault, Infinity);
      const t0 = performance.now();
      const failed = await shopper.tap(checkoutTap);
      const failedMs = performance.now() - t0;
      faultsInjected += admin.requests.filter((r) => r.outcome !== 200).length;
      const text = failed.map(textOfBody).join("\n");
      expect(text, label).toMatch(/try again/i);
      if (operation === "HalaDraftOrderCreate") expect(text).toMatch(/cart is saved/i);
      expect(link(failed)).toBeUndefined();
      expect(failed.some((b) => choicesOf(b).some((c) => /try again/i.test(c.title)))).toBe(true);
      expect(await cartOf(shopper.waId)).toEqual(cart);
      expect(await db().checkout.count({ where: { shop: SHOP } })).toBe(0);

      // Shopify answers again: "Try again" gives the link, once.
      admin.clearFaults();
      const retried = await shopper.tap(/try again/i);
      const url = link(retried)?.interactive?.action.parameters?.url;
      expect(url, JSON.stringify(retried.map(textOfBody))).toMatch(new RegExp(`^https://${SHOP}/`));
      expect(admin.requestsFor("HalaDraftOrderCreate").filter((r) => r.outcome === 200)).toHaveLength(1);
      expect(await db().checkout.count({ where: { shop: SHOP } })).toBe(1);
      expect(await db().inboundEvent.count({ where: { shop: SHOP, status: { not: "done" } } })).toBe(0);
      figures[label] = {
        operation,
        failedTurnMs: Math.round(failedMs),
        adminRequests: admin.requests.length,
        messageOnFailure: failed.map(textOfBody).join(" | ").slice(0, 200),
      };
    },
    60_000,
  );

  it("catalog calls failing while browsing: 'try again', no crash, browsing works once Shopify answers", async () => {
    const shopper = new Shopper(store, graph, "966500008100", "Omar");
    await shopper.say("hi");
    admin.failNext("*", 502, Infinity);
    const failed = await shopper.tap(/^menu:browse$/);
    faultsInjected += admin.requests.filter((r) => r.outcome !== 200).length;
    expect(failed.map(textOfBody).join("\n")).toMatch(/try again/i);
    admin.clearFaults();
    const retried = await shopper.tap(/try again|^menu:browse$/i);
    expect(retried.some((b) => choicesOf(b).some((c) => c.id.startsWith("col:")))).toBe(true);
    expect(await db().inboundEvent.count({ where: { shop: SHOP, status: { not: "done" } } })).toBe(0);
  }, 60_000);
});
