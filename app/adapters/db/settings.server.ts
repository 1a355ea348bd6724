import type { MessageTemplate, Prisma, Shop, WhatsAppAccount } from "@prisma/client";
import { db } from "~/db.server";

/**
 * The admin's settings page: the shop's bot settings, its WhatsApp account's public fields and the message
 * templates synced from Meta. Every function takes `shop` first and touches only that shop's rows.
 */

export type BotSettingsInput = Pick<
  Prisma.ShopUncheckedCreateInput,
  | "botEnabled"
  | "defaultLanguage"
  | "welcomeMessageEn"
  | "welcomeMessageAr"
  | "awayMessageEn"
  | "awayMessageAr"
  | "reviewUrl"
  | "feedbackEnabled"
  | "feedbackDelayMinutes"
  | "feedbackTemplateName"
  | "feedbackTemplateLanguage"
  | "notifyEmail"
  | "notifyWebhookUrl"
  | "idleTimeoutMinutes"
>;

/** The shop's row, created with defaults when the shop has none yet (a session exists before afterAuth ran). */
export async function getOrCreateShopSettings(shop: string): Promise<Shop> {
  return db().shop.upsert({ where: { shop }, create: { shop }, update: {} });
}

export async function saveBotSettings(shop: string, data: BotSettingsInput): Promise<Shop> {
  return db().shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

/** The shop's (first) WhatsApp account, as stored: callers must not hand the sealed secrets to a browser. */
export async function findShopAccount(shop: string): Promise<WhatsAppAccount | null> {
  return db().whatsAppAccount.findFirst({ where: { shop }, orderBy: { createdAt: "asc" } });
}

export async function setVerifyToken(shop: string, accountId: string, verifyToken: string): Promise<number> {
  return (await db().whatsAppAccount.updateMany({ where: { shop, id: accountId }, data: { verifyToken } }))
    .count;
}

/** Forget what the last "Test connection" said (the number or its token changed). */
export async function clearAccountProfile(shop: string, accountId: string): Promise<void> {
  await db().whatsAppAccount.updateMany({
    where: { shop, id: accountId },
    data: { displayName: null, qualityRating: null, displayPhoneNumber: null },
  });
}

/** Whether Meta has delivered anything for this shop yet (the webhook is subscribed and verified). */
export async function hasReceivedWebhook(shop: string): Promise<boolean> {
  const prisma = db();
  const event = await prisma.inboundEvent.findFirst({ where: { shop }, select: { id: true } });
  if (event) return true;
  const message = await prisma.message.findFirst({ where: { shop, direction: "in" }, select: { id: true } });
  return !!message;
}

// --- message templates ---------------------------------------------------------------------------

export interface TemplateInput {
  name: string;
  language: string;
  status: string;
  category: string | null;
  components: Prisma.InputJsonValue;
}

/**
 * Mirrors the account's templates: upserts each (unique by shop + account + name + language) and removes
 * the ones Meta no longer lists. Returns how many are stored.
 */
export async function replaceTemplates(
  shop: string,
  accountId: string,
  templates: TemplateInput[],
): Promise<number> {
  const prisma = db();
  const keep = templates.map((t) => ({ name: t.name, language: t.language }));
  await prisma.$transaction([
    ...templates.map((t) =>
      prisma.messageTemplate.upsert({
        where: { shop_accountId_name_language: { shop, accountId, name: t.name, language: t.language } },
        create: { shop, accountId, ...t },
        update: { status: t.status, category: t.category, components: t.components },
      }),
    ),
    prisma.messageTemplate.deleteMany({
      where: { shop, accountId, ...(keep.length ? { NOT: { OR: keep } } : {}) },
    }),
  ]);
  return prisma.messageTemplate.count({ where: { shop, accountId } });
}

export async function listTemplates(
  shop: string,
  accountId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<MessageTemplate[]> {
  return db().messageTemplate.findMany({
    where: { shop, accountId, ...(options.approvedOnly ? { status: "APPROVED" } : {}) },
    orderBy: [{ name: "asc" }, { language: "asc" }],
  });
}

export async function findTemplate(shop: string, accountId: string, name: string, language: string) {
  return db().messageTemplate.findUnique({
    where: { shop_accountId_name_language: { shop, accountId, name, language } },
  });
}

export async function lastTemplateSync(shop: string, accountId: string): Promise<Date | null> {
  const row = await db().messageTemplate.findFirst({
    where: { shop, accountId },
    orderBy: { updatedAt: "desc" },
    select: { updatedAt: true },
  });
  return row?.updatedAt ?? null;
}
