import { beforeEach, describe, expect, it } from "vitest";
import { saveAiSettings } from "~/adapters/db/ai.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { aiUsage, resetAiLimits, setAiLimits } from "~/services/ai.server";
import { commentSentiment } from "~/services/feedback.server";
import { createLlmFake } from "./mocks/llm";
import { server } from "./mocks/server";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();

const SHOP = "sentiment-shop.myshopify.com";
const llm = createLlmFake();

async function enableAi(enabled = true) {
  await saveAiSettings(SHOP, {
    enabled,
    baseUrl: llm.baseUrl,
    model: "test/sentiment-model",
    apiKey: "sk-test-sentiment-0000",
    systemPrompt: null,
    tone: null,
    storeFacts: null,
    maxReplyChars: 600,
  });
}

beforeEach(async () => {
  llm.reset();
  resetAiLimits();
  await cache().delPrefix("ai:rate:");
  server.use(...llm.handlers);
  await ensureShop(SHOP);
});

describe("feedback sentiment by the shop's model", () => {
  it("asks for strict JSON with a json_schema and uses the model's label and score", async () => {
    await enableAi();
    llm.json({ label: "negative", score: -0.8 });
    const result = await commentSentiment(SHOP, "The abaya arrived torn and nobody answers my calls.");
    expect(result).toEqual({
      type: "sentimentResult",
      label: "negative",
      score: -0.8,
      source: "llm",
      text: "The abaya arrived torn and nobody answers my calls.",
    });
    const request = llm.requests[0].body;
    expect(request.model).toBe("test/sentiment-model");
    expect(request.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "sentiment", strict: true, schema: { required: ["label", "score"] } },
    });
    expect(request.tools).toBeUndefined();
    expect(request.messages.at(-1)?.content).toContain("<comment>The abaya arrived torn");
    const [row] = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(row).toMatchObject({
      purpose: "sentiment",
      ok: true,
      model: "test/sentiment-model",
      conversationId: null,
    });
    expect((await aiUsage(SHOP, new Date(0))).byPurpose).toEqual([
      expect.objectContaining({ purpose: "sentiment", calls: 1 }),
    ]);
  });

  it("Arabic comments too", async () => {
    await enableAi();
    llm.json({ label: "positive", score: 0.9 });
    const result = await commentSentiment(SHOP, "ما شاء الله الخامة ممتازة والتوصيل سريع");
    expect(result).toMatchObject({ label: "positive", score: 0.9, source: "llm" });
  });

  it.each([
    ["an HTTP error", () => llm.fail(500)],
    ["text that is not JSON", () => llm.reply("I think it is negative.")],
    ["JSON outside the schema", () => llm.json({ label: "furious", score: -3 })],
    ["a label contradicting the score", () => llm.json({ label: "positive", score: -0.9 })],
    ["a network failure", () => llm.respond({ kind: "network" })],
  ])("falls back to the built-in analyzer on %s", async (_name, script) => {
    await enableAi();
    script();
    const result = await commentSentiment(
      SHOP,
      "Terrible quality, it broke after one day. Very disappointed!",
    );
    expect(result).toMatchObject({ source: "builtin", label: "negative" });
    expect(llm.requests).toHaveLength(1);
    const [row] = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(row).toMatchObject({ purpose: "sentiment", ok: false });
  });

  it("falls back on a timeout", async () => {
    await enableAi();
    setAiLimits({ timeoutMs: 200 });
    llm.slow(3_000, { kind: "text", content: JSON.stringify({ label: "positive", score: 1 }) });
    const started = Date.now();
    const result = await commentSentiment(SHOP, "Lovely packaging, thank you!");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ source: "builtin", label: "positive" });
    const [row] = await db().llmCall.findMany({ where: { shop: SHOP } });
    expect(row.error).toMatch(/^timeout/);
  });

  it("AI off (or no settings): the built-in analyzer, and the model is never called", async () => {
    expect(await commentSentiment(SHOP, "Great service!")).toMatchObject({
      source: "builtin",
      label: "positive",
    });
    await enableAi(false);
    expect(await commentSentiment(SHOP, "Great service!")).toMatchObject({
      source: "builtin",
      label: "positive",
    });
    expect(llm.requests).toHaveLength(0);
  });

  it("over the shop's rate limit: the built-in analyzer", async () => {
    await enableAi();
    setAiLimits({ shopBurst: 1, shopPerMinute: 1 });
    llm.json({ label: "positive", score: 0.7 });
    expect(await commentSentiment(SHOP, "Great service!")).toMatchObject({ source: "llm" });
    expect(await commentSentiment(SHOP, "Great service!")).toMatchObject({ source: "builtin" });
    expect(llm.requests).toHaveLength(1);
  });
});
