import { describe, expect, it } from "vitest";
import { storeInboundEvents, type NewInboundEvent } from "~/adapters/db/inbound-events.server";
import { db } from "~/db.server";
import { env, envSchema } from "~/env.server";
import { claimWebhookDelivery } from "~/adapters/db/webhook-deliveries.server";
import { scheduleJob } from "~/adapters/db/jobs.server";
import {
  sweepInboundEvents,
  sweepScheduledJobs,
  sweepWebhookDeliveries,
  WEBHOOK_DELIVERY_RETENTION_DAYS,
} from "~/services/retention.server";
import { setupTestDatabase } from "./helpers/db";

setupTestDatabase();

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-12-05T12:00:00Z");

const item = (key: string, shop = "keep.myshopify.com"): NewInboundEvent => ({
  shop,
  phoneNumberId: "PN-RET",
  kind: "message",
  dedupeKey: `msg:${key}`,
  waId: "966500000077",
  payload: { text: `secret words of ${key}` },
});

async function stored(key: string, status: string, processedDaysAgo: number | null, shop?: string) {
  await storeInboundEvents([item(key, shop)]);
  await db().inboundEvent.updateMany({
    where: { dedupeKey: `msg:${key}` },
    data: {
      status,
      processedAt: processedDaysAgo === null ? null : new Date(NOW.getTime() - processedDaysAgo * DAY),
    },
  });
}

const keys = async () =>
  (await db().inboundEvent.findMany({ orderBy: { seq: "asc" } })).map((r) => r.dedupeKey.replace("msg:", ""));

describe("retention of processed webhook items", () => {
  it("keeps them longer than Meta re-delivers (7 days): 14 days by default, never fewer than 8", () => {
    expect(env().HALA_INBOUND_RETENTION_DAYS).toBe(14);
    expect(envSchema.shape.HALA_INBOUND_RETENTION_DAYS.safeParse("30").data).toBe(30);
    expect(envSchema.shape.HALA_INBOUND_RETENTION_DAYS.safeParse("7").success).toBe(false);
  });

  it("deletes only done and ignored items processed before the retention period, in any shop", async () => {
    await stored("old-done", "done", 15);
    await stored("old-ignored", "ignored", 20, "other.myshopify.com");
    await stored("old-failed", "failed", 30); // kept for investigation
    await stored("recent-done", "done", 13);
    await stored("pending", "pending", null);
    await stored("old-pending-retry", "pending", 40); // a processedAt on a pending row: never deleted
    expect(await sweepInboundEvents(NOW)).toBe(2);
    expect(await keys()).toEqual(["old-failed", "recent-done", "pending", "old-pending-retry"]);
    expect(await sweepInboundEvents(NOW)).toBe(0);
  });

  it("deletes in batches; the worker loops until nothing is due", async () => {
    for (let i = 0; i < 5; i++) await stored(`batch-${i}`, "done", 30);
    expect(await sweepInboundEvents(NOW, 2)).toBe(2);
    expect(await sweepInboundEvents(NOW, 2)).toBe(2);
    expect(await sweepInboundEvents(NOW, 2)).toBe(1);
    expect(await sweepInboundEvents(NOW, 2)).toBe(0);
  });
});

describe("retention of Shopify webhook delivery claims", () => {
  async function claimed(webhookId: string, daysAgo: number, shop = "keep.myshopify.com") {
    expect(await claimWebhookDelivery(shop, webhookId, "orders/fulfilled")).toBe(true);
    await db().webhookDelivery.update({
      where: { webhookId },
      data: { receivedAt: new Date(NOW.getTime() - daysAgo * DAY) },
    });
  }

  it("deletes claims older than Shopify's retries (8 over 4 hours) with a wide margin (7 days), in any shop, in batches", async () => {
    expect(WEBHOOK_DELIVERY_RETENTION_DAYS).toBeGreaterThanOrEqual(3);
    await claimed("wh-old-1", 8);
    await claimed("wh-old-2", 30, "other.myshopify.com");
    await claimed("wh-old-3", 9);
    await claimed("wh-recent", 6);
    await claimed("wh-today", 0);
    expect(await sweepWebhookDeliveries(NOW, 2)).toBe(2);
    expect(await sweepWebhookDeliveries(NOW, 2)).toBe(1);
    expect(await sweepWebhookDeliveries(NOW, 2)).toBe(0);
    const left = await db().webhookDelivery.findMany({ orderBy: { webhookId: "asc" } });
    expect(left.map((d) => d.webhookId)).toEqual(["wh-recent", "wh-today"]);
    // A recent delivery is still recognised when Shopify retries it.
    expect(await claimWebhookDelivery("keep.myshopify.com", "wh-recent", "orders/fulfilled")).toBe(false);
  });
});

describe("retention of finished scheduled jobs", () => {
  async function job(key: string, status: string, doneDaysAgo: number | null, shop = "keep.myshopify.com") {
    expect(
      await scheduleJob(shop, {
        kind: "feedback",
        dedupeKey: `feedback:${shop}:${key}`,
        runAt: new Date(NOW.getTime() - 200 * DAY),
        payload: { orderId: key },
      }),
    ).toBe(true);
    await db().scheduledJob.updateMany({
      where: { dedupeKey: `feedback:${shop}:${key}` },
      data: { status, doneAt: doneDaysAgo === null ? null : new Date(NOW.getTime() - doneDaysAgo * DAY) },
    });
  }
  const left = async () =>
    (await db().scheduledJob.findMany({ orderBy: { dedupeKey: "asc" } })).map((j) =>
      j.dedupeKey.split(":").at(-1),
    );

  it("keeps them 90 days by default (never fewer than 30: the key stops a second feedback request for an order)", () => {
    expect(env().HALA_JOB_RETENTION_DAYS).toBe(90);
    expect(envSchema.shape.HALA_JOB_RETENTION_DAYS.safeParse("365").data).toBe(365);
    expect(envSchema.shape.HALA_JOB_RETENTION_DAYS.safeParse("29").success).toBe(false);
  });

  it("deletes done, skipped and failed jobs finished before the period, in any shop and in batches; never a pending one", async () => {
    await job("o1-done-old", "done", 91);
    await job("o2-skipped-old", "skipped", 120, "other.myshopify.com");
    await job("o3-failed-old", "failed", 400);
    await job("o4-done-recent", "done", 89);
    await job("o5-pending", "pending", null);
    await job("o6-pending-odd", "pending", 300); // a doneAt on a pending row: never deleted
    expect(await sweepScheduledJobs(NOW, 2)).toBe(2);
    expect(await sweepScheduledJobs(NOW, 2)).toBe(1);
    expect(await sweepScheduledJobs(NOW, 2)).toBe(0);
    expect(await left()).toEqual(["o4-done-recent", "o5-pending", "o6-pending-odd"]);
    // A kept job still stops the same request from being scheduled again.
    expect(
      await scheduleJob("keep.myshopify.com", {
        kind: "feedback",
        dedupeKey: "feedback:keep.myshopify.com:o4-done-recent",
        runAt: NOW,
        payload: {},
      }),
    ).toBe(false);
  });
});
