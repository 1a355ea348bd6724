/**
 * Tenant isolation: two shops with overlapping data (the same shopper phone, the same order id, the same
 * draft order, the same template name) and every model function, route and flow exercised as shop A.
 *
 * - The exports of app/adapters/db/*.server.ts are enumerated at run time; every exported function must be in
 *   ISOLATION (name → how it is checked), so that a NEW model function without a shop-scoped check fails
 *   this test. Reads must give shop A the same answer whether or not shop B exists (they are run, shop B is
 *   deleted, they are run again); writes — with shop A's ids and with shop B's ids passed as shop A — must
 *   leave every row of shop B unchanged; the few functions that are global by design (the workers' claims,
 *   Meta's lookup by phone_number_id, migrations) have their own check.
 * - Every route of app/routes is in ROUTES too (exercised as shop A, or why it holds no shop data).
 * - Flows: a WhatsApp webhook to shop A's number, orders webhooks with an order id both shops have,
 *   compliance redaction of one shop or one customer — shop B stays intact.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureContactAndConversation, touchInbound } from "~/adapters/db/conversations.server";
import { recordDataRequest } from "~/adapters/db/compliance.server";
import { recordLlmCall, saveAiSettings } from "~/adapters/db/ai.server";
import { storeInboundEvents } from "~/adapters/db/inbound-events.server";
import { scheduleJob } from "~/adapters/db/jobs.server";
import { markOutboundSent, queueOutboundMessages, recordInboundMessage } from "~/adapters/db/messages.server";
import { recordCheckout, recordOrderAttribution } from "~/adapters/db/orders.server";
import { ensureSandboxConversation } from "~/adapters/db/sandbox.server";
import { replaceTemplates } from "~/adapters/db/settings.server";
import { deleteShopData } from "~/adapters/db/shops.server";
import { claimWebhookDelivery } from "~/adapters/db/webhook-deliveries.server";
import { cache } from "~/cache.server";
import { database, db } from "~/db.server";
import { initialState } from "~/domain/conversation";
import { loader as analyticsLoader } from "~/routes/app._index";
import { action as assistantAction, loader as assistantLoader } from "~/routes/app.assistant";
import { loader as feedbackLoader } from "~/routes/app.feedback";
import { loader as eventsLoader } from "~/routes/app.inbox.$id.events";
import { action as threadAction, loader as threadLoader } from "~/routes/app.inbox.$id";
import { loader as inboxLoader } from "~/routes/app.inbox";
import { loader as mediaLoader } from "~/routes/app.media.$id";
import { loader as settingsLoader } from "~/routes/app.settings";
import { loader as testBotLoader } from "~/routes/app.test-bot";
import { action as sandboxAction, loader as sandboxLoader } from "~/routes/app.test-bot.sandbox";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { action as appUninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersFulfilled } from "~/routes/webhooks.orders.fulfilled";
import { action as productsUpdate } from "~/routes/webhooks.products.update";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { action as whatsappWebhook } from "~/routes/webhooks.whatsapp";
import { processInboxBatch } from "~/services/inbox.server";
import { sendOutboxBatch } from "~/services/outbox.server";
import { setupTestDatabase, truncateAll } from "../helpers/db";
import { callRoute } from "../helpers/remix";
import { adminRequest } from "../helpers/session-token";
import { shopifyFixture, shopifyWebhookRequest } from "../helpers/shopify-webhook";
import { seedStore, type TestStore } from "../helpers/whatsapp";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { createGraphApiFake } from "../mocks/graph-api";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers } from "../mocks/shopify-admin";
import { recordFigures } from "./support/figures";
import { diffSnapshots, shopSnapshot } from "./support/fuzz";
import { inboundPayload, textMessage, whatsappWebhookRequest } from "../helpers/whatsapp";

setupTestDatabase();

const A = "iso-a.myshopify.com";
const B = "iso-b.myshopify.com";
const SAME_WA = "966555000111";
const SAME_ORDER = "gid://shopify/Order/820982911946154508";
const SAME_DRAFT = "gid://shopify/DraftOrder/1001";
const B_MARKER = "ISO-B-PRIVATE";
/** "Test your bot": the same sandbox shopper id in both shops. */
const SAME_SANDBOX_ID = "isosame01";
const SAME_SANDBOX_WA = `sandbox-${SAME_SANDBOX_ID}`;
const graph = createGraphApiFake();

interface Seeded {
  shop: string;
  store: TestStore;
  contactId: string;
  conversationId: string;
  inMessageId: string;
  inWamid: string;
  outMessageId: string;
  outWamid: string;
  eventId: string;
  jobId: string;
  webhookId: string;
  feedbackId: string;
}

