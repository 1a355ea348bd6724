import { db } from "~/db.server";

/** Headline counts for the shop's overview. */
export async function shopCounts(shop: string, since: Date) {
  const prisma = db();
  const [conversations, messagesIn, messagesOut, checkouts, orders, needsAttention] = await Promise.all([
    prisma.conversation.count({ where: { shop, lastMessageAt: { gte: since } } }),
    prisma.message.count({ where: { shop, direction: "in", createdAt: { gte: since } } }),
    prisma.message.count({ where: { shop, direction: "out", createdAt: { gte: since } } }),
    prisma.checkout.count({ where: { shop, createdAt: { gte: since } } }),
    prisma.orderAttribution.count({ where: { shop, createdAt: { gte: since } } }),
    prisma.conversation.count({ where: { shop, needsAttention: true } }),
  ]);
  return { conversations, messagesIn, messagesOut, checkouts, orders, needsAttention };
}
