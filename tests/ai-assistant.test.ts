import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveAiSettings, type AiSettingsInput } from "~/adapters/db/ai.server";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { setLogDestination } from "~/logger.server";
import { aiUsage, resetAiLimits, setAiLimits } from "~/services/ai.server";
import { demoProducts, DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { createLlmFake } from "./mocks/llm";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { choicesOf, Shopper, textOfBody } from "./helpers/shopper";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const graph = createGraphApiFake();
const llm = createLlmFake();
let catalog: DemoShopifyStore;
let admin: ReturnType<typeof createShopifyAdminHandlers>;
let store: TestStore;

const abaya = demoProducts.find((p) => p.handle === "classic-black-abaya")!;
const size56 = abaya.variants.find((v) => v.title === "56")!;
const productGid = `gid://shopify/Product/${abaya.id}`;
const variantGid = `gid://shopify/ProductVariant/${size56.id}`;
const API_KEY = "sk-or-v1-test-0123456789abcdef";

async function enableAi(overrides: Partial<AiSettingsInput> = {}) {
  await saveAiSettings(SHOP, {
    enabled: true,
    baseUrl: llm.baseUrl,
    model: "test/model-1",
    apiKey: API_KEY,
    systemPrompt: null,
    tone: null,
    storeFacts: null,
    maxReplyChars: 600,
    ...overrides,
  });
}

const texts = (bodies: { [k: string]: unknown }[]) =>
  bodies.map((b) => textOfBody(b as never)).join("\n---\n");

beforeEach(async () => {
  graph.reset();
  llm.reset();
  resetAiLimits();
  await cache().delPrefix("ai:rate:");
  catalog = new DemoShopifyStore({ shopDomain: SHOP });
  admin = createShopifyAdminHandlers(catalog, { shopDomain: SHOP });
  server.use(...graph.handlers, ...admin, ...llm.handlers);
  store = await seedStore({ shop: SHOP, name: "Hala Demo Boutique", currencyCode: "SAR" });
});

afterEach(() => resetAiLimits());

describe("AI off", () => {
  it("never calls the model: no settings, or settings with a key but disabled", async () => {
    const shopper = new Shopper(store, graph, "966500000101", "Sara");
    const first = await shopper.say("do you have something nice for my mother?");
    expect(texts(first)).toContain("Sorry, I didn't get that.");
    await enableAi({ enabled: false });
    const second = await shopper.say("anything in green?");
    expect(texts(second)).toContain("Sorry, I didn't get that.");
    expect(llm.requests).toHaveLength(0);
    expect(await db().llmCall.count()).toBe(0);
  });
});

describe("the assistant answers free text the rules did not match", () => {
  it("search → add to cart → checkout link, through the real webhook, worker and sender", async () => {
    await enableAi({ storeFacts: "We deliver across Saudi Arabia in 2-4 days." });
    const logs: string[] = [];
    setLogDestination(
      new Writable({ write: (chunk, _enc, done) => void (logs.push(String(chunk)), done()) }),
      "info",
    );
    const shopper = new Shopper(store, graph, "966500000102", "Sara");
    try {
      llm
        .callTools({ name: "search_products", arguments: { query: "black abaya" } })
        .reply("Here are our black abayas 👇");
      const found = await shopper.say("I'm looking for a black abaya for everyday wear");

      // The model's words first, then the engine's own list (prices rendered by the app).
      expect(found[0].text?.body).toBe("Here are our black abayas 👇");
      const list = found.find((b) => b.interactive?.type === "list")!;
      const row = choicesOf(list).find((c) => c.id === `prod:${productGid}`);
      expect(row?.title).toContain("Classic Black Abaya");
      expect(JSON.stringify(list)).toMatch(/SAR\s349\.00/);
      // The tool result the model got: app-formatted facts, with the variant ids it needs.
      const [searchResult] = llm.toolResults(1) as {
        products: { product_id: string; options: { variant_id: string; price: string }[] }[];
      }[];
      const facts = searchResult.products.find((p) => p.product_id === productGid)!;
      expect(facts.options.map((o) => o.variant_id)).toContain(variantGid);
      expect(facts.options[0].price).toMatch(/^SAR\s349\.00$/);
      // Tools are offered with their schemas.
      expect(llm.requests[0].body.tools?.map((t) => t.function.name)).toEqual([
        "search_products",
        "get_product",
        "add_to_cart",
        "view_cart",
        "start_checkout",
        "order_status",
        "handoff_to_human",
        "set_language",
      ]);
      expect(llm.requests[0].authorization).toBe(`Bearer ${API_KEY}`);
      expect(llm.requests[0].body.model).toBe("test/model-1");

      llm
        .callTools({
          name: "add_to_cart",
          arguments: { product_id: productGid, variant_id: variantGid, quantity: 2 },
        })
        .callTools({ name: "start_checkout", arguments: {} })
        .reply("Done! Tap the button below to pay.");
      const paid = await shopper.say("I'll take two of the classic one in size 56 and I want to finish now");

      expect(paid[0].text?.body).toBe("Done! Tap the button below to pay.");
      const link = paid.find((b) => b.interactive?.type === "cta_url");
      expect(link?.interactive?.action.parameters?.url).toMatch(new RegExp(`^https://${SHOP}/`));
      expect(textOfBody(link!)).toMatch(/SAR\s698\.00/);
      const drafts = admin.requestsFor("HalaDraftOrderCreate");
      expect(drafts).toHaveLength(1);
      const input = (
        drafts[0].variables as { input: { lineItems: { variantId: string; quantity: number }[] } }
      ).input;
      expect(input.lineItems).toEqual([expect.objectContaining({ variantId: variantGid, quantity: 2 })]);

      // State and records as if the shopper had tapped: the cart, the Checkout row, the LlmCall rows.
      const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
      const state = conversation.state as {
        cart: { variantId: string; quantity: number }[];
        lastCheckout: unknown;
      };
      expect(state.cart).toEqual([expect.objectContaining({ variantId: variantGid, quantity: 2 })]);
      expect(state.lastCheckout).toBeTruthy();
      expect(await db().checkout.count({ where: { shop: SHOP, conversationId: conversation.id } })).toBe(1);
      const calls = await db().llmCall.findMany({ where: { shop: SHOP }, orderBy: { createdAt: "asc" } });
      expect(calls).toHaveLength(5);
      expect(calls.every((c) => c.ok && c.purpose === "reply" && c.conversationId === conversation.id)).toBe(
        true,
      );
      expect(
        calls.every((c) => c.promptTokens > 0 && c.completionTokens > 0 && c.model === "test/model-1"),
      ).toBe(true);

      // The second turn saw the conversation so far (trimmed history), the shopper's words delimited.
      const second = llm.requests[2].body.messages;
      expect(
        second.some((m) => m.role === "user" && m.content?.includes("black abaya for everyday wear")),
      ).toBe(true);
      expect(
        second.some(
          (m) => m.role === "assistant" && m.content?.startsWith("Here are our black abayas 👇\nResults for"),
        ),
      ).toBe(true);
      expect(second.at(-1)?.content).toBe(
        "<shopper>I'll take two of the classic one in size 56 and I want to finish now</shopper>",
      );

      // Logs: model, tokens and latency per call, never the shopper's text at info level, never the key.
      const callLogs = logs.filter((l) => l.includes('"msg":"llm call"'));
      expect(callLogs).toHaveLength(5);
      expect(JSON.parse(callLogs[0])).toMatchObject({ model: "test/model-1", ok: true, purpose: "reply" });
      expect(JSON.parse(callLogs[0]).latencyMs).toBeTypeOf("number");
      expect(logs.join("")).not.toContain("everyday wear");
      expect(logs.join("")).not.toContain(API_KEY);

      // Analytics.
      const usage = await aiUsage(SHOP, new Date(Date.now() - 3600_000));
      expect(usage).toMatchObject({ calls: 5, failures: 0 });
      expect(usage.totalTokens).toBe(calls.reduce((n, c) => n + c.promptTokens + c.completionTokens, 0));
      expect(usage.p50LatencyMs).toBeTypeOf("number");
      expect(usage.byPurpose).toEqual([expect.objectContaining({ purpose: "reply", calls: 5 })]);
    } finally {
      setLogDestination(process.stdout, "silent");
    }
  });

  it("a product with several sizes: add_to_cart without a size shows the sizes, the model asks", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000103", "Huda");
    llm.callTools({ name: "add_to_cart", arguments: { product_id: productGid } }).respond((request) => {
      const [result] = request.body.messages
        .filter((m) => m.role === "tool")
        .map((m) => JSON.parse(m.content!));
      expect(result.error).toMatch(/several options/);
      return { kind: "text", content: "Which size would you like?" };
    });
    const replies = await shopper.say("put the classic black abaya in my bag");
    expect(replies[0].text?.body).toBe("Which size would you like?");
    expect(replies.some((b) => choicesOf(b).some((c) => c.id === `var:${variantGid}`))).toBe(true);
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    expect((conversation.state as { cart: unknown[]; step: string }).cart).toEqual([]);
    expect((conversation.state as { step: string }).step).toBe("variant");
    // The shopper can now just tap (or type) a size: the rule engine takes over.
    const qty = await shopper.tap(new RegExp(`^var:${variantGid}$`));
    expect(choicesOf(qty.at(-1)!).map((c) => c.id)).toContain("qty:1");
  });

  it("handoff_to_human: the conversation goes to the team", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000104", "Omar");
    llm.callTools({ name: "handoff_to_human", arguments: { reason: "wants a custom size" } });
    const replies = await shopper.say("can someone make me a custom size abaya?");
    expect(texts(replies)).toContain("A member of our team will reply");
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    expect(conversation).toMatchObject({ status: "human", needsAttention: true });
    expect(llm.requests).toHaveLength(1);
  });

  it("renders the prompt variables, the tone and the store facts into the system prompt", async () => {
    await enableAi({
      systemPrompt: "You work for {{shop_name}}. The customer is {{customer_name}}; answer in {{language}}.",
      tone: "Warm, a little playful.",
      storeFacts: "Returns: 14 days. Hours: Sat–Thu 9:00–21:00.",
    });
    const shopper = new Shopper(store, graph, "966500000105", "Sara");
    llm.reply("Returns are accepted within 14 days.");
    const replies = await shopper.say("what is your return policy?");
    expect(replies[0].text?.body).toBe("Returns are accepted within 14 days.");
    const system = llm.systemPrompt(0);
    expect(system).toContain("You work for Hala Demo Boutique. The customer is Sara; answer in English.");
    expect(system).toContain("Warm, a little playful.");
    expect(system).toContain("Returns: 14 days.");
    expect(system).not.toContain("{{");
  });
});

