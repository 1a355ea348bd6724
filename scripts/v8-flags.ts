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
 *
 * `--concurrent-turbofan-max-threads=1`: each isolate's TurboFan compiles on one of V8's platform threads at a
 * time, not on all four Node starts. On two cores, a fresh process's compile burst on four threads took the CPU
 * from the web thread, the workers' thread and PostgreSQL just as the first traffic arrived. V8 reads the limit
 * whenever it schedules compile work (Node 22's V8), so setting it here, before the app's code runs, takes effect.
 * bench:webhook's open loop at 1,000 msg/s on a fresh app, alternating (bench/results/ab-s30/README.md): set here,
 * e2e p99 lower in 3 of 4 pairs (median 334 against 478 ms) and more replies in the first second in all 4 (658–850
 * against 470–636); on the command line, lower in 3 of 3; after the first 5 s, the same.
 */
export const V8_FLAGS = "--invocation-count-for-turbofan=150 --concurrent-turbofan-max-threads=1";
v8.setFlagsFromString(V8_FLAGS);
