import type { Prisma, Shop } from "@prisma/client";
import { database, db } from "~/db.server";
import { withDates, type JsonRow } from "./json-row";
import { forgetCachedAccounts } from "./accounts.server";

/** Creates the shop's row on first install (or reinstall), keeping existing settings. */
export async function ensureShop(
  shop: string,
  data: { name?: string; currencyCode?: string } = {},
): Promise<Shop> {
  return db().shop.upsert({
    where: { shop },
    create: { shop, ...data },
    update: { uninstalledAt: null, botEnabled: true, ...data },
  });
}

/**
 * The shop's row and settings. One plain SELECT (docs/decisions/010-hot-path-sql.md): the inbox worker reads it
 * for every message, and a Prisma findUnique costs several times the database's own work in query compilation.
 */
export async function getShop(shop: string): Promise<Shop | null> {
  const [found] = await database().raw.query<{ row: JsonRow }>(
    `SELECT to_jsonb(s.*) AS row FROM "Shop" s WHERE s.shop = $1`,
    [shop],
    { prepare: true },
  );
  return found ? shopFromJson(found.row) : null;
}

/** A Shop row read as JSON (`to_jsonb(s.*)`). */
export function shopFromJson(row: JsonRow): Shop {
  return withDates(row, SHOP_DATES) as unknown as Shop;
}

const SHOP_DATES = ["installedAt", "uninstalledAt", "createdAt", "updatedAt"] as const;

export async function updateShop(shop: string, data: Prisma.ShopUpdateInput): Promise<Shop> {
  return db().shop.update({ where: { shop }, data });
}

/** app/uninstalled: the bot stops for this shop and its sessions are gone; the data stays until shop/redact. */
/** The admin's "needs attention" badge: one more alert waiting for the merchant. */
export async function incrementNeedsAttention(shop: string): Promise<void> {
  await db().shop.updateMany({ where: { shop }, data: { needsAttentionCount: { increment: 1 } } });
}

export async function markShopUninstalled(shop: string, at: Date): Promise<void> {
  const prisma = db();
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.updateMany({ where: { shop }, data: { botEnabled: false, uninstalledAt: at } }),
  ]);
}

/** shop/redact: every row of the shop, in every table. */
export async function deleteShopData(shop: string): Promise<Record<string, number>> {
  const prisma = db();
  forgetCachedAccounts();
  const where = { shop };
  const results = await prisma.$transaction([
    prisma.message.deleteMany({ where }),
    prisma.inboundEvent.deleteMany({ where }),
    prisma.feedback.deleteMany({ where }),
    prisma.checkout.deleteMany({ where }),
    prisma.orderAttribution.deleteMany({ where }),
    prisma.conversation.deleteMany({ where }),
    prisma.contact.deleteMany({ where }),
    prisma.scheduledJob.deleteMany({ where }),
    prisma.messageTemplate.deleteMany({ where }),
    prisma.whatsAppAccount.deleteMany({ where }),
    prisma.dataRequest.deleteMany({ where }),
    prisma.llmCall.deleteMany({ where }),
    prisma.aiSettings.deleteMany({ where }),
    prisma.webhookDelivery.deleteMany({ where }),
    prisma.session.deleteMany({ where }),
    prisma.shop.deleteMany({ where }),
  ]);
  const names = [
    "message",
    "inboundEvent",
    "feedback",
    "checkout",
    "orderAttribution",
    "conversation",
    "contact",
    "scheduledJob",
    "messageTemplate",
    "whatsAppAccount",
    "dataRequest",
    "llmCall",
    "aiSettings",
    "webhookDelivery",
    "session",
    "shop",
  ];
  return Object.fromEntries(names.map((n, i) => [n, results[i].count]));
}