describe("language", () => {
  it("an Arabic shopper gets Arabic: the model is told so, the app's messages are Arabic", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000106", "نورة");
    llm
      .callTools({ name: "search_products", arguments: { query: "black abaya" } })
      .reply("هذه عباياتنا السوداء 👇");
    const replies = await shopper.say("عندكم عبايات سوداء للمناسبات؟");
    expect(replies[0].text?.body).toBe("هذه عباياتنا السوداء 👇");
    const list = replies.find((b) => b.interactive?.type === "list")!;
    expect(textOfBody(list)).toMatch(/نتائج البحث/);
    expect(llm.systemPrompt(0)).toContain("Always reply in Arabic");
    const contact = await db().contact.findFirstOrThrow({ where: { shop: SHOP, waId: "966500000106" } });
    expect(contact.language).toBe("ar");
  });

  it("a reply in the wrong language is not sent: the app's (Arabic) messages are", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000107", "خالد");
    llm
      .callTools({ name: "search_products", arguments: { query: "black abaya" } })
      .reply("Here are our black abayas!");
    const replies = await shopper.say("عندكم عبايات سوداء؟");
    expect(texts(replies)).not.toContain("Here are our black abayas");
    expect(replies).toHaveLength(1);
    expect(textOfBody(replies[0])).toMatch(/نتائج البحث/);
  });
});

