/**
 * Starts the BUILT app (build/) with scripts/serve.ts's `serve()`, exactly as `npm run dev:local` does but
 * with the environment the benchmark sets (PostgreSQL, Redis, fake Graph API, workers on). Run from the
 * repository root by bench/webhook.ts (migrations are read from ./prisma/migrations); SIGTERM closes the
 * server and exits.
 *
 * BENCH_PROFILE_FILE: SIGUSR2 starts the V8 CPU profiler; SIGTERM stops it and writes the .cpuprofile there
 * first — so that the profile covers the measured window only, not start-up.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { serve } from "../scripts/serve";

const port = Number(process.env.PORT ?? 3000);
// BENCH_APP_ROOT: a private copy of build/ (its bare imports still resolve to this repository's node_modules).
const server = await serve({ port, host: "127.0.0.1", root: process.env.BENCH_APP_ROOT || undefined });
console.log(`bench app listening on http://127.0.0.1:${port}`);

const profileFile = process.env.BENCH_PROFILE_FILE;
let profiler: Session | undefined;
if (profileFile) {
  process.on("SIGUSR2", async () => {
    if (profiler) return;
    profiler = new Session();
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.setSamplingInterval", { interval: 500 });
    await profiler.post("Profiler.start");
    console.log("cpu profile started");
  });
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (profiler && profileFile) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profileFile, JSON.stringify(profile));
    console.log(`cpu profile written to ${profileFile}`);
  }
  server.closeAllConnections();
  server.close();
  // The workers and pools are inside the bundle; exiting is the shutdown (the DB is dropped between runs).
  setTimeout(() => process.exit(0), 200).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
