/**
 * Bad input at POST /webhooks/whatsapp (the route's action via callRoute, signed with the account's app
 * secret exactly as Meta signs): the real payloads of ../shared/fixtures/whatsapp mutated by fast-check,
 * explicit edge cases (oversized fields, deep nesting, unicode edge cases, wrong types, huge arrays,
 * repeated keys), and wrong signatures.
 *
 * Invariants: never a 5xx with a valid signature; never a crash or an unhandled rejection (support/guard.ts);
 * a wrong or missing signature is 401 whenever the payload names a connected number, and stores nothing in
 * any case; a rejected webhook (4xx) changes no table; what was accepted is processed by the worker
 * without an unhandled error.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parseWebhookBody, phoneNumberIdsOf } from "~/adapters/whatsapp/webhook-schema";
import { signBody } from "~/adapters/whatsapp/verify-signature";
import { cache } from "~/cache.server";
import { database } from "~/db.server";
import { action } from "~/routes/webhooks.whatsapp";
import { processInboxBatch } from "~/services/inbox.server";
import { MAX_WEBHOOK_BYTES } from "~/services/whatsapp-intake.server";
import { sendOutboxBatch } from "~/services/outbox.server";
import { setupTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/remix";
import {
  seedStore,
  whatsappFixture,
  whatsappFixtureNames,
  WHATSAPP_FIXTURES,
  type TestStore,
} from "../helpers/whatsapp";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { createGraphApiFake } from "../mocks/graph-api";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers } from "../mocks/shopify-admin";
import { recordFigures } from "./support/figures";
import { classify } from "./support/known";
import {
  dbSnapshot,
  deepNesting,
  diffSnapshots,
  EDGE_STRINGS,
  FUZZ_SEED,
  hostileJson,
  hostileString,
  mutate,
  mutationArb,
  runs,
  shortRepr,
  Tally,
  withDuplicateKey,
} from "./support/fuzz";

setupTestDatabase();

const SHARED = path.resolve(__dirname, "../../../shared/fixtures");
const graph = createGraphApiFake();
let a: TestStore;
let b: TestStore;

beforeEach(async () => {
  await cache().delPrefix("");
  graph.reset();
  server.use(
    ...graph.handlers,
    ...createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: "fuzz-a.myshopify.com" }), {
      shopDomain: "fuzz-a.myshopify.com",
    }),
  );
  a = await seedStore({
    shop: "fuzz-a.myshopify.com",
    phoneNumberId: "106540352242922",
    appSecret: "secret-of-shop-a",
  });
  b = await seedStore({
    shop: "fuzz-b.myshopify.com",
    phoneNumberId: "106540352299999",
    appSecret: "secret-of-shop-b",
  });
});

/** Fixtures pointed at shop A's number (the shape Meta sends, ids of a real account). */
function fixtures(): { name: string; payload: unknown }[] {
  return whatsappFixtureNames().map((name) => {
    const text = JSON.stringify(whatsappFixture(name)).replace(
      /"phone_number_id":"\d+"/g,
      `"phone_number_id":"${a.phoneNumberId}"`,
    );
    return { name, payload: JSON.parse(text) };
  });
}

/** The route as Remix serves it: a thrown error is the 500 the client would get. */
async function post(body: string, signature: string | null): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signature !== null) headers["X-Hub-Signature-256"] = signature;
  try {
    return await callRoute(
      action,
      new Request("https://hala.test/webhooks/whatsapp", { method: "POST", body, headers }),
    );
  } catch (error) {
    return new Response(`thrown: ${String((error as Error)?.message ?? error).slice(0, 300)}`, {
      status: 500,
    });
  }
}

function manyMessages(count: number, tag: string) {
  const base = fixtures().find((f) => f.name === "text-message.json")!.payload as {
    entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
  };
  const p = structuredClone(base);
  const m = p.entry[0].changes[0].value.messages[0];
  p.entry[0].changes[0].value.messages = Array.from({ length: count }, (_, i) => ({
    ...m,
    id: `wamid.HUGE${tag}${i}`,
  }));
  return p;
}

