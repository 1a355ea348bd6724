import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { openSecret } from "~/adapters/crypto/keyring.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { database, db } from "~/db.server";
import { catalogs, isMessageKey } from "~/i18n/admin";
import { action, loader } from "~/routes/app.settings";
import { loader as whatsappHandshake } from "~/routes/webhooks.whatsapp";
import { createGraphApiFake } from "./mocks/graph-api";
import { server } from "./mocks/server";
import { setupTestDatabase } from "./helpers/db";
import { callRoute } from "./helpers/remix";
import { adminRequest, tokenExchangeHandler } from "./helpers/session-token";
import { seedStore, type TestStore } from "./helpers/whatsapp";

setupTestDatabase();

const graph = createGraphApiFake();
let store: TestStore;

beforeEach(async () => {
  graph.reset();
  server.use(...graph.handlers);
  store = await seedStore();
});

/** The bot part of the form as the page sends it (every field, as strings). */
const botFields = (overrides: Record<string, string> = {}) => ({
  botEnabled: "true",
  defaultLanguage: "ar",
  welcomeMessageEn: "Welcome to Test Shop!",
  welcomeMessageAr: "أهلًا بك في متجرنا!",
  awayMessageEn: "",
  awayMessageAr: "",
  reviewUrl: "https://g.page/r/test/review",
  feedbackEnabled: "true",
  feedbackDelayValue: "2",
  feedbackDelayUnit: "hours",
  feedbackTemplateName: "hala_feedback_request",
  feedbackTemplateLanguage: "ar",
  notifyEmail: "owner@example.com",
  notifyWebhookUrl: "",
  idleTimeoutMinutes: "60",
  ...overrides,
});

const save = (shop: string, fields: Record<string, string>) =>
  callRoute(action, adminRequest(shop, "/app/settings", { form: { intent: "save", ...fields } }));

/** A shop that installed the app (offline session) but connected no number yet. */
async function seedInstalledShop(shop: string) {
  await ensureShop(shop, { name: "New Shop" });
  await db().session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_new",
      scope: "read_products",
    },
  });
}

describe("settings loader", () => {
  it("never sends the access token or the app secret to the browser: only masked", async () => {
    const response = await callRoute(loader, adminRequest(store.shop, "/app/settings"));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(store.accessToken);
    expect(text).not.toContain(store.appSecret);
    const data = JSON.parse(text);
    expect(data.connection).toMatchObject({
      connected: true,
      phoneNumberId: store.phoneNumberId,
      accessTokenMasked: `••••${store.accessToken.slice(-4)}`,
      appSecretMasked: `••••${store.appSecret.slice(-4)}`,
      verifyToken: store.verifyToken,
    });
    expect(data.webhookUrl).toBe("https://hala.test/webhooks/whatsapp");
    expect(data.checklist).toEqual({
      numberConnected: true,
      connectionTested: false,
      webhookVerified: false,
      botOn: true,
    });
    expect(data.bot).toMatchObject({ botEnabled: true, feedbackDelayValue: 1, feedbackDelayUnit: "days" });
  });

  it("a shop without a number: not connected, nothing to mask, checklist at step one", async () => {
    await seedInstalledShop("fresh.myshopify.com");
    const data = await (await callRoute(loader, adminRequest("fresh.myshopify.com", "/app/settings"))).json();
    expect(data.connection).toEqual({ connected: false });
    expect(data.checklist).toEqual({
      numberConnected: false,
      connectionTested: false,
      webhookVerified: false,
      botOn: true,
    });
  });

  it("an unknown session asks Shopify for a token (token exchange) and still answers", async () => {
    server.use(tokenExchangeHandler("exchanged.myshopify.com"));
    const response = await callRoute(loader, adminRequest("exchanged.myshopify.com", "/app/settings"));
    expect(response.status).toBe(200);
    expect((await response.json()).connection).toEqual({ connected: false });
    expect(await db().session.count({ where: { shop: "exchanged.myshopify.com" } })).toBe(1);
  });

  it("a request without a valid session token is refused", async () => {
    const forged = new Request("https://hala.test/app/settings", {
      headers: { Authorization: "Bearer not.a.token" },
    });
    const response = await callRoute(loader, forged);
    expect(response.status).toBe(401);
  });
});

