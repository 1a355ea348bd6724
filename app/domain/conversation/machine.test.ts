import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CartLine, InboundEvent, OutboundMessage } from "../types";
import type { Effect, EngineEvent } from "./contract";
import { checkOutboundMessage } from "./limits";
import { cartFingerprint, transition } from "./machine";
import { ConversationStateSchema, initialState, type ConversationState } from "./state";
import { bodyOf, choicesOf, Driver, makeCtx, T0, textOf } from "./testing";

const ids = (m: OutboundMessage | undefined) => choicesOf(m).map((c) => c.id);
const sp = (s: string) => s.replace(/\u00a0/g, " ");
const types = (effects: Effect[]) => effects.map((e) => e.type);
const MIN = 60_000;

const line = (n: number, quantity = 1, amount = "10.00"): CartLine => ({
  variantId: `gid://shopify/ProductVariant/9${n}`,
  productId: `gid://shopify/Product/9${n}`,
  productTitle: `Item ${n}`,
  variantTitle: "Default Title",
  quantity,
  unitPrice: { amount, currencyCode: "SAR" },
});

/** A driver whose conversation is already at `step`. */
function at(step: string): Driver {
  const d = new Driver();
  d.say("hi");
  if (step === "menu") return d;
  if (step === "searching") return (d.tap("menu:search"), d);
  if (step === "search_results") return (d.say("search shirt"), d);
  if (step === "orders") return (d.say("orders"), d);
  d.tap("menu:browse");
  if (step === "collections") return d;
  d.tap("Shirts");
  if (step === "products") return d;
  if (step === "product") return (d.tap("Shirt 3"), d); // sold out
  d.tap("Shirt 4");
  if (step === "variant") return d;
  d.tap("Small");
  if (step === "quantity") return d;
  d.tap("qty:1");
  if (step === "cart (added)") return d;
  d.say("cart");
  if (step === "cart") return d;
  if (step === "cart_clear") return (d.tap("cart:clear"), d);
  d.tap("Shirt 4");
  if (step === "cart_line") return d;
  d.tap("cart:qty:");
  if (step === "cart_quantity") return d;
  throw new Error(step);
}

describe("menu", () => {
  it("opens with the store's welcome message, the shop name and six numbered rows", () => {
    const d = new Driver({
      welcomeMessage: { en: "Marhaba! Fresh dates daily.", ar: "مرحبًا! تمور طازجة يوميًا." },
    });
    const r = d.say("hello");
    const menu = r.last!;
    expect(menu.kind).toBe("list");
    if (menu.kind !== "list") return;
    expect(menu.header).toBe("Hala Demo Store");
    expect(menu.body).toBe("Marhaba! Fresh dates daily.");
    expect(menu.sections[0].rows.map((row) => row.title)).toEqual([
      "1. Browse products",
      "2. Search",
      "3. My cart",
      "4. My orders",
      "5. Talk to a person",
      "6. العربية",
    ]);
  });

  it("greets by name when there is no welcome message, and mentions the cart", () => {
    const d = new Driver({ contactName: "Sara" }, { ...initialState(), cart: [line(1, 2)] });
    expect(textOf(d.say("hi").last)).toContain("Hi Sara, welcome to Hala Demo Store!");
    expect(textOf(d.log[0].last)).toContain("Items in your cart: 2");
  });

  it("uses the Arabic welcome message in Arabic", () => {
    const d = new Driver({ welcomeMessage: { en: "Hello", ar: "مرحبًا! تمور طازجة يوميًا." } });
    expect(textOf(d.say("مرحبا").last)).toContain("مرحبًا! تمور طازجة يوميًا.");
  });
});

