/**
 * The hot path's prepared statements after their tables grew (DATABASE_PLAN_REFRESH_ROWS, ADR 013).
 *
 * A named prepared statement may switch to a generic plan, which the connection keeps until a table it reads is
 * analyzed again. In session 26's benchmark (autovacuum off), plans made in the first second, on tables of a few
 * hundred rows, were still used 20 s later: the sent mark, the ensure and the turn scanned the whole Message,
 * Contact and Conversation tables (5,000 pages) on every execution, 15–75 ms each. The app's pools now drop their
 * connections' plans each time the rows their prepared statements wrote have doubled.
 *
 * Here one connection, with generic plans forced (the worst case: every plan kept), runs each statement once on
 * small tables; the tables then grow to 20,000 rows each through prepared statements; the statements run again,
 * and the plan each one then holds is read with EXPLAIN EXECUTE and the parameters it last ran with.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureContactsAndConversations, saveConversationState } from "~/adapters/db/conversations.server";
import { claimInboundEvents, storeInboundEvents } from "~/adapters/db/inbound-events.server";
import {
  applyMessageStatus,
  claimOutboundMessages,
  commitInboundTurns,
  markOutboundSentRows,
} from "~/adapters/db/messages.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { createDatabase, database, setDatabase, type Database, type RawDb } from "~/db.server";
import { tuning } from "~/env.server";
import { migrate } from "~/adapters/db/migrate.server";
import { setupTestDatabase, truncateAll } from "./helpers/db";

setupTestDatabase();

const sharedUrl = process.env.DATABASE_URL;
/**
 * This file's own database, created fresh for it. The plans read here depend on the planner's statistics, and the
 * shared test database keeps whatever other files' ANALYZEs left there (TRUNCATE does not reset statistics). On a
 * database where the inbound claim's table had been analyzed with other data, the claim's generic plan scanned
 * InboundEvent whole and the first test failed, for no fault of the code.
 */
const OWN_DATABASE = `hala_plans_${process.pid}`;
const url =
  sharedUrl &&
  (() => {
    const own = new URL(sharedUrl);
    own.pathname = `/${OWN_DATABASE}`;
    return own.toString();
  })();
/** The database with generic plans forced on every connection (a startup option in the URL). */
const genericPlansUrl =
  url &&
  `${url}${url.includes("?") ? "&" : "?"}options=${encodeURIComponent("-c plan_cache_mode=force_generic_plan")}`;
const A = "plans-a.myshopify.com";
const B = "plans-b.myshopify.com";

const real = database();
let opened: Database | undefined;
beforeAll(async () => {
  if (!url) return;
  await real.raw.exec(`DROP DATABASE IF EXISTS ${OWN_DATABASE} WITH (FORCE)`);
  await real.raw.exec(`CREATE DATABASE ${OWN_DATABASE}`);
  // Two connections: the migration holds one for its lock and runs its statements on another.
  const own = createDatabase({ databaseUrl: url, pgliteDataDir: "memory://", pool: { max: 2, min: 0 } });
  try {
    await migrate(own.raw);
  } finally {
    await own.close();
  }
});
afterAll(async () => {
  if (url) await real.raw.exec(`DROP DATABASE IF EXISTS ${OWN_DATABASE} WITH (FORCE)`);
});
afterEach(async () => {
  setDatabase(real);
  await opened?.close();
  opened = undefined;
});

/**
 * The app's database (this file's own, emptied) on ONE connection, generic plans forced; every prepared statement's
 * text and parameters.
 */
async function recordingDatabase(planRefreshRows: number): Promise<{ calls: Map<string, unknown[]> }> {
  opened = createDatabase({
    databaseUrl: genericPlansUrl,
    pgliteDataDir: "memory://",
    pool: { max: 1, min: 0 },
    planRefreshRows,
  });
  const calls = new Map<string, unknown[]>();
  const inner = opened.raw;
  const raw: RawDb = {
    ...inner,
    query: (sql, params, options) => {
      if (options?.prepare) calls.set(sql, params ?? []);
      return inner.query(sql, params, options);
    },
    execute: (sql, params, options) => {
      if (options?.prepare) calls.set(sql, params ?? []);
      return inner.execute(sql, params, options);
    },
  };
  setDatabase({ ...opened, raw });
  await truncateAll();
  return { calls };
}

