import { beforeEach, describe, expect, it } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { action, loader } from "~/routes/app.assistant";
import { resetAiLimits } from "~/services/ai.server";
import { demoProducts, DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";
import { createLlmFake } from "./mocks/llm";
import { server } from "./mocks/server";
import { createShopifyAdminHandlers } from "./mocks/shopify-admin";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { adminRequest } from "./helpers/session-token";
import { seedStore } from "./helpers/whatsapp";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const KEY = "sk-or-v1-secret-abcdef0123456789WXYZ";
const graph = createGraphApiFake();
const llm = createLlmFake();
let admin: ReturnType<typeof createShopifyAdminHandlers>;

const form = (overrides: Record<string, string> = {}) => ({
  intent: "save",
  enabled: "true",
  baseUrl: llm.baseUrl,
  model: "openai/gpt-4o-mini",
  apiKey: KEY,
  systemPrompt: "You are the assistant of {{shop_name}}. Greet {{customer_name}} in {{language}}.",
  tone: "Warm and short",
  storeFacts: "Free delivery over 300 SAR. Returns within 14 days.",
  maxReplyChars: "500",
  ...overrides,
});

beforeEach(async () => {
  graph.reset();
  llm.reset();
  resetAiLimits();
  await cache().delPrefix("ai:rate:");
  admin = createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: SHOP }), { shopDomain: SHOP });
  server.use(...graph.handlers, ...admin, ...llm.handlers);
  await seedStore({ shop: SHOP, name: "Hala Demo Boutique", currencyCode: "SAR" });
});

describe("the prompt editor page", () => {
  it("saves the settings with the API key encrypted at rest; the loader never returns the key", async () => {
    const saved = await callRoute(action, adminRequest(SHOP, "/app/assistant", { form: form() }));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ ok: true, intent: "save" });

    const row = await db().aiSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(row).toMatchObject({
      enabled: true,
      baseUrl: llm.baseUrl,
      model: "openai/gpt-4o-mini",
      maxReplyChars: 500,
      tone: "Warm and short",
    });
    expect(row.apiKeyEnc).toMatch(/^v1:/);
    expect(row.apiKeyEnc).not.toContain(KEY);
    expect(row.apiKeyEnc).not.toContain(Buffer.from(KEY).toString("base64"));

    const page = await callRoute(loader, adminRequest(SHOP, "/app/assistant"));
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(row.apiKeyEnc!);
    const data = JSON.parse(text);
    expect(data.settings).toMatchObject({
      enabled: true,
      hasApiKey: true,
      apiKeyMasked: "••••WXYZ",
      maxReplyChars: 500,
    });
    expect(data.settings).not.toHaveProperty("apiKey");
    expect(data.variables).toEqual(["shop_name", "customer_name", "language"]);

    // A blank key keeps the stored one; "remove" removes it (and then AI cannot stay on).
    await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", { form: form({ apiKey: "", tone: "Formal" }) }),
    );
    const kept = await db().aiSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(kept.apiKeyEnc).toBe(row.apiKeyEnc);
    expect(kept.tone).toBe("Formal");
    const refused = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", { form: form({ apiKey: "", removeApiKey: "true" }) }),
    );
    expect(refused.status).toBe(422);
    expect((await refused.json()).errors).toEqual({ apiKey: "assistant.errors.keyRequired" });
    await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", {
        form: form({ apiKey: "", removeApiKey: "true", enabled: "false" }),
      }),
    );
    expect((await db().aiSettings.findUniqueOrThrow({ where: { shop: SHOP } })).apiKeyEnc).toBeNull();
  });

  it("answers 422 with field errors", async () => {
    const response = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", {
        form: form({
          baseUrl: "http://169.254.169.254/latest",
          model: "bad model name!",
          apiKey: "short",
          systemPrompt: "Hello {{customer_nam}}",
          maxReplyChars: "5",
        }),
      }),
    );
    expect(response.status).toBe(422);
    expect((await response.json()).errors).toEqual({
      baseUrl: "assistant.errors.baseUrl",
      model: "assistant.errors.model",
      apiKey: "assistant.errors.apiKey",
      systemPrompt: "assistant.errors.unknownVariable",
      maxReplyChars: "assistant.errors.maxReplyChars",
    });
    expect(await db().aiSettings.count()).toBe(0);
    const noKey = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", { form: form({ apiKey: "" }) }),
    );
    expect(noKey.status).toBe(422);
    expect((await noKey.json()).errors).toEqual({ apiKey: "assistant.errors.keyRequired" });
  });

  it("needs an admin session", async () => {
    const response = await callRoute(loader, new Request("https://hala.test/app/assistant"));
    expect(response.status).not.toBe(200);
  });
});

