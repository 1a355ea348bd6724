import type { Message } from "@prisma/client";
import { getAccountCredentials, type AccountCredentials } from "~/adapters/db/accounts.server";
import {
  claimOutboundMessages,
  markOutboundFailed,
  markOutboundSandboxDelivered,
  markOutboundSent,
  rescheduleOutbound,
} from "~/adapters/db/messages.server";
import { sendGraphMessage, type SendResult } from "~/adapters/whatsapp/client.server";
import { toGraphRequest, type GraphMessageRequest } from "~/adapters/whatsapp/to-graph-request";
import { WhatsAppLimitError } from "~/adapters/whatsapp/limits";
import { cache, MemoryCache } from "~/cache.server";
import type { OutboundMessage } from "~/domain/types";
import { log, logger } from "~/logger.server";
import { backoffMs } from "./backoff";
import { registerWorker } from "./background.server";
import { OUTBOX_CHANNEL, publishConversationUpdate } from "./outbound.server";
import { createPollingWorker } from "./worker.server";

const LEASE_MS = 60_000;
export const MAX_SEND_ATTEMPTS = 8;
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * Per-recipient pacing: a conversation's burst of replies goes out at once, a storm to one shopper is
 * spread to one message a second (Meta answers 131056 to too many messages to one user; retried anyway).
 */
const PAIR_RATE_PER_SEC = 1;
const PAIR_BURST = 20;
/**
 * The number's throughput: at most messagesPerSecond sends in any sliding second (the bucket's window), counted
 * over RATE_WINDOW_MS = 1 s + a 20 % margin, so that the jitter between taking the token and the request reaching
 * Meta never puts one send too many into one of Meta's seconds (130429). Measured by the resilience suite.
 */
export const RATE_WINDOW_MS = 1_200;

export const OUTSIDE_WINDOW_TITLE =
  "Outside the 24-hour customer service window: only an approved template can be sent";

/** Whether a free-form message may be sent now (pure). Templates may always be sent. */
export function withinServiceWindow(kind: string, lastInboundAt: Date | null, now: Date): boolean {
  if (kind === "template") return true;
  return !!lastInboundAt && now.getTime() - lastInboundAt.getTime() <= SERVICE_WINDOW_MS;
}

/**
 * When the shared cache (Redis) is down, sending goes on with this process's own buckets: the per-number
 * rate then holds per instance instead of across instances (degraded, but nothing stops or is lost).
 */
const localBuckets = new MemoryCache();

async function takeToken(key: string, ratePerSec: number, burst: number, windowMs?: number) {
  let shared;
  try {
    shared = await cache().takeToken(key, ratePerSec, burst, windowMs);
  } catch {
    // The cache fails at once while it is down (its circuit breaker), so this costs no waiting.
    return localBuckets.takeToken(key, ratePerSec, burst, windowMs);
  }
  // The local bucket also counts the tokens the shared one gave, so that a fallback in the middle of a
  // second starts from what this process just sent rather than from a full bucket (twice the rate).
  if (shared.ok && cache() !== localBuckets) await localBuckets.takeToken(key, ratePerSec, burst, windowMs);
  return shared;
}

/**
 * The bookkeeping after the Graph API answered (sent / retry later / failed) is retried while the database is
 * away, until shortly before the claim's lease ends: otherwise a database outage between the Graph call and
 * markOutboundSent leaves the message `sending`, the lease expires and the message goes out twice.
 */
const BOOKKEEPING_MARGIN_MS = 5_000;

async function untilLeaseEnds<T>(leaseEndsAt: number, write: () => Promise<T>): Promise<T> {
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + delay > leaseEndsAt - BOOKKEEPING_MARGIN_MS) throw error;
      logger.warn({ err: error, retryInMs: delay }, "outbox bookkeeping failed: retrying");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export interface SenderDeps {
  send: (account: AccountCredentials, body: GraphMessageRequest) => Promise<SendResult>;
  now: () => Date;
}

const defaultDeps: SenderDeps = { send: sendGraphMessage, now: () => new Date() };

