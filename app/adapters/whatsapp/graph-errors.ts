/**
 * Classifies a failed Graph API call (WhatsApp Cloud API) as worth retrying or not. Pure: the client passes
 * in what it saw (HTTP status, parsed body, Retry-After header) and applies the verdict.
 *
 * Graph errors look like
 * `{ "error": { "message", "type", "code", "error_subcode", "error_data": { "details" }, "fbtrace_id" } }`.
 * Codes: https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
import { z } from "zod";

export const GraphApiErrorSchema = z.looseObject({
  code: z.number(),
  message: z.string().optional(),
  type: z.string().optional(),
  error_subcode: z.number().optional(),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
  is_transient: z.boolean().optional(),
  error_data: z
    .looseObject({ messaging_product: z.string().optional(), details: z.string().optional() })
    .optional(),
  fbtrace_id: z.string().optional(),
});
export type GraphApiError = z.infer<typeof GraphApiErrorSchema>;

const GraphErrorBodySchema = z.looseObject({ error: GraphApiErrorSchema });

export type GraphErrorClass =
  | {
      kind: "retry";
      /** From the Retry-After header, when there was one. Otherwise the caller's backoff applies. */
      retryAfterMs?: number;
      code?: number;
      title?: string;
    }
  | {
      kind: "permanent";
      /** The Graph error code, or the HTTP status when the response carried no Graph error. */
      code: number;
      title: string;
      details?: string;
      /**
       * "account": the WhatsApp account or its token needs attention (expired token, missing permission,
       * locked or unpaid account…); every further send will fail too. "message": only this message failed.
       */
      scope: "message" | "account";
    };

/** Codes where trying again later can succeed. */
const RETRY_CODES: ReadonlySet<number> = new Set([
  2, // API service: temporary downtime or overload
  4, // API too many calls (app-level rate limit)
  80007, // WABA rate limit
  130429, // Cloud API throughput reached
  131000, // Something went wrong (service)
  131016, // Service unavailable
  131056, // Pair rate limit: too many messages to the same user in a short time
  131057, // Account in maintenance mode
  132069, // Flow throttled
  133004, // Server temporarily unavailable
]);

/** Codes where the same request will keep failing, and why. */
const PERMANENT_CODES: ReadonlyMap<number, "message" | "account"> = new Map([
  [0, "account"], // AuthException
  [3, "account"], // API method / capability not available
  [10, "account"], // Permission denied
  [190, "account"], // Access token expired or invalid
  [368, "account"], // Temporarily blocked for policy violations
  [33, "message"], // Parameter value not valid (e.g. phone number id)
  [100, "message"], // Invalid parameter
  [130472, "message"], // The user's number is part of an experiment
  [130497, "message"], // Business cannot message users in this country
  [131005, "account"], // Access denied
  [131008, "message"], // Required parameter missing
  [131009, "message"], // Parameter value not valid
  [131021, "message"], // Recipient cannot be the sender
  [131026, "message"], // Message undeliverable (no WhatsApp, old app, terms not accepted…)
  [131030, "message"], // Recipient not in the allowed list (test numbers)
  [131031, "account"], // Business account locked
  [131037, "account"], // Display name needs approval
  [131042, "account"], // Business eligibility: payment issue
  [131045, "account"], // Incorrect certificate (phone number not registered properly)
  [131047, "message"], // Re-engagement: more than 24 hours since the shopper's last message
  [131048, "account"], // Spam rate limit: the number's quality is too low
  [131049, "message"], // Meta chose not to deliver (healthy ecosystem engagement)
  [131050, "message"], // The user stopped marketing messages
  [131051, "message"], // Unsupported message type
  [131052, "message"], // Media download error
  [131053, "message"], // Media upload error
  [132000, "message"], // Template: number of parameters does not match
  [132001, "message"], // Template does not exist (name or language)
  [132005, "message"], // Template: translated text too long
  [132007, "message"], // Template: format character policy violated
  [132012, "message"], // Template: parameter format mismatch
  [132015, "message"], // Template paused
  [132016, "message"], // Template disabled
  [132068, "message"], // Flow blocked
  [133010, "account"], // Phone number not registered
  [135000, "message"], // Generic user error
]);

/** `200`–`299`: missing API permissions. */
const isPermissionCode = (code: number) => code >= 200 && code <= 299;

export interface GraphFailure {
  /** HTTP status; `undefined`/`null` for a network error or timeout (no response). */
  status?: number | null;
  /** The response body, parsed as JSON when possible. */
  body?: unknown;
  /** The `Retry-After` header, if any. */
  retryAfter?: string | null;
  /** Clock used to read an HTTP-date `Retry-After`. */
  now?: Date;
}

export function classifyGraphError(failure: GraphFailure): GraphErrorClass {
  const { status } = failure;
  const error = parseGraphErrorBody(failure.body);
  const retryAfterMs = parseRetryAfter(failure.retryAfter, failure.now);
  const retry = (): GraphErrorClass => ({
    kind: "retry",
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(error ? { code: error.code, title: titleOf(error, status) } : {}),
  });

  if (status === undefined || status === null) return retry();

  if (error) {
    if (RETRY_CODES.has(error.code)) return retry();
    const scope = PERMANENT_CODES.get(error.code) ?? (isPermissionCode(error.code) ? "account" : undefined);
    if (scope) return permanent(error.code, error, status, scope);
  }

  if (status === 408 || status === 429 || status >= 500) return retry();
  if (error?.is_transient === true) return retry();
  if (error)
    return permanent(error.code, error, status, status === 401 || status === 403 ? "account" : "message");
  return permanent(status, undefined, status, status === 401 || status === 403 ? "account" : "message");
}

/** Whether sending again can succeed after an error code seen in a `failed` status webhook (`statuses[].errors[]`). */
export function isRetryableErrorCode(code: number): boolean {
  return RETRY_CODES.has(code);
}

/** The `error` object of a Graph API error response, or undefined when the body is not one. */
export function parseGraphErrorBody(body: unknown): GraphApiError | undefined {
  const result = GraphErrorBodySchema.safeParse(body);
  return result.success ? result.data.error : undefined;
}

/**
 * `Retry-After` as milliseconds from `now`: delay-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"). Past dates give 0; anything else gives undefined.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names its day or month; this keeps Date.parse from reading bare numbers as dates.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function permanent(
  code: number,
  error: GraphApiError | undefined,
  status: number,
  scope: "message" | "account",
): GraphErrorClass {
  const details = error?.error_data?.details ?? error?.error_user_msg;
  return {
    kind: "permanent",
    code,
    title: titleOf(error, status),
    ...(details !== undefined ? { details } : {}),
    scope,
  };
}

function titleOf(error: GraphApiError | undefined, status: number | null | undefined): string {
  return error?.error_user_title ?? error?.message ?? (status ? `HTTP ${status}` : "network error");
}