describe("try it: one turn with the real catalog, nothing sent", () => {
  const abaya = demoProducts.find((p) => p.handle === "classic-black-abaya")!;

  it("runs the draft prompt through the assistant and returns the replies it would send", async () => {
    await callRoute(action, adminRequest(SHOP, "/app/assistant", { form: form({ enabled: "false" }) }));
    llm
      .callTools({ name: "search_products", arguments: { query: "black abaya" } })
      .reply("Found these for you, Layla!");
    const response = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", {
        form: {
          ...form({ systemPrompt: "Draft prompt for {{customer_name}} at {{shop_name}}." }),
          intent: "preview",
          apiKey: "",
          message: "looking for a black abaya, something classic",
          language: "auto",
          customerName: "Layla",
        },
      }),
    );
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({ ok: true, source: "assistant", tools: ["search_products"] });
    expect(result.replies[0]).toMatchObject({ kind: "text", text: "Found these for you, Layla!" });
    expect(result.replies[1].kind).toBe("list");
    expect(result.replies[1].choices.join("\n")).toContain(abaya.title);
    // The draft (unsaved) prompt was used, with the variables rendered; the stored key was used.
    expect(llm.systemPrompt(0)).toContain("Draft prompt for Layla at Hala Demo Boutique.");
    expect(llm.requests[0].authorization).toBe(`Bearer ${KEY}`);
    // Nothing went to WhatsApp, nothing was stored but the LlmCall rows.
    expect(graph.sent).toHaveLength(0);
    expect(await db().message.count()).toBe(0);
    expect(await db().conversation.count()).toBe(0);
    expect(
      await db().llmCall.count({ where: { shop: SHOP, purpose: "preview", conversationId: null } }),
    ).toBe(2);
  });

  it("a message the menu understands is answered by the rules, without a call", async () => {
    await callRoute(action, adminRequest(SHOP, "/app/assistant", { form: form() }));
    const response = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", {
        form: { ...form(), intent: "preview", apiKey: "", message: "cart", language: "en" },
      }),
    );
    const result = await response.json();
    expect(result).toMatchObject({ ok: true, source: "rules", reason: "rules_matched" });
    expect(llm.requests).toHaveLength(0);
  });

  it("checkout in the preview creates no draft order", async () => {
    await callRoute(action, adminRequest(SHOP, "/app/assistant", { form: form() }));
    const variant = abaya.variants.find((v) => v.title === "56")!;
    llm
      .callTools({
        name: "add_to_cart",
        arguments: { product_id: abaya.id, variant_id: variant.id, quantity: 1 },
      })
      .callTools({ name: "start_checkout", arguments: {} })
      .reply("Here is your checkout link.");
    const response = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", {
        form: {
          ...form(),
          intent: "preview",
          apiKey: "",
          message: "buy the classic black abaya in 56",
          language: "en",
        },
      }),
    );
    const result = await response.json();
    expect(result.source).toBe("assistant");
    expect(result.replies.find((r: { kind: string }) => r.kind === "cta_url").url).toBe(
      `https://${SHOP}/checkouts/preview`,
    );
    expect(admin.requestsFor("HalaDraftOrderCreate")).toHaveLength(0);
  });

  it("without a key: 409 asking for one; a blank message: 422", async () => {
    const noKey = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", {
        form: { ...form({ apiKey: "" }), intent: "preview", message: "hello there friend" },
      }),
    );
    expect(noKey.status).toBe(409);
    expect(await noKey.json()).toMatchObject({ ok: false, error: "assistant.preview.noKey" });
    const blank = await callRoute(
      action,
      adminRequest(SHOP, "/app/assistant", { form: { ...form(), intent: "preview", message: " " } }),
    );
    expect(blank.status).toBe(422);
    expect((await blank.json()).errors).toEqual({ message: "assistant.errors.previewMessage" });
  });
});