/** What the intake must answer a wrong signature: 401 when the body names a connected number. */
function namesConnectedNumber(body: string): boolean {
  try {
    const parsed = parseWebhookBody(JSON.parse(body));
    return (
      parsed.ok &&
      phoneNumberIdsOf(parsed.body).some((id) => id === a.phoneNumberId || id === b.phoneNumberId)
    );
  } catch {
    return false;
  }
}

const tallies = {
  signed: new Tally(),
  forged: new Tally(),
  duplicateKeys: new Tally(),
  edge: new Tally(),
  processing: new Tally(),
};
const processing: Record<string, number> = {};
const processingErrors: Record<string, number> = {};

const FORGED = [
  () => null,
  () => "sha256=" + "0".repeat(64),
  (body: string) => signBody(body, "not-the-secret"),
  (body: string) => signBody(body + " ", a.appSecret),
  (body: string) => signBody(body, b.appSecret),
];
let caseNo = 0;
let snapshot: Record<string, string> | undefined;

/**
 * One case: the body signed right must not 5xx (and change nothing if rejected); without a signature, and
 * with one wrong signature (in turn), it must be 401 when it names a connected number, and change nothing.
 */
async function check(body: string, tally: Tally, label: string): Promise<void> {
  caseNo++;
  const before = (snapshot ??= await dbSnapshot());
  const signed = await post(body, signBody(body, a.appSecret));
  tally.add(signed.status);
  if (signed.status >= 500)
    tally.violation(`${label}: ${signed.status} ${await signed.text()} for ${shortRepr(body)}`);
  const after = await dbSnapshot();
  if (signed.status !== 200) {
    const changed = diffSnapshots(before, after);
    if (changed.length)
      tally.violation(`${label}: rejected (${signed.status}) but changed ${changed.join(", ")}`);
  }
  snapshot = after;
  const names = namesConnectedNumber(body);
  const oversized = Buffer.byteLength(body) > MAX_WEBHOOK_BYTES;
  for (const forge of [FORGED[0], FORGED[1 + (caseNo % (FORGED.length - 1))]]) {
    const signature = forge(body);
    const forged = await post(body, signature);
    tallies.forged.add(forged.status);
    if (forged.status >= 500)
      tallies.forged.violation(`${label}: forged signature answered ${forged.status} ${await forged.text()}`);
    else if (oversized) {
      // Past the limit the body is not read: 413 whatever the signature.
      if (forged.status !== 413)
        tallies.forged.violation(`${label}: oversized body answered ${forged.status}, not 413`);
    } else if (signature === null && forged.status !== 401)
      tallies.forged.violation(`${label}: no signature answered ${forged.status}`);
    else if (names && forged.status !== 401) {
      // A body the intake cannot read at all (e.g. too deep for JSON.parse's reviver) is a 400 whatever its signature.
      const reason = await forged.text();
      if (!(forged.status === 400 && /malformed JSON/.test(reason)))
        tallies.forged.violation(
          `${label}: forged signature answered ${forged.status} (${reason.slice(0, 60)}), not 401`,
        );
    }
  }
  const changed = diffSnapshots(snapshot, await dbSnapshot());
  if (changed.length) {
    tallies.forged.violation(`${label}: a forged webhook changed ${changed.join(", ")}`);
    snapshot = undefined;
  }
}

