/**
 * Seeds one shop for the analytics benchmark in a few bulk `INSERT … SELECT generate_series` statements
 * (no row-by-row round trips): contacts, one conversation each (1 in 7 with cart lines in its state),
 * messages spread over `days` (shopper message + bot reply 1–5 s later, or a merchant reply 1–61 min
 * later in 1 conversation in 10, 3% left unanswered; outbound statuses 60% read, 25% delivered, 10% sent,
 * 4% failed, 1% queued), checkouts (1 exchange in 25), orders for 40% of them (+ orders without a
 * conversation, 5% in USD), feedback for every order at least a day old (60% answered) and LLM calls.
 * Rows are inserted in time order, as a live shop writes them. Deterministic (hashtext), no randomness.
 *
 *   tsx bench/analytics/seed.ts   (DATABASE_URL for PostgreSQL, else PGlite in PGLITE_DATA_DIR)
 *   env: BENCH_SHOP, BENCH_CONTACTS (10000), BENCH_MESSAGES (100000), BENCH_DAYS (90)
 */
import "./env";
import { pathToFileURL } from "node:url";
import type { RawDb } from "~/db.server";

export interface SeedOptions {
  shop: string;
  /** Prefix of every id, unique per seeded shop. */
  prefix: string;
  contacts: number;
  /** Even: messages come in pairs (a shopper message and its reply). */
  messages: number;
  days: number;
  llmCalls?: number;
  extraOrders?: number;
}

export interface SeedCounts {
  contacts: number;
  conversations: number;
  messages: number;
  checkouts: number;
  orders: number;
  feedback: number;
  llmCalls: number;
  ms: number;
}

const TABLES = [
  "LlmCall",
  "Feedback",
  "OrderAttribution",
  "Checkout",
  "Message",
  "Conversation",
  "Contact",
  "Shop",
];

/** Time of exchange `p` (a pair of messages): spread over the days, ending 2 h before now. */
const pairTime = (p: string) =>
  `((now() AT TIME ZONE 'UTC') - $5::int * interval '1 day'
     + (abs(hashtext($2 || 't' || ${p})) % ($5::int * 86400 - 7200)) * interval '1 second')`;