describe("wrong input gets a hint and the current choices, in every step", () => {
  const steps = [
    "menu",
    "collections",
    "products",
    "product",
    "variant",
    "cart (added)",
    "cart",
    "cart_line",
    "cart_clear",
    "orders",
    "search_results",
  ];

  it.each(steps)("%s", (step) => {
    const d = at(step);
    const before = d.lastInteractive();
    const stateBefore = d.state.step;
    const r = d.say("blorp zzz");
    expect(r.sends).toHaveLength(1);
    expect(bodyOf(r.last)).toMatch(/^Sorry, I didn't get that\./);
    expect(ids(r.last)).toEqual(ids(before));
    expect(d.state.step).toBe(stateBefore);
    expect(r.effects.filter((e) => e.type !== "send")).toEqual([]);
  });

  it.each(steps)("%s: a number out of range says which numbers work", (step) => {
    const d = at(step);
    const count = choicesOf(d.lastInteractive()).length;
    const r = d.say("42");
    expect(textOf(r.last)).toContain(`Please pick a number from 1 to ${count}.`);
    expect(ids(r.last)).toEqual(ids(d.log[d.log.length - 2].last));
  });

  it.each(["quantity", "cart_quantity"])(
    "%s: not a number gets the quantity hint with the buttons",
    (step) => {
      const d = at(step);
      const before = ids(d.lastInteractive());
      const r = d.say("blue please");
      expect(textOf(r.last)).toContain("Please type a number from 1 to 99.");
      expect(ids(r.last)).toEqual(before);
    },
  );

  it("review: the review buttons come back", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1), line(2)] });
    d.shop.validate = (lines) =>
      lines.length === 2
        ? { lines: [lines[0]], changes: [{ variantId: lines[1].variantId, kind: "removed" }] }
        : { lines, changes: [] };
    d.say("checkout");
    expect(d.state.step).toBe("review");
    const r = d.say("what?");
    expect(bodyOf(r.last)).toMatch(/^Sorry, I didn't get that\./);
    expect(ids(r.last)).toEqual(["checkout:confirm", "menu:cart", "nav:menu"]);
    expect(d.say("9").last && textOf(d.log[d.log.length - 1].last)).toContain(
      "Please pick a number from 1 to 3.",
    );
  });

  it("awaiting checkout: after the link, the menu is offered", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1)] });
    d.say("checkout");
    expect(d.state.step).toBe("awaiting_checkout");
    const r = d.say("what?");
    expect(bodyOf(r.last)).toMatch(/^Sorry, I didn't get that\./);
    expect(ids(r.last)).toContain("menu:browse");
    expect(d.state.cart).toHaveLength(1);
  });

  it("searching: blank input asks again", () => {
    const d = at("searching");
    const r = d.say("   ");
    expect(bodyOf(r.last)).toMatch(/^Sorry, I didn't get that\./);
    expect(ids(r.last)).toEqual(["menu:browse", "nav:menu"]);
    expect(d.state.step).toBe("searching");
  });

  it("after two misses in a row the hint mentions a person", () => {
    const d = at("collections");
    expect(textOf(d.say("what").last)).not.toContain("human");
    expect(textOf(d.say("what").last)).toContain("Type “human” to talk to a person.");
    d.say("1");
    expect(d.state.misses).toBe(0);
  });

  it.each<[string, InboundEvent, string]>([
    ["media", { type: "media", kind: "image", mediaId: "m1" }, "I can only read text and taps"],
    ["location", { type: "location", latitude: 24.7, longitude: 46.7 }, "Thanks for sharing your location!"],
    ["contacts", { type: "contacts" }, "Thanks for the contact card!"],
    ["reaction", { type: "reaction", emoji: "👍" }, "Thanks! 😊"],
    ["unsupported", { type: "unsupported", reason: "poll" }, "can't read that kind of message"],
  ])("%s is answered politely with the current choices", (_, event, text) => {
    for (const step of ["menu", "products", "quantity", "cart"]) {
      const d = at(step);
      const before = ids(d.lastInteractive());
      const r = d.event(event);
      expect(textOf(r.last)).toContain(text);
      expect(ids(r.last)).toEqual(before);
    }
  });

  it("a fresh conversation with unsupported input gets the menu", () => {
    const d = new Driver();
    const r = d.event({ type: "media", kind: "sticker", mediaId: "s" });
    expect(ids(r.last)).toContain("menu:browse");
    expect(d.state.step).toBe("menu");
  });

  it("help explains the commands and re-sends the choices", () => {
    const d = at("products");
    const r = d.say("help");
    expect(textOf(r.last)).toContain("You can also type: menu, search");
    expect(ids(r.last)).toEqual(ids(d.log[d.log.length - 2].last));
  });

  it("an unknown reply id falls back to its title as text", () => {
    const d = at("products");
    expect(textOf(d.event({ type: "reply", id: "feedback:5", title: "cart" }).last)).toContain(
      "Your cart is empty.",
    );
    expect(bodyOf(d.event({ type: "reply", id: "x", title: "??!" }).last)).toMatch(
      /^Sorry, I didn't get that/,
    );
  });
});

describe("keywords jump from any step", () => {
  it.each([
    ["menu", "menu"],
    ["القائمة", "menu"],
    ["السلة", "cart"],
    ["cart", "cart"],
    ["orders", "loadOrders"],
    ["طلباتي", "loadOrders"],
    ["تصفح", "loadCollections"],
    ["search", "searching"],
    ["بحث", "searching"],
  ])("%s", (word, expected) => {
    for (const step of ["products", "quantity", "cart_line", "search_results"]) {
      const d = at(step);
      const r = d.say(word);
      if (expected === "menu") expect(ids(r.last)).toContain("menu:browse");
      else if (expected === "searching") expect(d.state.step).toBe("searching");
      else if (expected === "cart") {
        if (d.state.cart.length > 0)
          expect(r.effects[0]).toMatchObject({ type: "validateCart", purpose: "show" });
        else expect(textOf(r.last)).toMatch(/Your cart is empty|سلتك فارغة/);
        expect(d.state.step).toBe("cart");
      } else expect(r.effects[0].type).toBe(expected);
    }
  });
});

