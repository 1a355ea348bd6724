import type { InboundEvent as InboundEventRow } from "@prisma/client";
import {
  claimInboundEvents,
  completeInboundEvent,
  failInboundEvent,
} from "~/adapters/db/inbound-events.server";
import { applyMessageStatus } from "~/adapters/db/messages.server";
import type { WebhookStatusItem } from "~/adapters/whatsapp/webhook-schema";
import { tuning } from "~/env.server";
import { log } from "~/logger.server";
import { backoffMs } from "./backoff";
import { registerWorker } from "./background.server";
import { processInboundMessage } from "./conversation.server";
import { settleSendsOnCommit, type SenderDeps } from "./outbox.server";
import { INBOX_CHANNEL } from "./whatsapp-intake.server";
import { createPollingWorker } from "./worker.server";

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
/** A status can arrive before the send's bookkeeping: look again a few times before giving up. */
const STATUS_LOOKUPS = 5;

export async function processStatus(row: InboundEventRow): Promise<void> {
  const item = row.payload as unknown as WebhookStatusItem;
  const error = item.errors?.[0];
  const result = await applyMessageStatus(
    row.shop,
    item.wamid,
    item.status,
    new Date(item.timestamp),
    { code: error?.code, title: error?.title ?? error?.message },
    item.bizOpaqueCallbackData,
  );
  if (result === "unknown" && row.attempts < STATUS_LOOKUPS) {
    await failInboundEvent(row.shop, row.id, "message not found yet", {
      delayMs: 2_000 * row.attempts,
      final: false,
    });
    return;
  }
  await completeInboundEvent(row.shop, row.id, result === "unknown" ? "ignored" : "done");
}

export interface InboxBatchOptions {
  /** Replies are sent on commit (default: HALA_SEND_ON_COMMIT, on unless "false"); otherwise queued. */
  sendOnCommit?: boolean;
  /**
   * Wait for the batch's sends on commit before returning (default true: a batch is then finished when its
   * replies are sent or queued). The worker does not wait: its next batch starts while they go out.
   */
  settle?: boolean;
  /** The Graph API sender of the sends on commit (tests). */
  sender?: SenderDeps;
  /** Told how many events the claim took, before they are processed (the polling worker's `fullBatch`). */
  claimed?: (count: number) => void;
}

const SEND_ON_COMMIT = tuning().HALA_SEND_ON_COMMIT;

async function processOne(row: InboundEventRow, options: InboxBatchOptions): Promise<void> {
  try {
    if (row.kind === "status") await processStatus(row);
    else
      await processInboundMessage(row, {
        sendOnCommit: options.sendOnCommit ?? SEND_ON_COMMIT,
        sender: options.sender,
      });
  } catch (error) {
    const final = row.attempts >= MAX_ATTEMPTS;
    log({ shop: row.shop, eventId: row.id }).error(
      { err: error, attempts: row.attempts, final },
      "inbound event failed",
    );
    await failInboundEvent(row.shop, row.id, String((error as Error)?.message ?? error), {
      delayMs: backoffMs(row.attempts, { baseMs: 1_000, maxMs: 60_000 }),
      final,
    }).catch(() => undefined);
  }
}

/**
 * Events processed at once by one instance. Their writes share statements (group commit: the contact upsert and
 * the turn's commit, app/adapters/db), so more lanes mean bigger statements rather than more connections:
 * measured on 2 cores with workers alone, 8 lanes 237 events/s, 32 lanes 603 (ADR 010); once the ensure
 * statement no longer grew with the square of its group (2026-12-06), 64 lanes 606–819 against 32 lanes 565–576.
 */
const CONCURRENCY = tuning().HALA_INBOX_CONCURRENCY;

/** Events one claim of the inbox worker takes at most. */
const INBOX_BATCH_LIMIT = Math.max(32, CONCURRENCY);

/** Claims a batch (at most one event per contact, in arrival order) and processes it. */
export async function processInboxBatch(
  limit = INBOX_BATCH_LIMIT,
  options: InboxBatchOptions = {},
): Promise<number> {
  const rows = await claimInboundEvents(limit, LEASE_MS);
  options.claimed?.(rows.length);
  await runWithConcurrency(rows, CONCURRENCY, (row) => processOne(row, options));
  if (options.settle ?? true) await settleSendsOnCommit();
  return rows.length;
}

export async function runWithConcurrency<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

/**
 * Batches one instance runs at once (each claims and processes up to CONCURRENCY events, as another instance
 * would: the claim keeps each contact's order between them). With one, the next claim waits for the batch's
 * slowest event and the database idles meanwhile (29 % of the drain idle in bench/results/profile-s18.md).
 * Measured (ADR 010): workers alone 768–977 events/s with 2 batches against 597–760 with 1.
 */
export const INBOX_BATCHES = tuning().HALA_INBOX_BATCHES;

export const inboxWorker = () => {
  const worker = createPollingWorker({
    name: "inbox",
    channel: INBOX_CHANNEL,
    lanes: INBOX_BATCHES,
    pollMs: 500,
    runOnce: (claimed) => processInboxBatch(INBOX_BATCH_LIMIT, { settle: false, claimed }),
    fullBatch: INBOX_BATCH_LIMIT,
  });
  return {
    ...worker,
    async stop() {
      await worker.stop();
      // Replies this instance is sending on commit finish (or are left leased, for the outbox) before it stops.
      await settleSendsOnCommit();
    },
    async drain() {
      await worker.drain();
      await settleSendsOnCommit();
    },
  };
};

registerWorker(inboxWorker);
