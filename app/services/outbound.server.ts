import type { Prisma } from "@prisma/client";
import type { OutboundMessageInput } from "~/adapters/db/messages.server";
import type { OutboundMessage } from "~/domain/types";
import { cache } from "~/cache.server";

/** Replies become outbox rows (queued Message rows); the sender worker listens on this channel. */
export const OUTBOX_CHANNEL = "outbox";

/** A short plain-text rendering of an outbound message, for the inbox and search. */
export function outboundText(message: OutboundMessage): string {
  switch (message.kind) {
    case "text":
      return message.body;
    case "image":
      return message.caption ?? "[image]";
    case "template":
      return `[template ${message.name}]`;
    case "product":
      return message.body ?? "[product]";
    default:
      return message.body;
  }
}

export function toOutboundRows(
  messages: OutboundMessage[],
  base: Omit<OutboundMessageInput, "type" | "body" | "text" | "idempotencyKey">,
  keyPrefix: string,
): OutboundMessageInput[] {
  return messages.map((message, i) => ({
    ...base,
    type: message.kind,
    body: message as unknown as Prisma.InputJsonValue,
    text: outboundText(message),
    idempotencyKey: `${keyPrefix}:${i}`,
  }));
}

/** Rows for messages the app itself sends into a conversation (confirmations, away messages). */
export function systemRows(
  messages: OutboundMessage[],
  conversation: { id: string; accountId: string | null },
  contact: { id: string; waId: string },
  keyPrefix: string,
): OutboundMessageInput[] {
  return toOutboundRows(
    messages,
    {
      conversationId: conversation.id,
      contactId: contact.id,
      accountId: conversation.accountId,
      toWaId: contact.waId,
      author: "system",
    },
    keyPrefix,
  );
}

export async function publishConversationUpdate(shop: string, conversationId: string): Promise<void> {
  await cache()
    .publish(`conversations:${shop}`, JSON.stringify({ conversationId, at: Date.now() }))
    .catch(() => undefined);
}
