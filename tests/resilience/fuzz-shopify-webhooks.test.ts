/**
 * Bad input at every Shopify webhook route (signed with SHOPIFY_API_SECRET exactly as Shopify signs):
 * app/uninstalled, app/scopes_update, orders/create, orders/fulfilled, products/update,
 * customers/data_request, customers/redact, shop/redact — the real payloads of
 * ../shared/fixtures/shopify-webhooks mutated by fast-check, plus non-JSON bodies, deep nesting and repeated
 * keys.
 *
 * Invariants: never a 5xx with a valid HMAC; an invalid HMAC is 401 and changes nothing; a signed payload
 * that fails the topic's validation is acknowledged (200, logged) and changes nothing (decision: see the
 * report — retrying the same bytes can never succeed); another shop's rows never change.
 */
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ensureContactAndConversation } from "~/adapters/db/conversations.server";
import { database, db } from "~/db.server";
import { action as appUninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersFulfilled } from "~/routes/webhooks.orders.fulfilled";
import { action as productsUpdate } from "~/routes/webhooks.products.update";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { orderPayloadSchema } from "~/services/orders.server";
import { customerPayloadSchema, storablePayload } from "~/services/shopify-webhooks.server";
import { setupTestDatabase, truncateAll } from "../helpers/db";
import { callRoute } from "../helpers/remix";
import { shopifyFixture, shopifyWebhookRequest, SHOPIFY_FIXTURES } from "../helpers/shopify-webhook";
import { seedStore } from "../helpers/whatsapp";
import { createGraphApiFake } from "../mocks/graph-api";
import { server } from "../mocks/server";
import { recordFigures } from "./support/figures";
import {
  dbSnapshot,
  deepNesting,
  diffSnapshots,
  EDGE_STRINGS,
  FUZZ_SEED,
  hostileJson,
  mutate,
  mutationArb,
  runs,
  shopSnapshot,
  shortRepr,
  Tally,
  withDuplicateKey,
} from "./support/fuzz";
import { classify } from "./support/known";

setupTestDatabase();

const A = "fuzz-shop-a.myshopify.com";
const B = "fuzz-shop-b.myshopify.com";
const VICTIM = "fuzz-victim.myshopify.com";
const graph = createGraphApiFake();

type Route = (args: never) => unknown;
interface Topic {
  topic: string;
  action: Route;
  fixture: () => unknown;
  shop: string;
  /** Whether the handler can use this payload (false = it must be acknowledged without effect). */
  valid: (payload: unknown) => boolean;
}

let conversationId = "";

const order = (name: string) => () => {
  const p = shopifyFixture(name) as Record<string, unknown>;
  p.note_attributes = [{ name: "hala_conversation_id", value: conversationId }];
  p.phone = "+966500000077";
  return p;
};
const orderValid = (p: unknown) => orderPayloadSchema.safeParse(p).success;
const customerValid = (p: unknown) => customerPayloadSchema.safeParse(p).success;
const always = () => true;

/** Whether the topic's handler gets to run on this payload (what handleShopifyWebhookOnce hands it). */
function usable(t: Topic, payload: unknown): boolean {
  try {
    return t.valid(storablePayload(payload));
  } catch {
    return false;
  }
}

const TOPICS: Topic[] = [
  {
    topic: "app/uninstalled",
    action: appUninstalled,
    fixture: () => shopifyFixture("app__uninstalled"),
    shop: VICTIM,
    valid: always,
  },
  {
    topic: "app/scopes_update",
    action: scopesUpdate,
    fixture: () => shopifyFixture("app__scopes_update"),
    shop: A,
    valid: always,
  },
  {
    topic: "orders/create",
    action: ordersCreate,
    fixture: order("orders__create"),
    shop: A,
    valid: orderValid,
  },
  {
    topic: "orders/fulfilled",
    action: ordersFulfilled,
    fixture: order("orders__fulfilled"),
    shop: A,
    valid: orderValid,
  },
  {
    topic: "products/update",
    action: productsUpdate,
    fixture: () => ({
      id: 788032119674292900,
      title: "Example T-Shirt",
      handle: "example-t-shirt",
      variants: [{ id: 1, price: "19.99" }],
    }),
    shop: A,
    valid: always,
  },
  {
    topic: "customers/data_request",
    action: dataRequest,
    fixture: () => shopifyFixture("customers__data_request"),
    shop: A,
    valid: customerValid,
  },
  {
    topic: "customers/redact",
    action: customersRedact,
    fixture: () => shopifyFixture("customers__redact"),
    shop: A,
    valid: customerValid,
  },
  {
    topic: "shop/redact",
    action: shopRedact,
    fixture: () => shopifyFixture("shop__redact"),
    shop: VICTIM,
    valid: always,
  },
];