export async function seedAnalyticsShop(raw: RawDb, o: SeedOptions): Promise<SeedCounts> {
  const started = performance.now();
  const q = (sql: string, params: unknown[] = [o.shop, o.prefix, o.contacts, o.messages, o.days]) =>
    raw.query(sql, params);
  for (const table of TABLES) await raw.query(`DELETE FROM "${table}" WHERE shop = $1`, [o.shop]);

  await raw.query(
    `INSERT INTO "Shop" (shop, name, "currencyCode", "updatedAt") VALUES ($1, 'Analytics Bench', 'SAR', now())`,
    [o.shop],
  );

  await q(
    `INSERT INTO "Contact" (id, shop, "waId", name, language, "createdAt", "updatedAt", "lastInboundAt")
     SELECT $2 || 'c' || i, $1, (966500000000 + i)::text, 'Shopper ' || i, CASE WHEN i % 2 = 0 THEN 'ar' ELSE 'en' END,
            (now() AT TIME ZONE 'UTC') - $4::int * interval '1 day', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM generate_series(1, $3::int) i`,
    [o.shop, o.prefix, o.contacts, o.days],
  );

  await q(
    `INSERT INTO "Conversation" (id, shop, "contactId", state, "stateVersion", status, "lastMessageAt", "lastInboundAt",
                                 "createdAt", "updatedAt")
     SELECT $2 || 'v' || i, $1, $2 || 'c' || i,
            jsonb_build_object(
              'version', 1, 'step', 'menu', 'language', CASE WHEN i % 2 = 0 THEN 'ar' ELSE 'en' END, 'cartPage', 0,
              'cart', CASE WHEN i % 7 = 0 THEN jsonb_build_array(jsonb_build_object(
                         'variantId', 'gid://shopify/ProductVariant/' || (i % 50 + 1), 'productId', 'gid://shopify/Product/' || (i % 20 + 1),
                         'productTitle', 'Oud Al Layl', 'variantTitle', '100 ml', 'quantity', 1 + i % 3,
                         'unitPrice', jsonb_build_object('amount', '250.00', 'currencyCode', 'SAR')))
                      ELSE '[]'::jsonb END,
              'lastShown', jsonb_build_object('kind', 'list', 'rows', jsonb_build_array('catalog', 'cart', 'orders', 'help'))),
            1, CASE WHEN i % 10 = 0 THEN 'human' ELSE 'bot' END,
            now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', (now() AT TIME ZONE 'UTC') - $4::int * interval '1 day', now() AT TIME ZONE 'UTC'
       FROM generate_series(1, $3::int) i`,
    [o.shop, o.prefix, o.contacts, o.days],
  );

  await q(
    `INSERT INTO "Message" (id, shop, "conversationId", "contactId", direction, author, type, body, text, status, wamid,
                            attempts, "sentAt", "deliveredAt", "readAt", "failedAt", "errorCode", "errorTitle", "createdAt")
     SELECT $2 || 'm' || n, $1, $2 || 'v' || c, $2 || 'c' || c, dir, author, 'text',
            jsonb_build_object('type', 'text', 'text', jsonb_build_object('body', txt)), txt, status,
            CASE WHEN status = 'queued' THEN NULL ELSE $2 || 'w' || n END,
            CASE WHEN dir = 'out' THEN 1 ELSE 0 END,
            CASE WHEN status IN ('sent', 'delivered', 'read') THEN at + interval '1 second' END,
            CASE WHEN status IN ('delivered', 'read') THEN at + interval '3 seconds' END,
            CASE WHEN status = 'read' THEN at + interval '45 seconds' END,
            CASE WHEN status = 'failed' THEN at + interval '2 seconds' END,
            CASE WHEN status = 'failed' THEN 131026 END,
            CASE WHEN status = 'failed' THEN 'Message undeliverable' END,
            at
       FROM (
         SELECT n, c, at, dir, author,
                CASE WHEN dir = 'in' THEN 'received'
                     WHEN h % 100 < 60 THEN 'read' WHEN h % 100 < 85 THEN 'delivered' WHEN h % 100 < 95 THEN 'sent'
                     WHEN h % 100 < 99 THEN 'failed' ELSE 'queued' END AS status,
                CASE WHEN dir = 'in' THEN 'Hello, do you have the oud perfume in 100 ml? message ' || n
                     ELSE 'Here are our collections, pick one to see its products. message ' || n END AS txt
           FROM (
             SELECT n, c, h,
                    CASE WHEN reply AND NOT unanswered THEN 'out' ELSE 'in' END AS dir,
                    CASE WHEN NOT reply OR unanswered THEN 'shopper' WHEN human THEN 'merchant' ELSE 'bot' END AS author,
                    base + CASE WHEN NOT reply THEN interval '0'
                                WHEN unanswered THEN interval '20 seconds'
                                WHEN human THEN (60 + h % 3600) * interval '1 second'
                                ELSE (1 + h % 5) * interval '1 second' END AS at
               FROM (
                 SELECT n, (n - 1) / 2 % $3::int + 1 AS c, (n - 1) % 2 = 1 AS reply,
                        abs(hashtext($2 || 'h' || n)) AS h,
                        abs(hashtext($2 || 'u' || (n - 1) / 2)) % 100 < 3 AS unanswered,
                        (n - 1) / 2 % $3::int % 10 = 0 AS human,
                        ${pairTime("(n - 1) / 2")} AS base
                   FROM generate_series(1, $4::int) n
               ) s
           ) s2
       ) s3
      ORDER BY at`,
  );

  // Checkouts: 1 exchange in 25, two minutes after it.
  await q(
    `INSERT INTO "Checkout" (id, shop, "conversationId", "contactId", "draftOrderId", "invoiceUrl", lines, "totalAmount",
                             "currencyCode", "createdAt")
     SELECT $2 || 'k' || p, $1, $2 || 'v' || (p % $3::int + 1), $2 || 'c' || (p % $3::int + 1),
            'gid://shopify/DraftOrder/' || $2 || p, 'https://bench.example/invoices/' || p,
            '[{"variantId":"gid://shopify/ProductVariant/1","quantity":1}]'::jsonb, 250.00, 'SAR',
            ${pairTime("p")} + interval '2 minutes' AS at
       FROM generate_series(0, $4::int / 2 - 1) p
      WHERE abs(hashtext($2 || 'k' || p)) % 25 = 0
      ORDER BY at`,
  );

  // Orders: 40% of checkouts an hour later; plus orders without a conversation (phone match only).
  await q(
    `INSERT INTO "OrderAttribution" (id, shop, "orderId", "orderName", "conversationId", "contactId", "checkoutId", phone,
                                     "totalAmount", "currencyCode", "createdAt")
     SELECT $2 || 'o' || k.id, $1, 'gid://shopify/Order/' || k.id, '#' || (1000 + row_number() OVER (ORDER BY k."createdAt")),
            k."conversationId", k."contactId", k.id, NULL,
            (50 + abs(hashtext($2 || 'a' || k.id)) % 450) + (abs(hashtext($2 || 'b' || k.id)) % 100) / 100.0,
            CASE WHEN abs(hashtext($2 || 'y' || k.id)) % 20 = 0 THEN 'USD' ELSE 'SAR' END,
            k."createdAt" + interval '1 hour'
       FROM "Checkout" k
      WHERE k.shop = $1 AND abs(hashtext($2 || 'o' || k.id)) % 5 < 2
      ORDER BY k."createdAt"`,
    [o.shop, o.prefix],
  );
  await raw.query(
    `INSERT INTO "OrderAttribution" (id, shop, "orderId", "orderName", phone, "totalAmount", "currencyCode", "createdAt")
     SELECT $2 || 'x' || i, $1, 'gid://shopify/Order/' || $2 || 'x' || i, '#X' || i, '+9665' || (10000000 + i),
            80 + i % 300, 'SAR',
            (now() AT TIME ZONE 'UTC') - $3::int * interval '1 day' + (abs(hashtext($2 || 'xt' || i)) % ($3::int * 86400 - 7200)) * interval '1 second'
       FROM generate_series(1, $4::int) i`,
    [o.shop, o.prefix, o.days, o.extraOrders ?? 100],
  );

  // Feedback for every order at least a day old; 60% answered two hours after the request.
  await q(
    `INSERT INTO "Feedback" (id, shop, "orderId", "orderName", "contactId", "conversationId", rating, comment, language,
                             "sentimentLabel", "sentimentScore", "sentimentSource", outcome, status, "requestedAt",
                             "answeredAt", "createdAt", "updatedAt")
     SELECT $2 || 'f' || id, $1, "orderId", "orderName", "contactId", "conversationId",
            CASE WHEN answered THEN CASE WHEN kind < 65 THEN 4 + h % 2 WHEN kind < 85 THEN 3 ELSE 1 + h % 2 END END,
            CASE WHEN answered THEN 'Thank you' END, 'en',
            CASE WHEN answered THEN CASE WHEN kind < 65 THEN 'positive' WHEN kind < 85 THEN 'neutral' ELSE 'negative' END END,
            CASE WHEN answered THEN CASE WHEN kind < 65 THEN 0.5 + (h % 50) / 100.0 WHEN kind < 85 THEN (h % 40) / 100.0 - 0.2
                                         ELSE -0.4 - (h % 60) / 100.0 END END,
            CASE WHEN answered THEN 'lexicon' END,
            CASE WHEN answered THEN CASE WHEN kind < 65 THEN 'positive' WHEN kind < 85 THEN 'neutral' ELSE 'negative' END END,
            CASE WHEN answered THEN 'answered' ELSE 'requested' END,
            at, CASE WHEN answered THEN at + interval '2 hours' END, at, at
       FROM (
         SELECT id, "orderId", "orderName", "contactId", "conversationId", "createdAt" + interval '1 day' AS at,
                abs(hashtext($2 || 'fh' || id)) AS h,
                abs(hashtext($2 || 'fk' || id)) % 100 AS kind,
                abs(hashtext($2 || 'fa' || id)) % 100 < 60
                  AND "createdAt" + interval '1 day 2 hours' < now() AT TIME ZONE 'UTC' AS answered
           FROM "OrderAttribution"
          WHERE shop = $1 AND "createdAt" + interval '1 day' < now() AT TIME ZONE 'UTC'
       ) f
      ORDER BY at`,
    [o.shop, o.prefix],
  );

  await raw.query(
    `INSERT INTO "LlmCall" (id, shop, "conversationId", purpose, model, "promptTokens", "completionTokens", "latencyMs", ok,
                            error, "createdAt")
     SELECT $2 || 'l' || i, $1, $2 || 'v' || (i % 1000 + 1), CASE WHEN i % 4 = 0 THEN 'sentiment' ELSE 'reply' END,
            'openai/gpt-4o-mini', 300 + h % 900, 20 + h % 200, 300 + h % 2500, h % 100 >= 3,
            CASE WHEN h % 100 < 3 THEN 'timeout' END, at
       FROM (SELECT i, abs(hashtext($2 || 'lh' || i)) AS h,
                    (now() AT TIME ZONE 'UTC') - $3::int * interval '1 day'
                      + (abs(hashtext($2 || 'lt' || i)) % ($3::int * 86400 - 7200)) * interval '1 second' AS at
               FROM generate_series(1, $4::int) i) l
      ORDER BY at`,
    [o.shop, o.prefix, o.days, o.llmCalls ?? 5000],
  );

  const [counts] = await raw.query<Omit<SeedCounts, "ms">>(
    `SELECT (SELECT count(*) FROM "Contact" WHERE shop = $1)::int AS contacts,
            (SELECT count(*) FROM "Conversation" WHERE shop = $1)::int AS conversations,
            (SELECT count(*) FROM "Message" WHERE shop = $1)::int AS messages,
            (SELECT count(*) FROM "Checkout" WHERE shop = $1)::int AS checkouts,
            (SELECT count(*) FROM "OrderAttribution" WHERE shop = $1)::int AS orders,
            (SELECT count(*) FROM "Feedback" WHERE shop = $1)::int AS feedback,
            (SELECT count(*) FROM "LlmCall" WHERE shop = $1)::int AS "llmCalls"`,
    [o.shop],
  );
  return { ...counts, ms: Math.round(performance.now() - started) };
}

/** Statistics and the visibility map, as autovacuum leaves a live database. */
export async function vacuumAnalyze(raw: RawDb): Promise<void> {
  for (const table of TABLES) await raw.exec(`VACUUM ANALYZE "${table}"`);
}

// CLI: seed the database of this environment.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { migrate } = await import("~/adapters/db/migrate.server");
  const { closeDatabase, database } = await import("~/db.server");
  const raw = database().raw;
  await migrate(raw);
  const counts = await seedAnalyticsShop(raw, {
    shop: process.env.BENCH_SHOP ?? "bench-analytics.myshopify.com",
    prefix: "ba",
    contacts: Number(process.env.BENCH_CONTACTS ?? 10_000),
    messages: Number(process.env.BENCH_MESSAGES ?? 100_000),
    days: Number(process.env.BENCH_DAYS ?? 90),
  });
  await vacuumAnalyze(raw);
  await closeDatabase();
  console.log(JSON.stringify(counts));
}