describe("quantity", () => {
  it.each([
    ["0", "The quantity must be at least 1"],
    ["100", "You can add up to 99 at a time"],
    ["abc", "Please type a number from 1 to 99."],
    ["-2", "Please type a number from 1 to 99."],
    ["2.5", "Please type a number from 1 to 99."],
  ])("%j is refused with a clear message and the buttons again", (text, message) => {
    const d = at("quantity");
    const r = d.say(text);
    expect(textOf(r.last)).toContain(message);
    expect(ids(r.last)).toEqual(["qty:1", "qty:2", "qty:3"]);
    expect(d.state.cart).toEqual([]);
    expect(d.state.step).toBe("quantity");
  });

  it.each([
    ["٣", 3],
    ["۴", 4],
    ["99", 99],
    ["١٢", 12],
    ["7", 7],
  ])("%j adds %d", (text, quantity) => {
    const d = at("quantity");
    d.say(text);
    expect(d.state.cart).toMatchObject([{ productTitle: "Shirt 4", variantTitle: "Small", quantity }]);
  });

  it("adding the same variant again adds up, capped at 99 with a note", () => {
    const d = at("quantity");
    d.say("60");
    d.say("search shirt 4");
    d.say("1");
    d.tap("Small");
    const r = d.say("50");
    expect(d.state.cart).toHaveLength(1);
    expect(d.state.cart[0].quantity).toBe(99);
    expect(textOf(r.last)).toContain("The most you can order of one item is 99");
  });

  it("a product with one variant skips the variant list", () => {
    const d = at("products");
    const r = d.tap("Shirt 2");
    expect(d.state.step).toBe("quantity");
    expect(ids(r.last)).toEqual(["qty:1", "qty:2", "qty:3"]);
    d.tap("qty:2");
    expect(d.state.cart[0]).toMatchObject({
      productTitle: "Shirt 2",
      variantTitle: "Default Title",
      quantity: 2,
    });
  });

  it("a sold-out product says so and offers ways on", () => {
    const d = at("product");
    expect(textOf(d.log[d.log.length - 1].sends[0])).toContain("Sold out");
    expect(textOf(d.lastInteractive())).toContain("“Shirt 3” is sold out");
    expect(ids(d.lastInteractive())).toEqual(["nav:shop", "menu:search", "nav:menu"]);
  });

  it("only available variants are offered", () => {
    const d = at("products");
    const r = d.tap("Shirt 5"); // odd: Large unavailable
    expect(choicesOf(r.last).map((c) => c.title)).toEqual(["1. Small", "2. Medium"]);
  });

  it("a product without image is shown as text", () => {
    const d = new Driver();
    d.say("hi");
    const r = d.say("search حذاء");
    expect(r.effects[0]).toEqual({ type: "search", query: "حذاء" });
    const p = d.tap("حذاء رياضي");
    expect(p.sends[0].kind).toBe("text");
  });
});

describe("paging", () => {
  it("collections page 9 at a time with More", () => {
    const d = at("collections");
    expect(choicesOf(d.lastInteractive())).toHaveLength(10);
    expect(ids(d.lastInteractive())[9]).toBe("more:col:1");
    const r = d.say("10");
    expect(choicesOf(r.last).map((c) => c.title)).toEqual([
      "1. Collection 10",
      "2. Collection 11",
      "3. Empty",
    ]);
    expect(d.state.collectionsPage).toBe(1);
  });

  it("products page through cursors and back", () => {
    const d = at("products");
    d.say("10");
    d.say("10");
    expect(d.state.paging).toMatchObject({ pageIndex: 2, cursors: [null, "cursor-9", "cursor-18"] });
    // Look at a product and come back to the same page.
    d.say("1");
    const r = d.say("back");
    expect(r.effects[0]).toEqual({
      type: "loadProducts",
      collectionId: "gid://shopify/Collection/1",
      cursor: "cursor-18",
      pageIndex: 2,
    });
    expect(choicesOf(r.last).map((c) => c.title)).toEqual(["1. Shirt 19", "2. Shirt 20"]);
  });

  it("an old More tap for a page we know still works; an unknown page is stale", () => {
    const d = at("products");
    d.say("10");
    expect(d.event({ type: "reply", id: "more:prod:1", title: "More" }).effects[0]).toMatchObject({
      pageIndex: 1,
      cursor: "cursor-9",
    });
    const r = d.event({ type: "reply", id: "more:prod:7", title: "More" });
    expect(textOf(r.last)).toContain("That option is no longer available.");
  });

  it("an empty collection says so and offers browse and search", () => {
    const d = at("collections");
    d.say("10");
    const r = d.say("3");
    expect(textOf(r.last)).toContain("There are no products in this collection yet.");
    expect(ids(r.last)).toEqual(["menu:browse", "menu:search", "nav:menu"]);
  });

  it("variants page 9 at a time", () => {
    const d = at("products");
    const many = Array.from({ length: 12 }, (_, i) => ({
      id: `gid://shopify/ProductVariant/77${i}`,
      title: `Size ${i}`,
      price: { amount: "10.00", currencyCode: "SAR" },
      availableForSale: true,
    }));
    d.shop.catalog.products[0] = { ...d.shop.catalog.products[0], variants: many };
    const r = d.tap("Shirt 1");
    expect(ids(r.last)[9]).toBe("more:var:1");
    const next = d.say("10");
    expect(choicesOf(next.last).map((c) => c.title)).toEqual(["1. Size 9", "2. Size 10", "3. Size 11"]);
    d.say("2");
    expect(textOf(d.lastInteractive())).toContain("Shirt 1 (Size 10)");
  });
});