/** One of everything the webhook and the workers write for a message, on shop A. */
async function oneRound(n: number) {
  await storeInboundEvents([
    {
      shop: A,
      phoneNumberId: "pn-a",
      kind: "message",
      dedupeKey: `m:wamid.in${n}`,
      waId: "966500000001",
      payload: { n },
    },
  ]);
  const [event] = await claimInboundEvents(10, 60_000);
  const [ensured] = await ensureContactsAndConversations([
    { shop: A, waId: "966500000001", name: "Shopper", initialState: { node: "start" } },
  ]);
  await commitInboundTurns([
    {
      shop: A,
      turn: {
        eventId: event.id,
        conversationId: ensured.conversation.id,
        contactId: ensured.contact.id,
        inbound: {
          wamid: `wamid.in${n}`,
          type: "text",
          body: { text: "hi" },
          text: "hi",
          createdAt: new Date(),
        },
        state: { state: { node: "menu" }, stateVersion: n + 2 },
        replies: [
          {
            accountId: null,
            toWaId: "966500000001",
            author: "bot",
            type: "text",
            body: { kind: "text", body: "menu" },
            text: "menu",
            idempotencyKey: `${event.id}:0`,
          },
        ],
      },
    },
  ]);
  await saveConversationState(A, ensured.conversation.id, { state: { node: "menu" }, stateVersion: n + 3 });
  const [reply] = await claimOutboundMessages(10, 60_000);
  await markOutboundSentRows([{ shop: A, id: reply.id, wamid: `wamid.out${n}`, at: new Date() }]);
  await applyMessageStatus(A, `wamid.out${n}`, "delivered", new Date());
}

/** Another shop's 20,000 shoppers, conversations, messages and processed events (not analyzed). */
const GROW = [
  `INSERT INTO "Contact" (id, shop, "waId", "createdAt", "updatedAt")
    SELECT 'c' || g, '${B}', '9665' || g, now(), now() FROM generate_series(1, 20000) g`,
  `INSERT INTO "Conversation" (id, shop, "contactId", state, "lastMessageAt", "createdAt", "updatedAt")
    SELECT 'v' || g, '${B}', 'c' || g, '{"node":"menu"}', now(), now(), now() FROM generate_series(1, 20000) g`,
  `INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, wamid, type, body, status,
                         "nextAttemptAt", "createdAt")
    SELECT 'm' || g, '${B}', 'v' || g, 'c' || g, 'out', 'bot', 'wamid.b' || g, 'text', '{}', 'sent', now(), now()
    FROM generate_series(1, 20000) g`,
  `INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload, status)
    SELECT 'e' || g, '${B}', 'pn-b', 'message', 'e' || g, '9665' || g, '{}', 'done' FROM generate_series(1, 20000) g`,
];

/** The plan the connection holds for a prepared statement, for the parameters it last ran with. */
async function cachedPlan(raw: RawDb, sql: string, params: unknown[]): Promise<string> {
  const [statement] = await raw.query<{ name: string }>(
    "SELECT name FROM pg_prepared_statements WHERE statement = $1",
    [sql],
  );
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return "NULL";
    // The parameter's text form (arrays as '{…}'), quoted as a literal for EXECUTE.
    return pg.escapeLiteral(Array.isArray(value) ? arrayText(value) : String(value));
  };
  const rows = await raw.query<{ "QUERY PLAN": string }>(
    `EXPLAIN EXECUTE ${statement.name}(${params.map(literal).join(", ")})`,
  );
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

