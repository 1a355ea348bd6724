import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { getConversation, getContact } from "~/adapters/db/conversations.server";
import { queueOutboundMessages } from "~/adapters/db/messages.server";
import { getOrderAttribution, markOrderFulfilled, recordOrderAttribution } from "~/adapters/db/orders.server";
import { getShop } from "~/adapters/db/shops.server";
import { HALA_CONVERSATION_ATTRIBUTE } from "~/adapters/shopify/checkout";
import { parseState } from "~/domain/conversation";
import { orderConfirmationMessage } from "~/domain/notifications";
import { db } from "~/db.server";
import { log } from "~/logger.server";
import { OUTBOX_CHANNEL, publishConversationUpdate, systemRows } from "./outbound.server";
import { scheduleFeedbackRequest } from "./feedback.server";
import { wake } from "./worker.server";

const id = z.union([z.number(), z.string()]).transform(String);
const phone = z.string().nullish();

/** An amount the Decimal(14, 2) columns hold, else null (a malformed total must not fail the webhook). */
export function decimalOrNull(value: string | null): string | null {
  return value !== null && /^-?\d{1,12}(\.\d{1,2})?$/.test(value.trim()) ? value.trim() : null;
}

/** Dates PostgreSQL and the scheduler handle: from 2000-01-01 to now. */
const EARLIEST = Date.UTC(2000, 0, 1);

/** The parts of Shopify's order webhook payload Hala reads (the rest is ignored, unknown fields allowed). */
export const orderPayloadSchema = z.looseObject({
  id,
  admin_graphql_api_id: z.string().optional(),
  name: z.string().nullish(),
  phone,
  currency: z.string().nullish(),
  total_price: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v == null ? null : String(v))),
  order_status_url: z.string().nullish(),
  customer_locale: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  note_attributes: z.array(z.looseObject({ name: z.string(), value: z.unknown() })).nullish(),
  customer: z.looseObject({ id: id.nullish(), first_name: z.string().nullish(), phone }).nullish(),
  shipping_address: z.looseObject({ phone, first_name: z.string().nullish() }).nullish(),
  billing_address: z.looseObject({ phone }).nullish(),
  fulfillments: z
    .array(
      z.looseObject({
        created_at: z.string().nullish(),
        updated_at: z.string().nullish(),
        status: z.string().nullish(),
      }),
    )
    .nullish(),
});
export type OrderPayload = z.infer<typeof orderPayloadSchema>;

export function orderGid(order: OrderPayload): string {
  return order.admin_graphql_api_id ?? `gid://shopify/Order/${order.id}`;
}

export function conversationIdOf(order: OrderPayload): string | null {
  const attribute = order.note_attributes?.find((a) => a.name === HALA_CONVERSATION_ATTRIBUTE);
  return typeof attribute?.value === "string" && attribute.value ? attribute.value : null;
}

export function orderPhone(order: OrderPayload): string | null {
  return (
    order.phone ||
    order.customer?.phone ||
    order.shipping_address?.phone ||
    order.billing_address?.phone ||
    null
  );
}

/**
 * orders/create: an order paid through a Hala checkout (its draft order carried the conversation id) is
 * attributed to the conversation, the cart is emptied and the shopper gets a confirmation — once.
 */
export async function handleOrderCreated(shop: string, payload: unknown): Promise<{ attributed: boolean }> {
  const order = orderPayloadSchema.parse(payload);
  const conversationId = conversationIdOf(order);
  const conversation = conversationId ? await getConversation(shop, conversationId) : null;
  if (!conversation) return { attributed: false };
  const contact = await getContact(shop, conversation.contactId);
  const orderId = orderGid(order);
  const isNew = await recordOrderAttribution(shop, {
    orderId,
    orderName: order.name,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    phone: orderPhone(order),
    customerId: order.customer?.id ?? null,
    totalAmount: decimalOrNull(order.total_price),
    currencyCode: order.currency,
  });
  if (!isNew || !contact) return { attributed: true };

  const shopRow = await getShop(shop);
  const state = parseState(conversation.state);
  const language =
    state.language ??
    (contact.language === "ar"
      ? "ar"
      : contact.language === "en"
        ? "en"
        : shopRow?.defaultLanguage === "ar"
          ? "ar"
          : "en");
  const message = orderConfirmationMessage(language, {
    name: order.name ?? `#${order.id}`,
    total: {
      amount: order.total_price ?? "0",
      currencyCode: order.currency ?? shopRow?.currencyCode ?? "USD",
    },
    statusUrl: order.order_status_url,
    customerFirstName: order.customer?.first_name ?? contact.name?.split(" ")[0] ?? null,
  });
  const emptied = { ...state, cart: [], cartPage: 0, lastCheckout: null, pending: null };
  await db().$transaction(async (tx) => {
    await tx.conversation.updateMany({
      where: { shop, id: conversation.id },
      data: { state: emptied as unknown as Prisma.InputJsonValue, lastMessageAt: new Date() },
    });
    await queueOutboundMessages(
      shop,
      // Idempotency keys are unique across shops: the key names the shop (an order id alone is not).
      systemRows([message], conversation, contact, `order-confirmation:${shop}:${orderId}`),
      tx,
    );
  });
  wake(OUTBOX_CHANNEL);
  await publishConversationUpdate(shop, conversation.id);
  log({ shop, orderId }).info("order attributed to a WhatsApp conversation");
  return { attributed: true };
}

/** orders/fulfilled: marks the attribution fulfilled and schedules the feedback request. */
export async function handleOrderFulfilled(
  shop: string,
  payload: unknown,
  now = new Date(),
): Promise<{ scheduled: boolean }> {
  const order = orderPayloadSchema.parse(payload);
  const orderId = orderGid(order);
  const fulfilledAt =
    order.fulfillments
      ?.map((f) => Date.parse(f.created_at ?? f.updated_at ?? ""))
      .filter((t) => Number.isFinite(t))
      .sort((a, b) => b - a)[0] ?? Date.parse(order.updated_at ?? "");
  const at =
    Number.isFinite(fulfilledAt) && fulfilledAt >= EARLIEST
      ? new Date(Math.min(fulfilledAt, now.getTime()))
      : now;
  if (await getOrderAttribution(shop, orderId)) await markOrderFulfilled(shop, orderId, at);
  const scheduled = await scheduleFeedbackRequest(shop, {
    orderId,
    orderName: order.name ?? `#${order.id}`,
    phone: orderPhone(order),
    firstName: order.customer?.first_name ?? order.shipping_address?.first_name ?? null,
    locale: order.customer_locale ?? null,
    fulfilledAt: at,
    conversationId: conversationIdOf(order),
  });
  return { scheduled };
}