describe("grounding: prices come from the app, never from the model", () => {
  it("a reply that names a price not in the tool results is never sent; the app's list is", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000108", "Sara");
    llm
      .callTools({ name: "search_products", arguments: { query: "black abaya" } })
      .reply("Great news: the Classic Black Abaya is only SAR 149 today!");
    const replies = await shopper.say("how much is the black abaya these days?");
    expect(texts(replies)).not.toContain("149");
    expect(replies).toHaveLength(1);
    expect(replies[0].interactive?.type).toBe("list");
    expect(JSON.stringify(replies[0])).toMatch(/SAR\s349\.00/);
    const rows = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(2);
  });

  it("without any tool result, a price claim gets the rule engine's answer", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000109", "Sara");
    llm.reply("Everything is 50% off this week, abayas from 99 SAR!");
    const replies = await shopper.say("any offers on at the moment?");
    expect(texts(replies)).not.toMatch(/99 SAR|50% off/);
    expect(texts(replies)).toContain("Sorry, I didn't get that.");
  });

  it("a price that IS in the tool results may be quoted", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000110", "Sara");
    llm
      .callTools({ name: "search_products", arguments: { query: "black abaya" } })
      .reply("The Classic Black Abaya is SAR 349.00.");
    const replies = await shopper.say("how much is the classic black one?");
    expect(replies[0].text?.body).toBe("The Classic Black Abaya is SAR 349.00.");
  });
});