async function seed() {
  await seedStore({ shop: A, phoneNumberId: "106540352200001", appSecret: "secret-a" });
  await seedStore({ shop: B, phoneNumberId: "106540352200002", appSecret: "secret-b" });
  await seedStore({ shop: VICTIM, phoneNumberId: "106540352200003", appSecret: "secret-v" });
  await db().shop.updateMany({ data: { feedbackEnabled: true } });
  for (const shop of [A, B, VICTIM]) {
    // The same shopper in every shop (the phone of the compliance fixtures, and the order's).
    for (const waId of ["15556251199", "966500000077"]) {
      const { contact, conversation } = await ensureContactAndConversation(shop, {
        waId,
        name: "Same Person",
        initialState: {},
      });
      if (shop === A && waId === "966500000077") conversationId = conversation.id;
      await db().message.create({
        data: {
          shop,
          conversationId: conversation.id,
          contactId: contact.id,
          direction: "in",
          author: "shopper",
          type: "text",
          body: {},
          text: "hi",
          status: "received",
        },
      });
    }
  }
}

beforeEach(async () => {
  graph.reset();
  server.use(...graph.handlers);
  await seed();
  lastSnapshot = undefined;
});

/** The route as Remix serves it: a thrown error is the 500 Shopify would get. */
async function call(action: Route, request: Request): Promise<Response> {
  try {
    return await callRoute(action, request);
  } catch (error) {
    return new Response(
      `thrown: ${(error as Error)?.name}: ${String((error as Error)?.message ?? error).slice(0, 300)}`,
      { status: 500 },
    );
  }
}

const tally = { signed: new Tally(), forged: new Tally(), edge: new Tally() };
const knownSeen: Record<string, number> = {};
const reported: string[] = [];
let isolationChecks = 0;

let sinceReset = 0;

async function check(
  t: Topic,
  body: string,
  parsed: unknown | undefined,
  into: Tally,
  label: string,
): Promise<void> {
  // Keep the tables small (the snapshots hash every row): start again from the seed every 100 cases.
  if (++sinceReset % 100 === 0) {
    await truncateAll();
    await seed();
    lastSnapshot = undefined;
  }
  // The state after the previous case is this case's state before (nothing else writes in between).
  const before = lastSnapshot?.all ?? (await dbSnapshot());
  const beforeB = lastSnapshot?.b ?? (await shopSnapshot(B));
  lastSnapshot = undefined;
  const response = await call(t.action, shopifyWebhookRequest(t.topic, body, { shop: t.shop }));
  into.add(response.status);
  if (response.status >= 500)
    into.violation(`${label}: ${response.status} ${await response.text()} for ${shortRepr(body)}`);
  const after = await dbSnapshot();
  const unusable = parsed === undefined || !usable(t, parsed);
  if (response.status !== 200 || unusable) {
    // Rejected (4xx), or acknowledged as unusable: no table may change.
    const changed = diffSnapshots(before, after);
    if (changed.length)
      into.violation(
        `${label}: ${unusable ? "unusable payload" : `rejected ${response.status}`} changed ${changed.join(", ")} for ${shortRepr(body, 200)}`,
      );
  }
  const afterB = await shopSnapshot(B);
  const changedB = diffSnapshots(beforeB, afterB);
  isolationChecks++;
  if (changedB.length)
    into.violation(`${label}: a webhook for ${t.shop} changed shop B's ${changedB.join(", ")}`);

  // The same bytes with a wrong HMAC (or none): 401, nothing changes.
  const forgedRequest = shopifyWebhookRequest(t.topic, body, {
    shop: t.shop,
    ...(tally.forged.cases % 2
      ? { secret: "not-the-app-secret" }
      : { hmac: Buffer.from("forged").toString("base64") }),
  });
  const forged = await call(t.action, forgedRequest);
  tally.forged.add(forged.status);
  if (forged.status !== 401) tally.forged.violation(`${label}: invalid HMAC answered ${forged.status}`);
  const afterForged = await dbSnapshot();
  const changed = diffSnapshots(after, afterForged);
  if (changed.length) tally.forged.violation(`${label}: invalid HMAC changed ${changed.join(", ")}`);
  else lastSnapshot = { all: afterForged, b: afterB };
}
let lastSnapshot: { all: Record<string, string>; b: Record<string, string> } | undefined;

function expectNoUnknown(...lists: Tally[]) {
  const violations = lists.flatMap((l) => l.violations.splice(0));
  reported.push(...violations.slice(0, 20));
  const { unknown, known } = classify(violations, "shopify");
  for (const [id, n] of Object.entries(known)) knownSeen[id] = (knownSeen[id] ?? 0) + n;
  expect(unknown).toEqual([]);
}

afterAll(() => {
  recordFigures("fuzz.shopify", {
    title: "Bad input: Shopify webhooks (8 topics)",
    cases: tally.signed.cases + tally.forged.cases + tally.edge.cases,
    signed: { cases: tally.signed.cases, statuses: tally.signed.statuses },
    invalidHmac: { cases: tally.forged.cases, statuses: tally.forged.statuses },
    edgeCases: { cases: tally.edge.cases, statuses: tally.edge.statuses },
    isolationChecks,
    knownFailures: knownSeen,
    violationsSample: reported.slice(0, 40),
  });
});

