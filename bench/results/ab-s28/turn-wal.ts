/**
 * What the inbox worker's two statements (the ensure and the turn) write per event, through the app's own
 * functions, on a fresh database migrated with or without the last migration:
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/results/ab-s28/turn-wal.ts old|new
 * Creates (and drops) the database hala_turnwal. Per group of 64 events: the events are stored, then one ensure
 * statement and one turn statement (one reply each, the state changed, as a bot answer). First a round of new
 * shoppers (their turns set the language, as the engine does on a shopper's first words), then a round of the
 * same shoppers again (known shoppers, no language). Prints the WAL bytes per event (exact: the WAL position
 * before and after each group) and the wall time per event of the ensure + turn, per round. PostgreSQL's
 * statistics counters are flushed at most once a second, so buffer hits and WAL records cannot be read this way.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const arm = process.argv[2];
if (arm !== "old" && arm !== "new") throw new Error("usage: turn-wal.ts old|new");
const admin = process.env.DATABASE_URL;
if (!admin) throw new Error("DATABASE_URL (any database of the server) is required");
const url = new URL(admin);
url.pathname = "/hala_turnwal";
const adminClient = new pg.Client({ connectionString: admin });
await adminClient.connect();
await adminClient.query(`DROP DATABASE IF EXISTS hala_turnwal`);
await adminClient.query(`CREATE DATABASE hala_turnwal`);
process.env.DATABASE_URL = url.toString();
// The app's settings check wants these; nothing here uses them.
process.env.SHOPIFY_API_KEY ??= "turnwal";
process.env.SHOPIFY_API_SECRET ??= "turnwal";
process.env.SHOPIFY_APP_URL ??= "https://hala.test";
process.env.ENCRYPTION_KEY ??= `k1:${Buffer.alloc(32, 7).toString("base64")}`;

const { migrate } = await import("~/adapters/db/migrate.server");
const { database } = await import("~/db.server");
const { ensureShop } = await import("~/adapters/db/shops.server");
const { ensureContactsAndConversations } = await import("~/adapters/db/conversations.server");
const { commitInboundTurns } = await import("~/adapters/db/messages.server");

// The old arm: every migration but the last (…_conversation_inbox_partial).
const all = readdirSync("prisma/migrations", { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const dir = mkdtempSync(path.join(os.tmpdir(), "turnwal-"));
for (const name of arm === "old" ? all.slice(0, -1) : all)
  cpSync(path.join("prisma/migrations", name), path.join(dir, name), { recursive: true });
const { raw } = database();
await migrate(raw, dir);
rmSync(dir, { recursive: true });

const SHOPS = 50;
const GROUP = 64;
const GROUPS = 150; // 9,600 events a round
const shop = (i: number) => `shop${i % SHOPS}.myshopify.com`;
for (let s = 0; s < SHOPS; s++) await ensureShop(shop(s), { name: `Store ${s}` });

async function counters() {
  const [row] = await raw.query<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`);
  return row;
}

async function round(label: string, tag: string) {
  let wal = 0;
  let ms = 0;
  for (let g = 0; g < GROUPS; g++) {
    const shoppers = Array.from({ length: GROUP }, (_, i) => g * GROUP + i);
    const events = await raw.query<{ id: string; shop: string; waId: string }>(
      `INSERT INTO "InboundEvent" (id, shop, "phoneNumberId", kind, "dedupeKey", "waId", payload)
       SELECT gen_random_uuid()::text, s, '1', 'message', k, w, '{}'::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[]) AS x(s, k, w)
       RETURNING id, shop, "waId"`,
      [
        shoppers.map(shop),
        shoppers.map((n) => `wamid.${tag}.${n}`),
        shoppers.map((n) => `9665${String(n).padStart(8, "0")}`),
      ],
    );
    const before = await counters();
    const t0 = performance.now();
    const ensured = await ensureContactsAndConversations(
      events.map((e) => ({ shop: e.shop, waId: e.waId, initialState: { node: "start" } })),
    );
    await commitInboundTurns(
      events.map((e, i) => ({
        shop: e.shop,
        turn: {
          eventId: e.id,
          conversationId: ensured[i].conversation.id,
          contactId: ensured[i].contact.id,
          inbound: { wamid: `wamid.${tag}.${i}.${g}`, type: "text", body: { text: "hi" }, text: "hi", createdAt: new Date() },
          state: { state: { node: "menu", tag }, stateVersion: 2 },
          // As the engine does: a language on a shopper's first words ("hi": English), none after.
          ...(tag === "a" ? { language: "en" as const } : {}),
          replies: [
            {
              accountId: null,
              toWaId: e.waId,
              author: "bot" as const,
              type: "text",
              body: { kind: "text", body: "Welcome! 1. Browse 2. Orders" },
              text: "Welcome! 1. Browse 2. Orders",
              idempotencyKey: `${e.id}:0`,
            },
          ],
        },
      })),
    );
    ms += performance.now() - t0;
    const after = await counters();
    const [diff] = await raw.query<{ bytes: string }>(`SELECT pg_wal_lsn_diff($1, $2)::text AS bytes`, [
      after.lsn,
      before.lsn,
    ]);
    wal += Number(diff.bytes);
  }
  const n = GROUP * GROUPS;
  console.log(
    `| ${arm} | ${label} | ${Math.round(wal / n)} | ${((ms * 1000) / n).toFixed(0)} |`,
  );
}

await round("new shoppers", "a");
await round("known shoppers", "b");
await database().close();
await adminClient.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'hala_turnwal'`);
await adminClient.query(`DROP DATABASE hala_turnwal`);
await adminClient.end();
process.exit(0);
