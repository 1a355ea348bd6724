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
import { cache, MemoryCache, type TokenBucketResult, type TokenRequest } from "~/cache.server";
import type { OutboundMessage } from "~/domain/types";
import { tuning } from "~/env.server";
import { log, logger } from "~/logger.server";
import { backoffMs } from "./backoff";
import { registerWorker } from "./background.server";
import { OUTBOX_CHANNEL, publishConversationUpdate } from "./outbound.server";
import { createPollingWorker, wake } from "./worker.server";

const LEASE_MS = 60_000;
/** The lease of a claimed reply, also of one stored claimed on commit (sendClaimedNow). */
export const OUTBOX_LEASE_MS = LEASE_MS;
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

/** Takes a token from each bucket in order (one cache round trip), stopping at the first that has none. */
async function takeTokens(buckets: TokenRequest[]): Promise<TokenBucketResult[]> {
  let shared;
  try {
    shared = await cache().takeTokens(buckets);
  } catch {
    // The cache fails at once while it is down (its circuit breaker), so this costs no waiting.
    return localBuckets.takeTokens(buckets);
  }
  // The local buckets also count the tokens the shared ones gave, so that a fallback in the middle of a
  // second starts from what this process just sent rather than from full buckets (twice the rate).
  // Each on its own: a local bucket that is short does not keep the next from counting its token. An
  // in-process cache (the embedded default) is never down, so it needs no shadow.
  if (cache().kind !== "memory")
    for (const [i, b] of buckets.entries())
      if (shared[i]?.ok) await localBuckets.takeToken(b.key, b.ratePerSec, b.burst, b.windowMs);
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

/** What sending a message needs of its row (a claimed outbox row, or a reply stored claimed on commit). */
export type SendItem = Pick<
  Message,
  "shop" | "id" | "conversationId" | "toWaId" | "type" | "body" | "attempts"
>;

/** How a claimed message ended: sent, given back to the queue (retry or pacing) or failed for good. */
type SendOutcome = "sent" | "requeued" | "failed";

async function sendOne(
  message: SendItem,
  account: AccountCredentials | null,
  lastInboundAt: Date | null,
  deps: SenderDeps,
  leaseEndsAt: number,
): Promise<SendOutcome> {
  const { shop } = message;
  const now = deps.now();
  if (!account || !message.toWaId) {
    await markOutboundFailed(shop, message.id, { title: "No WhatsApp number is connected" }, now);
    return "failed";
  }
  if (!withinServiceWindow(message.type, lastInboundAt, now)) {
    await markOutboundFailed(shop, message.id, { code: 131047, title: OUTSIDE_WINDOW_TITLE }, now);
    return "failed";
  }
  let body: GraphMessageRequest;
  try {
    body = toGraphRequest(message.body as unknown as OutboundMessage, message.toWaId, {
      bizOpaqueCallbackData: message.id,
    });
  } catch (error) {
    const title = error instanceof WhatsAppLimitError ? error.message : "The message could not be built";
    await markOutboundFailed(shop, message.id, { title }, now);
    return "failed";
  }

  // The recipient's pacing, then the number's throughput (both shared by every instance through the cache),
  // taken in one round trip; when only the number's bucket is empty, it alone is asked again after its wait.
  const rateBucket: TokenRequest = {
    key: `wa:rate:${account.phoneNumberId}`,
    ratePerSec: account.messagesPerSecond,
    burst: account.messagesPerSecond,
    windowMs: RATE_WINDOW_MS,
  };
  const [pair, first] = await takeTokens([
    {
      key: `wa:pair:${account.phoneNumberId}:${message.toWaId}`,
      ratePerSec: PAIR_RATE_PER_SEC,
      burst: PAIR_BURST,
    },
    rateBucket,
  ]);
  if (!pair.ok) {
    await rescheduleOutbound(shop, message.id, new Date(now.getTime() + pair.waitMs), null);
    return "requeued";
  }
  let rate = first;
  while (!rate.ok) {
    if (Date.now() + rate.waitMs > leaseEndsAt - 2 * BOOKKEEPING_MARGIN_MS) {
      // Past the lease another sender could claim it: give the message back instead of waiting on.
      await rescheduleOutbound(shop, message.id, new Date(now.getTime() + rate.waitMs), null);
      return "requeued";
    }
    await new Promise((r) => setTimeout(r, rate.waitMs));
    [rate] = await takeTokens([rateBucket]);
  }

  const result = await deps.send(account, body);
  if (result.ok) {
    const sentAt = deps.now();
    await untilLeaseEnds(leaseEndsAt, () => markOutboundSent(shop, message.id, result.wamid, sentAt));
    return "sent";
  }
  if (result.error.kind === "retry" && message.attempts < MAX_SEND_ATTEMPTS) {
    const delay = Math.max(backoffMs(message.attempts), result.error.retryAfterMs ?? 0);
    const error = result.error;
    const at = new Date(deps.now().getTime() + delay);
    await untilLeaseEnds(leaseEndsAt, () =>
      rescheduleOutbound(shop, message.id, at, {
        code: error.code,
        title: error.title ?? "temporary Graph API error",
      }),
    );
    return "requeued";
  }
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
  return "failed";
}

/** A conversation's key in this module's per-conversation sets and maps. */
const conversationKey = (shop: string, conversationId: string) => `${shop}\u0000${conversationId}`;

/** One live-inbox update per conversation a batch of sends touched (not one per message). */
async function publishUpdates(messages: { shop: string; conversationId: string }[]): Promise<void> {
  const seen = new Set<string>();
  for (const m of messages) {
    const key = conversationKey(m.shop, m.conversationId);
    if (seen.has(key)) continue;
    seen.add(key);
    await publishConversationUpdate(m.shop, m.conversationId);
  }
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
  // A sandbox conversation never refreshes the inbox (ADR 009).
  await publishUpdates(messages.filter((m) => !m.recipient?.sandbox));
  return messages.length;
}

// --- Send on commit (docs/decisions/010-hot-path-sql.md) -------------------------------------------------
// The inbox worker stores a turn's replies already claimed (`sending`, leased) when nothing earlier in the
// conversation is unsent, and hands them here: they go out at once, without the outbox's claim (one statement
// and one row version less per reply, and no wait for the outbox to wake). The rules are the outbox's
// (sendOne). A crash leaves them leased: when the lease ends the outbox claims and sends them, as it does a
// claim of its own that a dead sender held.

/** Replies being sent on commit by this process at most; past it, replies are queued for the outbox. */
export const MAX_SEND_ON_COMMIT = 256;
const inFlight = new Set<Promise<void>>();
let inFlightMessages = 0;
/** Conversations with replies being sent on commit, and those of them with replies queued behind. */
const conversationsInFlight = new Map<string, number>();
const queuedBehind = new Set<string>();

/** Whether a turn's replies may be sent on commit now (this process's bound). */
export function canSendOnCommit(): boolean {
  return inFlightMessages < MAX_SEND_ON_COMMIT;
}

/**
 * Sends replies stored claimed on commit, in order, in the background (tracked: settleSendsOnCommit waits for
 * them). A reply given back to the queue (pacing, a retryable error) gives back the ones after it too, so the
 * outbox sends them in order.
 */
export function sendClaimedNow(
  items: SendItem[],
  account: AccountCredentials,
  lastInboundAt: Date | null,
  leaseEndsAt: number,
  deps: SenderDeps = defaultDeps,
): void {
  if (items.length === 0) return;
  const { shop, conversationId } = items[0];
  const key = conversationKey(shop, conversationId);
  inFlightMessages += items.length;
  conversationsInFlight.set(key, (conversationsInFlight.get(key) ?? 0) + 1);
  const task = (async () => {
    try {
      for (let i = 0; i < items.length; i++) {
        const outcome = await sendOne(items[i], account, lastInboundAt, deps, leaseEndsAt);
        if (outcome !== "requeued") continue;
        const at = deps.now();
        for (const rest of items.slice(i + 1)) await rescheduleOutbound(rest.shop, rest.id, at, null);
        break;
      }
    } catch (error) {
      // Still leased: the outbox claims what is left when the lease ends.
      log({ shop, conversationId }).error({ err: error }, "sending on commit failed");
    } finally {
      inFlightMessages -= items.length;
      const left = (conversationsInFlight.get(key) ?? 1) - 1;
      if (left > 0) conversationsInFlight.set(key, left);
      else conversationsInFlight.delete(key);
      // Replies queued behind these could not be claimed while these were unsent: the outbox may go now.
      if (left === 0 && queuedBehind.delete(key)) wake(OUTBOX_CHANNEL);
      await publishConversationUpdate(shop, conversationId);
    }
  })();
  inFlight.add(task);
  void task.finally(() => inFlight.delete(task));
}

/** A turn queued replies in this conversation (for the outbox): wake it when the sends on commit there end. */
export function noteQueuedReplies(shop: string, conversationId: string): void {
  const key = conversationKey(shop, conversationId);
  if (conversationsInFlight.has(key)) queuedBehind.add(key);
}

/** Waits until every send on commit started so far has ended (tests, the demo, a worker stopping). */
export async function settleSendsOnCommit(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight]);
}

/** Send batches one instance runs at once (each claims its own messages; see createPollingWorker's lanes). */
const OUTBOX_LANES = tuning().HALA_OUTBOX_LANES;

export const outboxWorker = () =>
  createPollingWorker({
    name: "outbox",
    channel: OUTBOX_CHANNEL,
    pollMs: 500,
    runOnce: () => sendOutboxBatch(),
    lanes: OUTBOX_LANES,
  });

registerWorker(outboxWorker);
