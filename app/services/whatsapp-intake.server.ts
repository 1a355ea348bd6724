import type { Prisma } from "@prisma/client";
import { findAccountsByPhoneNumberIds, accountExistsWithVerifyToken } from "~/adapters/db/accounts.server";
import { isDatabaseUnavailable } from "~/adapters/db/errors";
import { storeInboundEvents, type NewInboundEvent } from "~/adapters/db/inbound-events.server";
import { verifySignature } from "~/adapters/whatsapp/verify-signature";
import { flattenWebhook, parseWebhookBody } from "~/adapters/whatsapp/webhook-schema";
import { cache } from "~/cache.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { wake } from "./worker.server";

export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
export const INBOX_CHANNEL = "inbox";

export interface IntakeResult {
  status: 200 | 400 | 401 | 503;
  reason: string;
  stored?: number;
}

/**
 * Accepts a WhatsApp webhook POST: parse → resolve the store by metadata.phone_number_id → verify the
 * signature with that account's app secret (or the platform-wide one) → store every message and status
 * (unique by WhatsApp id) → 200. Processing happens later in the inbox worker. Nothing is stored unless
 * the signature is valid; a database failure answers 503 so that Meta delivers again.
 */
export async function acceptWhatsAppWebhook(
  raw: Uint8Array,
  signature: string | null,
): Promise<IntakeResult> {
  if (!signature) return { status: 401, reason: "missing X-Hub-Signature-256" };

  const text = Buffer.from(raw).toString("utf8");
  let json: unknown;
  try {
    // The reviver is what most of the parse costs; only an escape can put NUL or a lone surrogate into a
    // string (raw control characters are not JSON, invalid UTF-8 was already decoded to U+FFFD).
    json = UNSTORABLE_ESCAPE.test(text) ? JSON.parse(text, storable) : JSON.parse(text);
  } catch (error) {
    // A reviver recurses: absurdly deep (but valid) JSON overflows it; it is refused below, after the
    // signature check, so read it plainly here.
    if (!(error instanceof RangeError)) return { status: 400, reason: "malformed JSON" };
    try {
      json = JSON.parse(text);
    } catch {
      return { status: 400, reason: "malformed JSON" };
    }
  }
  // The signature is checked before the payload's shape, so a forged delivery is always a 401: the accounts
  // are found from a lenient read of metadata.phone_number_id, the schema is applied after.
  const platformSecret = env().WHATSAPP_APP_SECRET;
  const phoneNumberIds = lenientPhoneNumberIds(json);
  try {
    const accounts = await findAccountsByPhoneNumberIds(phoneNumberIds);
    if (accounts.length === 0 && !platformSecret) {
      const shape = parseWebhookBody(json);
      if (!shape.ok) return { status: 400, reason: shape.error };
      // We cannot check a signature for a number nobody connected; nothing is stored either way.
      await countUnknown(phoneNumberIds);
      return { status: 200, reason: "unknown phone_number_id" };
    }
    // Each account's items are kept only if ITS secret (or the platform-wide one) signed the delivery: a
    // merchant's own secret never lets them write into another shop's number.
    const verified = accounts.filter((a) =>
      verifySignature(
        raw,
        signature,
        [a.appSecret, platformSecret].filter((x): x is string => !!x),
      ),
    );
    const platformSigned = !!platformSecret && verifySignature(raw, signature, [platformSecret]);
    if (verified.length === 0 && !platformSigned) return { status: 401, reason: "invalid signature" };
    // Signed but unstorable (JSON.stringify would overflow on it): refused whole, Meta sends nothing like it.
    if (nestingDepth(text) > MAX_JSON_DEPTH) return { status: 400, reason: "JSON nested too deeply" };
    const parsed = parseWebhookBody(json);
    if (!parsed.ok) return { status: 400, reason: parsed.error };

    const byPhone = new Map(verified.map((a) => [a.phoneNumberId, a]));
    const unknown = phoneNumberIds.filter((id) => !accounts.some((a) => a.phoneNumberId === id));
    if (unknown.length) await countUnknown(unknown);

    const events: NewInboundEvent[] = [];
    for (const item of flattenWebhook(parsed.body)) {
      const account = byPhone.get(item.phoneNumberId);
      if (!account) continue;
      if (item.kind === "message") {
        events.push({
          shop: account.shop,
          phoneNumberId: item.phoneNumberId,
          kind: "message",
          dedupeKey: `msg:${item.wamid}`,
          waId: item.waId,
          payload: item as unknown as Prisma.InputJsonValue,
        });
      } else if (item.kind === "status") {
        events.push({
          shop: account.shop,
          phoneNumberId: item.phoneNumberId,
          kind: "status",
          dedupeKey: `status:${item.wamid}:${item.status}`,
          waId: null,
          payload: item as unknown as Prisma.InputJsonValue,
        });
      } else {
        logger.warn(
          { shop: account.shop, code: item.code, title: item.title },
          "whatsapp webhook error item",
        );
      }
    }
    const stored = await storeInboundEvents(events);
    if (stored > 0) wake(INBOX_CHANNEL);
    return { status: 200, reason: "stored", stored };
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      logger.error({ err: error }, "whatsapp webhook: database unavailable");
      return { status: 503, reason: "database unavailable" };
    }
    throw error;
  }
}

