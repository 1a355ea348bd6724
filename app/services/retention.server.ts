import { deleteProcessedInboundEvents } from "~/adapters/db/inbound-events.server";
import { deleteFinishedJobs } from "~/adapters/db/jobs.server";
import { deleteOldWebhookDeliveries } from "~/adapters/db/webhook-deliveries.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { registerWorker } from "./background.server";
import { createPollingWorker } from "./worker.server";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per statement: short transactions, no long lock on the intake's table. */
const SWEEP_BATCH = 1_000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * One sweep step: deletes a batch of webhook items processed more than HALA_INBOUND_RETENTION_DAYS ago (their
 * raw payloads hold shoppers' messages, and the table would otherwise grow for ever). The conversation itself
 * (Message rows) is kept: that is the merchant's inbox. Returns how many rows went.
 */
export async function sweepInboundEvents(now = new Date(), limit = SWEEP_BATCH): Promise<number> {
  const before = new Date(now.getTime() - env().HALA_INBOUND_RETENTION_DAYS * DAY_MS);
  const deleted = await deleteProcessedInboundEvents(before, limit);
  if (deleted > 0) logger.info({ deleted, before }, "retention: processed webhook items deleted");
  return deleted;
}

/**
 * Shopify webhook delivery claims (X-Shopify-Webhook-Id, for idempotency) are kept this long: Shopify retries
 * a failed delivery 8 times over 4 hours, so a week is a wide margin, and the table no longer grows with every
 * webhook.
 */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 7;

/** One sweep step for the Shopify delivery claims; returns how many rows went. */
export async function sweepWebhookDeliveries(now = new Date(), limit = SWEEP_BATCH): Promise<number> {
  const before = new Date(now.getTime() - WEBHOOK_DELIVERY_RETENTION_DAYS * DAY_MS);
  const deleted = await deleteOldWebhookDeliveries(before, limit);
  if (deleted > 0) logger.info({ deleted, before }, "retention: old Shopify webhook delivery claims deleted");
  return deleted;
}

/**
 * One sweep step for finished scheduled jobs (done, skipped or failed more than HALA_JOB_RETENTION_DAYS ago):
 * one row per feedback request, away message and merchant alert, which would otherwise accumulate for ever.
 * Pending jobs stay, however late. Returns how many rows went.
 */
export async function sweepScheduledJobs(now = new Date(), limit = SWEEP_BATCH): Promise<number> {
  const before = new Date(now.getTime() - env().HALA_JOB_RETENTION_DAYS * DAY_MS);
  const deleted = await deleteFinishedJobs(before, limit);
  if (deleted > 0) logger.info({ deleted, before }, "retention: finished scheduled jobs deleted");
  return deleted;
}

/** Sweeps batch after batch until nothing is due, then hourly. */
export const retentionWorker = () =>
  createPollingWorker({
    name: "retention",
    channel: "retention",
    pollMs: SWEEP_EVERY_MS,
    runOnce: async () =>
      (await sweepInboundEvents()) + (await sweepWebhookDeliveries()) + (await sweepScheduledJobs()),
    errorBackoffMs: 60_000,
  });

registerWorker(retentionWorker);
