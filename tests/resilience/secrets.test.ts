/**
 * Secrets never reach the logs: every log line, at every level (trace), and everything written to the
 * console while real flows run — connecting a number in the settings (access token, app secret), testing
 * the connection, syncing templates, WhatsApp webhooks and sends (including the Graph API refusing the
 * token), the AI settings (API key) and a preview through the model, Shopify webhooks (HMAC), admin
 * requests (session tokens), token exchange (offline access token), Admin API calls, a checkout — is
 * scanned for every secret of the run.
 */
import { Writable } from "node:stream";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { logger, setLogDestination } from "~/logger.server";
import { action as assistantAction } from "~/routes/app.assistant";
import { action as threadAction, loader as threadLoader } from "~/routes/app.inbox.$id";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as whatsappWebhook } from "~/routes/webhooks.whatsapp";
import { processInboxBatch } from "~/services/inbox.server";
import { sendOutboxBatch } from "~/services/outbox.server";
import { setupTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/remix";
import { adminRequest, sessionToken, tokenExchangeHandler } from "../helpers/session-token";
import { fastForward, settle, Shopper } from "../helpers/shopper";
import { shopifyFixture, shopifyWebhookRequest } from "../helpers/shopify-webhook";
import { inboundPayload, statusPayload, textMessage, whatsappWebhookRequest } from "../helpers/whatsapp";
import { ensureShop } from "~/adapters/db/shops.server";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { createGraphApiFake } from "../mocks/graph-api";
import { createLlmFake, FAKE_LLM_BASE_URL } from "../mocks/llm";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers } from "../mocks/shopify-admin";
import { recordFigures } from "./support/figures";

setupTestDatabase();

const SHOP = "demo-hala.myshopify.com";
const SECRETS = {
  accessToken: "EAAGsecretACCESStoken9f8e7d6c5b4a",
  newAccessToken: "EAAGrotatedTOKEN0123456789abcdef",
  appSecret: "appsecret-0f1e2d3c4b5a69788796a5b4",
  llmApiKey: "sk-or-v1-secretLLMkey0123456789abcdef",
  offlineToken: "shpat_exchanged",
  shopifyApiSecret: process.env.SHOPIFY_API_SECRET!,
  encryptionKey: process.env.ENCRYPTION_KEY!.split(":")[1],
};
const graph = createGraphApiFake({
  templates: [
    {
      name: "hello_world",
      language: "en_US",
      status: "APPROVED",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Hello" }],
    },
  ],
});
const llm = createLlmFake();
const lines: string[] = [];
const consoleLines: string[] = [];
const sessionTokens: string[] = [];

beforeEach(async () => {
  await cache().delPrefix("");
  graph.reset();
  const catalog = new DemoShopifyStore({ shopDomain: SHOP });
  server.use(
    ...graph.handlers,
    ...llm.handlers,
    ...createShopifyAdminHandlers(catalog, { shopDomain: SHOP }),
    tokenExchangeHandler(SHOP, SECRETS.offlineToken),
  );
  graph.addPhoneNumber("106540352242922", {
    displayPhoneNumber: "+966 11 000 0001",
    verifiedName: "Hala Demo",
    accessToken: SECRETS.accessToken,
  });
});

afterAll(() => {
  setLogDestination(process.stdout, "silent");
});

function capture() {
  setLogDestination(
    new Writable({ write: (chunk, _e, done) => void (lines.push(String(chunk)), done()) }),
    "trace",
  );
  for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const)
    vi.spyOn(console, level).mockImplementation(
      (...args: unknown[]) =>
        void consoleLines.push(
          args
            .map((a) =>
              a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a),
            )
            .join(" "),
        ),
    );
}

const admin = (path: string, form?: Record<string, string>) => {
  const request = adminRequest(SHOP, path, form ? { form } : {});
  sessionTokens.push(request.headers.get("authorization")!.replace("Bearer ", ""));
  return request;
};

