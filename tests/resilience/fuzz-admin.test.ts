/**
 * Bad input at every admin form action and the admin loaders that read the URL, with a valid session token
 * (tests/helpers/session-token.ts): app.settings (save, test connection, verify token, templates),
 * app.inbox.$id (take over, give back, reply, template, block, bot on/off, mark read), app.assistant
 * (save, preview), and the loaders of app.inbox (search, filters, cursors), app.inbox.$id, app.feedback,
 * app.media.$id, app._index (analytics range); app.test-bot.sandbox (Test your bot: send, reset, thread).
 *
 * Invariants: never a 5xx; a refused request (4xx) changes no table; shop B's rows never change and shop B's
 * data never appears in shop A's responses; requests without a valid session token are refused (401) and
 * change nothing.
 */
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ensureContactAndConversation, touchInbound } from "~/adapters/db/conversations.server";
import { cache } from "~/cache.server";
import { db } from "~/db.server";
import { action as assistantAction, loader as assistantLoader } from "~/routes/app.assistant";
import { loader as analyticsLoader } from "~/routes/app._index";
import { loader as feedbackLoader } from "~/routes/app.feedback";
import { action as threadAction, loader as threadLoader } from "~/routes/app.inbox.$id";
import { loader as inboxLoader } from "~/routes/app.inbox";
import { loader as mediaLoader } from "~/routes/app.media.$id";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import { action as sandboxAction, loader as sandboxLoader } from "~/routes/app.test-bot.sandbox";
import { setupTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/remix";
import { adminRequest, sessionToken } from "../helpers/session-token";
import { seedStore, type TestStore } from "../helpers/whatsapp";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { createGraphApiFake } from "../mocks/graph-api";
import { createLlmFake, FAKE_LLM_BASE_URL } from "../mocks/llm";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers } from "../mocks/shopify-admin";
import { recordFigures } from "./support/figures";
import {
  dbSnapshot,
  diffSnapshots,
  EDGE_STRINGS,
  FUZZ_SEED,
  hostileString,
  runs,
  shopSnapshot,
  shortRepr,
  Tally,
} from "./support/fuzz";
import { classify } from "./support/known";

setupTestDatabase();

const A = "admin-fuzz-a.myshopify.com";
const B = "admin-fuzz-b.myshopify.com";
/** Marks shop B's data: it must never appear in a response to shop A. */
const B_MARKER = "ZZ-SHOP-B-PRIVATE-ZZ";
const graph = createGraphApiFake({
  templates: [
    {
      name: "hello_world",
      language: "en_US",
      status: "APPROVED",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Hello {{1}}" }],
    },
  ],
});
const llm = createLlmFake();
let a: TestStore;
let b: TestStore;
let conversationA = "";
let conversationB = "";
let messageB = "";

beforeEach(async () => {
  last = {};
  await cache().delPrefix("");
  graph.reset();
  server.use(
    ...graph.handlers,
    ...llm.handlers,
    ...createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: A }), { catchAll: true }),
  );
  a = await seedStore({
    shop: A,
    phoneNumberId: "106540352211111",
    appSecret: "secret-a-123456",
    accessToken: "EAAG-token-of-a",
  });
  b = await seedStore({
    shop: B,
    phoneNumberId: "106540352222222",
    appSecret: "secret-b-123456",
    accessToken: "EAAG-token-of-b",
  });
  graph.addPhoneNumber(a.phoneNumberId, { displayPhoneNumber: "+966 11 000 0001", verifiedName: "Shop A" });
  for (const [shop, name] of [
    [A, "Shopper of A"],
    [B, `${B_MARKER} shopper`],
  ] as const) {
    const { contact, conversation } = await ensureContactAndConversation(shop, {
      waId: "966500000099",
      name,
      initialState: {},
    });
    await touchInbound(shop, conversation.id, new Date());
    const message = await db().message.create({
      data: {
        shop,
        conversationId: conversation.id,
        contactId: contact.id,
        direction: "in",
        author: "shopper",
        type: "image",
        body: { event: { type: "media", kind: "image", mediaId: "media-1" } },
        text: `${shop === B ? B_MARKER : "hello"} text`,
        status: "received",
      },
    });
    await db().feedback.create({
      data: {
        shop,
        orderId: "gid://shopify/Order/1",
        contactId: contact.id,
        conversationId: conversation.id,
        rating: 2,
        comment: shop === B ? B_MARKER : "ok",
        outcome: "negative",
        status: "answered",
      },
    });
    if (shop === A) conversationA = conversation.id;
    else {
      conversationB = conversation.id;
      messageB = message.id;
    }
  }
});

