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

/** An empty variable (a blank line in an .env file) counts as unset. */
const emptyAsUnset = (v: unknown) => (v === "" ? undefined : v);

/** A whole number in [min, max]; unset or empty means `fallback`. */
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(min).max(max).default(fallback));

/** A number of seconds ≥ 0; unset or empty means none. */
const seconds = z.preprocess(
  emptyAsUnset,
  z.coerce
    .number()
    .min(0)
    .max(31 * 24 * 3600)
    .optional(),
);

/**
 * The operator's tuning knobs (docs in README.md, "Configuration"). They are read when the modules that use them
 * load, so `tuning()` validates only these: a module imported by a script or test that has no Shopify settings
 * still loads, and a malformed value stops it with a message that names the variable.
 */
export const tuningShape = {
  /** Run the background workers (inbox processor, outbox sender, scheduler) in this process. */
  HALA_WORKERS: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  /** PostgreSQL pool size of each pool (`app/db.server.ts`). */
  DATABASE_POOL_MAX: int(1, 1000, 20),
  /**
   * Connections each pool opens when the server starts and keeps while idle (`app/db.server.ts`): a burst then
   * finds them open instead of waiting for new ones. Unset: DATABASE_POOL_MAX (a pool of fixed size); 0: opened
   * on demand only, and closed after 30 s idle.
   */
  DATABASE_POOL_MIN: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(1000).optional()),
  /**
   * Rows the hot path's prepared statements write before each pool's connections first drop their cached plans
   * (ADR 013); again at every doubling (3×, 7×, 15× … this many). 0: never.
   */
  DATABASE_PLAN_REFRESH_ROWS: int(0, 1_000_000_000, 1000),
  /** WhatsApp webhook INSERTs one instance keeps in flight (group commit, ADR 010). */
  HALA_INTAKE_STATEMENTS: int(1, 64, 4),
  /**
   * How long a webhook's INSERT may wait for the next webhooks' when they come closer together than this
   * (ms; the group commit's linger, ADR 010). 0: never.
   */
  HALA_INTAKE_LINGER_MS: int(0, 50, 5),
  /** Inbound events one inbox batch processes at once. */
  HALA_INBOX_CONCURRENCY: int(1, 1024, 64),
  /** Inbox batches one instance runs at once. */
  HALA_INBOX_BATCHES: int(1, 16, 2),
  /** Send batches one instance runs at once. */
  HALA_OUTBOX_LANES: int(1, 16, 1),
  /** Replies claimed in the turn's statement and sent at once (ADR 010, "Send on commit"). */
  HALA_SEND_ON_COMMIT: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => v !== "false" && v !== "0"),
  /** `auto`/`true`: the workers in a thread of their own when DATABASE_URL is set (ADR 011); `false`: not. */
  HALA_WORKER_THREAD: z
    .enum(["auto", "true", "false", "1", "0", ""])
    .optional()
    .transform((v) => (v === "false" || v === "0" ? false : v === "true" || v === "1" ? true : "auto")),
  /** How much lower the workers' thread runs in CPU priority (Linux nice, 0–19). */
  HALA_WORKER_THREAD_NICE: int(0, 19, 0),
  /**
   * The workers' thread's V8 semi-space, MiB (its young generation holds three): fewer, cheaper scavenges of
   * the engine turns' short-lived objects (ADR 011). 0: V8's default (16).
   */
  HALA_WORKER_THREAD_SEMI_SPACE_MB: int(0, 256, 64),
  /**
   * How long each thread may spend, at most, running the webhook's and the message's code on made-up messages
   * before it takes traffic (ms; `app/services/warm-up.server.ts`). 0: not at all.
   */
  HALA_WARM_UP_MS: int(0, 10_000, 1_000),
  /**
   * Listening sockets on the server's port (SO_REUSEPORT), each accepting one new connection per turn of the
   * event loop (scripts/serve.ts, `listenOn`; ADR 015). 1: one socket.
   */
  HALA_LISTEN_SOCKETS: int(1, 64, 8),
  /** Replaces every shop's feedback delay (the demo sets it). */
  HALA_FEEDBACK_DELAY_SECONDS: seconds,
  /** How long a handoff waits for a person before the shop's away message (default 300). */
  HALA_AWAY_DELAY_SECONDS: seconds,
};

export const tuningSchema = z.object(tuningShape);
export type Tuning = z.infer<typeof tuningSchema>;

export const envSchema = z.object({
  ...tuningShape,
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

  HALA_DEMO: bool,
  /**
   * Days a processed WhatsApp webhook item (InboundEvent, with its raw payload) is kept. More than Meta's 7 days
   * of re-delivery: the row's unique key is what recognises a late re-delivery.
   */
  HALA_INBOUND_RETENTION_DAYS: z.coerce.number().int().min(8).max(3650).default(14),
  /**
   * Days a finished scheduled job (feedback request, away message, merchant alert) is kept after it ran. Its
   * unique key is what keeps the same feedback request from being scheduled twice for one order, so at least
   * 30 days.
   */
  HALA_JOB_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(90),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super("Invalid environment:\n" + issues.map((i) => `  - ${i.variable}: ${i.message}`).join("\n"));
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseWith(envSchema, source);
}

/** The tuning knobs alone, validated (see `tuningShape`). */
export function parseTuning(source: Record<string, string | undefined>): Tuning {
  return parseWith(tuningSchema, source);
}

function parseWith<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(source);
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
let cachedTuning: Tuning | undefined;

/** The validated tuning knobs of this process (parsed on first use). */
export function tuning(): Tuning {
  cachedTuning ??= parseTuning(process.env);
  return cachedTuning;
}

/** The validated environment of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
  cachedTuning = undefined;
}
