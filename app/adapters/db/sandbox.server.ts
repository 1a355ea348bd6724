import type { Contact, Conversation, Message, Prisma } from "@prisma/client";
import { db } from "~/db.server";
import { isUniqueViolation } from "./errors";

/**
 * The admin's "Test your bot" sandbox (docs/decisions/009-test-your-bot.md): a sandbox contact and its
 * conversation are ordinary rows flagged `sandbox`, so the whole pipeline runs on them, while the outbox
 * completes their replies without the Graph API and the inbox, analytics and notifications leave them out.
 * Every function takes `shop` first and touches sandbox rows only.
 */

export class NotASandboxContact extends Error {
  constructor() {
    super("This shopper id belongs to a real contact");
  }
}

/** The sandbox contact and its conversation, created (or renamed, relanguaged) for a test message. */
export async function ensureSandboxConversation(
  shop: string,
  input: { waId: string; name: string; language: "en" | "ar"; initialState: Prisma.InputJsonValue },
): Promise<{ contact: Contact; conversation: Conversation }> {
  try {
    return await upsertSandbox(shop, input);
  } catch (error) {
    // Two first messages at once: both upserts tried to create; the second attempt finds the rows.
    if (isUniqueViolation(error)) return upsertSandbox(shop, input);
    throw error;
  }
}

async function upsertSandbox(
  shop: string,
  input: { waId: string; name: string; language: "en" | "ar"; initialState: Prisma.InputJsonValue },
): Promise<{ contact: Contact; conversation: Conversation }> {
  const prisma = db();
  const existing = await prisma.contact.findUnique({ where: { shop_waId: { shop, waId: input.waId } } });
  if (existing && !existing.sandbox) throw new NotASandboxContact();
  const contact = await prisma.contact.upsert({
    where: { shop_waId: { shop, waId: input.waId } },
    create: { shop, waId: input.waId, name: input.name, language: input.language, sandbox: true },
    update: { name: input.name, language: input.language },
  });
  const conversation = await prisma.conversation.upsert({
    where: { shop_contactId: { shop, contactId: contact.id } },
    create: { shop, contactId: contact.id, state: input.initialState, sandbox: true },
    update: {},
  });
  return { contact, conversation };
}

/** A sandbox thread: the contact, its conversation and its messages in order (null when there is none). */
export async function sandboxThread(
  shop: string,
  waId: string,
  take = 200,
): Promise<{ contact: Contact; conversation: Conversation; messages: Message[] } | null> {
  const prisma = db();
  const contact = await prisma.contact.findFirst({ where: { shop, waId, sandbox: true } });
  if (!contact) return null;
  const conversation = await prisma.conversation.findFirst({
    where: { shop, contactId: contact.id, sandbox: true },
  });
  if (!conversation) return null;
  const latest = await prisma.message.findMany({
    where: { shop, conversationId: conversation.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  return { contact, conversation, messages: latest.reverse() };
}

/**
 * Forgets a sandbox shopper: its messages, inbox events, checkouts, conversation and contact (the draft orders
 * created in Shopify stay there, and so do AI usage records: tokens spent are spent). Real contacts are never touched. Returns whether one was deleted.
 */
export async function deleteSandboxConversation(shop: string, waId: string): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const contact = await tx.contact.findFirst({ where: { shop, waId, sandbox: true } });
    if (!contact) return false;
    const conversations = await tx.conversation.findMany({
      where: { shop, contactId: contact.id, sandbox: true },
      select: { id: true },
    });
    const ids = conversations.map((c) => c.id);
    await tx.message.deleteMany({ where: { shop, contactId: contact.id } });
    await tx.inboundEvent.deleteMany({ where: { shop, waId } });
    await tx.checkout.deleteMany({ where: { shop, contactId: contact.id } });
    await tx.conversation.deleteMany({ where: { shop, id: { in: ids } } });
    await tx.contact.deleteMany({ where: { shop, id: contact.id } });
    return true;
  });
}