async function seedShop(shop: string, n: number): Promise<Seeded> {
  const store = await seedStore({
    shop,
    phoneNumberId: `10654035224${n}000`,
    appSecret: `secret-${shop}`,
    accessToken: `EAAG-token-${shop}`,
  });
  const name = shop === B ? `${B_MARKER} Sara` : "Sara";
  const { contact, conversation } = await ensureContactAndConversation(shop, {
    waId: SAME_WA,
    name,
    accountId: store.accountId,
    initialState: initialState({ language: "en" }) as unknown as Prisma.InputJsonValue,
  });
  const at = new Date(Date.now() - 60_000);
  await touchInbound(shop, conversation.id, at);
  const inWamid = `wamid.IN.${shop}`;
  await recordInboundMessage(shop, {
    conversationId: conversation.id,
    contactId: contact.id,
    wamid: inWamid,
    type: "text",
    body: { text: name },
    text: `${name} hello`,
    createdAt: at,
  });
  await queueOutboundMessages(shop, [
    {
      conversationId: conversation.id,
      contactId: contact.id,
      accountId: store.accountId,
      toWaId: SAME_WA,
      author: "bot",
      type: "text",
      body: { kind: "text", body: `${name} reply` },
      text: `${name} reply`,
      idempotencyKey: `seed:${shop}:0`,
    },
    {
      conversationId: conversation.id,
      contactId: contact.id,
      accountId: store.accountId,
      toWaId: SAME_WA,
      author: "bot",
      type: "text",
      body: { kind: "text", body: "queued" },
      text: "queued",
      idempotencyKey: `seed:${shop}:1`,
    },
  ]);
  const out = await db().message.findFirstOrThrow({ where: { shop, idempotencyKey: `seed:${shop}:0` } });
  const outWamid = `wamid.OUT.${shop}`;
  await markOutboundSent(shop, out.id, outWamid, at);
  const inMessage = await db().message.findFirstOrThrow({ where: { shop, wamid: inWamid } });
  await storeInboundEvents([
    {
      shop,
      phoneNumberId: store.phoneNumberId,
      kind: "status",
      dedupeKey: `status:${outWamid}:delivered`,
      waId: null,
      payload: { wamid: outWamid, status: "delivered" },
    },
  ]);
  const event = await db().inboundEvent.findFirstOrThrow({ where: { shop } });
  await db().inboundEvent.updateMany({ where: { shop }, data: { status: "done" } });
  await scheduleJob(shop, {
    kind: "feedback_request",
    dedupeKey: `feedback:${shop}:${SAME_ORDER}`,
    runAt: new Date(Date.now() + 86_400_000),
    payload: { orderId: SAME_ORDER },
  });
  const job = await db().scheduledJob.findFirstOrThrow({ where: { shop } });
  await recordOrderAttribution(shop, {
    orderId: SAME_ORDER,
    orderName: "#1001",
    conversationId: conversation.id,
    contactId: contact.id,
    phone: `+${SAME_WA}`,
    totalAmount: "10.00",
    currencyCode: "SAR",
  });
  await recordCheckout(shop, {
    conversationId: conversation.id,
    contactId: contact.id,
    draftOrderId: SAME_DRAFT,
    invoiceUrl: `https://${shop}/invoice`,
    lines: [],
    totalAmount: "10.00",
    currencyCode: "SAR",
  });
  const feedback = await db().feedback.create({
    data: {
      shop,
      orderId: SAME_ORDER,
      contactId: contact.id,
      conversationId: conversation.id,
      rating: 4,
      comment: `${name} ok`,
      outcome: "positive",
      status: "answered",
      answeredAt: at,
    },
  });
  await replaceTemplates(shop, store.accountId, [
    { name: "hello_world", language: "en_US", status: "APPROVED", category: "UTILITY", components: [] },
  ]);
  await recordDataRequest(shop, { phone: SAME_WA }, { contacts: [] });
  await saveAiSettings(shop, {
    enabled: false,
    baseUrl: "https://llm.test/v1",
    model: "m",
    apiKey: `sk-${shop}-secret`,
    systemPrompt: name,
    tone: null,
    storeFacts: null,
    maxReplyChars: 600,
  });
  await recordLlmCall(shop, {
    conversationId: conversation.id,
    purpose: "reply",
    model: "m",
    promptTokens: 10,
    completionTokens: 5,
    latencyMs: 100,
    ok: true,
    error: null,
  });
  const sandbox = await ensureSandboxConversation(shop, {
    waId: SAME_SANDBOX_WA,
    name: `${name} sandbox`,
    language: "en",
    initialState: initialState({ language: "en" }) as unknown as Prisma.InputJsonValue,
  });
  await recordInboundMessage(shop, {
    conversationId: sandbox.conversation.id,
    contactId: sandbox.contact.id,
    wamid: `sandbox.IN.${shop}`,
    type: "text",
    body: { raw: { type: "text", text: { body: `${name} sandbox hi` } } },
    text: `${name} sandbox hi`,
    createdAt: at,
  });
  const webhookId = `wh-${shop}`;
  await claimWebhookDelivery(shop, webhookId, "orders/create");
  return {
    shop,
    store,
    contactId: contact.id,
    conversationId: conversation.id,
    inMessageId: inMessage.id,
    inWamid,
    outMessageId: out.id,
    outWamid,
    eventId: event.id,
    jobId: job.id,
    webhookId,
    feedbackId: feedback.id,
  };
}

interface Ctx {
  a: Seeded;
  b: Seeded;
}