describe("failures fall back to the rule engine", () => {
  it("a malformed tool call is retried once; malformed again → the rule engine's answer", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000111", "Sara");
    llm.malformed().malformed();
    const replies = await shopper.say("something in navy, maybe embroidered?");
    expect(texts(replies)).toContain("Sorry, I didn't get that.");
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1].body.messages.at(-1)).toMatchObject({ role: "system" });
    expect(llm.requests[1].body.messages.at(-1)?.content).toMatch(/last tool call was invalid/);
    const rows = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(rows.map((r) => r.ok)).toEqual([false, false]);
    expect(rows[0].error).toMatch(/malformed tool call: search_products: arguments are not valid JSON/);
  });

  it("a malformed tool call followed by a good answer is fine", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000112", "Sara");
    llm
      .respond({ kind: "tools", calls: [{ name: "fly_to_moon", arguments: {} }] })
      .reply("We have abayas, scarves, perfumes and more.");
    const replies = await shopper.say("what kind of things do you sell?");
    expect(replies[0].text?.body).toBe("We have abayas, scarves, perfumes and more.");
  });

  it("the model is too slow: after the timeout the shopper gets the menu", async () => {
    await enableAi();
    setAiLimits({ timeoutMs: 300 });
    const shopper = new Shopper(store, graph, "966500000113", "Sara");
    llm.slow(5_000);
    const started = Date.now();
    const replies = await shopper.say("what is your return policy?");
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(texts(replies)).toContain("Sorry, I didn't get that.");
    expect(choicesOf(replies.at(-1)!).map((c) => c.id)).toEqual(
      expect.arrayContaining(["menu:browse", "menu:search", "menu:cart"]),
    );
    const [row] = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(row).toMatchObject({ ok: false, purpose: "reply" });
    expect(row.error).toMatch(/^timeout/);
  });

  it("an HTTP error from the provider → the rule engine's answer", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000114", "Sara");
    llm.fail(429);
    const replies = await shopper.say("is the navy one nice for weddings?");
    expect(texts(replies)).toContain("Sorry, I didn't get that.");
    const [row] = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(row.error).toMatch(/^http: HTTP 429/);
  });

  it("over the shopper's rate limit → the rule engine, without calling the model", async () => {
    await enableAi();
    setAiLimits({ contactBurst: 1, contactPerMinute: 1 });
    const shopper = new Shopper(store, graph, "966500000115", "Sara");
    llm.reply("Our abayas are tailored in Riyadh.");
    expect((await shopper.say("where are your abayas made?"))[0].text?.body).toBe(
      "Our abayas are tailored in Riyadh.",
    );
    const second = await shopper.say("and the scarves, where are they from?");
    expect(texts(second)).toContain("Sorry, I didn't get that.");
    expect(llm.requests).toHaveLength(1);
  });

  it("over the conversation's token budget → the rule engine, without calling the model", async () => {
    await enableAi();
    const shopper = new Shopper(store, graph, "966500000116", "Sara");
    llm.reply("Our abayas are tailored in Riyadh.");
    await shopper.say("where are your abayas made?");
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    await db().llmCall.create({
      data: {
        shop: SHOP,
        conversationId: conversation.id,
        purpose: "reply",
        model: "x",
        promptTokens: 60_000,
        completionTokens: 0,
        latencyMs: 1,
        ok: true,
      },
    });
    const replies = await shopper.say("and the scarves, where are they from?");
    expect(texts(replies)).toContain("Sorry, I didn't get that.");
    expect(llm.requests).toHaveLength(1);
  });
});