describe("saving settings", () => {
  it("connects a number: secrets stored encrypted, a verify token generated, bot settings saved", async () => {
    const shop = "fresh.myshopify.com";
    await seedInstalledShop(shop);
    const token = "EAAGnewTOKENfor-fresh-shop-123456";
    const secret = "0123456789abcdef0123456789abcdef";
    const response = await save(shop, {
      phoneNumberId: "109876543210",
      wabaId: "200000000000001",
      accessToken: token,
      appSecret: secret,
      ...botFields(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, intent: "save" });

    const account = await db().whatsAppAccount.findFirstOrThrow({ where: { shop } });
    expect(account.phoneNumberId).toBe("109876543210");
    expect(account.verifyToken).toMatch(/^[\w-]{32}$/);
    const raw = JSON.stringify(
      await database().raw.query(`SELECT * FROM "WhatsAppAccount" WHERE shop = $1`, [shop]),
    );
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(secret);
    expect(openSecret(account.accessTokenEnc)).toBe(token);
    expect(openSecret(account.appSecretEnc!)).toBe(secret);

    const shopRow = await db().shop.findUniqueOrThrow({ where: { shop } });
    expect(shopRow).toMatchObject({
      defaultLanguage: "ar",
      welcomeMessageAr: "أهلًا بك في متجرنا!",
      awayMessageEn: null,
      reviewUrl: "https://g.page/r/test/review",
      feedbackDelayMinutes: 120,
      feedbackTemplateLanguage: "ar",
      notifyEmail: "owner@example.com",
      notifyWebhookUrl: null,
      idleTimeoutMinutes: 60,
    });

    // Reloaded: masked, and the checklist's first step is done.
    const data = await (await callRoute(loader, adminRequest(shop, "/app/settings"))).json();
    expect(data.connection.accessTokenMasked).toBe("••••3456");
    expect(data.checklist.numberConnected).toBe(true);
    expect(data.bot).toMatchObject({ feedbackDelayValue: 2, feedbackDelayUnit: "hours" });
  });

  it("empty secret fields keep the stored ones", async () => {
    const before = await db().whatsAppAccount.findFirstOrThrow({ where: { shop: store.shop } });
    const response = await save(store.shop, {
      phoneNumberId: store.phoneNumberId,
      wabaId: "419561257915477",
      accessToken: "",
      appSecret: "",
      ...botFields({ botEnabled: "false" }),
    });
    expect(response.status).toBe(200);
    const after = await db().whatsAppAccount.findFirstOrThrow({ where: { shop: store.shop } });
    expect(openSecret(after.accessTokenEnc)).toBe(store.accessToken);
    expect(openSecret(after.appSecretEnc!)).toBe(store.appSecret);
    expect(after.verifyToken).toBe(before.verifyToken);
    expect((await db().shop.findUniqueOrThrow({ where: { shop: store.shop } })).botEnabled).toBe(false);
  });

  it("invalid fields: 422 with a message per field (in both languages), nothing saved", async () => {
    const response = await save(store.shop, {
      phoneNumberId: "12ab",
      wabaId: "419561257915477",
      accessToken: "has spaces in it",
      appSecret: "",
      ...botFields({
        reviewUrl: "http://not-https.example",
        notifyEmail: "not-an-email",
        welcomeMessageEn: "x".repeat(1025),
        feedbackDelayValue: "0",
        idleTimeoutMinutes: "-5",
        feedbackTemplateName: "Has Capitals",
        defaultLanguage: "fr",
      }),
    });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.ok).toBe(false);
    expect(body.errors).toEqual({
      phoneNumberId: "settings.errors.phoneNumberId",
      accessToken: "settings.errors.accessToken",
      reviewUrl: "settings.errors.httpsUrl",
      notifyEmail: "settings.errors.email",
      welcomeMessageEn: "settings.errors.messageTooLong",
      feedbackDelayValue: "settings.errors.feedbackDelay",
      idleTimeoutMinutes: "settings.errors.idleTimeout",
      feedbackTemplateName: "settings.errors.templateName",
      defaultLanguage: "settings.errors.language",
    });
    for (const key of Object.values(body.errors)) {
      expect(isMessageKey(key), String(key)).toBe(true);
      expect(catalogs.en[key as keyof typeof catalogs.en]).toBeTruthy();
      expect(catalogs.ar[key as keyof typeof catalogs.ar]).toBeTruthy();
    }
    const shopRow = await db().shop.findUniqueOrThrow({ where: { shop: store.shop } });
    expect(shopRow.reviewUrl).toBeNull();
    expect(shopRow.defaultLanguage).toBe("en");
  });

  it("connecting needs the token and the secret; a number of another store is refused", async () => {
    const shop = "fresh.myshopify.com";
    await seedInstalledShop(shop);
    const missing = await save(shop, {
      phoneNumberId: "109876543210",
      wabaId: "",
      accessToken: "",
      appSecret: "",
      ...botFields(),
    });
    expect(missing.status).toBe(422);
    expect((await missing.json()).errors).toEqual({
      wabaId: "settings.errors.required",
      accessToken: "settings.errors.required",
      appSecret: "settings.errors.required",
    });

    const taken = await save(shop, {
      phoneNumberId: store.phoneNumberId,
      wabaId: "419561257915477",
      accessToken: "EAAGanother-token-1234",
      appSecret: "another-secret-1234",
      ...botFields(),
    });
    expect(taken.status).toBe(422);
    expect((await taken.json()).errors).toEqual({ phoneNumberId: "settings.errors.phoneNumberTaken" });
    expect(await db().whatsAppAccount.count({ where: { shop } })).toBe(0);
  });

  it("bot settings alone save without touching the (absent) connection", async () => {
    const shop = "fresh.myshopify.com";
    await seedInstalledShop(shop);
    const response = await save(shop, {
      phoneNumberId: "",
      wabaId: "",
      accessToken: "",
      appSecret: "",
      ...botFields(),
    });
    expect(response.status).toBe(200);
    expect(await db().whatsAppAccount.count({ where: { shop } })).toBe(0);
  });
});

