import { describe, expect, it } from "vitest";
import { FakeShop, makeCtx, Driver } from "../conversation/testing";
import { cartFacts, orderFacts, productFacts, toolContent, turnContext } from "./facts";

describe("facts for the model", () => {
  const shop = new FakeShop();
  const shirt = shop.catalog.products[0];

  it("products: ids, titles, app-formatted prices, availability, options", () => {
    const facts = productFacts(shirt, "en", "SAR", true);
    expect(facts).toMatchObject({ product_id: shirt.id, title: "Shirt 1", available: true });
    expect(facts.price_from).toMatch(/^SAR\s49\.90$/);
    expect(facts.options[0]).toMatchObject({
      variant_id: shirt.variants[0].id,
      title: "Small",
      available: true,
    });
    expect(facts.description).toContain("100% cotton");
    expect(productFacts(shirt, "en", "SAR")).not.toHaveProperty("description");
  });

  it("cart and orders, with totals formatted by the app", () => {
    const line = {
      variantId: "v1",
      productId: "p1",
      productTitle: "Shirt",
      variantTitle: "M",
      quantity: 2,
      unitPrice: { amount: "49.90", currencyCode: "SAR" },
    };
    const cart = cartFacts([line], "en", "SAR");
    expect(cart.items).toBe(2);
    expect(cart.total).toMatch(/99\.80/);
    expect(
      orderFacts(
        [
          {
            id: "o",
            name: "#1001",
            createdAt: "2025-01-02T00:00:00Z",
            financialStatus: "paid",
            fulfillmentStatus: null,
            total: { amount: "10", currencyCode: "SAR" },
            trackingUrls: [],
          },
        ],
        "en",
        "SAR",
      ),
    ).toEqual([
      {
        order: "#1001",
        placed: "2025-01-02",
        payment: "paid",
        delivery: "unfulfilled",
        total: expect.stringMatching(/10\.00/),
        tracking: false,
      },
    ]);
  });

  it("the turn context: cart without prices, the product open, the listed products by number", () => {
    const d = new Driver(makeCtx());
    d.say("search shirt");
    const ctx = turnContext(d.state);
    expect(ctx.listed[0]).toEqual({ number: 1, product_id: shirt.id, title: "Shirt 1" });
    expect(JSON.stringify(ctx)).not.toMatch(/49\.90/);
    d.tap(1);
    expect(turnContext(d.state).product).toMatchObject({
      product_id: shirt.id,
      options: [{ title: "Small" }, { title: "Medium" }],
    });
  });

  it("tool content is bounded", () => {
    expect(toolContent({ a: "x".repeat(10_000) }).length).toBeLessThan(6_100);
  });
});