describe("Shopify webhooks under hostile input", () => {
  it("reads the shared fixtures (../shared/fixtures/shopify-webhooks)", () => {
    expect(SHOPIFY_FIXTURES).toMatch(/shared\/fixtures\/shopify-webhooks\/2025-10$/);
    for (const t of TOPICS) expect(t.fixture()).toBeTruthy();
  });

  it("explicit edge cases on every topic: wrong types, deep nesting, oversized, unicode, repeated keys", async () => {
    for (const t of TOPICS) {
      const base = t.fixture() as Record<string, unknown>;
      const cases: [string, string][] = [
        ["JSON null", "null"],
        ["a number", "7"],
        ["an array", "[]"],
        ["empty object", "{}"],
        ["deep nesting 50k", deepNesting(50_000, "array")],
        ["deep object nesting 5k", deepNesting(5_000, "object")],
        ["id is an object", JSON.stringify({ ...base, id: { $gt: 0 } })],
        ["id is a 100k string", JSON.stringify({ ...base, id: "9".repeat(100_000) })],
        ["customer is a string", JSON.stringify({ ...base, customer: "x" })],
        [
          "orders_to_redact is huge",
          JSON.stringify({ ...base, orders_to_redact: Array.from({ length: 20_000 }, (_, i) => i) }),
        ],
        ["total_price absurd", JSON.stringify({ ...base, total_price: "1e400", currency: "ZZZ" })],
        [
          "fulfilment in year -271821",
          JSON.stringify({ ...base, fulfillments: [{ created_at: "-271821-04-20T00:00:00.000Z" }] }),
        ],
        [
          "updated_at +275760",
          JSON.stringify({ ...base, updated_at: "+275760-09-13T00:00:00.000Z", fulfillments: [] }),
        ],
        ["repeated id key", withDuplicateKey(base, 0, { nested: true })],
        ...(process.env.RES_LONG === "1" || ["orders/create", "customers/redact"].includes(t.topic)
          ? EDGE_STRINGS.map(
              (s, i) =>
                [`every string field = edge #${i}`, JSON.stringify(mutateStrings(base, s))] as [
                  string,
                  string,
                ],
            )
          : []),
      ];
      for (const [label, body] of cases) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        await check(t, body, parsed, tally.edge, `${t.topic} ${label}`);
      }
    }
    expectNoUnknown(tally.edge, tally.forged);
  });

  it("fixed (shopify-webhook-malformed-json): a validly signed body that is not JSON is not answered 500", async () => {
    for (const t of TOPICS) {
      for (const body of ["", "{not json", '{"id": 1', "\u0000"]) {
        const response = await call(t.action, shopifyWebhookRequest(t.topic, body, { shop: t.shop }));
        expect(response.status, `${t.topic} ${JSON.stringify(body)}: ${await response.text()}`).toBeLessThan(
          500,
        );
      }
    }
  });

  it("property: mutated real payloads on every topic — never 5xx, unusable ones change nothing, shop B untouched", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: TOPICS.length - 1 }),
        fc.array(mutationArb(), { minLength: 1, maxLength: 4 }),
        async (i, mutations) => {
          const t = TOPICS[i];
          const payload = mutate(t.fixture(), mutations);
          const body = JSON.stringify(payload) ?? "null";
          await check(t, body, JSON.parse(body), tally.signed, `mutated ${t.topic}`);
          return true;
        },
      ),
      { numRuns: runs(150, "shopify"), seed: FUZZ_SEED + 10, endOnFailure: true },
    );
    expectNoUnknown(tally.signed, tally.forged);
  });

  it("property: arbitrary JSON values as the whole payload", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: TOPICS.length - 1 }), hostileJson(3), async (i, payload) => {
        const t = TOPICS[i];
        const body = JSON.stringify(payload) ?? "null";
        await check(t, body, JSON.parse(body), tally.signed, `arbitrary ${t.topic}`);
        return true;
      }),
      { numRuns: runs(60, "shopify"), seed: FUZZ_SEED + 11, endOnFailure: true },
    );
    expectNoUnknown(tally.signed, tally.forged);
  });

  it("a redelivered webhook (same X-Shopify-Webhook-Id) has one effect, even after a rejected payload", async () => {
    const t = TOPICS.find((x) => x.topic === "customers/data_request")!;
    const bad = await call(
      t.action,
      shopifyWebhookRequest(t.topic, JSON.stringify({ customer: "x" }), { shop: A, webhookId: "same-id" }),
    );
    expect(bad.status).toBe(200);
    const good = JSON.stringify(t.fixture());
    for (let i = 0; i < 3; i++) {
      const r = await call(
        t.action,
        shopifyWebhookRequest(t.topic, good, { shop: A, webhookId: "same-id-2" }),
      );
      expect(r.status).toBe(200);
    }
    const { raw } = database();
    const [{ n }] = await raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "DataRequest" WHERE shop = $1`,
      [A],
    );
    expect(n).toBe(1);
  });
});

function mutateStrings(value: unknown, replacement: string): unknown {
  if (typeof value === "string") return replacement;
  if (Array.isArray(value)) return value.map((v) => mutateStrings(v, replacement));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mutateStrings(v, replacement)]));
  return value;
}