type Kind = "read" | "write" | "global" | "pure";
interface Check {
  kind: Kind;
  /** Runs the function as shop A — with shop A's ids and with shop B's ids — and returns what it read. */
  run: (fn: (...args: never[]) => unknown, ctx: Ctx) => Promise<unknown>;
  /** For global / pure functions: why, and what is checked instead. */
  why?: string;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const windowA = () => ({ shop: A, from: day(-2), to: day(1), timeZone: "UTC" });
// Calls with loose typing: the table maps names to checks, each knows its function's arguments.
type F = (...args: unknown[]) => Promise<unknown>;
const call = (fn: unknown, ...args: unknown[]) => (fn as F)(...args);
const both = async (fn: unknown, make: (s: Seeded) => unknown[], ctx: Ctx) => [
  await call(fn, ...make(ctx.a)),
  await call(fn, ...make(ctx.b)),
];
const swallow = async (p: Promise<unknown>) => p.catch((error: Error) => `threw: ${error.name}`);

/** Shop A's turn written with a seeded shop's conversation, contact and event ids. */
const turnOf = (s: Seeded) => ({
  eventId: s.eventId,
  conversationId: s.conversationId,
  contactId: s.contactId,
  inbound: {
    wamid: `wamid.TURN.${s.shop}.${Math.random()}`,
    type: "text",
    body: { text: "x" },
    text: "x",
    createdAt: new Date(),
  },
  state: { state: { hacked: true }, stateVersion: 1, status: "human", needsAttention: true },
  feedback: null,
  language: "ar",
  replies: [
    {
      accountId: s.store.accountId,
      toWaId: SAME_WA,
      author: "bot",
      type: "text",
      body: { kind: "text", body: "x" },
      text: "x",
      idempotencyKey: `turn:${s.shop}:${Math.random()}`,
    },
  ],
});

/** A retention sweep `(before, limit)` over all shops: with nothing older than the epoch, B's rows stay as they are. */
async function sweepTouchesNothingOfB(fn: (...args: never[]) => unknown) {
  const before = await shopSnapshot(B);
  expect(await call(fn, new Date(0), 1_000)).toBe(0);
  expect(diffSnapshots(before, await shopSnapshot(B))).toEqual([]);
  return null;
}

/** How every exported model function is checked. A new export must be added here. */
const ISOLATION: Record<string, Check> = {
  // accounts.server
  "accounts:credentialsOf": { kind: "pure", why: "opens a row it is given; no query", run: async () => null },
  "accounts:findAccountsByPhoneNumberIds": {
    kind: "global",
    why: "Meta's webhook names a phone_number_id, not a shop: each account comes back with its own shop and secrets",
    run: async (fn, { a, b }) => {
      const rows = (await call(fn, [a.store.phoneNumberId, b.store.phoneNumberId, "unknown"])) as {
        shop: string;
        phoneNumberId: string;
        appSecret: string;
      }[];
      expect(rows.map((r) => [r.phoneNumberId, r.shop, r.appSecret]).sort()).toEqual(
        [
          [a.store.phoneNumberId, A, a.store.appSecret],
          [b.store.phoneNumberId, B, b.store.appSecret],
        ].sort(),
      );
      return null;
    },
  },
  "accounts:getAccountForShop": { kind: "read", run: (fn) => call(fn, A) },
  "accounts:getAccountCredentials": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId], ctx),
  },
  "accounts:accountExistsWithVerifyToken": {
    kind: "global",
    why: "Meta's GET handshake names a verify token, not a shop; tokens are random and unique; it answers a boolean only",
    run: async (fn, { a }) => {
      expect(await call(fn, a.store.verifyToken)).toBe(true);
      expect(await call(fn, "")).toBe(false);
      return null;
    },
  },
  "accounts:upsertAccount": {
    kind: "write",
    run: async (fn, { a, b }) => {
      // Shop A cannot take shop B's number (unique), and its own update touches only its row.
      await swallow(
        call(fn, A, {
          phoneNumberId: b.store.phoneNumberId,
          wabaId: "1",
          verifyToken: "x",
        }) as Promise<unknown>,
      );
      await call(fn, A, {
        phoneNumberId: a.store.phoneNumberId,
        wabaId: "2",
        verifyToken: a.store.verifyToken,
        accessToken: "EAAG-new-token-a",
      });
      return null;
    },
  },
  "accounts:forgetCachedAccounts": {
    kind: "pure",
    why: "clears this process's cache of accounts; no query",
    run: async (fn) => call(fn),
  },
  "accounts:updateAccountProfile": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId, { displayName: "changed" }], ctx),
  },
  // ai.server
  "ai:getAiSettings": { kind: "read", run: (fn) => call(fn, A) },
  "ai:saveAiSettings": {
    kind: "write",
    run: (fn) =>
      call(fn, A, {
        enabled: true,
        baseUrl: "https://llm.test/v1",
        model: "n",
        systemPrompt: "x",
        tone: null,
        storeFacts: null,
        maxReplyChars: 500,
      }),
  },
  "ai:openApiKey": { kind: "pure", why: "opens the sealed key of a row it is given", run: async () => null },
  "ai:recordLlmCall": {
    kind: "write",
    run: (fn, ctx) =>
      both(
        fn,
        (s) => [
          A,
          {
            conversationId: s.conversationId,
            purpose: "reply",
            model: "m",
            promptTokens: 1,
            completionTokens: 1,
            latencyMs: 1,
            ok: true,
            error: null,
          },
        ],
        ctx,
      ),
  },
  "ai:conversationTokensSince": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId, new Date(0)], ctx),
  },
  "ai:llmUsageSince": { kind: "read", run: (fn) => call(fn, A, new Date(0)) },
  "ai:recentConversationMessages": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId], ctx),
  },
  // analytics.server (a window names its shop)
  "analytics:activityStats": { kind: "read", run: (fn) => call(fn, windowA()) },
  "analytics:revenueStats": { kind: "read", run: (fn) => call(fn, windowA()) },
  "analytics:feedbackDaily": { kind: "read", run: (fn) => call(fn, windowA()) },
  "analytics:feedbackTotals": { kind: "read", run: (fn) => call(fn, windowA()) },
  "analytics:responseTimes": { kind: "read", run: (fn) => call(fn, windowA()) },
  "analytics:llmUsage": { kind: "read", run: (fn) => call(fn, windowA()) },
  "analytics:shopExists": { kind: "read", run: (fn) => call(fn, A) },
  // claim.server
  "claim:claimRows": {
    kind: "global",
    why: "the workers' claim over all shops (FOR UPDATE SKIP LOCKED); what is done with a claimed row is shop-scoped (checked with completeInboundEvent, markOutboundSent, finishJob…)",
    run: async () => null,
  },
  "claim:claimRowsSelect": {
    kind: "global",
    why: "claimRows with a read of the claimed rows in the same statement (the sender's claim, checked through claimOutboundMessages below); the reads are the callers' fixed joins",
    run: async () => null,
  },
  "claim:claimSql": {
    kind: "pure",
    why: "builds the claim statement's text; no query",
    run: async () => null,
  },
  "claim:analyzeDecision": {
    kind: "pure",
    why: "when a slow claim re-analyzes its table: numbers in, numbers out; no query",
    run: async () => null,
  },
  "claim:resetClaimStatistics": {
    kind: "global",
    why: "a test hook: forgets when this process last re-analyzed the work tables; no shop data",
    run: async () => null,
  },
  // compliance.server
  "compliance:phoneDigits": { kind: "pure", why: "string → digits", run: async () => null },
  "compliance:findCustomerContacts": {
    kind: "read",
    run: (fn) => call(fn, A, { phone: `+${SAME_WA}`, customerId: null }),
  },
  "compliance:redactCustomer": {
    kind: "write",
    run: (fn) => call(fn, A, { phone: `+${SAME_WA}`, orderIds: [SAME_ORDER] }),
  },
  "compliance:exportCustomerData": {
    kind: "read",
    run: (fn) => call(fn, A, { phone: `+${SAME_WA}`, orderIds: [SAME_ORDER] }),
  },
  "compliance:recordDataRequest": { kind: "write", run: (fn) => call(fn, A, { phone: SAME_WA }, { x: 1 }) },
  "compliance:listDataRequests": { kind: "read", run: (fn) => call(fn, A) },
  // conversations.server
  "conversations:ensureContactAndConversation": {
    kind: "write",
    run: (fn) => call(fn, A, { waId: SAME_WA, name: "New name", initialState: {} }),
  },
  "conversations:ensureContactsAndConversations": {
    kind: "write",
    run: (fn) => call(fn, [{ shop: A, waId: SAME_WA, name: "Newer name", initialState: {} }]),
  },
  "conversations:ensureParams": {
    kind: "pure",
    why: "builds the ensure statement's parameters from the calls it is given (each carries its shop); no query",
    run: async () => null,
  },
  "conversations:getConversation": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId], ctx),
  },
  "conversations:getContact": { kind: "read", run: (fn, ctx) => both(fn, (s) => [A, s.contactId], ctx) },
  "conversations:getContactByWaId": { kind: "read", run: (fn) => call(fn, A, SAME_WA) },
  "conversations:touchInbound": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId, new Date()], ctx),
  },
  "conversations:saveConversationState": {
    kind: "write",
    run: (fn, ctx) =>
      both(
        fn,
        (s) => [A, s.conversationId, { state: { hacked: true }, stateVersion: 1, status: "human" }],
        ctx,
      ),
  },
  "conversations:setConversationStatus": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId, { status: "closed", needsAttention: true }], ctx),
  },
  "conversations:setContactFlags": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.contactId, { blocked: true, optedOut: true }], ctx),
  },
  // inbound-events.server
  "inbound-events:storeInboundEvents": {
    kind: "global",
    why: "each row names its shop (the intake resolved it from phone_number_id); a dedupe key is Meta's global id",
    run: async (fn, { a, b }) => {
      const before = await shopSnapshot(B);
      await call(fn, [
        {
          shop: A,
          phoneNumberId: a.store.phoneNumberId,
          kind: "message",
          dedupeKey: "msg:wamid.NEW.A",
          waId: SAME_WA,
          payload: {},
        },
      ]);
      // The same dedupe key as one of shop B's rows: nothing stored for A, B's row untouched.
      await call(fn, [
        {
          shop: A,
          phoneNumberId: a.store.phoneNumberId,
          kind: "status",
          dedupeKey: `status:${b.outWamid}:delivered`,
          waId: null,
          payload: {},
        },
      ]);
      expect(diffSnapshots(before, await shopSnapshot(B))).toEqual([]);
      return null;
    },
  },
  "inbound-events:insertInboundEvents": {
    kind: "global",
    why: "storeInboundEvents' statement (several webhooks at once): each row names its shop, a dedupe key is Meta's global id",
    run: async (fn, { a, b }) => {
      const before = await shopSnapshot(B);
      const row = (kind: string, dedupeKey: string) => ({
        shop: A,
        phoneNumberId: a.store.phoneNumberId,
        kind,
        dedupeKey,
        waId: kind === "message" ? SAME_WA : null,
        payload: {},
      });
      // Shop B's dedupe key in one webhook of the batch: that item is not stored for A, B's row is untouched.
      expect(
        await call(fn, [
          [row("message", "msg:wamid.NEW.A2")],
          [row("status", `status:${b.outWamid}:delivered`)],
        ]),
      ).toEqual([1, 0]);
      expect(diffSnapshots(before, await shopSnapshot(B))).toEqual([]);
      return null;
    },
  },
  "inbound-events:deleteProcessedInboundEvents": {
    kind: "global",
    why: "the retention sweep over all shops: it deletes by status and age only (tests/retention.test.ts), never a row still to process",
    run: sweepTouchesNothingOfB,
  },
  "inbound-events:claimInboundEvents": {
    kind: "global",
    why: "the inbox worker's claim over all shops; each claimed row keeps its shop, processing is shop-scoped",
    run: async (fn) => {
      const rows = (await call(fn, 50, 1)) as { shop: string }[];
      for (const r of rows) expect([A, B]).toContain(r.shop);
      return null;
    },
  },
  "inbound-events:completeInboundEvent": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.eventId, "ignored"], ctx),
  },
  "inbound-events:failInboundEvent": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.eventId, "boom", { delayMs: 1, final: true }], ctx),
  },
  "inbound-events:countInboundEvents": { kind: "read", run: (fn) => call(fn, A) },
  // inbox.server
  "inbox:toPrefixTsQuery": { kind: "pure", why: "search text → tsquery", run: async () => null },
  "inbox:searchConversationIds": {
    kind: "read",
    run: async (fn) => [
      await call(fn, A, { filter: "all", limit: 25 }),
      await call(fn, A, { filter: "all", search: "Sara", limit: 25 }),
      await call(fn, A, { filter: "all", search: B_MARKER, limit: 25 }),
      await call(fn, A, { filter: "all", search: SAME_WA, limit: 25 }),
    ],
  },
  "inbox:getConversationsWithContacts": {
    kind: "read",
    run: (fn, { a, b }) => call(fn, A, [a.conversationId, b.conversationId]),
  },
  "inbox:lastMessages": {
    kind: "read",
    run: async (fn, { a, b }) => [
      ...((await call(fn, A, [a.conversationId, b.conversationId])) as Map<string, unknown>),
    ],
  },
  "inbox:inboxCounts": { kind: "read", run: (fn) => call(fn, A) },
  "inbox:getConversationWithContact": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId], ctx),
  },
  "inbox:threadMessages": { kind: "read", run: (fn, ctx) => both(fn, (s) => [A, s.conversationId, 50], ctx) },
  "inbox:getMessage": { kind: "read", run: (fn, ctx) => both(fn, (s) => [A, s.inMessageId], ctx) },
  "inbox:updateConversation": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId, { status: "human", state: { x: 1 } }], ctx),
  },
  "inbox:clearUnread": { kind: "write", run: (fn, ctx) => both(fn, (s) => [A, s.conversationId], ctx) },
  "inbox:touchConversation": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId, new Date()], ctx),
  },
  "inbox:setContact": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.contactId, { blocked: true, botEnabled: false }], ctx),
  },
  "inbox:listFeedback": { kind: "read", run: (fn) => call(fn, A, { limit: 25 }) },
  "inbox:contactsByIds": {
    kind: "read",
    run: async (fn, { a, b }) => [
      ...((await call(fn, A, [a.contactId, b.contactId])) as Map<string, unknown>),
    ],
  },
  "inbox:existingConversationIds": {
    kind: "read",
    run: async (fn, { a, b }) => [
      ...((await call(fn, A, [a.conversationId, b.conversationId])) as Set<string>),
    ],
  },
  // jobs.server
  "jobs:scheduleJob": {
    kind: "write",
    run: (fn) =>
      call(fn, A, {
        kind: "feedback_request",
        dedupeKey: `feedback:${A}:other`,
        runAt: new Date(),
        payload: {},
      }),
  },
  "jobs:claimDueJobs": {
    kind: "global",
    why: "the scheduler's claim over all shops; finishJob / retryJob are shop-scoped",
    run: async (fn) => {
      for (const r of (await call(fn, 50, 1)) as { shop: string }[]) expect([A, B]).toContain(r.shop);
      return null;
    },
  },
  "jobs:finishJob": { kind: "write", run: (fn, ctx) => both(fn, (s) => [A, s.jobId, "skipped", "x"], ctx) },
  "jobs:retryJob": { kind: "write", run: (fn, ctx) => both(fn, (s) => [A, s.jobId, "x", null], ctx) },
  "jobs:listJobs": { kind: "read", run: (fn) => call(fn, A) },
  "jobs:deleteFinishedJobs": {
    kind: "global",
    why: "the retention sweep over all shops: it deletes finished jobs by age only (tests/retention.test.ts), never a pending one",
    run: sweepTouchesNothingOfB,
  },
  // messages.server
  "messages:recordInboundMessage": {
    kind: "write",
    run: async (fn, { a, b }) => [
      // shop B's wamid (globally unique at Meta) cannot be recorded for A, and B's row stays.
      await call(fn, A, {
        conversationId: a.conversationId,
        contactId: a.contactId,
        wamid: b.inWamid,
        type: "text",
        body: {},
        text: "x",
        createdAt: new Date(),
      }),
      await call(fn, A, {
        conversationId: a.conversationId,
        contactId: a.contactId,
        wamid: "wamid.NEW.IN.A",
        type: "text",
        body: {},
        text: "x",
        createdAt: new Date(),
      }),
    ],
  },
  "messages:inboundMessageExists": { kind: "read", run: (fn, ctx) => both(fn, (s) => [A, s.inWamid], ctx) },
  "messages:queueOutboundMessages": {
    kind: "write",
    run: (fn, { a, b }) =>
      // shop B's idempotency key is global: the row is skipped, B's row stays as it is.
      call(fn, A, [
        {
          conversationId: a.conversationId,
          contactId: a.contactId,
          accountId: a.store.accountId,
          toWaId: SAME_WA,
          author: "merchant",
          type: "text",
          body: {},
          text: "x",
          idempotencyKey: `seed:${b.shop}:1`,
        },
        {
          conversationId: a.conversationId,
          contactId: a.contactId,
          accountId: a.store.accountId,
          toWaId: SAME_WA,
          author: "merchant",
          type: "text",
          body: {},
          text: "x",
          idempotencyKey: "new:A:0",
        },
      ]),
  },
  "messages:commitInboundTurn": {
    kind: "write",
    // Shop A's turn written with shop B's conversation, contact and event ids: none of B's rows changes.
    run: (fn, ctx) => both(fn, (s) => [A, turnOf(s)], ctx),
  },
  "messages:commitInboundTurns": {
    kind: "write",
    // Several turns in one statement, each scoped by its own shop: A's turns with B's ids change none of B's rows,
    // also when the replies are stored claimed (send on commit).
    run: (fn, ctx) => both(fn, (s) => [[{ shop: A, turn: { ...turnOf(s), sendNowLeaseMs: 60_000 } }]], ctx),
  },
  "messages:claimOutboundMessages": {
    kind: "global",
    why: "the sender's claim over all shops, each message's recipient read in its own shop (joined on shop and contact id); markOutboundSent / reschedule / fail are shop-scoped",
    run: async (fn) => {
      for (const r of (await call(fn, 50, 1)) as { shop: string }[]) expect([A, B]).toContain(r.shop);
      return null;
    },
  },
  "messages:markOutboundSent": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.outMessageId, `wamid.MARK.${Math.random()}`, new Date()], ctx),
  },
  "messages:markOutboundSentRows": {
    kind: "write",
    run: (fn, ctx) =>
      both(
        fn,
        (s) => [[{ shop: A, id: s.outMessageId, wamid: `wamid.MARKS.${Math.random()}`, at: new Date() }]],
        ctx,
      ),
  },
  "messages:rescheduleOutbound": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.outMessageId, new Date(), { title: "x" }], ctx),
  },
  "messages:markOutboundSandboxDelivered": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.outMessageId, new Date()], ctx),
  },
  // sandbox.server ("Test your bot")
  "sandbox:NotASandboxContact": { kind: "pure", why: "an error class; no query", run: async () => null },
  "sandbox:ensureSandboxConversation": {
    kind: "write",
    run: async (fn) => [
      await call(fn, A, { waId: SAME_SANDBOX_WA, name: "renamed", language: "ar", initialState: {} }),
      // A real contact's wa_id (shop B has the same one) is refused, never turned into a sandbox.
      await swallow(
        call(fn, A, { waId: SAME_WA, name: "x", language: "en", initialState: {} }) as Promise<unknown>,
      ),
    ],
  },
  "sandbox:sandboxThread": {
    kind: "read",
    run: async (fn) => [await call(fn, A, SAME_SANDBOX_WA), await call(fn, A, SAME_WA)],
  },
  "sandbox:deleteSandboxConversation": {
    kind: "write",
    run: async (fn) => [await call(fn, A, SAME_SANDBOX_WA), await call(fn, A, SAME_WA)],
  },
  "messages:markOutboundFailed": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.outMessageId, { title: "x" }, new Date()], ctx),
  },
  "messages:applyMessageStatus": {
    kind: "write",
    // The status's biz_opaque_callback_data names the other shop's message too: nothing is attached to it.
    run: (fn, ctx) => both(fn, (s) => [A, s.outWamid, "read", new Date(), {}, s.outMessageId], ctx),
  },
  "messages:listConversationMessages": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.conversationId], ctx),
  },
  // migrate.server
  "migrate:listMigrations": { kind: "global", why: "the schema, no shop data", run: async () => null },
  "migrate:migrate": { kind: "global", why: "the schema, no shop data", run: async () => null },
  // orders.server
  "orders:recordOrderAttribution": {
    kind: "write",
    run: (fn, { a }) =>
      call(fn, A, { orderId: SAME_ORDER, conversationId: a.conversationId, contactId: a.contactId }),
  },
  "orders:getOrderAttribution": { kind: "read", run: (fn) => call(fn, A, SAME_ORDER) },
  "orders:markOrderFulfilled": { kind: "write", run: (fn) => call(fn, A, SAME_ORDER, new Date()) },
  "orders:recordCheckout": {
    kind: "write",
    run: (fn, { a }) =>
      call(fn, A, {
        conversationId: a.conversationId,
        contactId: a.contactId,
        draftOrderId: SAME_DRAFT,
        invoiceUrl: "x",
        lines: [],
      }),
  },
  // settings.server
  "settings:getOrCreateShopSettings": { kind: "read", run: (fn) => call(fn, A) },
  "settings:saveBotSettings": {
    kind: "write",
    run: (fn) => call(fn, A, { botEnabled: false, defaultLanguage: "ar" }),
  },
  "settings:findShopAccount": { kind: "read", run: (fn) => call(fn, A) },
  "settings:setVerifyToken": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId, `token-${Math.random()}`], ctx),
  },
  "settings:clearAccountProfile": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId], ctx),
  },
  "settings:hasReceivedWebhook": { kind: "read", run: (fn) => call(fn, A) },
  "settings:replaceTemplates": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId, []], ctx),
  },
  "settings:listTemplates": { kind: "read", run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId], ctx) },
  "settings:findTemplate": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId, "hello_world", "en_US"], ctx),
  },
  "settings:lastTemplateSync": {
    kind: "read",
    run: (fn, ctx) => both(fn, (s) => [A, s.store.accountId], ctx),
  },
  // shops.server
  "shops:ensureShop": { kind: "write", run: (fn) => call(fn, A, { name: "A again" }) },
  "shops:getShop": { kind: "read", run: (fn) => call(fn, A) },
  "shops:shopFromJson": {
    kind: "pure",
    why: "turns a row read as JSON back into a Shop; no query",
    run: async () => null,
  },
  "shops:updateShop": { kind: "write", run: (fn) => call(fn, A, { name: "A renamed" }) },
  "shops:incrementNeedsAttention": { kind: "write", run: (fn) => call(fn, A) },
  "shops:markShopUninstalled": { kind: "write", run: (fn) => call(fn, A, new Date()) },
  "shops:deleteShopData": { kind: "write", run: (fn) => call(fn, A) },
  // text.server
  "text:storableText": { kind: "pure", why: "string → string", run: async () => null },
  // webhook-deliveries.server
  "webhook-deliveries:claimWebhookDelivery": {
    kind: "write",
    run: (fn, ctx) =>
      // X-Shopify-Webhook-Id is global (Shopify's UUID): shop A claiming B's id is refused, B's claim stays.
      both(fn, (s) => [A, s.webhookId, "orders/create"], ctx),
  },
  "webhook-deliveries:deleteOldWebhookDeliveries": {
    kind: "global",
    why: "the retention sweep over all shops: it deletes delivery claims by age only (tests/retention.test.ts), long after Shopify's retries end",
    run: sweepTouchesNothingOfB,
  },
  "webhook-deliveries:releaseWebhookDelivery": {
    kind: "write",
    run: (fn, ctx) => both(fn, (s) => [A, s.webhookId], ctx),
  },
};

