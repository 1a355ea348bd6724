/**
 * Whole conversations, from "hi" to a checkout link, in English and Arabic, by taps and by typing. The driver
 * answers every data request through the fake shop and fails the test if any message breaks a WhatsApp limit or
 * any state breaks the schema.
 */
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../types";
import type { Effect } from "./contract";
import { checkOutboundMessage } from "./limits";
import { choicesOf, Driver, textOf } from "./testing";

const ids = (m: OutboundMessage | undefined) => choicesOf(m).map((c) => c.id);
const types = (effects: Effect[]) => effects.map((e) => e.type);
const sp = (s: string) => s.replace(/\u00a0/g, " ");
const hasArabic = (s: string) => /\p{Script=Arabic}/u.test(s);

function expectCheckoutLink(m: OutboundMessage | undefined, url: RegExp) {
  expect(m?.kind).toBe("cta_url");
  if (m?.kind !== "cta_url") return;
  expect(m.url).toMatch(url);
  return m;
}

describe("English, by taps", () => {
  it("hi → browse → collection → More → product → variant → quantity → checkout link", () => {
    const d = new Driver();

    let r = d.say("hi");
    expect(r.effects[0]).toEqual({ type: "setLanguage", language: "en" });
    expect(r.last?.kind).toBe("list");
    expect(textOf(r.last)).toContain("Welcome to Hala Demo Store!");
    expect(ids(r.last)).toEqual([
      "menu:browse",
      "menu:search",
      "menu:cart",
      "menu:orders",
      "menu:human",
      "lang:ar",
    ]);

    r = d.tap("menu:browse");
    expect(types(r.effects)).toEqual(["loadCollections", "send"]);
    expect(d.state.step).toBe("collections");
    expect(ids(r.last)[0]).toBe("col:gid://shopify/Collection/1");

    r = d.tap("Shirts");
    expect(r.effects[0]).toEqual({
      type: "loadProducts",
      collectionId: "gid://shopify/Collection/1",
      cursor: null,
      pageIndex: 0,
    });
    expect(choicesOf(r.last)).toHaveLength(10);
    expect(ids(r.last)[9]).toBe("more:prod:1");
    expect(textOf(r.last)).toContain("Products in Shirts:");

    r = d.tap("more:prod:1");
    expect(r.effects[0]).toEqual({
      type: "loadProducts",
      collectionId: "gid://shopify/Collection/1",
      cursor: "cursor-9",
      pageIndex: 1,
    });
    expect(choicesOf(r.last)[0].title).toBe("1. Shirt 10");
    expect(ids(r.last)[9]).toBe("more:prod:2");

    r = d.tap("more:prod:2");
    expect(choicesOf(r.last).map((c) => c.title)).toEqual(["1. Shirt 19", "2. Shirt 20"]);

    r = d.tap("Shirt 20");
    expect(r.sends[0].kind).toBe("image");
    const caption = textOf(r.sends[0]);
    expect(caption).toContain("*Shirt 20*");
    expect(sp(caption)).toContain("From SAR 49.90");
    expect(caption).toContain("In stock");
    expect(caption).toContain("The Shirt 20 & more. 100% cotton Made with care");
    expect(choicesOf(r.last).map((c) => c.title)).toEqual(["1. Small", "2. Medium", "3. Large"]);

    r = d.tap("Large");
    expect(d.state.step).toBe("quantity");
    expect(choicesOf(r.last).map((c) => c.id)).toEqual(["qty:1", "qty:2", "qty:3"]);

    r = d.tap("qty:2");
    expect(sp(textOf(r.last))).toContain("Added 2 × Shirt 20 (Large) to your cart.");
    expect(sp(textOf(r.last))).toContain("Total: SAR 109.80");

    r = d.tap("cart:checkout");
    expect(types(r.effects)).toEqual(["validateCart", "createCheckout", "send"]);
    expect(r.effects[0]).toMatchObject({ type: "validateCart", purpose: "checkout" });
    const cta = expectCheckoutLink(r.last, /^https:\/\/hala-demo\.myshopify\.com\/1234\/invoices\/inv1$/);
    expect(cta?.displayText).toBe("Pay now");
    expect(sp(cta?.body ?? "")).toContain("Total: SAR 109.80");
    expect(d.state.step).toBe("awaiting_checkout");
    expect(d.state.cart).toHaveLength(1);
  });
});

describe("English, by typing", () => {
  it("numbers pick rows, keywords jump, and a typed search works", () => {
    const d = new Driver();
    d.say("Hello!");
    let r = d.say("1");
    expect(r.effects[0]).toEqual({ type: "loadCollections" });
    r = d.say("2");
    expect(textOf(r.last)).toContain("Products in Shoes:");
    r = d.say("1");
    expect(textOf(r.sends[0])).toContain("Running Shoe");
    r = d.say("2.");
    expect(textOf(r.last)).toContain("Running Shoe (43)");
    r = d.say("3");
    expect(d.state.cart).toMatchObject([{ productTitle: "Running Shoe", variantTitle: "43", quantity: 3 }]);

    r = d.say("search sandal");
    expect(r.effects[0]).toEqual({ type: "search", query: "sandal" });
    expect(choicesOf(r.last).map((c) => c.title)).toEqual(["1. Sandal", "2. New search"]);
    r = d.say("1");
    // One variant: straight to the quantity.
    expect(d.state.step).toBe("quantity");
    r = d.say("5");
    expect(sp(textOf(r.last))).toContain("Total: SAR 996.95");

    r = d.say("cart");
    expect(r.effects[0]).toMatchObject({ type: "validateCart", purpose: "show" });
    expect(sp(textOf(r.last))).toContain("• Running Shoe (43) × 3 — SAR 597.00");
    expect(sp(textOf(r.last))).toContain("• Sandal (One size) × 5 — SAR 399.95");
    expect(sp(textOf(r.last))).toContain("Total: SAR 996.95");

    r = d.say("1"); // the Checkout row
    expectCheckoutLink(r.last, /invoices\/inv1$/);
  });

  it("typing a choice's title picks it", () => {
    const d = new Driver();
    d.say("hi");
    d.say("browse");
    const r = d.say("shoes");
    expect(r.effects[0]).toMatchObject({ type: "loadProducts", collectionId: "gid://shopify/Collection/2" });
  });
});

