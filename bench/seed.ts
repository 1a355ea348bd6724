/**
 * Seeds the benchmark database through the app's own code: migrations (migrate.server.ts), then one shop
 * (ensureShop) and one WhatsApp account (upsertAccount: sealed token and app secret) per tenant, at
 * `messagesPerSecond` 1000. Env: DATABASE_URL, ENCRYPTION_KEY (+ the app's required variables),
 * BENCH_TENANTS (a JSON file written by bench/webhook.ts).
 */
import { readFileSync } from "node:fs";
import { upsertAccount } from "~/adapters/db/accounts.server";
import { migrate } from "~/adapters/db/migrate.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { closeDatabase, database } from "~/db.server";
import type { Tenant } from "./lib/payloads";

const tenants = JSON.parse(readFileSync(process.env.BENCH_TENANTS!, "utf8")) as Tenant[];
const started = performance.now();
const migrated = await migrate(database().raw);
for (const t of tenants) {
  await ensureShop(t.shop, { name: `Bench Store ${t.index + 1}`, currencyCode: "SAR" });
  await upsertAccount(t.shop, {
    phoneNumberId: t.phoneNumberId,
    wabaId: "419561257915477",
    accessToken: t.accessToken,
    appSecret: t.appSecret,
    verifyToken: t.verifyToken,
    messagesPerSecond: 1000,
  });
}
await closeDatabase();
console.log(
  `seeded ${tenants.length} tenants (${migrated.applied.length} migrations applied) in ${Math.round(performance.now() - started)} ms`,
);