describe("secrets in logs", () => {
  it("real flows at level trace: no token, app secret, API key, session token or encryption key in any line", async () => {
    capture();
    await ensureShop(SHOP, { name: "Hala Demo Boutique", currencyCode: "SAR" });
    // No offline session yet: the first admin request exchanges the session token for an access token.
    const connect = await callRoute(
      settingsAction,
      admin("/app/settings", {
        intent: "save",
        phoneNumberId: "106540352242922",
        wabaId: "419561257915477",
        accessToken: SECRETS.accessToken,
        appSecret: SECRETS.appSecret,
        botEnabled: "true",
        defaultLanguage: "en",
        feedbackEnabled: "true",
        feedbackDelayValue: "1",
        feedbackDelayUnit: "days",
        idleTimeoutMinutes: "60",
      }),
    );
    expect(connect.status).toBe(200);
    expect(
      (await callRoute(settingsAction, admin("/app/settings", { intent: "testConnection" }))).status,
    ).toBe(200);
    expect(
      (await callRoute(settingsAction, admin("/app/settings", { intent: "syncTemplates" }))).status,
    ).toBe(200);
    expect((await callRoute(settingsLoader, admin("/app/settings"))).status).toBe(200);
    const account = await db().whatsAppAccount.findFirstOrThrow({ where: { shop: SHOP } });

    // AI settings with a key, a preview through the model (and one the model refuses).
    expect(
      (
        await callRoute(
          assistantAction,
          admin("/app/assistant", {
            intent: "save",
            enabled: "true",
            baseUrl: FAKE_LLM_BASE_URL,
            model: "openai/gpt-4o-mini",
            apiKey: SECRETS.llmApiKey,
            systemPrompt: "",
            tone: "",
            storeFacts: "",
            maxReplyChars: "600",
          }),
        )
      ).status,
    ).toBe(200);
    llm.reply("Hello! How can I help?");
    await callRoute(
      assistantAction,
      admin("/app/assistant", {
        intent: "preview",
        baseUrl: FAKE_LLM_BASE_URL,
        model: "openai/gpt-4o-mini",
        message: "Do you have gifts for my mother?",
        language: "auto",
        maxReplyChars: "600",
        systemPrompt: "",
        tone: "",
        storeFacts: "",
      }),
    );

    // A shopper: webhooks, the bot (rules + the assistant failing over), a checkout through the Admin API.
    const store = {
      shop: SHOP,
      phoneNumberId: account.phoneNumberId,
      appSecret: SECRETS.appSecret,
      accessToken: SECRETS.accessToken,
      verifyToken: account.verifyToken,
      accountId: account.id,
    };
    const shopper = new Shopper(store, graph, "966500007000", "Sara");
    await shopper.say("hi");
    await shopper.tap(/^menu:browse$/);
    await shopper.tap((c) => c.id.startsWith("col:"));
    await shopper.say("I want something nice for my sister's wedding");
    // A status webhook, a forged webhook, the Graph API refusing the token (190) and a 500.
    const sent = graph.sent.at(-1)!;
    await callRoute(
      whatsappWebhook,
      whatsappWebhookRequest(
        statusPayload(account.phoneNumberId, "wamid.FAKE00000001", "delivered", sent.body.to!),
        SECRETS.appSecret,
      ),
    );
    await callRoute(
      whatsappWebhook,
      whatsappWebhookRequest(
        inboundPayload(account.phoneNumberId, "966500007000", textMessage("forged")),
        "wrong-secret",
      ),
    );
    graph.failNext("190", "500");
    await shopper.say("menu");
    await fastForward();
    await settle();

    // The merchant: the thread (Admin API orders), a reply, a token rotation, a refused token.
    const conversation = await db().conversation.findFirstOrThrow({ where: { shop: SHOP } });
    await callRoute(threadLoader, admin(`/app/inbox/${conversation.id}`), { id: conversation.id });
    await callRoute(
      threadAction,
      admin(`/app/inbox/${conversation.id}`, { intent: "reply", text: "Welcome!" }),
      { id: conversation.id },
    );
    await sendOutboxBatch();
    await callRoute(
      settingsAction,
      admin("/app/settings", {
        intent: "save",
        phoneNumberId: "106540352242922",
        wabaId: "419561257915477",
        accessToken: SECRETS.newAccessToken,
        appSecret: "",
        botEnabled: "true",
        defaultLanguage: "en",
        feedbackEnabled: "true",
        feedbackDelayValue: "1",
        feedbackDelayUnit: "days",
        idleTimeoutMinutes: "60",
      }),
    );
    await callRoute(settingsAction, admin("/app/settings", { intent: "testConnection" }));
    const forgedAdmin = new Request("https://hala.test/app/settings", {
      headers: { Authorization: `Bearer ${sessionToken({ shop: SHOP, secret: "wrong" })}` },
    });
    await callRoute(settingsLoader, forgedAdmin);

    // Shopify webhooks (HMAC over the body).
    await callRoute(
      ordersCreate,
      shopifyWebhookRequest("orders/create", shopifyFixture("orders__create"), { shop: SHOP }),
    );
    await callRoute(
      customersRedact,
      shopifyWebhookRequest("customers/redact", shopifyFixture("customers__redact"), { shop: SHOP }),
    );
    await callRoute(
      customersRedact,
      shopifyWebhookRequest("customers/redact", { x: 1 }, { shop: SHOP, hmac: "forged" }),
    );
    await processInboxBatch();

    const output = [...lines, ...consoleLines].join("\n");
    const levels = new Set(lines.map((l) => (JSON.parse(l) as { level: number }).level));
    const secrets: [string, string][] = [
      ...Object.entries(SECRETS),
      ...sessionTokens.map((t, i) => [`sessionToken#${i}`, t] as [string, string]),
      ...sessionTokens.map((t, i) => [`sessionToken#${i} signature`, t.split(".")[2]] as [string, string]),
    ];
    const leaks = secrets
      .filter(([, value]) => value && value.length >= 8 && output.includes(value))
      .map(([name]) => name);
    recordFigures("secrets", {
      title: "Secrets in logs",
      logLines: lines.length,
      consoleLines: consoleLines.length,
      levelsSeen: [...levels].sort(),
      secretsChecked: secrets.length,
      leaks,
      consoleSample: consoleLines.slice(0, 3).map((l) => l.slice(0, 160)),
      messagesLogged: [...new Set(lines.map((l) => (JSON.parse(l) as { msg: string }).msg))],
      graphCalls: graph.sent.length + graph.attempts,
      llmCalls: llm.requests.length,
    });
    vi.restoreAllMocks();
    expect(lines.length).toBeGreaterThan(5);
    expect(graph.sent.length).toBeGreaterThan(3);
    expect(llm.requests.length).toBeGreaterThan(0);
    expect(logger.level).toBe("trace");
    expect(leaks, `secrets found in the logs:\n${leaks.join("\n")}`).toEqual([]);
  });
});
