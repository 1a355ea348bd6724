/**
 * The assistant's tools carried out by the engine (no database: the engine's FakeShop answers the data
 * requests), and the model loop's own limits, with the LLM faked over msw.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { AI_LIMITS, type ToolCall } from "~/domain/ai";
import { initialState, type ConversationState } from "~/domain/conversation";
import { FakeShop, makeCtx } from "~/domain/conversation/testing";
import { EngineBridge, executeTool, runAssistantTurn, type CallRecord } from "~/services/ai-turn.server";
import { createLlmFake } from "./mocks/llm";
import { server } from "./mocks/server";

const llm = createLlmFake();
let shop: FakeShop;
const ctx = makeCtx({ shopName: "Hala Test", contactName: "Sara" });

beforeEach(() => {
  llm.reset();
  server.use(...llm.handlers);
  shop = new FakeShop();
});

const bridge = (state: ConversationState = initialState({ language: "en" })) =>
  new EngineBridge(state, ctx, async (r) => shop.answer(r));
const tool = <N extends ToolCall["name"]>(name: N, args: Extract<ToolCall, { name: N }>["args"]) =>
  ({ id: "c1", name, args }) as ToolCall;
const content = (c: string) => JSON.parse(c);
const product = (n: number) => shop.catalog.products.find((p) => p.id === `gid://shopify/Product/${n}`)!;

describe("tools, carried out by the engine", () => {
  it("search_products: the engine's search and its list; facts with prices for the model", async () => {
    const b = bridge();
    const out = await executeTool(b, tool("search_products", { query: "Shoe" }));
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0].kind).toBe("list");
    expect(b.state.step).toBe("search_results");
    expect(b.state.searchQuery).toBe("Shoe");
    const facts = content(out.content);
    expect(facts.products.map((p: { title: string }) => p.title)).toEqual(["Running Shoe"]);
    expect(facts.products[0].price_from).toMatch(/199\.00/);
  });

  it("search_products: nothing found, or the catalog failing", async () => {
    const none = await executeTool(bridge(), tool("search_products", { query: "zzz" }));
    expect(content(none.content)).toMatchObject({ products: [], shown_to_shopper: "no results" });
    shop.failing.add("search");
    const failed = await executeTool(bridge(), tool("search_products", { query: "Shirt" }));
    expect(content(failed.content).error).toMatch(/cannot be searched/);
    expect(failed.messages[0].kind).toBe("buttons"); // the engine's "couldn't load" with Try again
  });

  it("get_product: the product card and its options; unknown ids are an error", async () => {
    const b = bridge();
    const out = await executeTool(b, tool("get_product", { product_id: product(101).id }));
    expect(out.messages.map((m) => m.kind)).toEqual(["image", "list"]);
    expect(b.state.step).toBe("variant");
    expect(content(out.content).product.description).toContain("cotton");
    const missing = await executeTool(
      bridge(),
      tool("get_product", { product_id: "gid://shopify/Product/999" }),
    );
    expect(content(missing.content).error).toBe("no such product");
  });

  it("add_to_cart: the taps a shopper would make; the engine's confirmation", async () => {
    const b = bridge();
    const shirt = product(101);
    const out = await executeTool(
      b,
      tool("add_to_cart", { product_id: shirt.id, variant_id: shirt.variants[1].id, quantity: 3 }),
    );
    expect(b.state.cart).toEqual([
      expect.objectContaining({
        variantId: shirt.variants[1].id,
        quantity: 3,
        unitPrice: shirt.variants[1].price,
      }),
    ]);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0]).toMatchObject({ kind: "buttons" });
    expect(JSON.stringify(out.messages[0])).toContain("cart:checkout");
    expect(content(out.content)).toMatchObject({
      added: { title: "Shirt 1", option: "Medium", quantity: 3 },
      cart: { items: 3 },
    });
    // Again: quantities add up, like taps.
    await executeTool(
      b,
      tool("add_to_cart", { product_id: shirt.id, variant_id: shirt.variants[1].id, quantity: 2 }),
    );
    expect(b.state.cart[0].quantity).toBe(5);
  });

  it("add_to_cart: one-variant products need no variant; several need one", async () => {
    const single = await executeTool(bridge(), tool("add_to_cart", { product_id: product(102).id }));
    expect(content(single.content).added).toMatchObject({ title: "Shirt 2", quantity: 1 });
    const b = bridge();
    const several = await executeTool(b, tool("add_to_cart", { product_id: product(101).id }));
    expect(content(several.content).error).toMatch(/several options/);
    expect(several.messages.map((m) => m.kind)).toEqual(["image", "list"]); // the shopper can pick
    expect(b.state.cart).toEqual([]);
  });

  it("add_to_cart: sold out, unknown option, full cart", async () => {
    const sold = await executeTool(bridge(), tool("add_to_cart", { product_id: product(103).id }));
    expect(content(sold.content).error).toBe("sold out");
    const wrong = await executeTool(
      bridge(),
      tool("add_to_cart", { product_id: product(101).id, variant_id: product(104).variants[0].id }),
    );
    expect(content(wrong.content).error).toMatch(/not available/);
    const full: ConversationState = {
      ...initialState({ language: "en" }),
      cart: Array.from({ length: 50 }, (_, i) => ({
        variantId: `gid://shopify/ProductVariant/9${i}`,
        productId: "gid://shopify/Product/9",
        productTitle: "X",
        variantTitle: "Y",
        quantity: 1,
        unitPrice: { amount: "1.00", currencyCode: "SAR" },
      })),
    };
    const b = bridge(full);
    const out = await executeTool(b, tool("add_to_cart", { product_id: product(102).id }));
    expect(content(out.content).error).toMatch(/cart is full/);
    expect(b.state.cart).toHaveLength(50);
  });

  it("view_cart and start_checkout: validated by the engine; the link and the Checkout record", async () => {
    const b = bridge();
    expect(content((await executeTool(b, tool("view_cart", {}))).content)).toEqual({ cart: "empty" });
    expect(content((await executeTool(b, tool("start_checkout", {}))).content).error).toBe(
      "the cart is empty",
    );
    await executeTool(b, tool("add_to_cart", { product_id: product(102).id, quantity: 2 }));
    const cart = await executeTool(b, tool("view_cart", {}));
    expect(content(cart.content).cart.total).toMatch(/118\.00/);
    const checkout = await executeTool(b, tool("start_checkout", {}));
    expect(checkout.messages.at(-1)?.kind).toBe("cta_url");
    expect(content(checkout.content)).toMatchObject({ checkout_link_sent: true });
    expect(b.checkouts).toHaveLength(1);
    expect(b.checkouts[0].lines[0]).toMatchObject({ quantity: 2 });
  });

  it("start_checkout after a price change: the engine asks to confirm", async () => {
    const b = bridge();
    await executeTool(b, tool("add_to_cart", { product_id: product(102).id }));
    shop.validate = (lines) => ({
      lines: lines.map((l) => ({ ...l, unitPrice: { amount: "65.00", currencyCode: "SAR" } })),
      changes: [
        {
          variantId: lines[0].variantId,
          kind: "price_changed",
          newPrice: { amount: "65.00", currencyCode: "SAR" },
        },
      ],
    });
    const out = await executeTool(b, tool("start_checkout", {}));
    expect(b.state.step).toBe("review");
    expect(content(out.content).needs_confirmation).toBeTruthy();
    expect(content(out.content).changes[0].new_price).toMatch(/65\.00/);
    expect(b.checkouts).toHaveLength(0);
  });

  it("order_status, set_language, handoff_to_human", async () => {
    shop.orders = [
      {
        id: "o1",
        name: "#1001",
        createdAt: "2025-05-01T10:00:00Z",
        financialStatus: "paid",
        fulfillmentStatus: "fulfilled",
        total: { amount: "99.00", currencyCode: "SAR" },
        trackingUrls: ["https://track.example/1"],
      },
    ];
    const b = bridge();
    const orders = await executeTool(b, tool("order_status", {}));
    expect(content(orders.content).orders[0]).toMatchObject({
      order: "#1001",
      delivery: "fulfilled",
      tracking: true,
    });
    expect(orders.messages[0].kind).toBe("text");

    const lang = await executeTool(b, tool("set_language", { language: "ar" }));
    expect(b.state.language).toBe("ar");
    expect(b.language).toBe("ar");
    expect(JSON.stringify(lang.messages)).toMatch(/[\u0600-\u06FF]/);

    const handoff = await executeTool(b, tool("handoff_to_human", { reason: "custom order" }));
    expect(handoff.terminal).toBe(true);
    expect(b.handoff).toBe("requested");
    expect(b.state.mode).toBe("human");
  });
});

describe("the model loop's limits", () => {
  const records: CallRecord[] = [];
  const run = (limits = {}) =>
    runAssistantTurn({
      endpoint: { baseUrl: llm.baseUrl, apiKey: "k", model: "m" },
      profile: { systemPrompt: null, tone: null, storeFacts: null, maxReplyChars: 300 },
      ctx,
      state: initialState({ language: "en" }),
      text: "show me shoes",
      history: [],
      answer: async (r) => shop.answer(r),
      limits: { ...AI_LIMITS, ...limits },
      tokenBudget: 100_000,
      record: async (call) => void records.push(call),
    });

  beforeEach(() => void (records.length = 0));

  it("the last allowed round must answer in words (tool_choice none)", async () => {
    llm.callTools({ name: "search_products", arguments: { query: "Shoe" } }).reply("Here you go.");
    const result = await run({ maxRounds: 2 });
    expect(result.ok && result.textSent).toBe(true);
    expect(llm.requests.map((r) => r.body.tool_choice)).toEqual(["auto", "none"]);
    expect(records).toHaveLength(2);
  });

  it("more tool calls than allowed at once: the rest are answered 'not run'", async () => {
    llm
      .callTools(
        { name: "search_products", arguments: { query: "Shoe" } },
        { name: "search_products", arguments: { query: "Sandal" } },
        { name: "view_cart", arguments: {} },
        { name: "order_status", arguments: {} },
      )
      .reply("Done.");
    const result = await run();
    expect(result.ok && result.toolCalls).toEqual(["search_products", "search_products", "view_cart"]);
    const results = llm.toolResults(1) as { error?: string }[];
    expect(results).toHaveLength(4);
    expect(results[3].error).toMatch(/not run/);
    // The kept messages are bounded.
    expect(result.ok && result.outcome.messages.length).toBeLessThanOrEqual(AI_LIMITS.maxAppMessages + 1);
  });

  it("a turn that runs out of budget stops before calling the model", async () => {
    const result = await runAssistantTurn({
      endpoint: { baseUrl: llm.baseUrl, apiKey: "k", model: "m" },
      profile: { systemPrompt: null, tone: null, storeFacts: null, maxReplyChars: 300 },
      ctx,
      state: initialState({ language: "en" }),
      text: "hello",
      history: [],
      answer: async (r) => shop.answer(r),
      limits: AI_LIMITS,
      tokenBudget: 50,
      record: async () => undefined,
    });
    expect(result).toMatchObject({ ok: false, reason: "budget" });
    expect(llm.requests).toHaveLength(0);
  });

  it("a failure after tools ran keeps the app's messages (the state changed with them)", async () => {
    llm.callTools({ name: "search_products", arguments: { query: "Shoe" } }).fail(500);
    const result = await run();
    expect(result.ok).toBe(true);
    expect(result.ok && result.textSent).toBe(false);
    expect(result.ok && result.outcome.messages[0].kind).toBe("list");
    expect(records.map((r) => r.ok)).toEqual([true, false]);
  });
});
