import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConversationStateSchema, initialState, LIMITS, parseState, STATE_VERSION } from "./state";

const line = (n: number) => ({
  variantId: `gid://shopify/ProductVariant/${n}`,
  productId: `gid://shopify/Product/${n}`,
  productTitle: `Product ${n}`,
  variantTitle: "M",
  quantity: 2,
  unitPrice: { amount: "10.00", currencyCode: "SAR" },
});

describe("initialState", () => {
  it("is valid, version 1, at the menu, in bot mode, language unknown", () => {
    const s = initialState();
    expect(ConversationStateSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({ version: STATE_VERSION, step: "menu", mode: "bot", language: null, cart: [] });
  });

  it("takes a known language", () => {
    expect(initialState({ language: "ar" }).language).toBe("ar");
  });
});

describe("parseState", () => {
  it.each([undefined, null, 42, "garbage", "{not json", "[]", [], true, { version: 1 }, { hello: "world" }])(
    "turns %j into a fresh state",
    (input) => {
      expect(parseState(input)).toEqual(initialState());
    },
  );

  it("keeps a valid state as it is (also from a JSON string)", () => {
    const s = { ...initialState({ language: "ar" }), cart: [line(1)], step: "cart" as const };
    expect(parseState(s)).toEqual(s);
    expect(parseState(JSON.stringify(s))).toEqual(s);
  });

  it("repairs a partly corrupt state field by field, keeping the cart and language", () => {
    const s = {
      ...initialState(),
      language: "ar",
      step: "no-such-step",
      cart: [line(1), { variantId: 5 }, line(2), { ...line(3), quantity: 500 }, line(1)],
      lastPrompt: { kind: "list", body: "x".repeat(5000) },
      misses: -3,
      lastActivityAt: "yesterday",
    };
    const out = parseState(s);
    expect(ConversationStateSchema.safeParse(out).success).toBe(true);
    expect(out.language).toBe("ar");
    expect(out.step).toBe("menu");
    expect(out.cart.map((l) => l.variantId)).toEqual([line(1).variantId, line(2).variantId]);
    expect(out.lastPrompt).toBeNull();
    expect(out.misses).toBe(0);
    expect(out.lastActivityAt).toBeNull();
  });

  it("upgrades a pre-versioned state (no version field), salvaging what fits", () => {
    const legacy = { step: "cart", mode: "bot", language: "en", cart: [line(7)] };
    const out = parseState(legacy);
    expect(out.version).toBe(STATE_VERSION);
    expect(out.cart).toHaveLength(1);
    expect(out.step).toBe("cart");
  });

  it("treats a state from a newer version as corrupt but keeps its cart", () => {
    const future = { ...initialState(), version: 7, cart: [line(1)], newThing: { a: 1 } };
    const out = parseState(future);
    expect(out.version).toBe(STATE_VERSION);
    expect(out.cart).toHaveLength(1);
  });

  it("caps the cart at 50 lines", () => {
    const out = parseState({ ...initialState(), cart: Array.from({ length: 80 }, (_, i) => line(i)) });
    expect(out.cart).toHaveLength(LIMITS.cartLines);
  });

  it("makes the fields agree: human mode is always the handoff step; a quantity step needs a product", () => {
    expect(parseState({ ...initialState(), mode: "human", step: "cart" }).step).toBe("handoff");
    expect(parseState({ ...initialState(), step: "handoff" }).step).toBe("menu");
    expect(parseState({ ...initialState(), step: "quantity" }).step).toBe("menu");
    expect(parseState({ ...initialState(), step: "cart_line", editingVariantId: "gone" }).step).toBe("cart");
  });

  it("never throws and always returns a valid state, whatever it is given", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({ version: fc.anything(), step: fc.string(), cart: fc.anything(), mode: fc.anything() }),
        ),
        (input) => {
          const out = parseState(input);
          return ConversationStateSchema.safeParse(out).success;
        },
      ),
      { numRuns: 500 },
    );
  });

  it("stays bounded: even with every field at its maximum the JSON is under 100 KB", () => {
    const id = (p: string, i: number) => `${p}${i}`.padEnd(LIMITS.idChars, "x");
    const money = { amount: "123456789012345.12345678901234567890", currencyCode: "ABCDEFGH" };
    const rows = Array.from({ length: 10 }, (_, i) => ({
      id: id("r", i),
      title: "t".repeat(24),
      description: "d".repeat(72),
    }));
    const worst = {
      ...initialState({ language: "ar" }),
      cart: Array.from({ length: 80 }, (_, i) => ({
        variantId: id("v", i),
        productId: id("p", i),
        productTitle: "p".repeat(LIMITS.productTitleChars),
        variantTitle: "v".repeat(LIMITS.variantTitleChars),
        quantity: 99,
        unitPrice: money,
      })),
      paging: {
        collectionId: id("c", 0),
        collectionTitle: "t".repeat(60),
        pageIndex: 0,
        cursors: [
          null,
          ...Array.from({ length: LIMITS.cursorPages - 1 }, () => "c".repeat(LIMITS.cursorChars)),
        ],
      },
      lastPrompt: {
        kind: "list",
        body: "b".repeat(1024),
        header: "h".repeat(60),
        footer: "f".repeat(60),
        buttonText: "b".repeat(20),
        sections: [{ rows }],
      },
      product: {
        id: id("p", 0),
        title: "t".repeat(LIMITS.productTitleChars),
        variants: Array.from({ length: LIMITS.storedVariants }, (_, i) => ({
          id: id("v", i),
          title: "v".repeat(LIMITS.variantTitleChars),
          price: money,
        })),
      },
      searchQuery: "q".repeat(LIMITS.queryChars),
      lastCheckout: {
        draftOrderId: "d".repeat(LIMITS.idChars),
        invoiceUrl: "https://" + "u".repeat(1990),
        fingerprint: "f".repeat(32),
      },
    };
    const parsed = parseState(worst);
    expect(parsed.cart).toHaveLength(50);
    expect(parsed.paging?.cursors).toHaveLength(LIMITS.cursorPages);
    expect(parsed.product?.variants).toHaveLength(LIMITS.storedVariants);
    expect(parsed.lastPrompt).not.toBeNull();
    expect(JSON.stringify(parsed).length).toBeLessThan(100_000);
  });
});
