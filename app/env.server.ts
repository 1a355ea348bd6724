import { z } from "zod";

/**
 * Every environment variable Hala reads, validated once. A missing or malformed variable stops start-up
 * with a message that names it (see `loadEnv`).
 */
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.url({ message: "SHOPIFY_APP_URL must be the app's public https URL" }),
  SCOPES: z.string().default("read_products,write_draft_orders,read_orders,read_customers,read_fulfillments"),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),

  /** PostgreSQL; when absent the embedded PGlite database in PGLITE_DATA_DIR is used. */
  DATABASE_URL: optionalUrl,
  PGLITE_DATA_DIR: z.string().default("./data/pglite"),
  /** Redis; when absent an in-process cache with the same interface is used (single machine only). */
  REDIS_URL: optionalUrl,

  /**
   * Keys for secrets at rest: `keyId:base64key[,keyId:base64key…]`, 32-byte keys, the first one encrypts,
   * all of them decrypt (rotation). A single bare base64 key is accepted and gets the id `k1`.
   */
  ENCRYPTION_KEY: z.string().min(1, "ENCRYPTION_KEY is required (32 bytes, base64)"),

  GRAPH_API_URL: z.url().default("https://graph.facebook.com"),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "GRAPH_API_VERSION looks like v24.0")
    .default("v24.0"),
  /** An optional platform-wide Meta app secret accepted for every account's webhooks. */
  WHATSAPP_APP_SECRET: z.string().optional(),

  /** SMTP server for the merchant's e-mail alerts (`smtp://user:pass@host:587`, `smtps://…`); none: no e-mail. */
  SMTP_URL: z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^\s]+$/, "SMTP_URL looks like smtp://user:pass@host:587")
        .optional(),
    )
    .optional(),
  /** Sender of those e-mails. */
  MAIL_FROM: z.string().trim().min(3).default("Hala <no-reply@hala.invalid>"),

  /** Run the background workers (inbox processor, outbox sender, scheduler) in this process. */
  HALA_WORKERS: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  HALA_DEMO: bool,
  /**
   * Days a processed WhatsApp webhook item (InboundEvent, with its raw payload) is kept. More than Meta's 7 days
   * of re-delivery: the row's unique key is what recognises a late re-delivery.
   */
  HALA_INBOUND_RETENTION_DAYS: z.coerce.number().int().min(8).max(3650).default(14),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super("Invalid environment:\n" + issues.map((i) => `  - ${i.variable}: ${i.message}`).join("\n"));
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "?"),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}