/** Every route, exercised as shop A below or with the reason it holds no shop data. */
const ROUTES: Record<string, string> = {
  "_index.tsx": "public landing page (login form); no shop data",
  "app._index.tsx": "exercised: analytics of shop A only",
  "app.assistant.tsx": "exercised: loader and save as shop A",
  "app.feedback.tsx": "exercised: shop A's feedback only",
  "app.inbox.$id.events.tsx": "exercised: shop B's conversation id → 404",
  "app.inbox.$id.tsx": "exercised: shop B's conversation id → 404 (loader and every action)",
  "app.inbox._index.tsx": "empty state of the inbox (no loader)",
  "app.inbox.tsx":
    "exercised: shop A's conversations only (and searching shop B's name / phone finds nothing of B)",
  "app.media.$id.tsx": "exercised: shop B's message id → 404",
  "app.settings.tsx": "exercised: loader and save as shop A",
  "app.test-bot.tsx": "exercised: loader as shop A (its own name and settings)",
  "app.test-bot.sandbox.tsx":
    "exercised: the sandbox id both shops use → only A's thread; A's reset and send never touch B's",
  "app.tsx": "layout: authenticates, no shop data",
  "auth.$.tsx": "OAuth callback of the library; no shop data of ours",
  "auth.login.tsx": "login form; no shop data",
  "healthz.tsx": "health; no shop data",
  "simulator._index.tsx": "demo only (404 outside demo mode); checked in tests/demo*.test.ts",
  "simulator.admin.open.tsx": "demo only",
  "simulator.admin.tsx": "demo only",
  "simulator.api.messages.tsx": "demo only",
  "simulator.api.orders.tsx": "demo only",
  "simulator.api.send.tsx": "demo only",
  "simulator.api.shoppers.tsx": "demo only",
  "simulator.api.thread.tsx": "demo only",
  "simulator.app-bridge[.]js.tsx": "demo only (static script)",
  "webhooks.app.scopes_update.tsx": "exercised: shop A's webhook",
  "webhooks.app.uninstalled.tsx": "exercised: shop A uninstalls, shop B's sessions and bot stay",
  "webhooks.customers.data_request.tsx": "exercised: the same phone in both shops, only A's data exported",
  "webhooks.customers.redact.tsx": "exercised: the same phone in both shops, only A's data deleted",
  "webhooks.orders.create.tsx": "exercised: the same order id in both shops",
  "webhooks.orders.fulfilled.tsx": "exercised: the same order id in both shops",
  "webhooks.products.update.tsx": "exercised: only shop A's catalog cache is dropped",
  "webhooks.shop.redact.tsx": "exercised: shop A's rows all go, shop B's all stay",
  "webhooks.whatsapp.tsx":
    "exercised: a webhook to shop A's number (same shopper phone as in B) never touches B",
};