/** Runs the workers over whatever the fuzz stored; counts event outcomes and groups processing errors. */
async function drainWorkers(): Promise<void> {
  const { raw } = database();
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 5_000 && Date.now() < deadline; i++) {
    await raw.exec(`UPDATE "InboundEvent" SET "availableAt" = now() WHERE status = 'pending'`);
    await raw.exec(`UPDATE "Message" SET "nextAttemptAt" = now() WHERE status = 'queued'`);
    const handled = (await processInboxBatch(50)) + (await sendOutboxBatch(50));
    if (handled === 0) break;
  }
  for (const r of await raw.query<{ status: string; n: number; error: string | null }>(
    `SELECT status, count(*)::int AS n, left(coalesce("lastError", ''), 160) AS error FROM "InboundEvent" GROUP BY 1, 3`,
  )) {
    processing[r.status] = (processing[r.status] ?? 0) + r.n;
    if (r.error)
      processingErrors[`${r.status}: ${r.error}`] = (processingErrors[`${r.status}: ${r.error}`] ?? 0) + r.n;
    // Accepted (200) but never processed: the message is lost for the shop.
    if (r.status === "failed" || r.status === "pending")
      tallies.processing.violation(`event ${r.status} after processing: ${r.error}`);
  }
  if (process.env.RES_DEBUG)
    for (const r of await raw.query(
      `SELECT id, shop, kind, "waId", status, attempts, "lockedUntil", "availableAt", now() AS now, left(payload::text, 300) AS p FROM "InboundEvent" WHERE status = 'pending' LIMIT 3`,
    ))
      console.log("[debug pending]", JSON.stringify(r));
  // Keep the tables small (the snapshot hashes every row): the traffic of the processed cases goes.
  await raw.exec(
    `TRUNCATE "InboundEvent", "Message", "Conversation", "Contact", "Checkout", "Feedback", "ScheduledJob" CASCADE`,
  );
  snapshot = undefined;
}

/** Unknown violations fail the test; known ones (support/known.ts) are counted for the report. */
function expectNoUnknown(...lists: Tally[]) {
  const violations = lists.flatMap((t) => t.violations.splice(0));
  reported.push(...violations.slice(0, 20));
  const { unknown, known } = classify(violations, "whatsapp");
  for (const [id, n] of Object.entries(known)) knownSeen[id] = (knownSeen[id] ?? 0) + n;
  expect(unknown).toEqual([]);
}
const knownSeen: Record<string, number> = {};
const reported: string[] = [];

afterAll(() => {
  recordFigures("fuzz.whatsapp", {
    title: "Bad input: WhatsApp webhook",
    cases: Object.values(tallies).reduce((n, t) => n + t.cases, 0),
    knownFailures: knownSeen,
    signed: { cases: tallies.signed.cases, statuses: tallies.signed.statuses },
    forged: { cases: tallies.forged.cases, statuses: tallies.forged.statuses },
    duplicateKeys: { cases: tallies.duplicateKeys.cases, statuses: tallies.duplicateKeys.statuses },
    edgeCases: { cases: tallies.edge.cases, statuses: tallies.edge.statuses },
    storedEventsAfterProcessing: processing,
    violationsSample: reported.slice(0, 40),
    processingErrors,
  });
});

