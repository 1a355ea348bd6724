/**
 * The demo's settings: every value has a printed default and an environment override (HOUSE.md, "Demo
 * contract"). Pure: reads the given environment, returns the config and the variables the app must see.
 */

export interface DemoConfig {
  port: number;
  host: string;
  /** The URL printed and used as SHOPIFY_APP_URL. */
  url: string;
  /** Where the demo POSTs webhooks to itself (loopback). */
  selfOrigin: string;
  shop: string;
  shopName: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  apiKey: string;
  apiSecret: string;
  feedbackDelaySeconds: number;
  /** null = embedded PGlite in `pgliteDataDir`. */
  databaseUrl: string | null;
  pgliteDataDir: string;
  redisUrl: string | null;
  /** Variables set for the app (only those not already set by the caller, plus the ones the demo forces). */
  env: Record<string, string>;
}

export const DEMO_DEFAULTS = {
  PORT: "3000",
  DEMO_HOST: "127.0.0.1",
  DEMO_SHOP: "demo-hala.myshopify.com",
  DEMO_SHOP_NAME: "Hala Demo Boutique",
  DEMO_PHONE_NUMBER_ID: "100000000000001",
  DEMO_WABA_ID: "100000000000002",
  DEMO_DISPLAY_PHONE_NUMBER: "966110000001",
  DEMO_APP_SECRET: "hala-demo-app-secret",
  DEMO_VERIFY_TOKEN: "hala-demo-verify-token",
  DEMO_ACCESS_TOKEN: "EAAG-hala-demo-access-token",
  SHOPIFY_API_KEY: "hala-demo-api-key",
  SHOPIFY_API_SECRET: "hala-demo-api-secret",
  // 32 bytes, base64: the demo's secrets at rest are not secret.
  ENCRYPTION_KEY: "demo:" + Buffer.alloc(32, 42).toString("base64"),
  DEMO_FEEDBACK_DELAY_SECONDS: "5",
  PGLITE_DATA_DIR: "./data/pglite",
  LOG_LEVEL: "warn",
} as const;

export class DemoConfigError extends Error {}

/** Refuses production: the demo signs session tokens and fakes Shopify and Meta. */
export function assertNotProduction(env: Record<string, string | undefined>): void {
  if (env.NODE_ENV === "production") {
    throw new DemoConfigError(
      "Refusing to start the demo with NODE_ENV=production: demo mode fakes Shopify and the WhatsApp Cloud API and " +
        "signs its own session tokens. Use `npm start` in production.",
    );
  }
}

export function resolveDemoConfig(env: Record<string, string | undefined>): DemoConfig {
  assertNotProduction(env);
  const get = (name: keyof typeof DEMO_DEFAULTS) => {
    const value = env[name]?.trim();
    return value ? value : DEMO_DEFAULTS[name];
  };
  const port = Number(get("PORT"));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new DemoConfigError(`PORT must be a port number (got ${env.PORT})`);
  const host = get("DEMO_HOST");
  const seconds = Number(get("DEMO_FEEDBACK_DELAY_SECONDS"));
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new DemoConfigError(
      `DEMO_FEEDBACK_DELAY_SECONDS must be a number of seconds (got ${env.DEMO_FEEDBACK_DELAY_SECONDS})`,
    );
  const shop = get("DEMO_SHOP").toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop))
    throw new DemoConfigError(`DEMO_SHOP must be a *.myshopify.com domain (got ${shop})`);
  const phoneNumberId = get("DEMO_PHONE_NUMBER_ID");
  if (!/^\d{6,20}$/.test(phoneNumberId))
    throw new DemoConfigError(`DEMO_PHONE_NUMBER_ID must be digits (got ${phoneNumberId})`);

  const url = env.SHOPIFY_APP_URL?.trim() || `http://localhost:${port}`;
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  const redisUrl = env.REDIS_URL?.trim() || null;
  const config: Omit<DemoConfig, "env"> = {
    port,
    host,
    url,
    selfOrigin: `http://127.0.0.1:${port}`,
    shop,
    shopName: get("DEMO_SHOP_NAME"),
    phoneNumberId,
    wabaId: get("DEMO_WABA_ID"),
    displayPhoneNumber: get("DEMO_DISPLAY_PHONE_NUMBER"),
    appSecret: get("DEMO_APP_SECRET"),
    verifyToken: get("DEMO_VERIFY_TOKEN"),
    accessToken: get("DEMO_ACCESS_TOKEN"),
    apiKey: get("SHOPIFY_API_KEY"),
    apiSecret: get("SHOPIFY_API_SECRET"),
    feedbackDelaySeconds: seconds,
    databaseUrl,
    pgliteDataDir: get("PGLITE_DATA_DIR"),
    redisUrl,
  };
  return {
    ...config,
    env: {
      PORT: String(port),
      SHOPIFY_API_KEY: config.apiKey,
      SHOPIFY_API_SECRET: config.apiSecret,
      SHOPIFY_APP_URL: url,
      ENCRYPTION_KEY: get("ENCRYPTION_KEY"),
      PGLITE_DATA_DIR: config.pgliteDataDir,
      LOG_LEVEL: get("LOG_LEVEL"),
      HALA_DEMO: "true",
      HALA_WORKERS: "true",
      // The feedback service's override (the shop's setting is in whole minutes).
      HALA_FEEDBACK_DELAY_SECONDS: String(seconds),
    },
  };
}

/** The banner `npm run demo` prints once it is serving. */
export function banner(
  config: DemoConfig,
  timings: { startMs: number; phases?: Record<string, number> },
): string {
  const rows: [string, string][] = [
    ["App", config.url],
    ["Simulator", `${config.url}/simulator`],
    ["Merchant admin", `${config.url}/simulator/admin`],
    ["Health", `${config.url}/healthz`],
    ["", ""],
    ["Shop domain (DEMO_SHOP)", config.shop],
    ["SHOPIFY_API_KEY", config.apiKey],
    ["SHOPIFY_API_SECRET", config.apiSecret],
    ["", ""],
    ["WhatsApp webhook", `POST ${config.url}/webhooks/whatsapp`],
    ["phone_number_id (DEMO_PHONE_NUMBER_ID)", config.phoneNumberId],
    ["app secret (DEMO_APP_SECRET)", config.appSecret],
    ["verify token (DEMO_VERIFY_TOKEN)", config.verifyToken],
    ["Bot replies (contract)", `GET ${config.url}/simulator/api/messages?wa_id=<shopper>`],
    ["", ""],
    ["Database", config.databaseUrl ? "DATABASE_URL (PostgreSQL)" : `PGlite in ${config.pgliteDataDir}`],
    ["Cache", config.redisUrl ? "REDIS_URL" : "in-process"],
    ["Feedback delay (DEMO_FEEDBACK_DELAY_SECONDS)", `${config.feedbackDelaySeconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => (k ? `  ${k.padEnd(width)}  ${v}` : ""));
  const phases = Object.entries(timings.phases ?? {})
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(", ");
  return [
    `Hala demo ready in ${(timings.startMs / 1000).toFixed(1)} s${phases ? ` (${phases})` : ""}`,
    ...lines,
    "",
    "Ctrl-C to stop.",
  ].join("\n");
}
