import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { pino, type Logger } from "pino";

/**
 * Structured JSON logs. Fields that could carry secrets are redacted wherever they appear, and message
 * text is logged only at debug level by the code that logs it.
 */
export const REDACTED_KEYS = [
  "accessToken",
  "access_token",
  "appSecret",
  "app_secret",
  "apiKey",
  "api_key",
  "authorization",
  "Authorization",
  "token",
  "secret",
  "password",
  "encryptionKey",
  "refreshToken",
  "headers.authorization",
  "headers.cookie",
  'headers["x-shopify-access-token"]',
];

function createLogger(destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
      base: { app: "hala" },
      redact: {
        paths: REDACTED_KEYS.flatMap((k) =>
          k.includes(".") || k.includes("[") ? [k] : [k, `*.${k}`, `*.*.${k}`],
        ),
        censor: "[redacted]",
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as never,
  );
}

export let logger: Logger = createLogger();

/** Tests capture logs to scan them for secrets. */
export function setLogDestination(destination: NodeJS.WritableStream, level = "trace"): void {
  logger = createLogger(destination);
  logger.level = level;
}

/** The request being served (its id travels into every log line written while serving it). */
const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function withRequestId<T>(request: Request, fn: () => Promise<T>): Promise<T> {
  return withIncomingRequestId(request.headers.get("x-request-id"), fn);
}

/** The same for a server that has only the header's value (the node:http fast path). */
export function withIncomingRequestId<T>(incoming: string | null, fn: () => Promise<T>): Promise<T> {
  const requestId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
  return requestContext.run({ requestId }, fn);
}

/**
 * A logger with these fields on every line. The child logger is made when it is first used: the inbox worker
 * takes one per message and rarely writes with it, and making a child serialises and redacts its fields
 * (about 1.5 % of the worker's CPU in a profile of the drain).
 */
export function log(bindings: { shop?: string; requestId?: string; [k: string]: unknown }): Logger {
  const requestId = requestContext.getStore()?.requestId;
  const fields = requestId && !bindings.requestId ? { requestId, ...bindings } : bindings;
  let child: Logger | undefined;
  return new Proxy({} as Logger, {
    get(_target, property) {
      child ??= logger.child(fields);
      const value = Reflect.get(child, property, child) as unknown;
      return typeof value === "function" ? value.bind(child) : value;
    },
    set(_target, property, value) {
      child ??= logger.child(fields);
      return Reflect.set(child, property, value, child);
    },
  });
}