describe("test connection", () => {
  const test = (shop: string) =>
    callRoute(action, adminRequest(shop, "/app/settings", { form: { intent: "testConnection" } }));

  it("shows Meta's display name and quality rating and stores them", async () => {
    graph.addPhoneNumber(store.phoneNumberId, {
      displayPhoneNumber: "+1 555-078-3881",
      verifiedName: "Test Shop",
      qualityRating: "GREEN",
      accessToken: store.accessToken,
    });
    const response = await test(store.shop);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      intent: "testConnection",
      ok: true,
      displayName: "Test Shop",
      qualityRating: "GREEN",
      displayPhoneNumber: "+1 555-078-3881",
    });
    const account = await db().whatsAppAccount.findFirstOrThrow({ where: { shop: store.shop } });
    expect(account).toMatchObject({ displayName: "Test Shop", qualityRating: "GREEN" });
    const data = await (await callRoute(loader, adminRequest(store.shop, "/app/settings"))).json();
    expect(data.checklist.connectionTested).toBe(true);
  });

  it("shows Meta's error (an invalid token) and the step is not done", async () => {
    graph.addPhoneNumber(store.phoneNumberId, {
      displayPhoneNumber: "+1",
      verifiedName: "X",
      accessToken: "the-real-token",
    });
    await db().whatsAppAccount.updateMany({
      where: { shop: store.shop },
      data: { displayName: "Old", qualityRating: "GREEN" },
    });
    const response = await test(store.shop);
    const body = await response.json();
    expect(body).toMatchObject({
      intent: "testConnection",
      ok: false,
      reason: "graph",
      error: { code: 190, title: "Error validating access token" },
    });
    const account = await db().whatsAppAccount.findFirstOrThrow({ where: { shop: store.shop } });
    expect(account.displayName).toBeNull();
    const data = await (await callRoute(loader, adminRequest(store.shop, "/app/settings"))).json();
    expect(data.checklist.connectionTested).toBe(false);
  });

  it("without a number: a clear refusal", async () => {
    await seedInstalledShop("fresh.myshopify.com");
    const response = await test("fresh.myshopify.com");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ ok: false, reason: "not_connected" });
  });
});