const figures = {
  modelFunctions: 0,
  reads: 0,
  writes: 0,
  global: 0,
  pure: 0,
  routes: 0,
  flows: 0,
  checks: 0,
  findings: [] as string[],
};

async function loadModelFunctions(): Promise<{ key: string; fn: (...args: never[]) => unknown }[]> {
  const dir = path.resolve(__dirname, "../../app/adapters/db");
  const out: { key: string; fn: (...args: never[]) => unknown }[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".server.ts"))
    .sort()) {
    const mod = (await import(/* @vite-ignore */ path.join(dir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (typeof value === "function")
        out.push({
          key: `${file.replace(/\.server\.ts$/, "")}:${name}`,
          fn: value as (...args: never[]) => unknown,
        });
  }
  return out;
}

/** JSON for comparing answers: ids of the run's rows and timestamps are kept (the same rows must come back). */
function stable(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v) =>
      typeof v === "bigint" ? v.toString() : v instanceof Map ? [...v] : v instanceof Set ? [...v] : v,
    ) ?? "undefined"
  );
}

async function seedBoth(): Promise<Ctx> {
  await cache().delPrefix("");
  return { a: await seedShop(A, 1), b: await seedShop(B, 2) };
}

afterAll(() => {
  recordFigures("isolation", { title: "Tenant isolation", ...figures, findings: figures.findings });
});

