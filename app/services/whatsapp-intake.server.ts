import type { Prisma } from "@prisma/client";
import { findAccountsByPhoneNumberIds, accountExistsWithVerifyToken } from "~/adapters/db/accounts.server";
import { isDatabaseUnavailable } from "~/adapters/db/errors";
import { storeInboundEvents, type NewInboundEvent } from "~/adapters/db/inbound-events.server";
import { verifySignature } from "~/adapters/whatsapp/verify-signature";
import { flattenWebhook, parseWebhookBody, phoneNumberIdsOf } from "~/adapters/whatsapp/webhook-schema";
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

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw).toString("utf8"));
  } catch {
    return { status: 400, reason: "malformed JSON" };
  }
  const parsed = parseWebhookBody(json);
  if (!parsed.ok) return { status: 400, reason: parsed.error };

  const platformSecret = env().WHATSAPP_APP_SECRET;
  const phoneNumberIds = phoneNumberIdsOf(parsed.body);
  try {
    const accounts = await findAccountsByPhoneNumberIds(phoneNumberIds);
    const secrets = [...accounts.map((a) => a.appSecret), platformSecret].filter((s): s is string => !!s);
    if (accounts.length === 0 && !platformSecret) {
      // We cannot check a signature for a number nobody connected; nothing is stored either way.
      await countUnknown(phoneNumberIds);
      return { status: 200, reason: "unknown phone_number_id" };
    }
    if (!verifySignature(raw, signature, secrets)) return { status: 401, reason: "invalid signature" };

    const byPhone = new Map(accounts.map((a) => [a.phoneNumberId, a]));
    const unknown = phoneNumberIds.filter((id) => !byPhone.has(id));
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