describe("verify token, webhook step, templates", () => {
  it("regenerating the verify token retires the old one for Meta's handshake", async () => {
    const response = await callRoute(
      action,
      adminRequest(store.shop, "/app/settings", { form: { intent: "regenerateVerifyToken" } }),
    );
    expect(response.status).toBe(200);
    const account = await db().whatsAppAccount.findFirstOrThrow({ where: { shop: store.shop } });
    expect(account.verifyToken).not.toBe(store.verifyToken);
    const handshake = (token: string) =>
      callRoute(
        whatsappHandshake,
        new Request(
          `https://hala.test/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`,
        ),
      );
    expect((await handshake(store.verifyToken)).status).toBe(403);
    expect((await handshake(account.verifyToken)).status).toBe(200);
  });

  it("the webhook step turns green once Meta delivered something for the shop", async () => {
    await db().inboundEvent.create({
      data: {
        shop: store.shop,
        phoneNumberId: store.phoneNumberId,
        kind: "message",
        dedupeKey: "wamid.X",
        waId: "971500000001",
        payload: {},
      },
    });
    const data = await (await callRoute(loader, adminRequest(store.shop, "/app/settings"))).json();
    expect(data.checklist.webhookVerified).toBe(true);
  });

  it("syncs templates (upsert by name + language) and drops the ones Meta no longer lists", async () => {
    const template = (name: string, language: string, status = "APPROVED") => ({
      name,
      language,
      status,
      category: "UTILITY",
      components: [{ type: "BODY", text: "Hello {{1}}" }],
    });
    const first = createGraphApiFake({
      templates: [
        template("order_update", "en"),
        template("order_update", "ar"),
        template("promo", "en", "PENDING"),
      ],
    });
    server.use(...first.handlers);
    const sync = () =>
      callRoute(action, adminRequest(store.shop, "/app/settings", { form: { intent: "syncTemplates" } }));
    expect(await (await sync()).json()).toEqual({ intent: "syncTemplates", ok: true, count: 3 });

    const second = createGraphApiFake({
      templates: [template("order_update", "en", "PAUSED"), template("thanks", "ar")],
    });
    server.use(...second.handlers);
    expect(await (await sync()).json()).toEqual({ intent: "syncTemplates", ok: true, count: 2 });
    const rows = await db().messageTemplate.findMany({
      where: { shop: store.shop },
      orderBy: [{ name: "asc" }],
    });
    expect(rows.map((r) => [r.name, r.language, r.status, r.accountId])).toEqual([
      ["order_update", "en", "PAUSED", store.accountId],
      ["thanks", "ar", "APPROVED", store.accountId],
    ]);
    const data = await (await callRoute(loader, adminRequest(store.shop, "/app/settings"))).json();
    expect(data.templates).toHaveLength(2);
    expect(data.templatesSyncedAt).toBeTruthy();
  });

  it("a Graph error while syncing is shown, stored templates stay", async () => {
    server.use(
      http.get("https://graph.facebook.com/:version/:wabaId/message_templates", () =>
        HttpResponse.json({ error: { message: "(#10) Permission denied", code: 10 } }, { status: 403 }),
      ),
    );
    const body = await (
      await callRoute(
        action,
        adminRequest(store.shop, "/app/settings", { form: { intent: "syncTemplates" } }),
      )
    ).json();
    expect(body).toMatchObject({ ok: false, reason: "graph", error: { code: 10 } });
  });

  it("an unknown intent is a 400", async () => {
    const response = await callRoute(
      action,
      adminRequest(store.shop, "/app/settings", { form: { intent: "dropTables" } }),
    );
    expect(response.status).toBe(400);
  });
});