describe("cart", () => {
  function withCart(lines: CartLine[]) {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: lines });
    return d;
  }

  it("shows lines, totals in minor units, and the actions", () => {
    const d = withCart([line(1, 3, "19.99"), line(2, 1, "0.01")]);
    const r = d.say("cart");
    const text = sp(textOf(r.last));
    expect(text).toContain("• Item 1 × 3 — SAR 59.97");
    expect(text).toContain("• Item 2 × 1 — SAR 0.01");
    expect(text).toContain("Total: SAR 59.98");
    expect(ids(r.last)).toEqual([
      "cart:checkout",
      "cart:line:gid://shopify/ProductVariant/91",
      "cart:line:gid://shopify/ProductVariant/92",
      "cart:clear",
      "nav:shop",
    ]);
  });

  it("an empty cart offers browse and search, without validating", () => {
    const d = new Driver();
    const r = d.say("cart");
    expect(types(r.effects)).toEqual(["setLanguage", "send"]);
    expect(textOf(r.last)).toContain("Your cart is empty.");
    expect(ids(r.last)).toEqual(["menu:browse", "menu:search", "nav:menu"]);
  });

  it("changes a quantity, removes a line (typed 0 too), and clears after confirming", () => {
    const d = withCart([line(1, 1), line(2, 1), line(3, 2)]);
    d.say("cart");
    d.say("2"); // Item 1
    expect(d.state.step).toBe("cart_line");
    d.tap("cart:qty:");
    let r = d.say("٤");
    expect(textOf(r.last)).toContain("Updated “Item 1” to 4.");
    expect(d.state.cart[0].quantity).toBe(4);
    expect(sp(textOf(r.last))).toContain("Total: SAR 70.00");

    d.tap("Item 2");
    r = d.tap("cart:remove:");
    expect(textOf(r.last)).toContain("Removed “Item 2” from your cart.");
    expect(d.state.cart.map((l) => l.productTitle)).toEqual(["Item 1", "Item 3"]);

    d.tap("Item 3");
    d.tap("cart:qty:");
    r = d.say("0");
    expect(textOf(r.last)).toContain("Removed “Item 3”");
    expect(d.state.cart.map((l) => l.productTitle)).toEqual(["Item 1"]);

    d.tap("cart:clear");
    r = d.tap("cart:clear:yes");
    expect(textOf(r.last)).toContain("Your cart is now empty.");
    expect(d.state.cart).toEqual([]);
  });

  it("saying no to emptying keeps the cart", () => {
    const d = withCart([line(1)]);
    d.say("cart");
    d.tap("cart:clear");
    d.tap("No, keep it");
    expect(d.state.cart).toHaveLength(1);
  });

  it("a tap on a line that is gone says so and shows the cart", () => {
    const d = withCart([line(1)]);
    const r = d.event({ type: "reply", id: "cart:remove:gid://shopify/ProductVariant/55", title: "Remove" });
    expect(textOf(r.last)).toContain("That item is no longer in your cart.");
    expect(d.state.cart).toHaveLength(1);
  });

  it("pages long carts six lines at a time and keeps the body within 1024", () => {
    const d = withCart(
      Array.from({ length: 40 }, (_, i) => ({
        ...line(i, 2),
        productTitle: `A long product title number ${i}`,
      })),
    );
    let r = d.say("cart");
    expect(choicesOf(r.last)).toHaveLength(10);
    expect(ids(r.last)).toContain("more:cart:1");
    expect(textOf(r.last)).toMatch(/…and \d+ more/);
    expect(sp(textOf(r.last))).toContain("Total: SAR 800.00");
    r = d.tap("more:cart:1");
    expect(ids(r.last)).toContain("cart:line:gid://shopify/ProductVariant/96");
  });

  it("a full cart (50 lines) refuses a new item but still takes more of an existing one", () => {
    const full = Array.from({ length: 50 }, (_, i) => line(i));
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: full });
    d.say("search shirt 4");
    d.say("1");
    d.tap("Small");
    const r = d.tap("qty:1");
    expect(textOf(r.last)).toContain("Your cart is full (50 different items)");
    expect(d.state.cart).toHaveLength(50);
  });
});

describe("cart validation", () => {
  it("reports removed, out of stock, reduced and repriced lines when showing the cart", () => {
    const d = new Driver(
      {},
      { ...initialState({ language: "en" }), cart: [line(1, 2), line(2, 1), line(3, 5), line(4, 1)] },
    );
    d.shop.validate = (lines) => ({
      lines: [
        { ...lines[2], quantity: 2 },
        { ...lines[3], unitPrice: { amount: "12.50", currencyCode: "SAR" } },
      ],
      changes: [
        { variantId: lines[0].variantId, kind: "removed" },
        { variantId: lines[1].variantId, kind: "out_of_stock" },
        { variantId: lines[2].variantId, kind: "quantity_reduced", newQuantity: 2 },
        {
          variantId: lines[3].variantId,
          kind: "price_changed",
          newPrice: { amount: "12.50", currencyCode: "SAR" },
        },
      ],
    });
    const r = d.say("cart");
    const text = sp(textOf(r.last));
    expect(text).toContain("Some items in your cart have changed:");
    expect(text).toContain("“Item 1” is no longer available and was removed.");
    expect(text).toContain("“Item 2” is out of stock and was removed.");
    expect(text).toContain("Only 2 of “Item 3” are available, so we updated your cart.");
    expect(text).toContain("The price of “Item 4” changed from SAR 10.00 to SAR 12.50.");
    expect(text).toContain("Total: SAR 32.50");
    expect(d.state.cart.map((l) => [l.productTitle, l.quantity])).toEqual([
      ["Item 3", 2],
      ["Item 4", 1],
    ]);
  });

  it("changes found at checkout are shown for review before paying", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1, 2), line(2, 1)] });
    d.shop.validate = (lines, purpose) =>
      purpose === "checkout" && lines.length === 2
        ? { lines: [lines[0]], changes: [{ variantId: lines[1].variantId, kind: "out_of_stock" }] }
        : { lines, changes: [] };
    let r = d.say("checkout");
    expect(types(r.effects)).toEqual(["validateCart", "send"]);
    expect(d.state.step).toBe("review");
    expect(textOf(r.last)).toContain("“Item 2” is out of stock and was removed.");
    expect(textOf(r.last)).toContain("Please review your order:");
    expect(ids(r.last)).toEqual(["checkout:confirm", "menu:cart", "nav:menu"]);
    r = d.tap("Confirm & pay");
    expect(r.effects[0]).toMatchObject({
      type: "createCheckout",
      lines: [{ productTitle: "Item 1", quantity: 2 }],
    });
    expect(r.last?.kind).toBe("cta_url");
  });

  it("a cart emptied by validation says so", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1)] });
    d.shop.validate = (lines) => ({
      lines: [],
      changes: [{ variantId: lines[0].variantId, kind: "removed" }],
    });
    const r = d.say("checkout");
    expect(textOf(r.last)).toContain("“Item 1” is no longer available");
    expect(textOf(r.last)).toContain("Your cart is empty.");
    expect(types(r.effects)).not.toContain("createCheckout");
  });

  it("a validation that comes back after the shopper edited the cart is dropped", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1), line(2)] });
    d.autoAnswer = false;
    d.say("cart");
    d.event({ type: "reply", id: "cart:remove:gid://shopify/ProductVariant/91", title: "Remove" });
    const late = d.event({ type: "cartValidated", lines: [line(1), line(2)], changes: [] });
    expect(late.effects).toEqual([]);
    expect(d.state.cart.map((l) => l.productTitle)).toEqual(["Item 2"]);
  });
});

