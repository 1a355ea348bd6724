/**
 * Seeds the demo shop through the app's own model functions, idempotently: the shop and its settings, an
 * offline Shopify session (what installing the app leaves behind), and the connected WhatsApp number.
 * Settings a merchant changed in an earlier demo run are kept, except the feedback delay, which
 * DEMO_FEEDBACK_DELAY_SECONDS always sets.
 */
import type { DemoConfig } from "./config";

export const DEMO_WELCOME = {
  en: "Welcome to Hala Demo Boutique! Abayas, oud, dates and gifts — delivered across the Kingdom.",
  ar: "أهلاً بك في بوتيك هلا التجريبي! عبايات وعود وتمور وهدايا — توصيل لجميع مناطق المملكة.",
};

/**
 * Minutes for the shop's feedback delay setting (the schema stores whole minutes); the exact delay in seconds
 * reaches the feedback service through HALA_FEEDBACK_DELAY_SECONDS.
 */
export function feedbackDelayMinutes(seconds: number): number {
  return seconds <= 0 ? 0 : Math.max(1, Math.ceil(seconds / 60));
}

export async function seedDemo(config: DemoConfig): Promise<{ created: boolean }> {
  const { ensureShop, getShop, updateShop } = await import("../../app/adapters/db/shops.server");
  const { upsertAccount } = await import("../../app/adapters/db/accounts.server");
  const { db } = await import("../../app/db.server");

  const existing = await getShop(config.shop);
  await ensureShop(config.shop, { name: existing?.name ?? config.shopName, currencyCode: "SAR" });
  await updateShop(config.shop, {
    welcomeMessageEn: existing?.welcomeMessageEn ?? DEMO_WELCOME.en,
    welcomeMessageAr: existing?.welcomeMessageAr ?? DEMO_WELCOME.ar,
    reviewUrl: existing?.reviewUrl ?? `https://${config.shop}/pages/reviews`,
    feedbackEnabled: existing?.feedbackEnabled ?? true,
    feedbackDelayMinutes: feedbackDelayMinutes(config.feedbackDelaySeconds),
  });

  const scope =
    process.env.SCOPES || "read_products,write_draft_orders,read_orders,read_customers,read_fulfillments";
  await db().session.upsert({
    where: { id: `offline_${config.shop}` },
    create: {
      id: `offline_${config.shop}`,
      shop: config.shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_demo",
      scope,
    },
    update: { accessToken: "shpat_demo", scope, expires: null, refreshToken: null },
  });

  await upsertAccount(config.shop, {
    phoneNumberId: config.phoneNumberId,
    wabaId: config.wabaId,
    accessToken: config.accessToken,
    appSecret: config.appSecret,
    verifyToken: config.verifyToken,
    displayPhoneNumber: `+${config.displayPhoneNumber}`,
  });
  return { created: !existing };
}
