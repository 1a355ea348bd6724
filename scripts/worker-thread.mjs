/**
 * The background workers (inbox processor, outbox sender, scheduler) in a thread of the app's process, started
 * by scripts/serve.ts when HALA_WORKER_THREAD allows it (docs/decisions/011-worker-thread.md): the built app's
 * module graph loaded a second time, with HALA_WORKERS=true, its own database pool and cache connection. The
 * web thread answers requests; this one processes what they stored. Plain JavaScript: it loads the build.
 */
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";

// HALA_WORKER_THREAD_NICE (default 0): run this thread at a lower CPU priority than the web thread (Linux keeps a
// nice value per thread; 0 means the calling thread). Off by default: on a saturated machine a lower priority
// delays the request after its rate token, past the number's rate window (docs/decisions/011-worker-thread.md).
// scripts/serve.ts validates it (app/env.server.ts) and passes it in workerData.
const nice = workerData.nice ?? 0;
if (nice > 0) {
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + Math.floor(nice)));
  } catch (error) {
    console.warn("worker thread priority not lowered:", error.message);
  }
}

const build = await import(workerData.buildUrl);
const background = build.entry.module.background;
// Importing the build started the workers (app/entry.server.tsx); this waits for the migrations and the start.
await background.start();
parentPort.postMessage({ type: "started" });

parentPort.on("message", async (message) => {
  if (message?.type !== "stop") return;
  try {
    await background.stop();
  } finally {
    process.exit(0); // the web thread waits for this thread's exit
  }
});