async function call(
  fn: (args: never) => unknown,
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  try {
    return await callRoute(fn, request, params);
  } catch (error) {
    return new Response(
      `thrown: ${(error as Error)?.name}: ${String((error as Error)?.message ?? error).slice(0, 400)}`,
      { status: 500 },
    );
  }
}

const tally = { actions: new Tally(), loaders: new Tally(), unauthenticated: new Tally() };
const knownSeen: Record<string, number> = {};
const reported: string[] = [];
let isolationChecks = 0;
let last: { all?: Record<string, string>; b?: Record<string, string> } = {};

/** One request as shop A: no 5xx; refused → nothing changed; shop B unchanged and absent from the answer. */
async function check(
  kind: "actions" | "loaders",
  label: string,
  run: () => Promise<Response>,
): Promise<void> {
  const t = tally[kind];
  // The state after the previous case, when it was taken, is this case's state before (nothing else writes
  // between two cases; beforeEach forgets it).
  const before = last.all ?? (await dbSnapshot());
  const beforeB = last.b ?? (await shopSnapshot(B));
  last = {};
  const response = await run();
  t.add(response.status);
  const text = await response.text().catch(() => "");
  if (response.status >= 500) t.violation(`${label}: ${response.status} ${text.slice(0, 500)}`);
  let after: Record<string, string> | undefined;
  if (response.status >= 400) {
    after = await dbSnapshot();
    const changed = diffSnapshots(before, after);
    if (changed.length)
      t.violation(`${label}: refused (${response.status}) but changed ${changed.join(", ")}`);
  }
  isolationChecks++;
  const afterB = await shopSnapshot(B);
  const changedB = diffSnapshots(beforeB, afterB);
  last = { all: after, b: afterB };
  if (changedB.length) t.violation(`${label}: shop A's request changed shop B's ${changedB.join(", ")}`);
  if (text.includes(B_MARKER) || text.includes(b.accessToken) || text.includes(b.appSecret))
    t.violation(`${label}: shop B's data in shop A's response`);
  if (text.includes(a.accessToken) || text.includes(a.appSecret))
    t.violation(`${label}: a secret in the response`);
}

const post = (path: string, form: Record<string, string>) => adminRequest(A, path, { form });

/** A path segment for any string (a lone surrogate cannot be percent-encoded: it becomes U+FFFD, as in a browser). */
const segment = (value: string) =>
  encodeURIComponent(
    value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"),
  );
/** The route param Remix decodes from that segment. */
const param = (value: string) => decodeURIComponent(segment(value));

function fieldValue(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: hostileString() },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "true",
        "false",
        "on",
        "1",
        "0",
        "-1",
        "999999999999999999999",
        "1.5",
        "en",
        "ar",
        "https://example.com/x",
        "hours",
        "days",
        "minutes",
        "hello_world",
        "en_US",
        "{}",
        '{"body:1":"x"}',
        FAKE_LLM_BASE_URL,
      ),
    },
  );
}

/** A form: a chosen intent (valid or not) and any subset of the page's fields with any values. */
function form(intents: string[], fields: string[]): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      intent: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...intents) },
        { weight: 1, arbitrary: hostileString(false) },
      ),
      values: fc.dictionary(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...fields) },
          { weight: 1, arbitrary: hostileString(false) },
        ),
        fieldValue(),
        { maxKeys: fields.length },
      ),
    })
    .map(({ intent, values }) => ({ ...values, intent }));
}