describe("checkout", () => {
  function ready() {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1, 2)] });
    return d;
  }

  it("sends the invoice URL as a cta_url button", () => {
    const d = ready();
    const r = d.say("checkout");
    expect(r.effects.find((e) => e.type === "createCheckout")).toEqual({
      type: "createCheckout",
      lines: [line(1, 2)],
    });
    expect(r.last).toMatchObject({
      kind: "cta_url",
      displayText: "Pay now",
      url: "https://hala-demo.myshopify.com/1234/invoices/inv1",
    });
    expect(d.state.lastCheckout).toMatchObject({
      draftOrderId: "gid://shopify/DraftOrder/1",
      fingerprint: cartFingerprint([line(1, 2)]),
    });
  });

  it.each([
    ["error", "Sorry, we couldn't create your checkout. Please try again. Your cart is saved."],
    ["throttled", "We're very busy right now"],
  ] as const)("a %s failure apologises, offers Try again, and keeps the cart", (reason, message) => {
    const d = ready();
    d.shop.checkout = () => ({ type: "checkoutFailed", reason });
    const r = d.say("checkout");
    expect(textOf(r.last)).toContain(message);
    expect(ids(r.last)).toEqual(["cart:checkout", "menu:cart", "menu:human"]);
    expect(d.state.cart).toEqual([line(1, 2)]);
    expect(d.state.lastCheckout).toBeNull();

    d.shop.checkout = () => ({
      type: "checkoutCreated",
      invoiceUrl: "https://x.test/inv",
      draftOrderId: "d1",
    });
    const retry = d.tap("Try again");
    expect(retry.last).toMatchObject({ kind: "cta_url", url: "https://x.test/inv" });
  });

  it("a failed data request for the checkout is a checkout failure too", () => {
    const d = ready();
    d.shop.failing.add("createCheckout");
    const r = d.say("checkout");
    expect(textOf(r.last)).toContain("couldn't create your checkout");
    expect(d.state.cart).toHaveLength(1);
  });

  it("an invoice URL that is not http(s) is treated as a failure", () => {
    const d = ready();
    d.shop.checkout = () => ({
      type: "checkoutCreated",
      invoiceUrl: "javascript:alert(1)",
      draftOrderId: "d",
    });
    expect(textOf(d.say("checkout").last)).toContain("couldn't create your checkout");
  });

  it("asking again for the same cart re-sends the same link instead of a new draft order", () => {
    const d = ready();
    d.say("checkout");
    const again = d.say("pay");
    expect(types(again.effects)).toEqual(["validateCart", "send"]);
    expect(again.last).toMatchObject({
      kind: "cta_url",
      url: "https://hala-demo.myshopify.com/1234/invoices/inv1",
    });
    // A changed cart gets a new checkout.
    d.event({ type: "reply", id: "cart:set:3:gid://shopify/ProductVariant/91", title: "3" });
    const changed = d.say("checkout");
    expect(types(changed.effects)).toContain("createCheckout");
    expect(changed.last).toMatchObject({ url: "https://hala-demo.myshopify.com/1234/invoices/inv2" });
  });

  it("an empty cart cannot check out", () => {
    const d = new Driver();
    const r = d.say("checkout");
    expect(textOf(r.last)).toContain("Your cart is empty. Add a product first");
    expect(types(r.effects)).not.toContain("validateCart");
  });
});

describe("search", () => {
  it("free text in the searching step is the query, numbers and greetings included", () => {
    for (const q of ["42", "hello kitty", "قميص"]) {
      const d = at("searching");
      expect(d.say(q).effects[0]).toEqual({ type: "search", query: q });
    }
  });

  it("no results offers a new search and browsing, and the next text searches again", () => {
    const d = at("searching");
    let r = d.say("unicorn");
    expect(textOf(r.last)).toContain("we couldn't find anything for “unicorn”");
    expect(ids(r.last)).toEqual(["search:new", "menu:browse", "nav:menu"]);
    r = d.say("sandal");
    expect(r.effects[0]).toEqual({ type: "search", query: "sandal" });
    expect(choicesOf(r.last)[0].title).toBe("1. Sandal");
  });

  it("keeps the query short", () => {
    const d = at("searching");
    const r = d.say("x".repeat(500));
    expect((r.effects[0] as { query: string }).query.length).toBeLessThanOrEqual(100);
  });

  it("back from a product returns to the results", () => {
    const d = at("search_results");
    d.say("1");
    const r = d.say("back");
    expect(r.effects[0]).toEqual({ type: "search", query: "shirt" });
  });
});

