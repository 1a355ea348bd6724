import type { ScheduledJob } from "@prisma/client";
import { claimDueJobs, finishJob, retryJob } from "~/adapters/db/jobs.server";
import { log } from "~/logger.server";
import { backoffMs } from "./backoff";
import { registerWorker } from "./background.server";
import { createPollingWorker } from "./worker.server";

/**
 * Durable scheduled jobs (ScheduledJob rows): they survive restarts, run when due, and run once even with
 * several instances (claimed with FOR UPDATE SKIP LOCKED under a lease).
 */
export type JobOutcome = { status: "done" } | { status: "skipped"; reason: string };
export type JobHandler = (job: ScheduledJob) => Promise<JobOutcome>;

const handlers = new Map<string, JobHandler>();
const MAX_ATTEMPTS = 6;
export const SCHEDULER_CHANNEL = "scheduler";

export function registerJobHandler(kind: string, handler: JobHandler): void {
  handlers.set(kind, handler);
}

async function runJob(job: ScheduledJob): Promise<void> {
  const logger = log({ shop: job.shop, jobId: job.id, kind: job.kind });
  const handler = handlers.get(job.kind);
  if (!handler) {
    await retryJob(job.shop, job.id, `no handler for ${job.kind}`, null);
    return;
  }
  try {
    const outcome = await handler(job);
    await finishJob(
      job.shop,
      job.id,
      outcome.status,
      outcome.status === "skipped" ? outcome.reason : undefined,
    );
    logger.info({ outcome }, "job finished");
  } catch (error) {
    const final = job.attempts >= MAX_ATTEMPTS;
    logger.warn({ err: error, attempts: job.attempts, final }, "job failed");
    await retryJob(
      job.shop,
      job.id,
      String((error as Error)?.message ?? error),
      final ? null : new Date(Date.now() + backoffMs(job.attempts, { baseMs: 5_000, maxMs: 15 * 60_000 })),
    );
  }
}

export async function runDueJobs(limit = 20): Promise<number> {
  const jobs = await claimDueJobs(limit, 5 * 60_000);
  for (const job of jobs) await runJob(job);
  return jobs.length;
}

export const schedulerWorker = () =>
  createPollingWorker({
    name: "scheduler",
    channel: SCHEDULER_CHANNEL,
    pollMs: 1_000,
    runOnce: () => runDueJobs(),
  });

registerWorker(schedulerWorker);