describe("Arabic, by typing with Arabic-Indic digits", () => {
  it("السلام عليكم → ١ → ١ → ٤ → ٢ → ٣ → ادفع", () => {
    const d = new Driver();
    let r = d.say("السلام عليكم");
    expect(r.effects[0]).toEqual({ type: "setLanguage", language: "ar" });
    expect(textOf(r.last)).toContain("أهلًا بك في Hala Demo Store!");
    expect(choicesOf(r.last)[0].title).toBe("1. تصفح المنتجات");

    r = d.say("١");
    expect(textOf(r.last)).toContain("أي مجموعة تودّ أن تتصفح؟");
    r = d.say("١");
    expect(textOf(r.last)).toContain("المنتجات في Shirts:");
    expect(textOf(r.last)).toContain("مزيد من المنتجات");
    expect(textOf(r.last)).toContain("ابتداءً من");
    r = d.say("٤");
    expect(textOf(r.sends[0])).toContain("متوفر");
    r = d.say("٢");
    expect(textOf(r.last)).toContain("كم قطعة تريد من «Shirt 4 (Medium)»؟");
    r = d.say("٣");
    expect(textOf(r.last)).toContain("تمت إضافة 3 × Shirt 4 (Medium) إلى سلتك.");
    expect(textOf(r.last)).toContain("الإجمالي:");
    expect(d.state.cart[0].quantity).toBe(3);

    r = d.say("ادفع");
    const cta = expectCheckoutLink(r.last, /invoices\/inv1$/);
    expect(cta?.displayText).toBe("ادفع الآن");
    expect(cta?.header).toBe("طلبك جاهز");
    expect(hasArabic(cta?.body ?? "")).toBe(true);
  });
});

describe("Arabic, by taps", () => {
  it("مرحبا → search → قميص → product → variant → 1 → view cart → checkout", () => {
    const d = new Driver();
    d.say("مرحبا");
    let r = d.tap("menu:search");
    expect(textOf(r.last)).toContain("عمّ تبحث؟");
    expect(d.state.step).toBe("searching");
    r = d.say("قميص");
    expect(r.effects[0]).toEqual({ type: "search", query: "قميص" });
    expect(textOf(r.last)).toContain("نتائج البحث عن «قميص»:");
    expect(choicesOf(r.last)).toHaveLength(10);
    expect(ids(r.last)[9]).toBe("search:new");

    r = d.tap("Shirt 1");
    r = d.tap("Small");
    r = d.tap("qty:1");
    expect(textOf(r.last)).toContain("متابعة التسوق");
    r = d.tap("menu:cart");
    expect(textOf(r.last)).toContain("🛒 سلتك");
    expect(textOf(r.last)).toContain("خيارات السلة");
    r = d.tap("cart:checkout");
    expectCheckoutLink(r.last, /invoices\/inv1$/);
    for (const m of d.allSends()) if (m.kind !== "image") expect(hasArabic(textOf(m)), textOf(m)).toBe(true);
  });
});

describe("WhatsApp limits across the scripts", () => {
  it("every message of a long mixed conversation passes the checker", () => {
    const d = new Driver({
      contactName: "A very long WhatsApp profile name that goes on and on",
      shopName: "S".repeat(80),
    });
    d.shop.catalog.collections.push({
      id: "gid://shopify/Collection/99",
      title: "A collection with a really long title",
    });
    const script = [
      "hi",
      "1",
      "10",
      "1",
      "back",
      "1",
      "1",
      "10",
      "10",
      "back",
      "search shirt",
      "1",
      "1",
      "2",
      "cart",
      "2",
      "1",
      "7",
      "cart",
      "human",
    ];
    for (const text of script) d.say(text);
    d.event({ type: "handoffReleased" });
    for (const text of [
      "orders",
      "help",
      "عربي",
      "١",
      "٢",
      "١",
      "السلة",
      "٣",
      "١",
      "English",
      "search sandal",
      "1",
      "2",
      "checkout",
    ])
      d.say(text);
    d.shop.orders = [
      {
        id: "o1",
        name: "#1001",
        createdAt: "2025-05-01T10:00:00Z",
        financialStatus: "PAID",
        fulfillmentStatus: "FULFILLED",
        total: { amount: "120.00", currencyCode: "SAR" },
        trackingUrls: ["https://track.example/1"],
      },
    ];
    d.say("orders");

    const sends = d.allSends();
    expect(sends.length).toBeGreaterThan(30);
    expect(new Set(sends.map((m) => m.kind))).toEqual(
      new Set(["list", "buttons", "image", "text", "cta_url"]),
    );
    for (const m of sends) expect(checkOutboundMessage(m)).toEqual([]);
  });
});
