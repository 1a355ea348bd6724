import { z } from "zod";
import {
  exportCustomerData,
  recordDataRequest,
  redactCustomer,
  type CustomerRef,
} from "~/adapters/db/compliance.server";
import { deleteShopData, markShopUninstalled } from "~/adapters/db/shops.server";
import { storableText } from "~/adapters/db/text.server";
import { claimWebhookDelivery, releaseWebhookDelivery } from "~/adapters/db/webhook-deliveries.server";
import { log } from "~/logger.server";

/** A Shopify webhook after `authenticate.webhook` verified its HMAC. */
export interface ShopifyWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  payload: unknown;
}

export type WebhookHandler = (shop: string, payload: unknown) => Promise<unknown>;

const id = z.union([z.number(), z.string()]).transform(String);

/** The parts of the compliance payloads Hala reads (customers/redact, customers/data_request). */
export const customerPayloadSchema = z.object({
  shop_domain: z.string().optional(),
  customer: z
    .object({
      id: id.nullish(),
      email: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  orders_to_redact: z.array(id).optional(),
  orders_requested: z.array(id).optional(),
});

function customerRef(payload: unknown): CustomerRef {
  const parsed = customerPayloadSchema.parse(payload);
  return {
    customerId: parsed.customer?.id ?? null,
    phone: parsed.customer?.phone ?? null,
    email: parsed.customer?.email ?? null,
    orderIds: (parsed.orders_to_redact ?? parsed.orders_requested ?? []).flatMap((o) => [
      o,
      `gid://shopify/Order/${o}`,
    ]),
  };
}

export const complianceHandlers = {
  async appUninstalled(shop: string) {
    await markShopUninstalled(shop, new Date());
  },
  async appScopesUpdate(shop: string, payload: unknown) {
    // The session's scope is refreshed by the library on the next request; nothing is stored here.
    log({ shop }).info(
      { current: z.object({ current: z.array(z.string()) }).safeParse(payload).data?.current },
      "scopes updated",
    );
  },
  async shopRedact(shop: string) {
    return deleteShopData(shop);
  },
  async customersRedact(shop: string, payload: unknown) {
    return redactCustomer(shop, customerRef(payload));
  },
  async customersDataRequest(shop: string, payload: unknown) {
    const ref = customerRef(payload);
    const exported = await exportCustomerData(shop, ref);
    return recordDataRequest(shop, ref, exported);
  },
} satisfies Record<string, WebhookHandler>;

/** A verified payload Hala cannot use (wrong shape, too deep): acknowledged, logged, no effect. */
export class WebhookPayloadRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "WebhookPayloadRejected";
  }
}

const MAX_PAYLOAD_DEPTH = 100;

/**
 * The payload as PostgreSQL can store it: U+0000 removed and lone UTF-16 surrogates replaced (text and
 * jsonb reject both), keys included. Past MAX_PAYLOAD_DEPTH levels the payload is rejected (Shopify's
 * payloads are a few levels deep; deeper ones would only exhaust the stack later).
 */
export function storablePayload(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return storableText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_PAYLOAD_DEPTH)
    throw new WebhookPayloadRejected(`payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => storablePayload(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[storablePayload(k) as string] = storablePayload(v, depth + 1);
  return out;
}

/**
 * Runs a verified webhook's effect once per X-Shopify-Webhook-Id. A redelivery is acknowledged without
 * effect; a failed effect releases the claim and rethrows, so Shopify's retry runs it again.
 *
 * A payload that fails validation (zod) or is unusable (WebhookPayloadRejected) is acknowledged — `rejected`,
 * answered 200 — and logged, with the claim released and nothing changed: the same bytes would fail on
 * every retry, and a topic that keeps failing gets its subscription removed by Shopify (ADR: resilience
 * report, "malformed but signed Shopify webhooks").
 */
export async function handleShopifyWebhookOnce(
  webhook: ShopifyWebhook,
  handler: WebhookHandler,
): Promise<{ duplicate: boolean; rejected?: string }> {
  const logger = log({ shop: webhook.shop, topic: webhook.topic, webhookId: webhook.webhookId });
  if (!(await claimWebhookDelivery(webhook.shop, webhook.webhookId, webhook.topic))) {
    logger.info("duplicate webhook delivery ignored");
    return { duplicate: true };
  }
  try {
    await handler(webhook.shop, storablePayload(webhook.payload));
    logger.info("webhook handled");
    return { duplicate: false };
  } catch (error) {
    await releaseWebhookDelivery(webhook.shop, webhook.webhookId).catch(() => undefined);
    if (error instanceof z.ZodError || error instanceof WebhookPayloadRejected) {
      const issues =
        error instanceof z.ZodError
          ? error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`)
          : [error.message];
      logger.warn({ issues }, "webhook payload rejected (acknowledged, no effect)");
      return { duplicate: false, rejected: issues.join("; ") };
    }
    logger.error({ err: error }, "webhook failed");
    throw error;
  }
}