const SETTINGS_FIELDS = [
  "phoneNumberId",
  "wabaId",
  "accessToken",
  "appSecret",
  "botEnabled",
  "defaultLanguage",
  "welcomeMessageEn",
  "welcomeMessageAr",
  "awayMessageEn",
  "awayMessageAr",
  "reviewUrl",
  "feedbackEnabled",
  "feedbackDelayValue",
  "feedbackDelayUnit",
  "feedbackTemplateName",
  "feedbackTemplateLanguage",
  "notifyEmail",
  "notifyWebhookUrl",
  "idleTimeoutMinutes",
];
const THREAD_FIELDS = ["text", "key", "name", "language", "values"];
const ASSISTANT_FIELDS = [
  "enabled",
  "baseUrl",
  "model",
  "apiKey",
  "removeApiKey",
  "systemPrompt",
  "tone",
  "storeFacts",
  "maxReplyChars",
  "message",
  "language",
  "customerName",
];

function expectNoUnknown(...lists: Tally[]) {
  const violations = lists.flatMap((l) => l.violations.splice(0));
  reported.push(...violations.slice(0, 20));
  const { unknown, known } = classify(violations, "admin");
  for (const [id, n] of Object.entries(known)) knownSeen[id] = (knownSeen[id] ?? 0) + n;
  expect(unknown).toEqual([]);
}

afterAll(() => {
  recordFigures("fuzz.admin", {
    title: "Bad input: admin forms and loaders",
    cases: tally.actions.cases + tally.loaders.cases + tally.unauthenticated.cases,
    actions: { cases: tally.actions.cases, statuses: tally.actions.statuses },
    loaders: { cases: tally.loaders.cases, statuses: tally.loaders.statuses },
    unauthenticated: { cases: tally.unauthenticated.cases, statuses: tally.unauthenticated.statuses },
    isolationChecks,
    knownFailures: knownSeen,
    violationsSample: reported.slice(0, 40),
  });
});