describe("orders", () => {
  it("lists recent orders with payment, delivery and tracking", () => {
    const d = new Driver();
    d.shop.orders = [
      {
        id: "1",
        name: "#1001",
        createdAt: "2025-04-01T10:00:00Z",
        financialStatus: "PAID",
        fulfillmentStatus: "FULFILLED",
        total: { amount: "120.00", currencyCode: "SAR" },
        trackingUrls: ["https://track.example/abc"],
      },
      {
        id: "2",
        name: "#1002",
        createdAt: "2025-05-20T10:00:00Z",
        financialStatus: "PENDING",
        fulfillmentStatus: null,
        total: { amount: "35.5", currencyCode: "SAR" },
        trackingUrls: [],
        statusUrl: "https://shop.example/orders/2",
      },
    ];
    const r = d.say("my orders");
    expect(r.effects[1]).toEqual({ type: "loadOrders" });
    const text = sp(textOf(r.sends[0]));
    expect(text.indexOf("#1002")).toBeLessThan(text.indexOf("#1001"));
    expect(text).toContain("*#1001* · April 1, 2025 · SAR 120.00");
    expect(text).toContain("Payment: Paid · Delivery: Shipped");
    expect(text).toContain("Track: https://track.example/abc");
    expect(text).toContain("Payment: Pending · Delivery: Being prepared");
    expect(text).toContain("Order page: https://shop.example/orders/2");
    expect(ids(r.last)).toEqual(["menu:browse", "menu:human", "nav:menu"]);
  });

  it("in Arabic", () => {
    const d = new Driver();
    d.shop.orders = [
      {
        id: "1",
        name: "#1001",
        createdAt: "2025-04-01T10:00:00Z",
        financialStatus: "REFUNDED",
        fulfillmentStatus: "FULFILLED",
        total: { amount: "120.00", currencyCode: "SAR" },
        trackingUrls: [],
      },
    ];
    const text = textOf(d.say("طلباتي").sends[0]);
    expect(text).toContain("طلباتك الأخيرة:");
    expect(text).toContain("الدفع: مُسترد · التوصيل: تم الشحن");
    expect(text).toContain("أبريل");
  });

  it("no orders says so", () => {
    const d = new Driver();
    expect(textOf(d.say("orders").last)).toContain("We couldn't find any orders for this number yet.");
  });
});

describe("handoff", () => {
  it.each(["human", "agent", "موظف", "talk to a person"])(
    "%j hands off; the bot stays silent until released",
    (word) => {
      const d = at("products");
      const r = d.say(word);
      expect(r.effects.find((e) => e.type === "handoff")).toEqual({ type: "handoff", reason: "requested" });
      expect(d.state.mode).toBe("human");
      expect(d.state.step).toBe("handoff");
      expect(r.last?.kind).toBe("text");

      const quiet: EngineEvent[] = [
        { type: "text", text: "hello?" },
        { type: "text", text: "menu" },
        { type: "reply", id: "menu:browse", title: "Browse" },
        { type: "media", kind: "image", mediaId: "1" },
        { type: "order", items: [{ productRetailerId: "x", quantity: 1 }] },
        { type: "timeout" },
        { type: "collectionsLoaded", collections: [] },
      ];
      for (const e of quiet) {
        const q = d.event(e);
        expect(q.sends).toEqual([]);
        expect(q.effects.filter((x) => x.type !== "setLanguage")).toEqual([]);
      }
      expect(d.state.mode).toBe("human");

      const back = d.event({ type: "handoffReleased" });
      expect(d.state.mode).toBe("bot");
      expect(d.state.step).toBe("menu");
      expect(textOf(back.last)).toContain("You're chatting with our assistant again.");
      expect(ids(back.last)).toContain("menu:browse");
    },
  );

  it("the menu row hands off too, and the cart survives it", () => {
    const d = at("cart (added)");
    d.say("menu");
    d.tap("menu:human");
    expect(d.state.mode).toBe("human");
    d.event({ type: "handoffReleased" });
    expect(d.state.cart).toHaveLength(1);
  });

  it("a release while the bot is in charge does nothing", () => {
    const d = at("menu");
    expect(d.event({ type: "handoffReleased" }).effects).toEqual([]);
  });

  it("keeps the activity time up to date while silent", () => {
    const d = at("menu");
    d.say("human");
    d.advance(5 * MIN);
    d.say("still there?");
    expect(d.state.lastActivityAt).toBe(new Date(T0.getTime() + 5 * MIN).toISOString());
  });
});

describe("idle timeout", () => {
  it("a timeout event starts fresh at the menu, silently, keeping the cart and language", () => {
    const d = at("quantity");
    d.say("2");
    d.say("عربي");
    d.say("١"); // browse
    const r = d.event({ type: "timeout" });
    expect(r.effects).toEqual([]);
    expect(d.state).toMatchObject({
      step: "menu",
      language: "ar",
      paging: null,
      product: null,
      lastPrompt: null,
      pending: null,
    });
    expect(d.state.cart).toHaveLength(1);
  });

  it("a message after the idle time gets the menu (with the cart count) instead of a hint", () => {
    const d = at("variant");
    d.tap("Small");
    d.tap("qty:2");
    d.say("back");
    d.say("1");
    d.advance(31 * MIN);
    const r = d.say("2");
    expect(d.state.step).toBe("menu");
    expect(textOf(r.last)).not.toContain("didn't get");
    expect(textOf(r.last)).toContain("Items in your cart: 2");
    expect(d.state.cart).toHaveLength(1);
  });

  it("within the idle time the conversation carries on", () => {
    const d = at("collections");
    d.advance(29 * MIN);
    expect(d.say("1").effects[0]).toMatchObject({ type: "loadProducts" });
  });

  it("a keyword or a tap after the idle time still does what it says", () => {
    const d = at("collections");
    d.advance(3 * 60 * MIN);
    expect(d.say("cart").last && textOf(d.log[d.log.length - 1].last)).toContain("Your cart is empty.");
    d.advance(3 * 60 * MIN);
    expect(
      d.event({ type: "reply", id: "col:gid://shopify/Collection/2", title: "Shoes" }).effects[0],
    ).toMatchObject({
      type: "loadProducts",
    });
  });
});