describe("tenant isolation: model functions", () => {
  let functions: { key: string; fn: (...args: never[]) => unknown }[] = [];
  beforeAll(async () => {
    functions = await loadModelFunctions();
  });

  it("every exported model function has an isolation check (a new one without a check fails here)", () => {
    const missing = functions.map((f) => f.key).filter((k) => !ISOLATION[k]);
    const stale = Object.keys(ISOLATION).filter((k) => !functions.some((f) => f.key === k));
    expect(missing, "add these to ISOLATION in tests/resilience/isolation.test.ts").toEqual([]);
    expect(stale, "these are no longer exported: remove them from ISOLATION").toEqual([]);
    figures.modelFunctions = functions.length;
  });

  it("reads: shop A gets the same answer whether shop B exists or not, and never a row of shop B", async () => {
    const ctx = await seedBoth();
    const reads = functions.filter((f) => ISOLATION[f.key]?.kind === "read");
    const withB = new Map<string, string>();
    for (const f of reads) withB.set(f.key, stable(await ISOLATION[f.key].run(f.fn, ctx)));
    for (const [key, text] of withB) {
      expect(text, `${key} returned shop B's data`).not.toContain(B_MARKER);
      expect(text, `${key} returned shop B's data`).not.toContain(`"shop":"${B}"`);
    }
    // shop/redact for B: every table emptied of B, A's answers unchanged.
    await deleteShopData(B);
    const leftOfB = await shopSnapshot(B);
    expect(
      Object.entries(leftOfB).filter(([, v]) => !v.startsWith("0:")),
      "shop/redact left rows of shop B",
    ).toEqual([]);
    for (const f of reads) {
      const without = stable(await ISOLATION[f.key].run(f.fn, ctx));
      expect(without, `${f.key}: shop A's answer depends on shop B's rows`).toBe(withB.get(f.key));
      figures.checks++;
    }
    figures.reads = reads.length;
  });

  it("writes: with shop A's ids and with shop B's ids passed as shop A, no row of shop B changes", async () => {
    const writes = functions.filter((f) => ISOLATION[f.key]?.kind === "write");
    // deleteShopData last: it empties shop A.
    writes.sort(
      (x, y) => Number(x.key === "shops:deleteShopData") - Number(y.key === "shops:deleteShopData"),
    );
    for (const f of writes) {
      await truncateAll();
      const ctx = await seedBoth();
      const before = await shopSnapshot(B);
      await swallow(Promise.resolve(ISOLATION[f.key].run(f.fn, ctx)));
      expect(diffSnapshots(before, await shopSnapshot(B)), `${f.key} changed shop B's rows`).toEqual([]);
      figures.checks++;
    }
    figures.writes = writes.length;
  });

  it("global by design: each has its own check", async () => {
    const ctx = await seedBoth();
    const globals = functions.filter((f) => ["global", "pure"].includes(ISOLATION[f.key]?.kind));
    for (const f of globals) {
      expect(ISOLATION[f.key].why, `${f.key} needs a reason`).toBeTruthy();
      await ISOLATION[f.key].run(f.fn, ctx);
      figures.checks++;
    }
    figures.global = globals.filter((f) => ISOLATION[f.key].kind === "global").length;
    figures.pure = globals.filter((f) => ISOLATION[f.key].kind === "pure").length;
  });
});

