/**
 * Seeds a resilience database through the app's own code (run as a child process with DATABASE_URL — or
 * PGLITE_DATA_DIR —, ENCRYPTION_KEY and RES_TENANTS = a JSON file of tenants): migrations, then per tenant
 * ensureShop + upsertAccount (sealed token and app secret) at the tenant's messagesPerSecond, and with
 * RES_SESSIONS=1 an offline session.
 */
import { readFileSync } from "node:fs";
import { upsertAccount } from "~/adapters/db/accounts.server";
import { migrate } from "~/adapters/db/migrate.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { closeDatabase, database, db } from "~/db.server";
import type { Tenant } from "./lib/driver";

const tenants = JSON.parse(readFileSync(process.env.RES_TENANTS!, "utf8")) as Tenant[];
await migrate(database().raw);
for (const t of tenants) {
  await ensureShop(t.shop, { name: `Resilience Store ${t.index + 1}`, currencyCode: "SAR" });
  await upsertAccount(t.shop, {
    phoneNumberId: t.phoneNumberId,
    wabaId: "419561257915477",
    accessToken: t.accessToken,
    appSecret: t.appSecret,
    verifyToken: t.verifyToken,
    messagesPerSecond: t.messagesPerSecond,
  });
  // RES_SESSIONS=1: an offline session too (admin pages open without a token exchange).
  if (process.env.RES_SESSIONS === "1")
    await db().session.upsert({
      where: { id: `offline_${t.shop}` },
      create: {
        id: `offline_${t.shop}`,
        shop: t.shop,
        state: "",
        isOnline: false,
        accessToken: "shpat_res",
        scope: "read_products,write_draft_orders,read_orders,read_customers,read_fulfillments",
      },
      update: {},
    });
}
await closeDatabase();
console.log(`seeded ${tenants.length} tenants`);