function arrayText(values: unknown[]): string {
  const item = (v: unknown) =>
    v === null || v === undefined ? "NULL" : `"${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `{${values.map(item).join(",")}}`;
}

/** The whole-table scans in the plans the hot path's statements hold once the tables grew. */
async function scansAfterGrowth(planRefreshRows: number): Promise<string[]> {
  const { calls } = await recordingDatabase(planRefreshRows);
  await ensureShop(A);
  // The first round prepares every statement on this connection while the tables are small.
  await oneRound(1);
  // The tables grow through prepared statements, as the app's writes make them grow.
  for (const sql of GROW) await database().raw.execute(sql, [], { prepare: true });
  await oneRound(2);
  for (const sql of GROW) calls.delete(sql);
  expect(calls.size).toBeGreaterThanOrEqual(8);
  const scans: string[] = [];
  for (const [sql, params] of calls) {
    const plan = await cachedPlan(database().raw, sql, params);
    for (const [, table] of plan.matchAll(/Seq Scan on "(Contact|Conversation|Message|InboundEvent)"/g))
      scans.push(`${table}: ${sql.replace(/\s+/g, " ").slice(0, 40)}`);
  }
  return scans;
}

describe.skipIf(!url)("the hot path's plans after the tables grew", () => {
  it("the pools drop their plans as their writes double: no statement then scans a grown table whole", async () => {
    expect(tuning().DATABASE_PLAN_REFRESH_ROWS).toBe(1000);
    expect(await scansAfterGrowth(tuning().DATABASE_PLAN_REFRESH_ROWS)).toEqual([]);
  });

  it("plans kept from the small tables (no refresh) scan them whole", async () => {
    const scans = await scansAfterGrowth(0);
    // The ensure (contacts, conversations), the turn (contact, conversation, event) and the sent mark.
    expect(scans).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Contact: WITH input/),
        expect.stringMatching(/^Conversation: WITH input/),
        expect.stringMatching(/^Contact: WITH t AS/),
        expect.stringMatching(/^Message: UPDATE "Message" m/),
      ]),
    );
  });

  it("a connection discards its plans once per doubling, before its next prepared statement", async () => {
    opened = createDatabase({
      databaseUrl: genericPlansUrl,
      pgliteDataDir: "memory://",
      pool: { max: 1, min: 0 },
      planRefreshRows: 10,
    });
    const { raw } = opened;
    const table = `plan_probe_${process.pid}`;
    const update = `UPDATE ${table} t SET v = t.v + 1 FROM unnest($1::text[]) AS x(id) WHERE t.id = x.id`;
    const planOfUpdate = async () => {
      const [{ name }] = await raw.query<{ name: string }>(
        "SELECT name FROM pg_prepared_statements WHERE statement = $1",
        [update],
      );
      return (await raw.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE ${name}('{r5}')`))
        .map((r) => r["QUERY PLAN"])
        .join("\n");
    };
    try {
      await raw.exec(`CREATE TABLE ${table} (id text PRIMARY KEY, v int);
        INSERT INTO ${table} SELECT 'r' || i, 0 FROM generate_series(1, 5) i`);
      // 5 rows written: still the first epoch (the first ends at 10). The plan is made on 5 rows.
      await raw.execute(update, [["r1", "r2", "r3", "r4", "r5"]], { prepare: true });
      await raw.exec(`INSERT INTO ${table} SELECT 'r' || i, 0 FROM generate_series(6, 20000) i`);
      await raw.execute(update, [["r1"]], { prepare: true });
      expect(await planOfUpdate()).toMatch(/Seq Scan on plan_probe/);
      // 20 more rows: 26 written in all, past 10 · (2 − 1): the next prepared statement starts with fresh plans.
      await raw.execute(
        `UPDATE ${table} SET v = v + 1 WHERE id = ANY($1::text[])`,
        [Array.from({ length: 20 }, (_, i) => `r${i + 100}`)],
        { prepare: true },
      );
      await raw.execute(update, [["r1"]], { prepare: true });
      expect(await planOfUpdate()).toMatch(/Index Scan using plan_probe_\d+_pkey/);
    } finally {
      await raw.exec(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    }
  });
});