async function sendOne(
  message: Message,
  account: AccountCredentials | null,
  lastInboundAt: Date | null,
  deps: SenderDeps,
  leaseEndsAt: number,
): Promise<void> {
  const { shop } = message;
  const now = deps.now();
  if (!account || !message.toWaId) {
    await markOutboundFailed(shop, message.id, { title: "No WhatsApp number is connected" }, now);
    return;
  }
  if (!withinServiceWindow(message.type, lastInboundAt, now)) {
    await markOutboundFailed(shop, message.id, { code: 131047, title: OUTSIDE_WINDOW_TITLE }, now);
    return;
  }
  let body: GraphMessageRequest;
  try {
    body = toGraphRequest(message.body as unknown as OutboundMessage, message.toWaId, {
      bizOpaqueCallbackData: message.id,
    });
  } catch (error) {
    const title = error instanceof WhatsAppLimitError ? error.message : "The message could not be built";
    await markOutboundFailed(shop, message.id, { title }, now);
    return;
  }

  // The number's throughput (shared by every instance through the cache) and the recipient's pacing.
  const pair = await takeToken(
    `wa:pair:${account.phoneNumberId}:${message.toWaId}`,
    PAIR_RATE_PER_SEC,
    PAIR_BURST,
  );
  if (!pair.ok) {
    await rescheduleOutbound(shop, message.id, new Date(now.getTime() + pair.waitMs), null);
    return;
  }
  for (;;) {
    const rate = await takeToken(
      `wa:rate:${account.phoneNumberId}`,
      account.messagesPerSecond,
      account.messagesPerSecond,
      RATE_WINDOW_MS,
    );
    if (rate.ok) break;
    if (Date.now() + rate.waitMs > leaseEndsAt - 2 * BOOKKEEPING_MARGIN_MS) {
      // Past the lease another sender could claim it: give the message back instead of waiting on.
      await rescheduleOutbound(shop, message.id, new Date(now.getTime() + rate.waitMs), null);
      return;
    }
    await new Promise((r) => setTimeout(r, rate.waitMs));
  }

  const result = await deps.send(account, body);
  if (result.ok) {
    const sentAt = deps.now();
    await untilLeaseEnds(leaseEndsAt, () => markOutboundSent(shop, message.id, result.wamid, sentAt));
  } else if (result.error.kind === "retry" && message.attempts < MAX_SEND_ATTEMPTS) {
    const delay = Math.max(backoffMs(message.attempts), result.error.retryAfterMs ?? 0);
    const error = result.error;
    const at = new Date(deps.now().getTime() + delay);
    await untilLeaseEnds(leaseEndsAt, () =>
      rescheduleOutbound(shop, message.id, at, {
        code: error.code,
        title: error.title ?? "temporary Graph API error",
      }),
    );
  } else {
    const error = result.error;
    const at = deps.now();
    await untilLeaseEnds(leaseEndsAt, () =>
      markOutboundFailed(
        shop,
        message.id,
        error.kind === "permanent"
          ? { code: error.code, title: error.title }
          : {
              code: error.code ?? null,
              title: `Gave up after ${message.attempts} attempts: ${error.title ?? "temporary error"}`,
            },
        at,
      ),
    );
    log({ shop, messageId: message.id }).warn(
      { code: error.code, kind: error.kind },
      "outbound message failed",
    );
  }
  await publishConversationUpdate(shop, message.conversationId);
}

/**
 * Claims due outbound messages (the oldest unsent one per conversation) and sends them through the Graph
 * API, within the number's rate, the recipient's pacing and the 24-hour window; retries with backoff.
 */
export async function sendOutboxBatch(limit = 50, deps: SenderDeps = defaultDeps): Promise<number> {
  const leaseEndsAt = Date.now() + LEASE_MS;
  // The claim also reads each recipient's 24-hour window and sandbox flag (one statement).
  const messages = await claimOutboundMessages(limit, LEASE_MS);
  if (messages.length === 0) return 0;
  const accounts = new Map<string, AccountCredentials | null>();
  for (const m of messages) {
    const key = `${m.shop}:${m.accountId}`;
    if (!accounts.has(key))
      accounts.set(key, m.accountId ? await getAccountCredentials(m.shop, m.accountId) : null);
  }
  await Promise.all(
    messages.map((m) =>
      (m.recipient?.sandbox
        ? // "Test your bot": a sandbox shopper's replies never reach the Graph API (ADR 009).
          markOutboundSandboxDelivered(m.shop, m.id, deps.now())
        : sendOne(
            m,
            accounts.get(`${m.shop}:${m.accountId}`) ?? null,
            m.recipient?.lastInboundAt ?? null,
            deps,
            leaseEndsAt,
          )
      ).catch((error) =>
        log({ shop: m.shop, messageId: m.id }).error({ err: error }, "sender crashed on a message"),
      ),
    ),
  );
  return messages.length;
}

/** Send batches one instance runs at once (each claims its own messages; see createPollingWorker's lanes). */
const OUTBOX_LANES = Number(process.env.HALA_OUTBOX_LANES ?? 1);

export const outboxWorker = () =>
  createPollingWorker({
    name: "outbox",
    channel: OUTBOX_CHANNEL,
    pollMs: 500,
    runOnce: () => sendOutboxBatch(),
    lanes: OUTBOX_LANES,
  });

registerWorker(outboxWorker);