describe("admin forms and loaders under hostile input", () => {
  it("valid forms first: the fuzz reaches the real paths (save, connect, reply, template, preview)", async () => {
    const valid: [string, () => Promise<Response>][] = [
      [
        "settings save",
        () =>
          call(
            settingsAction,
            post("/app/settings", {
              intent: "save",
              phoneNumberId: a.phoneNumberId,
              wabaId: "419561257915477",
              botEnabled: "true",
              defaultLanguage: "en",
              feedbackEnabled: "true",
              feedbackDelayValue: "2",
              feedbackDelayUnit: "days",
              idleTimeoutMinutes: "60",
            }),
          ),
      ],
      [
        "settings testConnection",
        () => call(settingsAction, post("/app/settings", { intent: "testConnection" })),
      ],
      [
        "settings syncTemplates",
        () => call(settingsAction, post("/app/settings", { intent: "syncTemplates" })),
      ],
      [
        "settings regenerateVerifyToken",
        () => call(settingsAction, post("/app/settings", { intent: "regenerateVerifyToken" })),
      ],
      [
        "thread reply",
        () =>
          call(
            threadAction,
            post(`/app/inbox/${conversationA}`, { intent: "reply", text: "Hello from the shop" }),
            { id: conversationA },
          ),
      ],
      [
        "thread template",
        () =>
          call(
            threadAction,
            post(`/app/inbox/${conversationA}`, {
              intent: "template",
              name: "hello_world",
              language: "en_US",
              values: '{"body:1":"Sara"}',
            }),
            { id: conversationA },
          ),
      ],
      [
        "thread giveBack",
        () =>
          call(threadAction, post(`/app/inbox/${conversationA}`, { intent: "giveBack" }), {
            id: conversationA,
          }),
      ],
      [
        "assistant save",
        () =>
          call(
            assistantAction,
            post("/app/assistant", {
              intent: "save",
              enabled: "true",
              baseUrl: FAKE_LLM_BASE_URL,
              model: "m",
              apiKey: "sk-test-123456789",
              systemPrompt: "Be nice",
              tone: "",
              storeFacts: "",
              maxReplyChars: "600",
            }),
          ),
      ],
      [
        "assistant preview",
        () =>
          call(
            assistantAction,
            post("/app/assistant", {
              intent: "preview",
              baseUrl: FAKE_LLM_BASE_URL,
              model: "m",
              message: "hi",
              language: "auto",
              maxReplyChars: "600",
              systemPrompt: "",
              tone: "",
              storeFacts: "",
            }),
          ),
      ],
    ];
    for (const [label, run] of valid) await check("actions", label, run);
    const statuses = tally.actions.statuses;
    expect(statuses["200"] ?? 0).toBeGreaterThanOrEqual(7);
    expectNoUnknown(tally.actions);
  });

  it("explicit: every field of a valid form set to every edge string (NUL, RTL marks, zero-width, emoji, oversized…)", async () => {
    const validSettings = {
      intent: "save",
      phoneNumberId: a.phoneNumberId,
      wabaId: "419561257915477",
      botEnabled: "true",
      defaultLanguage: "en",
      feedbackEnabled: "true",
      feedbackDelayValue: "2",
      feedbackDelayUnit: "days",
      idleTimeoutMinutes: "60",
      welcomeMessageEn: "Hi",
      reviewUrl: "https://g.page/r/x",
      notifyEmail: "a@b.co",
    };
    const validAssistant = {
      intent: "save",
      enabled: "true",
      baseUrl: FAKE_LLM_BASE_URL,
      model: "m",
      apiKey: "",
      systemPrompt: "Be nice",
      tone: "warm",
      storeFacts: "Open 9-5",
      maxReplyChars: "600",
    };
    const validPreview = {
      ...validAssistant,
      intent: "preview",
      apiKey: "sk-test-123456789",
      message: "hi",
      language: "auto",
      customerName: "Sara",
    };
    const validReply = { intent: "reply", text: "Hello", key: "abcdefgh12" };
    const validTemplate = {
      intent: "template",
      name: "hello_world",
      language: "en_US",
      values: '{"body:1":"Sara"}',
    };
    const edges = [...EDGE_STRINGS, "x".repeat(70_000)];
    for (const e of edges) {
      for (const field of Object.keys(validSettings).filter((f) => f !== "intent"))
        await check("actions", `settings ${field}=${shortRepr(e, 40)}`, () =>
          call(settingsAction, post("/app/settings", { ...validSettings, [field]: e })),
        );
      for (const field of ["systemPrompt", "tone", "storeFacts", "model", "apiKey", "baseUrl"])
        await check("actions", `assistant ${field}=${shortRepr(e, 40)}`, () =>
          call(assistantAction, post("/app/assistant", { ...validAssistant, [field]: e })),
        );
      for (const field of ["message", "customerName", "systemPrompt"])
        await check("actions", `preview ${field}=${shortRepr(e, 40)}`, () =>
          call(assistantAction, post("/app/assistant", { ...validPreview, [field]: e })),
        );
      await check("actions", `reply text=${shortRepr(e, 40)}`, () =>
        call(
          threadAction,
          post(`/app/inbox/${conversationA}`, { ...validReply, text: e, key: undefined as never }),
          { id: conversationA },
        ),
      );
      await check("actions", `template value=${shortRepr(e, 40)}`, () =>
        call(
          threadAction,
          post(`/app/inbox/${conversationA}`, { ...validTemplate, values: JSON.stringify({ "body:1": e }) }),
          { id: conversationA },
        ),
      );
    }
    expectNoUnknown(tally.actions);
  });

  it("explicit and property: Test your bot (sandbox send and reset, thread loader)", async () => {
    const validSend = { intent: "send", sandboxId: "fuzzsandbox1", name: "Sara", language: "en", text: "hi" };
    for (const e of [...EDGE_STRINGS, "x".repeat(70_000)]) {
      for (const field of ["sandboxId", "name", "text", "replyTo", "language"])
        await check("actions", `sandbox send ${field}=${shortRepr(e, 40)}`, () =>
          call(sandboxAction, post("/app/test-bot/sandbox", { ...validSend, [field]: e })),
        );
      await check("actions", `sandbox message=${shortRepr(e, 40)}`, () =>
        call(
          sandboxAction,
          post("/app/test-bot/sandbox", {
            intent: "send",
            sandboxId: validSend.sandboxId,
            name: validSend.name,
            language: validSend.language,
            message: JSON.stringify({ type: "text", text: { body: e } }),
          }),
        ),
      );
      await check("loaders", `sandbox thread ${shortRepr(e, 40)}`, () =>
        call(sandboxLoader, adminRequest(A, `/app/test-bot/sandbox?sandbox=${segment(e)}`)),
      );
    }
    await fc.assert(
      fc.asyncProperty(
        form(["send", "reset"], ["sandboxId", "name", "language", "text", "message", "replyTo"]),
        async (fields) => {
          await check("actions", `sandbox ${shortRepr(fields, 200)}`, () =>
            call(sandboxAction, post("/app/test-bot/sandbox", fields)),
          );
          return true;
        },
      ),
      { numRuns: runs(150), seed: FUZZ_SEED + 40, endOnFailure: true },
    );
    expectNoUnknown(tally.actions);
    expectNoUnknown(tally.loaders);
  });

  it("property: settings form", async () => {
    await fc.assert(
      fc.asyncProperty(
        form(["save", "testConnection", "regenerateVerifyToken", "syncTemplates"], SETTINGS_FIELDS),
        async (fields) => {
          await check("actions", `settings ${shortRepr(fields, 200)}`, () =>
            call(settingsAction, post("/app/settings", fields)),
          );
          return true;
        },
      ),
      { numRuns: runs(250, "admin"), seed: FUZZ_SEED + 20, endOnFailure: true },
    );
    expectNoUnknown(tally.actions);
  });

  it("property: inbox thread actions, on shop A's, shop B's and made-up conversation ids", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant("A"), fc.constant("B"), hostileString(false)),
        form(
          ["takeOver", "giveBack", "markRead", "block", "unblock", "botOn", "botOff", "reply", "template"],
          THREAD_FIELDS,
        ),
        async (which, fields) => {
          const id = which === "A" ? conversationA : which === "B" ? conversationB : which;
          await check("actions", `thread ${which} ${shortRepr(fields, 200)}`, async () => {
            const response = await call(threadAction, post(`/app/inbox/${segment(id)}`, fields), {
              id: param(id),
            });
            if (
              which === "B" &&
              response.status !== 404 &&
              response.status !== 422 &&
              response.status !== 400
            )
              tally.actions.violation(
                `thread action on shop B's conversation answered ${response.status}, not 404`,
              );
            return response;
          });
          return true;
        },
      ),
      { numRuns: runs(250, "admin"), seed: FUZZ_SEED + 21, endOnFailure: true },
    );
    expectNoUnknown(tally.actions);
  });

  it("property: assistant form (save, preview)", async () => {
    await fc.assert(
      fc.asyncProperty(form(["save", "preview"], ASSISTANT_FIELDS), async (fields) => {
        await check("actions", `assistant ${shortRepr(fields, 200)}`, () =>
          call(assistantAction, post("/app/assistant", fields)),
        );
        return true;
      }),
      { numRuns: runs(150, "admin"), seed: FUZZ_SEED + 22, endOnFailure: true },
    );
    expectNoUnknown(tally.actions);
  });

  it("property: loaders with hostile query strings and ids", async () => {
    const value = fc.oneof(
      hostileString(false),
      fc.constantFrom(
        "",
        "all",
        "human",
        "bot",
        "attention",
        "before",
        "after",
        "negative",
        "5",
        "0",
        "-1",
        "2026-01-01",
        "Asia/Riyadh",
        "Not/AZone",
        "9999-12-31",
      ),
    );
    const cursor = fc.oneof(
      value,
      fc
        .constantFrom(
          ...EDGE_STRINGS,
          "-271821-04-20T00:00:00.000Z",
          "+275760-09-13T00:00:00.000Z",
          "0001-01-01T00:00:00.000Z",
          "2026-11-22T10:00:00.000Z",
        )
        .map((at) => Buffer.from(`${at}|${conversationA || "x"}`, "utf8").toString("base64url")),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 6 }), value, value, cursor, value, async (which, p1, p2, c, id) => {
        const q = new URLSearchParams({
          filter: p1,
          q: p2,
          cursor: c,
          dir: p1,
          outcome: p2,
          rating: p1,
          limit: p2,
          from: p1,
          to: p2,
          tz: p2,
          range: p1,
        });
        const target = [
          () => call(inboxLoader, adminRequest(A, `/app/inbox?${q}`), {}),
          () => call(inboxLoader, adminRequest(A, `/app/inbox/${conversationB}?${q}`), { id: conversationB }),
          () => call(threadLoader, adminRequest(A, `/app/inbox/${segment(id)}?${q}`), { id: param(id) }),
          () => call(threadLoader, adminRequest(A, `/app/inbox/${conversationB}`), { id: conversationB }),
          () => call(feedbackLoader, adminRequest(A, `/app/feedback?${q}`)),
          () =>
            call(mediaLoader, adminRequest(A, `/app/media/${segment(id)}`), {
              id: which % 2 ? messageB : param(id),
            }),
          () => call(analyticsLoader, adminRequest(A, `/app?${q}`)),
        ][which];
        await check("loaders", `loader #${which} ${q.toString().slice(0, 200)}`, target);
        return true;
      }),
      { numRuns: runs(250, "admin"), seed: FUZZ_SEED + 23, endOnFailure: true },
    );
    for (const [label, run] of [
      ["settings loader", () => call(settingsLoader, adminRequest(A, "/app/settings"))],
      ["assistant loader", () => call(assistantLoader, adminRequest(A, "/app/assistant"))],
    ] as const)
      await check("loaders", label, run);
    expectNoUnknown(tally.loaders);
  });

  it("without a valid session token every action and loader is refused and changes nothing", async () => {
    const tokens = [
      undefined,
      "Bearer not.a.token",
      `Bearer ${sessionToken({ shop: A, secret: "wrong-secret" })}`,
      `Bearer ${sessionToken({ shop: A, expiresIn: -120 })}`,
      `Bearer ${sessionToken({ shop: A, apiKey: "another-app" })}`,
    ];
    const targets: [string, (args: never) => unknown, string, Record<string, string>][] = [
      ["settings", settingsAction, "/app/settings", {}],
      ["thread", threadAction, `/app/inbox/${conversationA}`, { id: conversationA }],
      ["assistant", assistantAction, "/app/assistant", {}],
      ["inbox", inboxLoader, "/app/inbox", {}],
      ["feedback", feedbackLoader, "/app/feedback", {}],
    ];
    for (const authorization of tokens)
      for (const [label, fn, path, params] of targets) {
        const before = await dbSnapshot();
        const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
        if (authorization) headers.Authorization = authorization;
        const request = new Request(`https://hala.test${path}`, {
          method: "POST",
          headers,
          body: new URLSearchParams({ intent: "save", text: "x" }),
        });
        const response = await call(fn, request, params);
        tally.unauthenticated.add(response.status);
        // 401 for a bad token; a request without any token is sent to the login / bounce page (302/410).
        if (response.status < 300 || response.status >= 500)
          tally.unauthenticated.violation(
            `${label} with ${authorization?.slice(0, 20) ?? "no token"} answered ${response.status}`,
          );
        const changed = diffSnapshots(before, await dbSnapshot());
        if (changed.length)
          tally.unauthenticated.violation(`${label}: unauthenticated request changed ${changed.join(", ")}`);
      }
    expectNoUnknown(tally.unauthenticated);
  });
});