describe("WhatsApp webhook under hostile input", () => {
  it("reads the shared fixtures (../shared/fixtures/whatsapp)", () => {
    expect(existsSync(path.join(SHARED, "whatsapp"))).toBe(true);
    expect(WHATSAPP_FIXTURES).toBe(path.join(SHARED, "whatsapp"));
    expect(fixtures().length).toBeGreaterThan(10);
  });

  it("explicit edge cases: oversized, deeply nested, unicode, wrong types, huge arrays", async () => {
    const text = (body: unknown) => {
      const base = fixtures().find((f) => f.name === "text-message.json")!.payload as {
        entry: { changes: { value: { messages: { text: { body: unknown } }[] } }[] }[];
      };
      const copy = structuredClone(base);
      copy.entry[0].changes[0].value.messages[0].text.body = body;
      return copy;
    };
    const cases: [string, string][] = [
      ["empty body", ""],
      ["not JSON", "{not json"],
      ["JSON null", "null"],
      ["a number", "42"],
      ["a string", JSON.stringify("whatsapp_business_account")],
      ["an array", "[]"],
      ["empty object", "{}"],
      ["deep array nesting 100k", deepNesting(100_000, "array")],
      ["deep object nesting 50k", deepNesting(50_000, "object")],
      [
        "deep nesting inside a message",
        JSON.stringify(text("x")).replace('"body":"x"', `"body":"x","extra":${deepNesting(20_000, "array")}`),
      ],
      ["body 3 MB + 1 (past the limit)", JSON.stringify(text("x".repeat(3 * 1024 * 1024)))],
      ["text 1 MB", JSON.stringify(text("ي".repeat(500_000)))],
      ["100 messages of one shopper in one change", JSON.stringify(manyMessages(100, "K"))],
      [
        "10,000 entries",
        JSON.stringify({
          object: "whatsapp_business_account",
          entry: Array.from({ length: 10_000 }, () => ({ id: "1", changes: [] })),
        }),
      ],
      ...EDGE_STRINGS.map(
        (s, i) => [`text body edge string #${i}`, JSON.stringify(text(s))] as [string, string],
      ),
      ["text body is a number", JSON.stringify(text(12))],
      ["text body is an object", JSON.stringify(text({ a: 1 }))],
      ["text body is null", JSON.stringify(text(null))],
      ["wamid with NUL", JSON.stringify(text("hi")).replace(/"id":"wamid[^"]*"/, '"id":"wamid.\\u0000x"')],
      [
        "wa_id 10k digits",
        JSON.stringify(text("hi")).replace(/"wa_id":"\d+"/, `"wa_id":"${"9".repeat(10_000)}"`),
      ],
      [
        "timestamp far future",
        JSON.stringify(text("hi")).replace(/"timestamp":"\d+"/, '"timestamp":"999999999999"'),
      ],
      ["timestamp as number", JSON.stringify(text("hi")).replace(/"timestamp":"\d+"/, '"timestamp":0')],
      ["NUL escaped in a key", JSON.stringify(text("hi")).replace('"messaging_product"', '"\\u0000"')],
      [
        "__proto__ key",
        JSON.stringify(text("hi")).replace(
          '"messaging_product"',
          '"__proto__":{"polluted":1},"messaging_product"',
        ),
      ],
      [
        "repeated key: phone_number_id twice",
        JSON.stringify(text("hi")).replace(
          '"phone_number_id"',
          `"phone_number_id":"${b.phoneNumberId}","phone_number_id"`,
        ),
      ],
    ];
    const slow: string[] = [];
    for (const [label, body] of cases) {
      const t0 = performance.now();
      await check(body, tallies.edge, label);
      const ms = performance.now() - t0;
      if (ms > 2_000) slow.push(`${label}: ${Math.round(ms)} ms`);
    }
    if (slow.length) console.log(`[fuzz.whatsapp] slow cases: ${slow.join("; ")}`);
    await drainWorkers();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectNoUnknown(tallies.edge, tallies.forged, tallies.processing);
  });

  it("fixed (intake-bind-parameter-limit): huge arrays: 12,000 messages in one delivery (≈ 2 MB, under the limit) are all stored, or refused whole", async () => {
    // 12,000 × 6 bind parameters would pass PostgreSQL's 65,535 limit in a single INSERT.
    const body = JSON.stringify(manyMessages(12_000, "L"));
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_WEBHOOK_BYTES);
    const response = await post(body, signBody(body, a.appSecret));
    const [{ n }] = await database().raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "InboundEvent"`,
    );
    recordFigures("fuzz.whatsapp.huge", {
      title: "12,000 messages in one delivery",
      status: response.status,
      stored: n,
    });
    tallies.edge.add(response.status);
    if (response.status >= 500)
      tallies.edge.violation(`12,000 messages: ${response.status} ${await response.text()}`);
    if (response.status === 200 && n !== 12_000)
      tallies.edge.violation(`12,000 messages: 200 but ${n} stored`);
    if (response.status !== 200 && n !== 0)
      tallies.edge.violation(`12,000 messages: refused but ${n} stored`);
    await database().raw.exec(`TRUNCATE "InboundEvent"`);
    const found = tallies.edge.violations.splice(0);
    reported.push(...found);
    expect(found).toEqual([]);
  });

  it("property: mutated real payloads, signed → never 5xx; rejected → no table changed", async () => {
    const all = fixtures();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: all.length - 1 }),
        fc.array(mutationArb(), { minLength: 1, maxLength: 4 }),
        async (i, mutations) => {
          n++;
          const body = JSON.stringify(mutate(all[i].payload, mutations)) ?? "null";
          await check(body, tallies.signed, `mutated ${all[i].name}`);
          if (n % 100 === 0) await drainWorkers();
          return true;
        },
      ),
      { numRuns: runs(400, "whatsapp", "mutated"), seed: FUZZ_SEED, endOnFailure: true },
    );
    await drainWorkers();
    expectNoUnknown(tallies.signed, tallies.forged, tallies.processing);
  });

  it("property: raw JSON with repeated keys (the signature covers the bytes, the parser keeps the last)", async () => {
    const all = fixtures();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: all.length - 1 }), fc.nat(), hostileJson(2), async (i, pick, other) => {
        await check(
          withDuplicateKey(all[i].payload, pick, other),
          tallies.duplicateKeys,
          `duplicate key in ${all[i].name}`,
        );
        if (++n % 100 === 0) await drainWorkers();
        return true;
      }),
      { numRuns: runs(150, "whatsapp"), seed: FUZZ_SEED + 1, endOnFailure: true },
    );
    await drainWorkers();
    expectNoUnknown(tallies.duplicateKeys, tallies.forged, tallies.processing);
  });

  it("property: any text a shopper can type is stored and answered, never lost", async () => {
    const all = fixtures();
    const base = all.find((f) => f.name === "text-message.json")!.payload;
    let i = 0;
    await fc.assert(
      fc.asyncProperty(hostileString(), async (body) => {
        const payload = JSON.parse(
          JSON.stringify(base).replace(/"id":"wamid[^"]*"/, `"id":"wamid.PROP${++i}"`),
        ) as {
          entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[];
        };
        payload.entry[0].changes[0].value.messages[0].text.body = body;
        await check(JSON.stringify(payload), tallies.signed, "typed text");
        if (i % 100 === 0) await drainWorkers();
        return true;
      }),
      { numRuns: runs(150, "whatsapp"), seed: FUZZ_SEED + 2, endOnFailure: true },
    );
    await drainWorkers();
    expectNoUnknown(tallies.signed, tallies.forged, tallies.processing);
  });

  it("fixed (intake-cross-tenant-signature): a webhook signed with shop B's secret never stores anything for shop A's number", async () => {
    const text = fixtures().find((f) => f.name === "text-message.json")!.payload as {
      entry: { changes: { value: { metadata: { phone_number_id: string } } }[] }[];
    };
    // B names its own number and A's in one delivery, signed with B's secret (B knows only its own secret).
    const forA = structuredClone(text);
    const forB = structuredClone(text);
    forB.entry[0].changes[0].value.metadata.phone_number_id = b.phoneNumberId;
    const mixed = { object: "whatsapp_business_account", entry: [...forB.entry, ...forA.entry] };
    const body = JSON.stringify(mixed).replace(
      /wamid\.[A-Za-z0-9=_-]+/g,
      (m, offset: number) => `${m}X${offset}`,
    );
    const response = await post(body, signBody(body, b.appSecret));
    const storedForA = await database().raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "InboundEvent" WHERE shop = $1`,
      [a.shop],
    );
    recordFigures("isolation.whatsapp-signature", {
      title: "WhatsApp signature per tenant",
      status: response.status,
      eventsStoredForShopA: storedForA[0].n,
    });
    expect(storedForA[0].n, `answered ${response.status}; shop B's secret stored events for shop A`).toBe(0);
  });

  it("fixed (intake-unstorable-unicode): signed texts containing U+0000 or a lone surrogate are not a 500", async () => {
    const base = fixtures().find((f) => f.name === "text-message.json")!.payload;
    for (const [i, text] of ["a\\u0000b", "x\\ud83dy"].entries()) {
      const body = JSON.stringify(base)
        .replace(/"body":"[^"]*"/, `"body":"${text}"`)
        .replace(/"id":"wamid[^"]*"/, `"id":"wamid.UNICODE${i}"`);
      const response = await post(body, signBody(body, a.appSecret));
      expect(response.status, await response.text()).toBeLessThan(500);
    }
  });

  it("fixed (intake-deep-nesting): a signed message with a 20,000-deep unknown field is not a 500", async () => {
    const base = fixtures().find((f) => f.name === "text-message.json")!.payload;
    const body = JSON.stringify(base).replace(
      '"type":"text"',
      `"type":"text","extra":${deepNesting(20_000, "array")}`,
    );
    const response = await post(body, signBody(body, a.appSecret));
    expect(response.status).toBeLessThan(500);
  });
});