describe("catalog orders", () => {
  it("matches the items, adds them to the cart and says which could not be found", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1)] });
    const shoe = d.shop.catalog.products.find((p) => p.title === "Running Shoe")!;
    const r = d.event({
      type: "order",
      items: [
        { productRetailerId: shoe.variants[0].id, quantity: 2 },
        { productRetailerId: "SKU-UNKNOWN", quantity: 1 },
      ],
    });
    expect(r.effects[0]).toEqual({
      type: "matchCatalogOrder",
      items: [
        { productRetailerId: shoe.variants[0].id, quantity: 2 },
        { productRetailerId: "SKU-UNKNOWN", quantity: 1 },
      ],
    });
    const text = sp(textOf(r.last));
    expect(text).toContain("We added the items from your order to your cart.");
    expect(text).toContain("We couldn't find these items in the store: SKU-UNKNOWN");
    expect(text).toContain("• Running Shoe (42) × 2 — SAR 398.00");
    expect(d.state.cart).toHaveLength(2);
    expect(d.state.step).toBe("cart");
  });

  it("nothing matched, an empty order, and a failed match are all answered", () => {
    const d = at("menu");
    expect(
      textOf(d.event({ type: "order", items: [{ productRetailerId: "nope", quantity: 1 }] }).last),
    ).toContain("we couldn't find the items from your order");
    expect(textOf(d.event({ type: "order", items: [] }).last)).toContain(
      "Your order didn't contain any items.",
    );
    d.shop.failing.add("matchCatalogOrder");
    expect(
      textOf(d.event({ type: "order", items: [{ productRetailerId: "x", quantity: 1 }] }).last),
    ).toContain("we couldn't read your order");
  });
});

describe("language", () => {
  it("is detected from the first message with letters, once", () => {
    const d = new Driver();
    let r = d.say("1");
    expect(types(r.effects)).not.toContain("setLanguage");
    r = d.say("مرحبا");
    expect(r.effects[0]).toEqual({ type: "setLanguage", language: "ar" });
    r = d.say("hello");
    expect(types(r.effects)).not.toContain("setLanguage");
    expect(d.state.language).toBe("ar");
  });

  it("the default language applies until then", () => {
    const d = new Driver({ defaultLanguage: "ar" });
    expect(textOf(d.say("👋").last)).toContain("كيف يمكننا مساعدتك");
  });

  it.each([
    ["عربي", "ar"],
    ["العربية", "ar"],
    ["English", "en"],
  ] as const)("%s switches at any step", (word, lang) => {
    const d = new Driver({}, { ...initialState({ language: lang === "ar" ? "en" : "ar" }) });
    d.say("hi");
    d.say("browse");
    const r = d.say(word);
    expect(r.effects[0]).toEqual({ type: "setLanguage", language: lang });
    expect(d.state.language).toBe(lang);
    expect(textOf(r.last)).toContain(lang === "ar" ? "سنتابع باللغة العربية" : "we'll continue in English");
    expect(ids(r.last)).toContain("menu:browse");
  });

  it("the menu row switches too, and the following messages use the new language", () => {
    const d = at("menu");
    d.tap("lang:ar");
    const r = d.say("browse");
    expect(textOf(r.last)).toContain("أي مجموعة تودّ أن تتصفح؟");
  });
});

describe("data failures", () => {
  it.each([
    ["loadCollections", (d: Driver) => d.say("browse"), "menu:browse"],
    ["loadProducts", (d: Driver) => (d.say("browse"), d.say("1")), "col:gid://shopify/Collection/1"],
    ["search", (d: Driver) => d.say("search shirt"), "search:retry"],
    ["loadProduct", (d: Driver) => (d.say("search shirt"), d.say("1")), "prod:gid://shopify/Product/101"],
    ["loadOrders", (d: Driver) => d.say("orders"), "menu:orders"],
  ] as const)("%s: an apology with a Try again that repeats the request", (request, go, retryId) => {
    const d = new Driver();
    d.say("hi");
    d.shop.failing.add(request);
    go(d);
    const last = d.log[d.log.length - 1].last;
    expect(textOf(last)).toContain("Sorry, we couldn't load that right now.");
    expect(ids(last)).toEqual([retryId, "nav:menu", "menu:human"]);
    d.shop.failing.clear();
    const again = d.tap("Try again");
    expect(again.effects[0].type).toBe(request);
    expect(again.sends.length).toBeGreaterThan(0);
  });

  it("cart validation failure offers to try again", () => {
    const d = new Driver({}, { ...initialState({ language: "en" }), cart: [line(1)] });
    d.shop.failing.add("validateCart");
    expect(ids(d.say("cart").last)).toEqual(["menu:cart", "nav:menu", "menu:human"]);
    expect(ids(d.say("checkout").last)).toEqual(["cart:checkout", "nav:menu", "menu:human"]);
    expect(d.state.cart).toHaveLength(1);
  });
});

