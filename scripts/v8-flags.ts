import v8 from "node:v8";

/**
 * V8 optimises a function with TurboFan once it has run 3,000 times (Node 22's default; Maglev is off): the code
 * that runs once per webhook or per message stays unoptimised for the first seconds of a fresh process under
 * load, which then answers a fraction of what it can. Imported first by every process that serves the app or
 * runs its workers (scripts/serve.ts, scripts/worker.ts); V8's flags are per process, so the workers' thread gets
 * them too. bench:webhook's open loop on a fresh app (bench/results/ab-s22/README.md), 500 against the default:
 * the first second's webhooks stored within 2.3–4.7 s (p99, 5 runs) against 4.0–8.9 s (14 runs), end-to-end p99
 * median 9.6 against 12.9 s, and no run with webhooks left unsent against 5 of 14. 150 against 500
 * (bench/results/ab-s23/README.md), alternating: end-to-end p99 lower in all 3 pairs at 500 msg/s (589–906 ms
 * against 902–1,420) and in 3 of 4 at 1,000 msg/s. The price is compiling more functions while a process is young.
 */
export const V8_FLAGS = "--invocation-count-for-turbofan=150";
v8.setFlagsFromString(V8_FLAGS);