/** metadata.phone_number_id values of a body of any shape (no schema: used only to find the secrets). */
export function lenientPhoneNumberIds(json: unknown): string[] {
  const ids = new Set<string>();
  const entries = (json as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return [];
  for (const entry of entries.slice(0, 100)) {
    const changes = (entry as { changes?: unknown })?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes.slice(0, 100)) {
      const id = (change as { value?: { metadata?: { phone_number_id?: unknown } } })?.value?.metadata
        ?.phone_number_id;
      if (typeof id === "string" && id.length <= 64) ids.add(id);
    }
  }
  return [...ids];
}

/** Deeper JSON than any Meta payload is refused before parsing (it would also overflow JSON.stringify). */
export const MAX_JSON_DEPTH = 64;

/** Maximum nesting of arrays/objects in a JSON text (a scan of the bytes, strings skipped). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * JSON.parse reviver that makes every string storable in PostgreSQL (jsonb and text reject U+0000 and lone
 * UTF-16 surrogates): NUL is dropped, lone surrogates become U+FFFD. Keys are cleaned too.
 */
/** `\u0000` or `\uD800`–`\uDFFF` anywhere in the raw JSON (a surrogate pair matches too: it is checked). */
export const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

export function storable(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === "string") return clean(value);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      const cleaned = clean(key);
      if (cleaned !== key) {
        (value as Record<string, unknown>)[cleaned] = (value as Record<string, unknown>)[key];
        delete (value as Record<string, unknown>)[key];
      }
    }
  }
  return value;
}

function clean(s: string): string {
  return s.replaceAll("\u0000", "").toWellFormed();
}

async function countUnknown(phoneNumberIds: string[]) {
  logger.warn({ phoneNumberIds }, "whatsapp webhook for an unknown phone_number_id");
  await cache()
    .incr("metrics:whatsapp:unknown_phone_number_id")
    .catch(() => undefined);
}

/** Meta's GET handshake: 200 with the challenge when the verify token belongs to a connected account. */
export async function verifyWebhookSubscription(
  params: URLSearchParams,
): Promise<{ status: 200 | 403; body: string }> {
  const mode = params.get("hub.mode");
  const token = params.get("hub.verify_token") ?? "";
  const challenge = params.get("hub.challenge") ?? "";
  if (mode === "subscribe" && challenge && (await accountExistsWithVerifyToken(token))) {
    return { status: 200, body: challenge };
  }
  return { status: 403, body: "Forbidden" };
}
