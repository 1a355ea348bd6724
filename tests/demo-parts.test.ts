/**
 * The pieces of `npm run demo` and the simulator, without starting it: configuration, the session tokens it
 * signs (checked by Shopify's own library), the order webhooks it builds (against Shopify's 2025-10 fixture),
 * the admin page rewrite, and the simulator routes' 404 outside demo mode.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterEach, describe, expect, it } from "vitest";
import { loader as messagesLoader } from "~/routes/simulator.api.messages";
import { resetEnvForTests } from "~/env.server";
import {
  clearSimulatorBackends,
  demoSessionToken,
  orderWebhookPayload,
  setSimulatorBackends,
  type SimulatorBackends,
} from "~/services/simulator.server";
import { APP_BRIDGE_CDN, isAdminDocumentRequest, withDemoAppBridge } from "../scripts/demo/admin";
import { banner, DemoConfigError, resolveDemoConfig } from "../scripts/demo/config";
import { feedbackDelayMinutes } from "../scripts/demo/seed";
import { parseBanner } from "./e2e/demo-process";
import { callRoute } from "./helpers/remix";
import { DemoShopifyStore } from "./mocks/demo-catalog";
import { createGraphApiFake } from "./mocks/graph-api";

describe("demo configuration", () => {
  it("has printed defaults and refuses production", () => {
    const config = resolveDemoConfig({});
    expect(config).toMatchObject({
      port: 3000,
      url: "http://localhost:3000",
      shop: "demo-hala.myshopify.com",
      phoneNumberId: "100000000000001",
      feedbackDelaySeconds: 5,
      databaseUrl: null,
    });
    expect(config.env).toMatchObject({
      HALA_DEMO: "true",
      HALA_WORKERS: "true",
      HALA_FEEDBACK_DELAY_SECONDS: "5",
    });
    expect(() => resolveDemoConfig({ NODE_ENV: "production" })).toThrow(DemoConfigError);
    expect(() => resolveDemoConfig({ NODE_ENV: "production" })).toThrow(/NODE_ENV=production/);
  });

  it("takes overrides and rejects nonsense", () => {
    const config = resolveDemoConfig({
      PORT: "4100",
      DEMO_SHOP: "Other-Shop.myshopify.com",
      DEMO_PHONE_NUMBER_ID: "123456789",
      DEMO_APP_SECRET: "s3cret",
      DEMO_VERIFY_TOKEN: "vt",
      DEMO_FEEDBACK_DELAY_SECONDS: "90",
      DATABASE_URL: "postgres://x@localhost/db",
    });
    expect(config).toMatchObject({
      port: 4100,
      shop: "other-shop.myshopify.com",
      phoneNumberId: "123456789",
      appSecret: "s3cret",
      verifyToken: "vt",
      feedbackDelaySeconds: 90,
      databaseUrl: "postgres://x@localhost/db",
    });
    expect(() => resolveDemoConfig({ DEMO_SHOP: "example.com" })).toThrow(/DEMO_SHOP/);
    expect(() => resolveDemoConfig({ DEMO_FEEDBACK_DELAY_SECONDS: "soon" })).toThrow(
      /DEMO_FEEDBACK_DELAY_SECONDS/,
    );
    expect(() => resolveDemoConfig({ PORT: "http" })).toThrow(/PORT/);
  });

  it("prints what the contract promises, in a parseable banner", () => {
    const config = resolveDemoConfig({});
    const printed = parseBanner(banner(config, { startMs: 1234, phases: { build: 0 } }));
    expect(printed).toMatchObject({
      "phone_number_id (DEMO_PHONE_NUMBER_ID)": config.phoneNumberId,
      "app secret (DEMO_APP_SECRET)": config.appSecret,
      "verify token (DEMO_VERIFY_TOKEN)": config.verifyToken,
      "Shop domain (DEMO_SHOP)": config.shop,
      SHOPIFY_API_KEY: config.apiKey,
      SHOPIFY_API_SECRET: config.apiSecret,
      Simulator: "http://localhost:3000/simulator",
      "Merchant admin": "http://localhost:3000/simulator/admin",
    });
  });

  it("stores the feedback delay in whole minutes (the exact seconds go through the environment)", () => {
    expect(feedbackDelayMinutes(5)).toBe(1);
    expect(feedbackDelayMinutes(60)).toBe(1);
    expect(feedbackDelayMinutes(61)).toBe(2);
    expect(feedbackDelayMinutes(0)).toBe(0);
  });
});

describe("demo session tokens", () => {
  it("are accepted by @shopify/shopify-api as App Bridge session tokens", async () => {
    const api = shopifyApi({
      apiKey: "hala-demo-api-key",
      apiSecretKey: "hala-demo-api-secret",
      apiVersion: ApiVersion.October25,
      hostName: "localhost:3000",
      isEmbeddedApp: true,
      scopes: ["read_products"],
      logger: { level: 0 },
    });
    const token = demoSessionToken({
      shop: "demo-hala.myshopify.com",
      apiKey: "hala-demo-api-key",
      secret: "hala-demo-api-secret",
    });
    const payload = await api.session.decodeSessionToken(token);
    expect(payload).toMatchObject({
      iss: "https://demo-hala.myshopify.com/admin",
      dest: "https://demo-hala.myshopify.com",
      aud: "hala-demo-api-key",
      sub: "1",
    });
    expect(payload.exp - payload.iat).toBe(60);
    expect(typeof payload.jti).toBe("string");
    expect(typeof payload.sid).toBe("string");
    const forged = demoSessionToken({
      shop: "demo-hala.myshopify.com",
      apiKey: "hala-demo-api-key",
      secret: "other",
    });
    await expect(api.session.decodeSessionToken(forged)).rejects.toThrow();
    const expired = demoSessionToken({
      shop: "demo-hala.myshopify.com",
      apiKey: "hala-demo-api-key",
      secret: "hala-demo-api-secret",
      now: Date.now() - 10 * 60_000,
    });
    await expect(api.session.decodeSessionToken(expired)).rejects.toThrow();
  });
});

describe("order webhooks built by the simulator", () => {
  function placedOrder() {
    const store = new DemoShopifyStore();
    const product = store.products.find(
      (p) => p.status === "ACTIVE" && p.variants.some((v) => (v.inventory ?? 1) > 0),
    )!;
    const variant = product.variants.find((v) => (v.inventory ?? 1) > 0)!;
    const { draftOrder } = store.createDraftOrder({
      lineItems: [{ variantId: `gid://shopify/ProductVariant/${variant.id}`, quantity: 2 }],
      phone: "+966501110001",
      tags: ["hala"],
      customAttributes: [{ key: "hala_conversation_id", value: "conv_123" }],
    });
    const order = store.placeOrder(draftOrder!.id, {
      customer: { firstName: "Sara", phone: "+966501110001", locale: "ar" },
    });
    return { store, order, variant };
  }

  it("orders/create carries the order's ids, phone, customer, total and the conversation attribute", () => {
    const { store, order, variant } = placedOrder();
    const payload = orderWebhookPayload(order, store);
    expect(payload).toMatchObject({
      id: Number(order.id),
      admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
      name: "#1001",
      phone: "+966501110001",
      currency: "SAR",
      total_price: order.total.amount,
      financial_status: "paid",
      fulfillment_status: null,
      customer_locale: "ar",
      note_attributes: [{ name: "hala_conversation_id", value: "conv_123" }],
      customer: { first_name: "Sara", phone: "+966501110001" },
      fulfillments: [],
    });
    expect(payload.line_items[0]).toMatchObject({
      quantity: 2,
      variant_id: Number(variant.id),
      sku: variant.sku,
    });
    // Through JSON as it travels: numbers stay exact (the demo's ids are below 2^53).
    expect(JSON.parse(JSON.stringify(payload)).id).toBe(Number(order.id));
  });

  it("orders/fulfilled carries the fulfilment with its tracking", () => {
    const { store, order } = placedOrder();
    const fulfilled = store.fulfillOrder(order.id, {
      trackingUrl: "https://track.example/1",
      trackingNumber: "T1",
      company: "Aramex",
    });
    const payload = orderWebhookPayload(fulfilled, store);
    expect(payload.fulfillment_status).toBe("fulfilled");
    expect(payload.fulfillments[0]).toMatchObject({
      tracking_url: "https://track.example/1",
      tracking_urls: ["https://track.example/1"],
      tracking_number: "T1",
      tracking_company: "Aramex",
      status: "success",
    });
  });

  const fixture = path.resolve(
    __dirname,
    "../../shared/fixtures/shopify-webhooks/2025-10/orders__create.json",
  );
  it.skipIf(!existsSync(fixture))(
    "has every field of Shopify's orders/create payload (2025-10 fixture)",
    () => {
      const expected = JSON.parse(readFileSync(fixture, "utf8")) as Record<string, unknown> & {
        line_items: Record<string, unknown>[];
        customer: Record<string, unknown>;
      };
      const { store, order } = placedOrder();
      const payload = orderWebhookPayload(order, store) as unknown as Record<string, unknown> & {
        line_items: Record<string, unknown>[];
        customer: Record<string, unknown>;
      };
      expect(Object.keys(expected).filter((k) => !(k in payload))).toEqual([]);
      expect(Object.keys(expected.line_items[0]).filter((k) => !(k in payload.line_items[0]))).toEqual([]);
      expect(Object.keys(expected.customer).filter((k) => !(k in payload.customer))).toEqual([]);
    },
  );
});

describe("admin pages outside Shopify (demo)", () => {
  it("swap App Bridge for the demo's stand-in in HTML only", async () => {
    const html = `<script src="${APP_BRIDGE_CDN}" data-api-key="k"></script>`;
    const page = await withDemoAppBridge(
      new Response(html, {
        headers: { "Content-Type": "text/html", Link: `<${APP_BRIDGE_CDN}>; rel="preload"` },
      }),
    );
    expect(await page.text()).toBe(`<script src="/simulator/app-bridge.js" data-api-key="k"></script>`);
    expect(page.headers.get("link")).toBe(`</simulator/app-bridge.js>; rel="preload"`);
    const json = new Response("{}", { headers: { "Content-Type": "application/json" } });
    expect(await withDemoAppBridge(json)).toBe(json);
  });

  it("only for page loads of /app", () => {
    expect(isAdminDocumentRequest(new Request("http://x/app/inbox"))).toBe(true);
    expect(isAdminDocumentRequest(new Request("http://x/app/inbox?_data=routes%2Fapp.inbox"))).toBe(false);
    expect(isAdminDocumentRequest(new Request("http://x/application"))).toBe(false);
    expect(isAdminDocumentRequest(new Request("http://x/app", { method: "POST" }))).toBe(false);
  });
});

describe("simulator routes", () => {
  afterEach(() => {
    clearSimulatorBackends();
    delete process.env.HALA_DEMO;
    resetEnvForTests();
  });

  const backends = (): SimulatorBackends => ({
    graph: createGraphApiFake(),
    store: new DemoShopifyStore(),
    shop: "demo-hala.myshopify.com",
    origin: "http://127.0.0.1:9",
  });
  const get = (url: string) => callRoute(messagesLoader, new Request(url));

  it("answer 404 outside demo mode, even with backends", async () => {
    setSimulatorBackends(backends());
    expect((await get("http://x/simulator/api/messages?wa_id=966500000001")).status).toBe(404);
  });

  it("answer 404 in demo mode without the demo's backends", async () => {
    process.env.HALA_DEMO = "true";
    resetEnvForTests();
    expect((await get("http://x/simulator/api/messages?wa_id=966500000001")).status).toBe(404);
  });

  it("list the Graph bodies sent to a shopper, in order", async () => {
    process.env.HALA_DEMO = "true";
    resetEnvForTests();
    const b = backends();
    b.graph.sent.push(
      { phoneNumberId: "1", body: { to: "966500000001", type: "text", text: { body: "one" } }, at: 1 },
      { phoneNumberId: "1", body: { to: "966500000002", type: "text", text: { body: "other" } }, at: 2 },
      { phoneNumberId: "1", body: { to: "966500000001", type: "text", text: { body: "two" } }, at: 3 },
    );
    setSimulatorBackends(b);
    const res = await get("http://x/simulator/api/messages?wa_id=966500000001");
    expect(res.status).toBe(200);
    expect((await res.json()).map((m: { text: { body: string } }) => m.text.body)).toEqual(["one", "two"]);
    expect((await get("http://x/simulator/api/messages")).status).toBe(400);
  });
});
