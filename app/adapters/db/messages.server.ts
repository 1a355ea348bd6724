import type { Message, Prisma } from "@prisma/client";
import { db } from "~/db.server";
import { claimRows } from "./claim.server";
import { isUniqueViolation } from "./errors";

type Tx = Prisma.TransactionClient;

export interface InboundMessageInput {
  conversationId: string;
  contactId: string;
  wamid: string;
  type: string;
  body: Prisma.InputJsonValue;
  text: string | null;
  createdAt: Date;
}

/** Stores a shopper's message; false when it was stored before (a reprocessed event). */
export async function recordInboundMessage(
  shop: string,
  input: InboundMessageInput,
  tx: Tx = db(),
): Promise<boolean> {
  try {
    await tx.message.create({
      data: { shop, ...input, direction: "in", author: "shopper", status: "received" },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function inboundMessageExists(shop: string, wamid: string): Promise<boolean> {
  return (await db().message.count({ where: { shop, wamid } })) > 0;
}

export interface OutboundMessageInput {
  conversationId: string;
  contactId: string;
  accountId: string | null;
  toWaId: string;
  author: "bot" | "merchant" | "system";
  type: string;
  /** The domain OutboundMessage (the Graph request is built when it is sent). */
  body: Prisma.InputJsonValue;
  text: string | null;
  idempotencyKey: string;
}

/** Queues replies (the outbox). Rows with a known idempotency key are skipped. */
export async function queueOutboundMessages(
  shop: string,
  messages: OutboundMessageInput[],
  tx: Tx = db(),
): Promise<number> {
  if (messages.length === 0) return 0;
  const now = Date.now();
  const result = await tx.message.createMany({
    // Distinct createdAt per row keeps the order of one batch.
    data: messages.map((m, i) => ({
      shop,
      ...m,
      direction: "out",
      status: "queued",
      nextAttemptAt: new Date(now),
      createdAt: new Date(now + i),
    })),
    skipDuplicates: true,
  });
  return result.count;
}

/**
 * Claims queued outbound messages that are due, only the oldest unsent one per conversation (replies to a
 * shopper leave in order), skipping rows another sender holds.
 */
export async function claimOutboundMessages(limit: number, leaseMs: number): Promise<Message[]> {
  const ids = await claimRows({
    table: '"Message"',
    due: `t.direction = 'out' AND t.status IN ('queued', 'sending') AND t."nextAttemptAt" <= now()
      AND NOT EXISTS (
        SELECT 1 FROM "Message" p
        WHERE p."conversationId" = t."conversationId" AND p.direction = 'out'
          AND p.status IN ('queued', 'sending') AND (p."createdAt", p.id) < (t."createdAt", t.id)
      )`,
    orderBy: `t."nextAttemptAt", t."createdAt"`,
    limit,
    leaseMs,
    set: "status = 'sending'",
  });
  if (ids.length === 0) return [];
  return db().message.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "asc" } });
}

export async function markOutboundSent(shop: string, id: string, wamid: string, at: Date): Promise<void> {
  await db().message.updateMany({
    where: { shop, id },
    data: { status: "sent", wamid, sentAt: at, lockedUntil: null, errorCode: null, errorTitle: null },
  });
}

/**
 * Puts a claimed message back in the queue for `at`: after a retryable error (which counts as an attempt
 * and is recorded), or for pacing (`error` null: the attempt is given back).
 */
export async function rescheduleOutbound(
  shop: string,
  id: string,
  at: Date,
  error: { code?: number; title: string } | null,
) {
  await db().message.updateMany({
    where: { shop, id },
    data: error
      ? {
          status: "queued",
          nextAttemptAt: at,
          lockedUntil: null,
          errorCode: error.code ?? null,
          errorTitle: error.title,
        }
      : { status: "queued", nextAttemptAt: at, lockedUntil: null, attempts: { decrement: 1 } },
  });
}

/**
 * A sandbox reply ("Test your bot") completed without the Graph API: recorded as delivered to the sandbox,
 * with a `sandbox.` id in place of a WhatsApp id.
 */
export async function markOutboundSandboxDelivered(shop: string, id: string, at: Date): Promise<void> {
  await db().message.updateMany({
    where: { shop, id },
    data: {
      status: "delivered",
      wamid: `sandbox.${id}`,
      sentAt: at,
      deliveredAt: at,
      lockedUntil: null,
      errorCode: null,
      errorTitle: null,
    },
  });
}

export async function markOutboundFailed(
  shop: string,
  id: string,
  error: { code?: number | null; title: string },
  at: Date,
) {
  await db().message.updateMany({
    where: { shop, id },
    data: {
      status: "failed",
      failedAt: at,
      lockedUntil: null,
      errorCode: error.code ?? null,
      errorTitle: error.title.slice(0, 500),
    },
  });
}

/** Status order: a late "delivered" never downgrades "read"; "failed" only replaces sent/queued. */
const STATUS_RANK: Record<string, number> = { queued: 0, sending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Applies a Graph status webhook to our message, monotonically. Returns "applied", "stale" (older than
 * what we have) or "unknown" (no message with that wamid yet).
 */
export async function applyMessageStatus(
  shop: string,
  wamid: string,
  status: string,
  at: Date,
  error?: { code?: number; title?: string },
): Promise<"applied" | "stale" | "unknown"> {
  const message = await db().message.findFirst({
    where: { shop, wamid },
    select: { id: true, status: true },
  });
  if (!message) return "unknown";
  if (status === "failed") {
    if ((STATUS_RANK[message.status] ?? 9) > STATUS_RANK.sent) return "stale";
    await db().message.updateMany({
      where: { shop, id: message.id, status: { in: ["queued", "sending", "sent"] } },
      data: {
        status: "failed",
        failedAt: at,
        errorCode: error?.code ?? null,
        errorTitle: error?.title ?? "failed",
      },
    });
    return "applied";
  }
  const rank = STATUS_RANK[status];
  if (rank === undefined) return "stale";
  const lower = Object.entries(STATUS_RANK)
    .filter(([, r]) => r < rank)
    .map(([s]) => s);
  const timestamps =
    status === "read" ? { readAt: at } : status === "delivered" ? { deliveredAt: at } : { sentAt: at };
  const updated = await db().message.updateMany({
    where: { shop, id: message.id, status: { in: lower } },
    data: { status, ...timestamps },
  });
  if (updated.count === 0) {
    // Still record the timestamp of a late "delivered" after "read".
    if (status === "delivered") {
      await db().message.updateMany({
        where: { shop, id: message.id, deliveredAt: null },
        data: { deliveredAt: at },
      });
    }
    return "stale";
  }
  return "applied";
}

export async function listConversationMessages(shop: string, conversationId: string, take = 100) {
  return db().message.findMany({
    where: { shop, conversationId },
    orderBy: { createdAt: "desc" },
    take,
  });
}
