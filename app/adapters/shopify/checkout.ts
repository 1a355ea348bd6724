/**
 * Checkout: a draft order whose invoice URL the bot sends to the shopper. The conversation id travels as a
 * custom attribute (it becomes the order's `note_attributes` / `customAttributes`), so `orders/create` can
 * be attributed to the conversation; the tag makes Hala's orders easy to filter in the admin.
 */
import type { CartLine, Money } from "~/domain/types";
import { ShopifyUserErrors, type AdminClient } from "./admin-client";
import { toGid } from "./ids";
import { DRAFT_ORDER_CREATE } from "./operations";
import { toE164 } from "./phone";

export const HALA_CONVERSATION_ATTRIBUTE = "hala_conversation_id";
export const HALA_ORDER_TAG = "hala-whatsapp";
/** Added to the draft orders of "Test your bot" (ADR 009): the merchant can find and delete them. */
export const HALA_TEST_ORDER_TAG = "hala-test";
/** Draft orders accept more, but no WhatsApp cart needs it and it bounds mistakes. */
export const MAX_LINE_QUANTITY = 999;

export interface DraftOrderCheckoutInput {
  lines: readonly Pick<CartLine, "variantId" | "quantity">[];
  /** The shopper's WhatsApp number (wa_id or E.164); left out of the draft when it is not a valid number. */
  phone?: string | null;
  conversationId: string;
  tag?: string;
  note?: string;
  /** A "Test your bot" checkout: tagged HALA_TEST_ORDER_TAG as well, and its note says so. */
  test?: boolean;
}

export interface DraftOrderCheckout {
  draftOrderId: string;
  invoiceUrl: string;
  total: Money | null;
}

/** The `DraftOrderInput` for a cart (pure). Lines of the same variant are merged; bad input throws. */
export function buildDraftOrderInput(input: DraftOrderCheckoutInput) {
  if (input.lines.length === 0) throw new RangeError("createDraftOrderCheckout: the cart is empty");
  const quantities = new Map<string, number>();
  for (const line of input.lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      throw new RangeError(
        `createDraftOrderCheckout: invalid quantity ${line.quantity} for ${line.variantId}`,
      );
    }
    const id = toGid("ProductVariant", line.variantId);
    quantities.set(id, (quantities.get(id) ?? 0) + line.quantity);
  }
  for (const [id, quantity] of quantities) {
    if (quantity > MAX_LINE_QUANTITY)
      throw new RangeError(`createDraftOrderCheckout: quantity ${quantity} of ${id} is too large`);
  }
  const phone = toE164(input.phone);
  const tag = input.tag ?? HALA_ORDER_TAG;
  return {
    lineItems: [...quantities].map(([variantId, quantity]) => ({ variantId, quantity })),
    ...(phone ? { phone } : {}),
    tags: input.test ? [tag, HALA_TEST_ORDER_TAG] : [tag],
    customAttributes: [{ key: HALA_CONVERSATION_ATTRIBUTE, value: input.conversationId }],
    note:
      input.note ??
      (input.test
        ? `Test checkout from Hala's "Test your bot" panel (conversation ${input.conversationId}); not from a shopper`
        : `Created by Hala from WhatsApp conversation ${input.conversationId}`),
  };
}

interface DraftOrderCreateJson {
  draftOrderCreate: {
    draftOrder: {
      id: string;
      invoiceUrl: string | null;
      totalPriceSet: { presentmentMoney: Money } | null;
    } | null;
    userErrors: { field: string[] | null; message: string }[];
  } | null;
}

/**
 * Creates the draft order and returns its invoice (checkout) URL. Throws `ShopifyUserErrors` with Shopify's
 * messages when the input is refused (a deleted variant, an invalid phone, …).
 */
export async function createDraftOrderCheckout(
  client: AdminClient,
  input: DraftOrderCheckoutInput,
): Promise<DraftOrderCheckout> {
  const data = await client.request<DraftOrderCreateJson>(DRAFT_ORDER_CREATE, {
    input: buildDraftOrderInput(input),
  });
  const payload = data.draftOrderCreate;
  if (!payload) throw new ShopifyUserErrors("draftOrderCreate", [{ message: "no payload returned" }]);
  if (payload.userErrors.length > 0) throw new ShopifyUserErrors("draftOrderCreate", payload.userErrors);
  const draft = payload.draftOrder;
  if (!draft?.invoiceUrl)
    throw new ShopifyUserErrors("draftOrderCreate", [{ message: "no invoice URL returned" }]);
  return {
    draftOrderId: draft.id,
    invoiceUrl: draft.invoiceUrl,
    total: draft.totalPriceSet?.presentmentMoney ?? null,
  };
}