describe("tenant isolation: routes and flows", () => {
  it("every route is listed (a new route without a decision fails here)", () => {
    const routes = readdirSync(path.resolve(__dirname, "../../app/routes")).filter(
      (f) => f.endsWith(".tsx") && !f.includes(".test."),
    );
    expect(
      routes.filter((r) => !ROUTES[r]),
      "add these to ROUTES in tests/resilience/isolation.test.ts",
    ).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r))).toEqual([]);
    figures.routes = routes.length;
  });

  it("admin routes as shop A: shop B's ids are not found, shop B's rows never change or show", async () => {
    const ctx = await seedBoth();
    server.use(
      ...graph.handlers,
      ...createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: A }), { catchAll: true }),
    );
    // The seeds' queued replies would go out with the merchant's (the sender serves every shop).
    await database().raw.exec(`UPDATE "Message" SET status = 'cancelled' WHERE status = 'queued'`);
    const routes = {
      inbox: { loader: inboxLoader },
      thread: { loader: threadLoader, action: threadAction },
      events: { loader: eventsLoader },
      media: { loader: mediaLoader },
      feedback: { loader: feedbackLoader },
      analytics: { loader: analyticsLoader },
      settings: { loader: settingsLoader },
      assistant: { loader: assistantLoader, action: assistantAction },
    };
    const before = await shopSnapshot(B);
    const expectStatus = async (label: string, response: Promise<Response>, status: number | null) => {
      const r = await response;
      // The search box echoes what was typed: only the data around it counts.
      const text = (await r.text().catch(() => "")).replaceAll(`"q":"${B_MARKER}"`, "");
      if (status !== null) expect(r.status, label).toBe(status);
      expect(r.status, label).toBeLessThan(500);
      expect(text, `${label}: shop B's data in shop A's page`).not.toContain(B_MARKER);
      expect(text).not.toContain(ctx.b.conversationId);
      figures.checks++;
    };
    const id = { id: ctx.b.conversationId };
    await expectStatus(
      "thread loader, B's id",
      callRoute(routes.thread.loader, adminRequest(A, `/app/inbox/${ctx.b.conversationId}`), id),
      404,
    );
    for (const intent of ["takeOver", "giveBack", "markRead", "block", "unblock", "botOn", "botOff"])
      await expectStatus(
        `thread ${intent}, B's id`,
        callRoute(
          routes.thread.action,
          adminRequest(A, `/app/inbox/${ctx.b.conversationId}`, { form: { intent } }),
          id,
        ),
        404,
      );
    await expectStatus(
      "thread reply, B's id",
      callRoute(
        routes.thread.action,
        adminRequest(A, `/app/inbox/${ctx.b.conversationId}`, { form: { intent: "reply", text: "hi" } }),
        id,
      ),
      404,
    );
    await expectStatus(
      "thread template, B's id",
      callRoute(
        routes.thread.action,
        adminRequest(A, `/app/inbox/${ctx.b.conversationId}`, {
          form: { intent: "template", name: "hello_world", language: "en_US" },
        }),
        id,
      ),
      404,
    );
    await expectStatus(
      "events, B's id",
      callRoute(routes.events.loader, adminRequest(A, `/app/inbox/${ctx.b.conversationId}/events`), id),
      404,
    );
    await expectStatus(
      "media, B's message",
      callRoute(routes.media.loader, adminRequest(A, `/app/media/${ctx.b.inMessageId}`), {
        id: ctx.b.inMessageId,
      }),
      404,
    );
    for (const q of ["", `?q=${encodeURIComponent(B_MARKER)}`, `?q=${SAME_WA}`, "?filter=human"])
      await expectStatus(
        `inbox ${q}`,
        callRoute(routes.inbox.loader, adminRequest(A, `/app/inbox${q}`)),
        200,
      );
    await expectStatus(
      "inbox with B's id open",
      callRoute(routes.inbox.loader, adminRequest(A, `/app/inbox/${ctx.b.conversationId}`), id),
      200,
    );
    await expectStatus("feedback", callRoute(routes.feedback.loader, adminRequest(A, "/app/feedback")), 200);
    await expectStatus("analytics", callRoute(routes.analytics.loader, adminRequest(A, "/app")), 200);
    await expectStatus("settings", callRoute(routes.settings.loader, adminRequest(A, "/app/settings")), 200);
    await expectStatus(
      "assistant",
      callRoute(routes.assistant.loader, adminRequest(A, "/app/assistant")),
      200,
    );
    await expectStatus("test your bot", callRoute(testBotLoader, adminRequest(A, "/app/test-bot")), 200);
    await expectStatus(
      "sandbox thread, the id B uses too",
      callRoute(sandboxLoader, adminRequest(A, `/app/test-bot/sandbox?sandbox=${SAME_SANDBOX_ID}`)),
      200,
    );
    await expectStatus(
      "sandbox send, the id B uses too",
      callRoute(
        sandboxAction,
        adminRequest(A, "/app/test-bot/sandbox", {
          form: { intent: "send", sandboxId: SAME_SANDBOX_ID, name: "A", language: "en", text: "hi" },
        }),
      ),
      202,
    );
    await expectStatus(
      "sandbox reset, the id B uses too",
      callRoute(
        sandboxAction,
        adminRequest(A, "/app/test-bot/sandbox", { form: { intent: "reset", sandboxId: SAME_SANDBOX_ID } }),
      ),
      200,
    );
    // Shop A's own actions on its own conversation never reach B's conversation with the same shopper.
    for (const intent of ["takeOver", "block", "unblock", "botOff", "botOn", "giveBack", "markRead"])
      await expectStatus(
        `thread ${intent}, A's id`,
        callRoute(
          routes.thread.action,
          adminRequest(A, `/app/inbox/${ctx.a.conversationId}`, { form: { intent } }),
          { id: ctx.a.conversationId },
        ),
        200,
      );
    await expectStatus(
      "reply on A's",
      callRoute(
        routes.thread.action,
        adminRequest(A, `/app/inbox/${ctx.a.conversationId}`, { form: { intent: "reply", text: "hello" } }),
        { id: ctx.a.conversationId },
      ),
      200,
    );
    await sendOutboxBatch();
    expect(diffSnapshots(before, await shopSnapshot(B))).toEqual([]);
    figures.flows++;
  });

  it("a WhatsApp webhook for shop A's number (the same shopper is in shop B) never touches shop B", async () => {
    const ctx = await seedBoth();
    server.use(...graph.handlers);
    graph.reset();
    // The seeds' queued replies would go out too (the sender serves every shop): not this test's subject.
    await database().raw.exec(`UPDATE "Message" SET status = 'cancelled' WHERE status = 'queued'`);
    const before = await shopSnapshot(B);
    for (const text of ["hi", "menu", "help", "human"]) {
      const r = await callRoute(
        whatsappWebhook,
        whatsappWebhookRequest(
          inboundPayload(ctx.a.store.phoneNumberId, SAME_WA, textMessage(text), { name: "Sara" }),
          ctx.a.store.appSecret,
        ),
      );
      expect(r.status).toBe(200);
      for (let i = 0; i < 10 && (await processInboxBatch()) + (await sendOutboxBatch()) > 0; i++);
    }
    expect(graph.sent.length).toBeGreaterThan(0);
    expect(graph.sent.every((s) => s.phoneNumberId === ctx.a.store.phoneNumberId)).toBe(true);
    expect(diffSnapshots(before, await shopSnapshot(B))).toEqual([]);
    figures.flows++;
  });

  it("Shopify webhooks for shop A with an order id and a customer both shops have: shop B intact", async () => {
    const ctx = await seedBoth();
    const before = await shopSnapshot(B);
    const webhooks: [string, (args: never) => unknown, unknown][] = [
      [
        "orders/create",
        ordersCreate,
        {
          ...shopifyFixture("orders__create"),
          admin_graphql_api_id: SAME_ORDER,
          note_attributes: [{ name: "hala_conversation_id", value: ctx.b.conversationId }],
        },
      ],
      [
        "orders/fulfilled",
        ordersFulfilled,
        { ...shopifyFixture("orders__fulfilled"), admin_graphql_api_id: SAME_ORDER, phone: `+${SAME_WA}` },
      ],
      ["products/update", productsUpdate, { id: 1 }],
      ["app/scopes_update", scopesUpdate, shopifyFixture("app__scopes_update")],
      [
        "customers/data_request",
        dataRequest,
        {
          ...shopifyFixture("customers__data_request"),
          customer: { id: 1, phone: `+${SAME_WA}` },
          orders_requested: [SAME_ORDER],
        },
      ],
      [
        "customers/redact",
        customersRedact,
        {
          ...shopifyFixture("customers__redact"),
          customer: { id: 1, phone: `+${SAME_WA}` },
          orders_to_redact: ["820982911946154508"],
        },
      ],
      ["app/uninstalled", appUninstalled, shopifyFixture("app__uninstalled")],
      ["shop/redact", shopRedact, shopifyFixture("shop__redact")],
    ];
    await cache().set(`catalog:${B}:x`, "B's catalog");
    for (const [topic, action, payload] of webhooks) {
      const r = await callRoute(action, shopifyWebhookRequest(topic, payload, { shop: A }));
      expect(r.status, topic).toBe(200);
      expect(diffSnapshots(before, await shopSnapshot(B)), `${topic} for shop A changed shop B`).toEqual([]);
      figures.checks++;
    }
    // products/update dropped no cache entry of B.
    expect(await cache().get(`catalog:${B}:x`)).toBe("B's catalog");
    // shop/redact for A left nothing of A.
    const leftOfA = await shopSnapshot(A);
    expect(Object.entries(leftOfA).filter(([, v]) => !v.startsWith("0:"))).toEqual([]);
    figures.flows++;
  });

  it("an order both shops have: each shopper gets their own confirmation (idempotency keys are per shop)", async () => {
    const ctx = await seedBoth();
    const action = ordersCreate;
    for (const s of [ctx.a, ctx.b]) {
      const payload = {
        ...shopifyFixture("orders__create"),
        admin_graphql_api_id: `${SAME_ORDER}0`,
        note_attributes: [{ name: "hala_conversation_id", value: s.conversationId }],
      };
      expect(
        (await callRoute(action, shopifyWebhookRequest("orders/create", payload, { shop: s.shop }))).status,
      ).toBe(200);
    }
    const { raw } = database();
    const rows = await raw.query<{ shop: string; n: number }>(
      `SELECT shop, count(*)::int AS n FROM "Message" WHERE author = 'system' AND direction = 'out' GROUP BY shop ORDER BY shop`,
    );
    expect(rows).toEqual([
      { shop: A, n: 1 },
      { shop: B, n: 1 },
    ]);
    figures.flows++;
  });
});