describe("stale and unexpected results", () => {
  it("results nobody waits for are dropped", () => {
    const d = at("menu");
    const r = d.event({ type: "collectionsLoaded", collections: [{ id: "c", title: "C" }] });
    expect(r.effects).toEqual([]);
  });

  it("a page for another collection (the shopper moved on) is dropped", () => {
    const d = at("collections");
    d.autoAnswer = false;
    d.say("1");
    d.say("2");
    const old = d.event({
      type: "productsLoaded",
      collectionId: "gid://shopify/Collection/1",
      pageIndex: 0,
      page: { products: [], nextCursor: null },
    });
    expect(old.effects).toEqual([]);
    expect(d.state.pending).toMatchObject({ kind: "products", collectionId: "gid://shopify/Collection/2" });
  });

  it("search results for an older query are dropped", () => {
    const d = at("searching");
    d.autoAnswer = false;
    d.say("a");
    d.say("b");
    expect(d.event({ type: "searchResults", query: "a", products: [] }).effects).toEqual([]);
    expect(d.event({ type: "searchResults", query: "b", products: [] }).sends).toHaveLength(1);
  });

  it("a product that no longer exists is answered", () => {
    const d = at("menu");
    const r = d.event({ type: "reply", id: "prod:gid://shopify/Product/404", title: "Old" });
    expect(textOf(r.last)).toContain("Sorry, that product is no longer available.");
  });

  it("a stale variant or quantity tap is answered", () => {
    const d = at("menu");
    expect(
      textOf(d.event({ type: "reply", id: "var:gid://shopify/ProductVariant/1", title: "M" }).last),
    ).toContain("That option is no longer available.");
    expect(textOf(d.event({ type: "reply", id: "qty:2", title: "2" }).last)).toContain(
      "That option is no longer available.",
    );
  });
});

describe("purity and robustness", () => {
  const deepFreeze = <T>(o: T): T => {
    if (o && typeof o === "object") {
      Object.values(o).forEach(deepFreeze);
      Object.freeze(o);
    }
    return o;
  };

  it("never mutates the input state and is deterministic", () => {
    const d = at("cart");
    const frozen = deepFreeze(structuredClone(d.state));
    const ctx = makeCtx();
    for (const e of [
      { type: "text", text: "2" },
      { type: "reply", id: "cart:clear:yes", title: "Yes" },
      { type: "reply", id: "cart:set:5:gid://shopify/ProductVariant/10400", title: "5" },
      { type: "cartValidated", lines: [], changes: [] },
    ] as EngineEvent[]) {
      const a = transition(frozen, e, ctx);
      const b = transition(frozen, e, ctx);
      expect(a).toEqual(b);
    }
  });

  it("survives garbage state and events without throwing", () => {
    const ctx = makeCtx();
    const broken = {
      ...initialState(),
      cart: null,
      lastPrompt: { kind: "list" },
    } as unknown as ConversationState;
    const r = transition(broken, { type: "text", text: "hi" }, ctx);
    expect(r.effects.some((e) => e.type === "send")).toBe(true);
    expect(ConversationStateSchema.safeParse(r.state).success).toBe(true);
    expect(() => transition(initialState(), null as unknown as EngineEvent, ctx)).not.toThrow();
    expect(() => transition(initialState(), { type: "weird" } as unknown as EngineEvent, ctx)).not.toThrow();
    expect(() =>
      transition(initialState(), { type: "productsLoaded" } as unknown as EngineEvent, ctx),
    ).not.toThrow();
  });

  it("never a dead end: any sequence of shopper input always gets a valid answer", () => {
    const words = [
      "hi",
      "1",
      "2",
      "3",
      "9",
      "10",
      "٣",
      "0",
      "100",
      "abc",
      "back",
      "cart",
      "checkout",
      "orders",
      "help",
      "search shirt",
      "عربي",
      "English",
      "menu",
      "السلة",
      "more",
    ];
    const inputArb = fc.oneof(
      fc.constantFrom(...words).map((text): InboundEvent => ({ type: "text", text })),
      fc.string({ maxLength: 30 }).map((text): InboundEvent => ({ type: "text", text })),
      fc.nat({ max: 12 }).map((n): InboundEvent => ({ type: "reply", id: `__pick:${n}`, title: "" })),
      fc.constantFrom<InboundEvent>(
        { type: "media", kind: "image", mediaId: "m" },
        { type: "reaction", emoji: "👍" },
        { type: "location", latitude: 1, longitude: 2 },
        { type: "reply", id: "qty:3", title: "3" },
        { type: "reply", id: "cart:checkout", title: "Checkout" },
      ),
    );
    fc.assert(
      fc.property(fc.array(inputArb, { minLength: 1, maxLength: 25 }), (inputs) => {
        const d = new Driver();
        for (const input of inputs) {
          let event = input;
          if (event.type === "reply" && event.id.startsWith("__pick:")) {
            const choices = choicesOf(d.lastInteractive());
            if (choices.length === 0) continue;
            const c = choices[Number(event.id.slice(7)) % choices.length];
            event = { type: "reply", id: c.id, title: c.title };
          }
          const r = d.event(event); // throws on any limit or schema violation
          if (d.state.mode === "human") continue;
          expect(r.sends.length).toBeGreaterThan(0);
          for (const m of r.sends) expect(checkOutboundMessage(m)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
