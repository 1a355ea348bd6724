import type { Prisma } from "@prisma/client";
import { db } from "~/db.server";

export interface AttributionInput {
  orderId: string;
  orderName?: string | null;
  conversationId?: string | null;
  contactId?: string | null;
  phone?: string | null;
  customerId?: string | null;
  totalAmount?: string | null;
  currencyCode?: string | null;
}

/** Records (once) that an order came from a conversation. Returns true when it was new. */
export async function recordOrderAttribution(shop: string, input: AttributionInput): Promise<boolean> {
  const result = await db().orderAttribution.createMany({
    data: [{ shop, ...input, totalAmount: input.totalAmount ?? null }],
    skipDuplicates: true,
  });
  return result.count === 1;
}

export async function getOrderAttribution(shop: string, orderId: string) {
  return db().orderAttribution.findUnique({ where: { shop_orderId: { shop, orderId } } });
}

export async function markOrderFulfilled(shop: string, orderId: string, at: Date): Promise<void> {
  await db().orderAttribution.updateMany({
    where: { shop, orderId, fulfilledAt: null },
    data: { fulfilledAt: at },
  });
}

export async function recordCheckout(
  shop: string,
  data: {
    conversationId: string;
    contactId: string;
    draftOrderId: string;
    invoiceUrl: string;
    lines: Prisma.InputJsonValue;
    totalAmount?: string | null;
    currencyCode?: string | null;
  },
  tx: Prisma.TransactionClient = db(),
): Promise<void> {
  await tx.checkout.createMany({ data: [{ shop, ...data }], skipDuplicates: true });
}
