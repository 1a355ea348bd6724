import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { BroadcastChannel } from "node:worker_threads";
import { cache } from "~/cache.server";
import { logger } from "~/logger.server";
import type { Worker } from "./background.server";

/**
 * A polling worker: runs `runOnce` (which claims and processes a batch and returns how many it handled)
 * until it finds nothing, then sleeps `pollMs` or until woken. Wake-ups come in-process (this instance
 * stored something) and through the cache's publish/subscribe (another instance did).
 */
const local = new EventEmitter();
local.setMaxListeners(100);

/** Other instances are woken at most every WAKE_COALESCE_MS per channel (one publish, not one per webhook). */
const WAKE_COALESCE_MS = 25;
const pendingWakes = new Set<string>();

/**
 * This instance (process), carried by its wake publications: its own come back through the cache's subscription
 * 25 ms after the local wake-up already ran the workers, and would run every lane's claim a second time for
 * nothing. Both threads of a process share it (scripts/serve.ts sets HALA_INSTANCE_ID when it starts the
 * workers' thread; not a setting).
 */
const INSTANCE_ID = process.env.HALA_INSTANCE_ID || randomUUID();

/**
 * When scripts/serve.ts runs the workers in a thread of their own (HALA_WORKER_THREAD), the web thread's wakes
 * reach them through a BroadcastChannel (the process's threads; no cache round trip, and the in-process cache
 * cannot cross threads). One message per channel per turn of the event loop, however many webhooks came in it.
 * HALA_WORKER_THREAD_RUNNING is not a setting: scripts/serve.ts sets it for both threads when it starts one.
 */
const threadWakes =
  process.env.HALA_WORKER_THREAD_RUNNING === "1" ? new BroadcastChannel("hala:wake") : undefined;
if (threadWakes) {
  threadWakes.unref();
  threadWakes.onmessage = (event) => local.emit(String((event as { data?: unknown }).data));
}
const pendingThreadWakes = new Set<string>();

export function wake(channel: string): void {
  local.emit(channel);
  if (threadWakes && !pendingThreadWakes.has(channel)) {
    pendingThreadWakes.add(channel);
    setImmediate(() => {
      pendingThreadWakes.delete(channel);
      threadWakes.postMessage(channel);
    });
  }
  if (pendingWakes.has(channel)) return;
  pendingWakes.add(channel);
  setTimeout(() => {
    pendingWakes.delete(channel);
    void cache()
      .publish(`wake:${channel}`, INSTANCE_ID)
      .catch(() => undefined);
  }, WAKE_COALESCE_MS).unref();
}

export interface PollingWorkerOptions {
  name: string;
  channel: string;
  pollMs: number;
  /**
   * Claims and processes a batch; resolves to how many items it handled. It may call `claimed` with how many it
   * claimed as soon as its claim returns (before processing them): a claim of `fullBatch` or more wakes another
   * idle lane at once, since more work is probably waiting.
   */
  runOnce: (claimed: (count: number) => void) => Promise<number>;
  /** See `runOnce`; without it, only wake-ups and a lane's own next loop start lanes. */
  fullBatch?: number;
  /** Pause after an error (database down, …) before trying again. */
  errorBackoffMs?: number;
  /**
   * Loops running `runOnce` at once (default 1). Safe for a `runOnce` whose claim hands each row to one caller
   * (FOR UPDATE SKIP LOCKED and a lease, as between instances): a lane waiting on its slowest item (a slow
   * Graph API call) no longer holds up the next batch.
   */
  lanes?: number;
}

export function createPollingWorker(options: PollingWorkerOptions): Worker & { drain(): Promise<void> } {
  const lanes = Math.max(1, Math.floor(options.lanes ?? 1) || 1);
  let running = false;
  let loops: Promise<void>[] = [];
  const sleepers = new Set<() => void>();
  let unsubscribe: (() => Promise<void>) | undefined;
  // A wake-up that arrives while a batch runs is remembered (per lane), so the lane does not then sleep
  // through it.
  const woken = new Set<number>();
  // A wake-up starts ONE idle lane: one webhook's event needs one claim, and waking every lane made the others
  // claim nothing (three claims per event at low rates with two lanes: the woken lanes, then the busy one
  // looking again). More lanes join when a claim comes back full (`fullBatch`) or further wake-ups come.
  const wakeOne = () => sleepers.values().next().value?.();
  const onWake = () => {
    for (let lane = 0; lane < lanes; lane++) woken.add(lane);
    wakeOne();
  };
  const onClaimed = (count: number) => {
    if (options.fullBatch !== undefined && count >= options.fullBatch) wakeOne();
  };

  const sleep = (lane: number, ms: number) =>
    new Promise<void>((resolve) => {
      // Stopped while its batch ran (stop() woke only the lanes asleep then): the loop ends now, not after
      // pollMs or the error backoff (the retention worker's is an hour).
      if (woken.has(lane) || !running) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });

  async function run(lane: number) {
    while (running) {
      try {
        woken.delete(lane);
        const handled = await options.runOnce(onClaimed);
        if (handled === 0) await sleep(lane, options.pollMs);
      } catch (error) {
        logger.warn({ err: error, worker: options.name }, "worker batch failed");
        await sleep(lane, options.errorBackoffMs ?? 1_000);
      }
    }
  }

  return {
    name: options.name,
    start() {
      if (running) return;
      running = true;
      local.on(options.channel, onWake);
      void cache()
        // Another instance's wake-ups; this instance's own reached the workers locally (above).
        .subscribe(`wake:${options.channel}`, (from) => {
          if (from !== INSTANCE_ID) onWake();
        })
        .then((u) => (unsubscribe = u))
        .catch(() => undefined);
      loops = Array.from({ length: lanes }, (_, lane) => run(lane));
    },
    async stop() {
      running = false;
      local.off(options.channel, onWake);
      for (const wakeUp of [...sleepers]) wakeUp();
      await Promise.all(loops);
      await unsubscribe?.().catch(() => undefined);
    },
    /** Runs batches until one finds nothing (tests and the demo use it to settle). */
    async drain() {
      for (let i = 0; i < 1000; i++) if ((await options.runOnce(() => undefined)) === 0) return;
    },
  };
}
