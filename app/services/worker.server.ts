import { EventEmitter } from "node:events";
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

export function wake(channel: string): void {
  local.emit(channel);
  if (pendingWakes.has(channel)) return;
  pendingWakes.add(channel);
  setTimeout(() => {
    pendingWakes.delete(channel);
    void cache()
      .publish(`wake:${channel}`, "1")
      .catch(() => undefined);
  }, WAKE_COALESCE_MS).unref();
}

export interface PollingWorkerOptions {
  name: string;
  channel: string;
  pollMs: number;
  runOnce: () => Promise<number>;
  /** Pause after an error (database down, …) before trying again. */
  errorBackoffMs?: number;
}

export function createPollingWorker(options: PollingWorkerOptions): Worker & { drain(): Promise<void> } {
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  // A wake-up that arrives while a batch runs is remembered, so the loop does not then sleep through it.
  let woken = false;
  const onWake = () => {
    woken = true;
    wakeUp?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  async function run() {
    while (running) {
      try {
        woken = false;
        const handled = await options.runOnce();
        if (handled === 0) await sleep(options.pollMs);
      } catch (error) {
        logger.warn({ err: error, worker: options.name }, "worker batch failed");
        await sleep(options.errorBackoffMs ?? 1_000);
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
        .subscribe(`wake:${options.channel}`, onWake)
        .then((u) => (unsubscribe = u))
        .catch(() => undefined);
      loop = run();
    },
    async stop() {
      running = false;
      local.off(options.channel, onWake);
      wakeUp?.();
      await loop;
      await unsubscribe?.().catch(() => undefined);
    },
    /** Runs batches until one finds nothing (tests and the demo use it to settle). */
    async drain() {
      for (let i = 0; i < 1000; i++) if ((await options.runOnce()) === 0) return;
    },
  };
}
