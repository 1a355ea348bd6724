import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, DeliveryMethod, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { ADMIN_API_VERSION } from "./adapters/shopify/api-version";
import { db } from "./db.server";
import { env } from "./env.server";
import { ensureShop } from "./adapters/db/shops.server";

const config = env();

const apiVersion = ADMIN_API_VERSION as ApiVersion;
if (!Object.values(ApiVersion).includes(apiVersion)) {
  throw new Error(`ADMIN_API_VERSION ${ADMIN_API_VERSION} is not known to @shopify/shopify-api`);
}

/**
 * The Shopify app: embedded, token-exchange auth (Shopify-managed installation), offline sessions kept in
 * PostgreSQL so that webhook-driven conversations can call the Admin API without a request.
 */
const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: config.SCOPES.split(",")
    .map((s) => s.trim())
    .filter(Boolean),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Migrations run at start-up; give them time before the storage decides the table is missing.
  sessionStorage: new PrismaSessionStorage(db(), { connectionRetries: 20, connectionRetryIntervalMs: 500 }),
  distribution: AppDistribution.AppStore,
  isEmbeddedApp: true,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  webhooks: {
    // Subscriptions are declared in shopify.app.toml (app-specific webhooks); this keeps the callback
    // paths known to the library for `authenticate.webhook`.
    APP_UNINSTALLED: { deliveryMethod: DeliveryMethod.Http, callbackUrl: "/webhooks/app/uninstalled" },
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await ensureShop(session.shop);
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export { apiVersion };
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
