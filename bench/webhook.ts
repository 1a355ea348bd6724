/**
 * `npm run bench:webhook` — the WhatsApp webhook benchmark (see bench/README.md).
 *
 * 1. Builds the app if build/ is missing, creates a fresh PostgreSQL database (hala_bench), empties Redis db 5,
 *    seeds 50 tenants through the app's own migration and model functions.
 * 2. Closed loop (64 connections, 3 s warm-up, 20 s measured) against the BUILT app (scripts/serve.ts, workers
 *    on, fake Graph API) and against a plain-Node BASELINE (body + JSON.parse + HMAC): req/s, ack p50/p99.
 * 3. Open loop at 1,000 inbound msg/s for 20 s against a fresh app: each message from a new shopper says "hi",
 *    the bot answers with its menu, and the fake Graph API records when that reply arrives: inbound → outbound
 *    latency from the SCHEDULED send time (no coordinated omission).
 * Writes bench/results/webhook.json and webhook.md. Every loop is bounded; a watchdog kills everything.
 */
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { startFakeGraph, type FakeGraph } from "./lib/fake-graph";
import type { ClosedJob, ClosedResult, OpenJob, OpenResult } from "./lib/loadgen";
import {
  closedLoopRequests,
  makeTenants,
  openLoopRequests,
  type SignedRequest,
  type Tenant,
} from "./lib/payloads";
import {
  cpuWindow,
  has,
  killAllChildren,
  peakRssMiB,
  runAsync,
  sleep,
  startNode,
  stopChild,
  waitForHttp,
} from "./lib/proc";
import {
  phaseMarkdown,
  startStatsServer,
  summarizeStatements,
  type PhaseStats,
  type StatsServer,
} from "./lib/pg-stats";
import { summarizeProfile, type ProfileSummary } from "./lib/profile";
import { ms, rounded, summarize, wallNow, type Percentiles } from "./lib/stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "bench/results");
const WORK = path.join(RESULTS, "logs");
/** A private copy of build/ (others may rebuild the shared one while the benchmark runs). */
const SNAPSHOT = path.join(WORK, "app");

const int = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const flag = (name: string) => ["1", "true", "yes"].includes((process.env[name] ?? "").toLowerCase());

/** BENCH_OPEN_SWEEP=100,250,500: the rates of the extra open loops (see cfg.openSweep). */
const openSweepRates = (process.env.BENCH_OPEN_SWEEP ?? "")
  .split(",")
  .map(Number)
  .filter((rate) => Number.isInteger(rate) && rate > 0);

const cfg = {
  tenants: int("BENCH_TENANTS", 50),
  connections: int("BENCH_CONNECTIONS", 64),
  warmupS: int("BENCH_WARMUP_S", 3),
  durationS: int("BENCH_DURATION_S", 20),
  openRate: int("BENCH_OPEN_RATE", 1000),
  openDurationS: int("BENCH_OPEN_DURATION_S", 20),
  /** A low-rate open loop first (also the warm-up): the pipeline's latency when it is not overloaded. */
  referenceRate: int("BENCH_REFERENCE_RATE", 25),
  referenceS: int("BENCH_REFERENCE_S", 4),
  /** Seconds the workers get alone after the closed loop, to measure how fast they drain the backlog. */
  workerDrainS: int("BENCH_WORKER_DRAIN_S", 5),
  /** How long after the last scheduled open-loop message replies are still waited for. */
  drainS: int("BENCH_DRAIN_S", 20),
  /**
   * BENCH_OPEN_SWEEP=100,250,500: after the 1,000/s open loop, one more per rate, each on a fresh app with the same
   * warm-up, BENCH_OPEN_SWEEP_S seconds long: up to which rate the pipeline keeps its latency on this machine.
   */
  openSweep: openSweepRates,
  openSweepS: int("BENCH_OPEN_SWEEP_S", 10),
  /** Webhooks generated for the closed loop (warm-up + measured must fit, or some repeat). */
  closedRequests: int("BENCH_CLOSED_REQUESTS", 120_000),
  shoppersPerTenant: int("BENCH_SHOPPERS_PER_TENANT", 2_000),
  duplicateShare: 0.05,
  loadgen: (process.env.BENCH_LOADGEN ?? "auto") as "auto" | "wrk" | "node",
  /** Also measure the app with HALA_WORKERS=false (intake alone); BENCH_INTAKE_ONLY=0 skips it. */
  intakeOnly: process.env.BENCH_INTAKE_ONLY !== "0",
  /** Profile the app's CPU during the measured closed loop (V8 profiler) and summarise where it goes. */
  // BENCH_PROFILE=1: the closed loop (intake and workers); BENCH_PROFILE=workers: the workers alone, during the
  // drain after the closed loop (raise BENCH_WORKER_DRAIN_S for a longer sample).
  // BENCH_PROFILE=open: the web thread during the measured open loop (with HALA_WORKER_THREAD on, that is the
  // intake; BENCH_OPEN_WORKERS=0 runs that app without workers).
  profile: flag("BENCH_PROFILE") || process.env.BENCH_PROFILE === "workers",
  profileWorkersOnly: process.env.BENCH_PROFILE === "workers",
  profileOpen: process.env.BENCH_PROFILE === "open",
  /** BENCH_OPEN_WORKERS=0: the open loop's app runs without workers (what the intake alone costs at that rate). */
  openWorkers: process.env.BENCH_OPEN_WORKERS !== "0",
  keepDb: flag("BENCH_KEEP_DB"),
  /**
   * BENCH_PG_STATS=1: PostgreSQL's time per statement in each phase (pg_stat_statements), on a private cluster with
   * the shared server's settings (bench/lib/pg-stats.ts); BENCH_PG_URL is then only where the settings are read.
   */
  pgStats: flag("BENCH_PG_STATS"),
  /** Results go to bench/results/<name>.json and .md. */
  resultsName: (process.env.BENCH_RESULTS_NAME ?? "webhook").replace(/[^\w.-]/g, "_"),
  pgUrl: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432",
  database: "hala_bench",
  redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/5",
  // Each sweep rate adds a fresh app, its warm-up, its run and the wait for its replies.
  watchdogS: int("BENCH_WATCHDOG_S", 300 + 90 * openSweepRates.length),
  /** Node/V8 flags for the app's process (and its workers' thread), e.g. "--max-semi-space-size=64", for A/B runs. */
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean),
};

const TARGETS = { webhooksPerSec: 3300, ackP99Ms: 50, e2eP99Ms: 100, e2eRate: 1000 };

function log(message: string) {
  const t = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  console.log(`[bench ${t}s] ${message}`);
}
const startedAt = performance.now();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

// --- database and cache ------------------------------------------------------------------------

const databaseUrl = () => `${cfg.pgUrl}/${cfg.database}`;

async function psql(sql: string, dbName = cfg.database): Promise<string> {
  const { stdout } = await runAsync(
    "psql",
    [`${cfg.pgUrl}/${dbName}`, "-v", "ON_ERROR_STOP=1", "-qtAc", sql],
    {
      timeoutMs: 60_000,
    },
  );
  return stdout.trim();
}

async function freshDatabase() {
  await psql(`DROP DATABASE IF EXISTS ${cfg.database} WITH (FORCE)`, "postgres");
  await psql(`CREATE DATABASE ${cfg.database}`, "postgres");
}

async function flushRedis() {
  const url = new URL(cfg.redisUrl);
  const dbIndex = url.pathname.replace("/", "") || "0";
  await runAsync("redis-cli", ["-h", url.hostname, "-p", url.port || "6379", "-n", dbIndex, "flushdb"], {
    timeoutMs: 10_000,
  });
}

/** Empties what the traffic created (not the shops and accounts) between phases. */
async function resetTraffic() {
  await psql(`TRUNCATE "InboundEvent", "Message", "Conversation", "Contact" CASCADE`);
  await flushRedis();
}

async function dbCounts() {
  const rows = await psql(
    `SELECT 'inbound_' || status, count(*) FROM "InboundEvent" GROUP BY status
     UNION ALL SELECT 'out_' || status, count(*) FROM "Message" WHERE direction = 'out' GROUP BY status
     UNION ALL SELECT 'contacts', count(*) FROM "Contact"`,
  );
  return Object.fromEntries(
    rows
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [k, v] = l.split("|");
        return [k, Number(v)];
      }),
  ) as Record<string, number>;
}

/**
 * Where the end-to-end time went, from the app's own timestamps: InboundEvent.receivedAt (stored, before the
 * 200) → processedAt (the inbox worker's transaction: state saved, replies queued) → the first reply's sentAt
 * (the outbox worker got the Graph API's answer). Only events with seq > `afterSeq` whose reply was sent.
 */
async function stageLatencies(afterSeq: number) {
  // No nested loop: on the run's unanalyzed tables the planner once took the events for a handful and probed
  // Message by a full scan per event, past psql's 60-s limit (20,000 events against 44,000 messages).
  const rows = await psql(
    `SET enable_nestloop = off;
     SELECT extract(epoch from (e."processedAt" - e."receivedAt")) * 1000, extract(epoch from (m."sentAt" - e."processedAt")) * 1000
     FROM "InboundEvent" e JOIN "Message" m ON m."idempotencyKey" = e.id || ':0'
     WHERE e.seq > ${afterSeq} AND e.kind = 'message' AND m."sentAt" IS NOT NULL`,
  );
  const inbox: number[] = [];
  const outbox: number[] = [];
  for (const line of rows.split("\n").filter(Boolean)) {
    const [a, b] = line.split("|").map(Number);
    inbox.push(a);
    outbox.push(b);
  }
  const pick = (v: number[]) => {
    const x = summarize(v);
    return rounded({ p50: x.p50, p95: x.p95, p99: x.p99, max: x.max });
  };
  return { count: inbox.length, storedToProcessedMs: pick(inbox), processedToSentMs: pick(outbox) };
}

async function maxSeq(): Promise<number> {
  return Number((await psql(`SELECT coalesce(max(seq), 0) FROM "InboundEvent"`)) || 0);
}

// --- the app and the baseline -------------------------------------------------------------------

// BENCH_ENCRYPTION_KEY: a fixed key, so that a database kept with BENCH_KEEP_DB=1 can be opened by a later run.
const ENCRYPTION_KEY = process.env.BENCH_ENCRYPTION_KEY ?? `k1:${randomBytes(32).toString("base64")}`;

function appEnv(port: number, graph: FakeGraph, workers: boolean): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(port),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    DATABASE_URL: databaseUrl(),
    REDIS_URL: cfg.redisUrl,
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: "bench-api-secret",
    SHOPIFY_APP_URL: "https://hala-bench.example.com",
    ENCRYPTION_KEY,
    GRAPH_API_URL: graph.url,
    BENCH_APP_ROOT: SNAPSHOT,
    // The app's own settings given to the benchmark (HALA_SEND_ON_COMMIT=false, DATABASE_POOL_MAX/MIN,
    // DATABASE_PLAN_*, PGOPTIONS …) reach the app, for A/B runs.
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) =>
          key.startsWith("HALA_") ||
          key.startsWith("DATABASE_POOL_") ||
          key.startsWith("DATABASE_PLAN_") ||
          // the PostgreSQL session settings of the app's connections (node-postgres reads it), e.g.
          // "-c plan_cache_mode=force_generic_plan"
          key === "PGOPTIONS",
      ),
    ),
    HALA_WORKERS: workers ? "true" : "false",
  };
}

/** Error lines (pino level ≥ 50) in an app log, grouped by message. */
function appErrors(label: string): { count: number; messages: Record<string, number> } {
  const file = path.join(WORK, `app-${label}.log`);
  const messages: Record<string, number> = {};
  let count = 0;
  if (!existsSync(file)) return { count, messages };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 50) continue;
      count++;
      const key = `${entry.msg ?? ""}: ${(entry.err?.message ?? "").split("\n")[0].slice(0, 120)}`;
      messages[key] = (messages[key] ?? 0) + 1;
    } catch {
      // not a log entry
    }
  }
  return { count, messages };
}

async function startApp(
  port: number,
  graph: FakeGraph,
  workers: boolean,
  label: string,
  profileFile?: string,
) {
  const child = startNode("bench/app-launcher.ts", {
    cwd: ROOT,
    env: { ...appEnv(port, graph, workers), ...(profileFile ? { BENCH_PROFILE_FILE: profileFile } : {}) },
    logFile: path.join(WORK, `app-${label}.log`),
    nodeArgs: cfg.nodeArgs,
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, child);
  // The workers may start after the web server answers (in their own thread, scripts/serve.ts): measuring
  // starts once they run, so that a run does not time their start-up.
  if (workers)
    await waitForLogLine(path.join(WORK, `app-${label}.log`), "background workers started", 60_000);
  return child;
}

async function waitForLogLine(file: string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file) && readFileSync(file, "utf8").includes(text)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  // The next run overwrites the log: what the app said goes into the error.
  const tail = existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-20).join("\n") : "";
  throw new Error(`${path.basename(file)}: no "${text}" within ${timeoutMs} ms; its last lines:\n${tail}`);
}

// --- load ---------------------------------------------------------------------------------------

interface ClosedLoopResult {
  tool: "wrk" | "node";
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  non200: number;
  errors: number;
  ackMs: Pick<Percentiles, "mean" | "p50" | "p90" | "p99" | "p999" | "max">;
  warmupRequests: number;
  wrapped: boolean;
  /** Cores used on average during the measured window, by process group (see cpuWindow). */
  cpu: Record<string, number>;
  /**
   * CPU milliseconds the server process spent per answered request (all its work: for the app, the workers
   * too). Less sensitive to other load on the machine than req/s.
   */
  serverCpuMsPerRequest: number;
}

function writeRequestFile(file: string, requests: SignedRequest[]) {
  writeFileSync(file, requests.map((r) => `${r.signature}\t${r.body}`).join("\n") + "\n");
}

async function nodeJob<T>(job: ClosedJob | OpenJob, onStart?: (pid?: number) => void): Promise<T> {
  const child = startNode("bench/lib/loadgen.ts", {
    cwd: ROOT,
    env: process.env,
    ipc: true,
    logFile: path.join(WORK, "loadgen.log"),
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      child.on("message", (message) => {
        if (message === "ready") {
          onStart?.(child.pid);
          child.send("go");
        } else resolve(message as T);
      });
      child.once("exit", (code) => reject(new Error(`load generator exited (${code}) without a result`)));
      child.send(job);
    });
  } finally {
    await stopChild(child, 2_000);
  }
}

interface WrkJson {
  requests: number;
  duration_us: number;
  sent: number;
  wrapped: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: {
    min: number;
    mean: number;
    p50: number;
    p90: number;
    p95: number;
    p99: number;
    p999: number;
    max: number;
  };
}

/** One wrk run; `cpuMs` is wrk's own CPU time (bash's `times`: it has exited before /proc can be read). */
async function wrkRun(
  url: string,
  file: string,
  offset: number,
  seconds: number,
): Promise<WrkJson & { cpuMs: number }> {
  const args = [
    "-t1",
    `-c${cfg.connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "-s",
    path.join(ROOT, "bench/lib/webhook.lua"),
    url,
  ];
  const { stdout } = await runAsync("bash", ["-c", 'wrk "$@"; code=$?; times; exit $code', "wrk", ...args], {
    env: { ...process.env, BENCH_REQUESTS: file, BENCH_OFFSET: String(offset), BENCH_THREADS: "1" },
    timeoutMs: (seconds + 60) * 1000,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
  // `times` prints the shell's times, then its children's: "0m1.234s 0m0.567s".
  const children = stdout.trim().split("\n").pop() ?? "";
  const cpuMs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000,
    0,
  );
  return { ...(JSON.parse(line.slice("BENCH_JSON ".length)) as WrkJson), cpuMs };
}

async function closedLoop(
  url: string,
  file: string,
  server: ChildProcess,
  tool: "wrk" | "node",
  profile = false,
): Promise<ClosedLoopResult> {
  let window = cpuWindow({ server: server.pid, bench: process.pid }, { postgresDb: cfg.database });
  const startCounters = (loadgenPid?: number) => {
    // The app's launcher starts its CPU profiler on SIGUSR2 (BENCH_PROFILE_FILE).
    if (profile) server.kill("SIGUSR2");
    window = cpuWindow(
      { server: server.pid, loadgen: loadgenPid, bench: process.pid },
      { postgresDb: cfg.database },
    );
  };

  if (tool === "wrk") {
    const warm = await wrkRun(url, file, 0, cfg.warmupS);
    startCounters();
    const r = await wrkRun(url, file, warm.sent, cfg.durationS);
    const cpu = window.end({ loadgen: r.cpuMs });
    const seconds = r.duration_us / 1e6;
    const e = r.errors;
    return {
      tool,
      serverCpuMsPerRequest:
        Math.round(((cpu.server * seconds * 1000) / Math.max(1, r.requests)) * 1000) / 1000,
      connections: cfg.connections,
      durationS: Math.round(seconds * 100) / 100,
      requests: r.requests,
      reqPerSec: Math.round(r.requests / seconds),
      non200: e.status,
      errors: e.connect + e.read + e.write + e.timeout,
      ackMs: rounded({
        mean: r.latency_us.mean / 1000,
        p50: r.latency_us.p50 / 1000,
        p90: r.latency_us.p90 / 1000,
        p99: r.latency_us.p99 / 1000,
        p999: r.latency_us.p999 / 1000,
        max: r.latency_us.max / 1000,
      }),
      warmupRequests: warm.requests,
      wrapped: warm.wrapped > 0 || r.wrapped > 0,
      cpu,
    };
  }

  const base = { mode: "closed" as const, url, file, connections: cfg.connections, timeoutMs: 10_000 };
  const warm = await nodeJob<ClosedResult>({
    ...base,
    offset: 0,
    warmupMs: 0,
    durationMs: cfg.warmupS * 1000,
  });
  const r = await nodeJob<ClosedResult>(
    { ...base, offset: warm.linesUsed, warmupMs: 0, durationMs: cfg.durationS * 1000 },
    startCounters,
  );
  // The load generator has exited by now: its own CPU count stands in for /proc.
  const cpu = window.end({ loadgen: r.clientCpuMs });
  const s = summarize(r.latencies);
  const ok = r.statuses["200"] ?? 0;
  return {
    tool,
    serverCpuMsPerRequest:
      Math.round(((cpu.server * cfg.durationS * 1000) / Math.max(1, r.completed)) * 1000) / 1000,
    connections: cfg.connections,
    durationS: cfg.durationS,
    requests: r.completed,
    reqPerSec: Math.round(r.completed / cfg.durationS),
    non200: r.completed - ok - r.errors,
    errors: r.errors,
    ackMs: rounded({ mean: s.mean, p50: s.p50, p90: s.p90, p99: s.p99, p999: s.p999, max: s.max }),
    warmupRequests: warm.completed,
    wrapped: warm.wrapped || r.wrapped,
    cpu,
  };
}

// --- open loop ----------------------------------------------------------------------------------

interface OpenLoopResult {
  rate: number;
  durationS: number;
  sent: number;
  acked200: number;
  non200: number;
  clientErrors: number;
  clientSkipped: number;
  ackMs: Percentiles;
  replies: number;
  missingReplies: number;
  /** Latency from the scheduled send time to the bot's first reply at the fake Graph API. */
  e2eMs: Percentiles & { note?: string };
  /** Replies that arrived, summarized alone (the percentiles above count missing ones as infinitely late). */
  e2eArrivedMs: Percentiles;
  /**
   * The same split by when a message was scheduled: the first OPEN_COLD_S seconds (a process started just before,
   * its JIT, pools and prepared statements still cold) and the rest (missing replies count as ∞ in both). The
   * target's verdict is on all messages; the split says how much of the p99 is the cold start.
   */
  e2eColdMs: Percentiles;
  e2eWarmMs: Percentiles;
  drainWaitedS: number;
  /**
   * Per second of the run: messages scheduled, replies received (by arrival second), and the p99 of the ack and of
   * the reply of that second's messages (∞, written null, when more than 1 % of them got none).
   */
  timeline: {
    second: number;
    sent: number;
    replies: number;
    /** p99 of scheduled → stored (the InboundEvent's receivedAt: its INSERT's start), when measured. */
    storedP99?: number | null;
    /** p99 of scheduled → written to its socket by the load generator: how late the client itself was. */
    writtenP99?: number | null;
    ackP99: number | null;
    e2eP99: number | null;
  }[];
  firstReplySample: unknown;
  /** Cores used on average while the messages were sent, by process group (see cpuWindow). */
  cpu: Record<string, number>;
}

const finiteOrNull = (value: number) => (Number.isFinite(value) ? Math.round(value) : null);

/** Seconds at the start of the open loop reported apart as its cold start (see OpenLoopResult.e2eColdMs). */
const OPEN_COLD_S = 5;

/** Where an open loop sends: the app, its pre-signed webhooks (and their file, for the load generator), the fake Graph API. */
interface OpenLoopTarget {
  url: string;
  file: string;
  requests: SignedRequest[];
  graph: FakeGraph;
  server: ChildProcess;
}

/** One open loop: `count` webhooks from line `offset` at `rate` a second, replies awaited `drainS` after the last. */
interface OpenLoopRun {
  offset: number;
  count: number;
  rate: number;
  drainS: number;
  /** Read when each message was stored (InboundEvent rows after this seq): the per-second table's "stored". */
  storedAfterSeq?: number;
}

async function openLoop(target: OpenLoopTarget, run: OpenLoopRun): Promise<OpenLoopResult> {
  const { url, file, requests, graph, server } = target;
  const { offset, count, rate, drainS, storedAfterSeq } = run;
  let window = cpuWindow({ server: server.pid, bench: process.pid }, { postgresDb: cfg.database });
  const job: OpenJob = {
    mode: "open",
    url,
    file,
    offset,
    count,
    rate,
    maxInFlight: 2_000,
    timeoutMs: 10_000,
  };
  const r = await nodeJob<OpenResult>(job, (pid) => {
    window = cpuWindow(
      { server: server.pid, loadgen: pid, bench: process.pid },
      { postgresDb: cfg.database },
    );
  });
  const cpu = window.end({ loadgen: r.clientCpuMs });

  const waIds = requests.slice(offset, offset + count).map((q) => q.waId);
  const lastScheduled = r.scheduled[r.scheduled.length - 1] ?? wallNow();
  const drainUntil = lastScheduled + drainS * 1000;
  const drainStart = wallNow();
  const got = () => waIds.reduce((n, w) => n + (graph.firstReplyAt.has(w) ? 1 : 0), 0);
  while (wallNow() < drainUntil && got() < count) await sleep(250);
  const drainWaitedS = Math.round((wallNow() - drainStart) / 100) / 10;

  // When each message was stored, by the database's clock (same machine): where the ack's time went.
  const storedAt = new Map<string, number>();
  if (storedAfterSeq !== undefined) {
    const rows = await psql(
      `SELECT "waId", extract(epoch from "receivedAt") * 1000 FROM "InboundEvent"
       WHERE seq > ${storedAfterSeq} AND kind = 'message'`,
    );
    for (const line of rows.split("\n").filter(Boolean)) {
      const [waId, at] = line.split("|");
      storedAt.set(waId, Number(at));
    }
  }

  const ack: number[] = [];
  const e2e: number[] = [];
  const e2eCold: number[] = [];
  const e2eWarm: number[] = [];
  const arrived: number[] = [];
  let acked200 = 0;
  let non200 = 0;
  const t0 = r.scheduled[0] ?? 0;
  const seconds = Math.ceil(count / rate + drainS + 20);
  const timeline = Array.from({ length: seconds }, (_, second) => ({
    second,
    sent: 0,
    replies: 0,
    stored: [] as number[],
    written: [] as number[],
    ack: [] as number[],
    lat: [] as number[],
  }));
  for (let i = 0; i < count; i++) {
    const scheduled = r.scheduled[i];
    if (r.status[i] === 200) acked200++;
    else if (r.status[i] !== 0) non200++;
    const ackLatency = Number.isFinite(r.acked[i]) ? r.acked[i] - scheduled : Infinity;
    ack.push(ackLatency);
    const at = graph.firstReplyAt.get(waIds[i]);
    const latency = at === undefined ? Infinity : at - scheduled;
    e2e.push(latency);
    const sentSecond = Math.floor((scheduled - t0) / 1000);
    (sentSecond < OPEN_COLD_S ? e2eCold : e2eWarm).push(latency);
    if (timeline[sentSecond]) {
      timeline[sentSecond].sent++;
      timeline[sentSecond].ack.push(ackLatency);
      const stored = storedAt.get(waIds[i]);
      timeline[sentSecond].stored.push(stored === undefined ? Infinity : stored - scheduled);
      const written = r.written[i];
      timeline[sentSecond].written.push(Number.isFinite(written) ? written - scheduled : Infinity);
      timeline[sentSecond].lat.push(latency);
    }
    if (at !== undefined) {
      arrived.push(latency);
      const second = Math.floor((at - t0) / 1000);
      if (timeline[second]) timeline[second].replies++;
    }
  }
  const e2eSummary: OpenLoopResult["e2eMs"] = rounded(summarize(e2e));
  const missing = count - arrived.length;
  if (missing > 0) {
    e2eSummary.note = `${missing} of ${count} replies had not arrived ${drainS} s after the last message; they count as infinitely late`;
  }
  return {
    rate,
    durationS: count / rate,
    sent: count - r.skipped,
    acked200,
    non200,
    clientErrors: r.errors,
    clientSkipped: r.skipped,
    ackMs: rounded(summarize(ack)),
    replies: arrived.length,
    missingReplies: missing,
    e2eMs: e2eSummary,
    e2eArrivedMs: rounded(summarize(arrived)),
    e2eColdMs: rounded(summarize(e2eCold)),
    e2eWarmMs: rounded(summarize(e2eWarm)),
    drainWaitedS,
    timeline: timeline
      .filter((t) => t.sent || t.replies)
      .map((t) => ({
        second: t.second,
        sent: t.sent,
        replies: t.replies,
        ...(storedAfterSeq !== undefined
          ? { storedP99: finiteOrNull(t.stored.length ? summarize(t.stored).p99 : Infinity) }
          : {}),
        writtenP99: finiteOrNull(t.written.length ? summarize(t.written).p99 : Infinity),
        ackP99: finiteOrNull(t.ack.length ? summarize(t.ack).p99 : Infinity),
        e2eP99: finiteOrNull(t.lat.length ? summarize(t.lat).p99 : Infinity),
      })),
    firstReplySample: graph.firstBody.get(waIds[0]) ?? [...graph.firstBody.values()][0] ?? null,
    cpu,
  };
}

// --- machine ------------------------------------------------------------------------------------

async function machineInfo(tool: string) {
  const version = async (cmd: string, args: string[]) => {
    try {
      return (await runAsync(cmd, args, { timeoutMs: 10_000 })).stdout.trim().split("\n")[0];
    } catch {
      return null;
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    postgres: await version("psql", [`${cfg.pgUrl}/postgres`, "-qtAc", "SHOW server_version"]),
    redis: await version("redis-cli", ["--version"]),
    loadGenerator:
      tool === "wrk"
        ? await version("sh", ["-c", "wrk -v 2>&1 | head -1"])
        : "bench/lib/loadgen.ts (node:http)",
    commit: await version("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]),
    dirtyFiles: Number(await version("sh", ["-c", `git -C "${ROOT}" status --porcelain | wc -l`])),
    loadAverageAtStart: [] as number[],
  };
}

function newestMtime(dir: string, limit = 5_000): number {
  let newest = 0;
  let seen = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (++seen > limit) return;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

// --- report -------------------------------------------------------------------------------------

/** The CPU columns of every table: "bench" is this process, the fake Graph API's server (and the orchestration). */
const CPU_COLUMNS = "server · PostgreSQL · Redis · load gen · fake Graph · other work · machine";
const cpuCell = (c: Record<string, number>) =>
  [c.server, c.postgres, c.redis, c.loadgen, c.bench, c.other, c.machine]
    .map((v) => (v === undefined ? "—" : v.toFixed(2)))
    .join(" · ");

const verdict = (ok: boolean) => (ok ? "**met**" : "**not met**");

/** One rate of BENCH_OPEN_SWEEP: the open loop's summary, without its per-second timeline and samples. */
const SWEEP_FIELDS = [
  "rate",
  "durationS",
  "sent",
  "replies",
  "missingReplies",
  "ackMs",
  "e2eMs",
  "e2eWarmMs",
  "cpu",
] as const;
type SweepPoint = Pick<OpenLoopResult, (typeof SWEEP_FIELDS)[number]>;

interface Results {
  machine: Awaited<ReturnType<typeof machineInfo>>;
  config: typeof cfg;
  /** `intakeAlone`: the intake target measured on the app with HALA_WORKERS=false (informational). */
  targets: { intake: boolean; e2e: boolean; intakeAlone?: boolean };
  closedLoop: {
    app: ClosedLoopResult;
    baseline: ClosedLoopResult;
    appIntakeOnly?: ClosedLoopResult;
    ratio: number;
  };
  closedLoopBacklog: Record<string, number>;
  openLoop: OpenLoopResult;
  workerDrain: {
    seconds: number;
    inboundProcessedPerSec: number;
    repliesSentPerSec: number;
    backlogAfter: Record<string, number>;
    cpu: Record<string, number>;
    /** The app process's peak resident memory over its closed loop and drain (both threads). */
    appPeakRssMiB: number | null;
  };
  openLoopReference: OpenLoopResult;
  /** The app process's peak resident memory over the open loop (a fresh process). */
  openLoopAppPeakRssMiB: number | null;
  stages: Record<"reference" | "openLoop", Awaited<ReturnType<typeof stageLatencies>>>;
  openLoopBacklog: Record<string, number>;
  /** BENCH_OPEN_SWEEP: the open loop again at other rates, each on a fresh app. */
  openSweep?: SweepPoint[];
  appErrors: Record<string, { count: number; messages: Record<string, number> }>;
  profile?: ProfileSummary;
  /** BENCH_PG_STATS: the database's statements per phase. */
  pgStats?: PhaseStats[];
}

function markdown(r: Results): string {
  const { app, baseline, appIntakeOnly, ratio } = r.closedLoop;
  const o = r.openLoop;
  const ref = r.openLoopReference;
  const w = r.workerDrain;
  const nproc = r.machine.nproc;
  const row = (name: string, c: ClosedLoopResult) =>
    `| ${name} | ${c.reqPerSec.toLocaleString("en")} | ${ms(c.ackMs.p50)} | ${ms(c.ackMs.p99)} | ${ms(c.ackMs.max)} | ${c.non200} | ${c.errors} | ${c.serverCpuMsPerRequest} | ${cpuCell(c.cpu)} |`;
  const others = [app.cpu.other, baseline.cpu.other, o.cpu.other, appIntakeOnly?.cpu.other ?? 0];
  const noisy = Math.max(...others) > 0.2 * nproc;
  const scheduled = o.sent + o.clientSkipped;
  const e2eP99 =
    o.missingReplies > scheduled / 100
      ? `p99 ∞ (${o.missingReplies.toLocaleString("en")} of ${scheduled.toLocaleString("en")} messages got no reply within ${cfg.drainS} s)`
      : `p99 ${ms(o.e2eMs.p99)}`;
  const lines = [
    "# Webhook benchmark",
    "",
    `${r.machine.date} · ${nproc} CPUs (${r.machine.cpuModel}) · ${r.machine.memoryGiB} GiB · Node ${r.machine.node} · PostgreSQL ${r.machine.postgres} · ${r.machine.redis} · load: ${r.machine.loadGenerator} · commit ${r.machine.commit}${r.machine.dirtyFiles ? ` (+${r.machine.dirtyFiles} uncommitted files)` : ""} · load average at start ${r.machine.loadAverageAtStart.join(" / ")}`,
    "",
    "Everything (app, PostgreSQL, Redis, fake Graph API, load generator) shares this one machine.",
    ...(noisy
      ? [
          "",
          `> **Noisy machine:** other work (not the benchmark) used up to ${Math.max(...others).toFixed(2)} of ${nproc} cores during the measured windows (column "other work" below). Absolute req/s and latencies are lower than this machine gives the app alone; "server CPU ms / request" is the steadier comparison.`,
        ]
      : []),
    "",
    "## Targets",
    "",
    "| target | measured | verdict |",
    "| --- | --- | --- |",
    `| ≥ ${TARGETS.webhooksPerSec.toLocaleString("en")} webhooks/s sustained, ack p99 ≤ ${TARGETS.ackP99Ms} ms | ${app.reqPerSec.toLocaleString("en")}/s, ack p99 ${ms(app.ackMs.p99)}, ${app.non200} non-200 | ${verdict(r.targets.intake)} |`,
    ...(appIntakeOnly
      ? [
          `| *the same, intake alone (HALA_WORKERS=false: the web process without the workers, as when they run in their own processes)* | ${appIntakeOnly.reqPerSec.toLocaleString("en")}/s, ack p99 ${ms(appIntakeOnly.ackMs.p99)}, ${appIntakeOnly.non200} non-200 | ${verdict(!!r.targets.intakeAlone)} |`,
        ]
      : []),
    `| end-to-end p99 ≤ ${TARGETS.e2eP99Ms} ms at ${TARGETS.e2eRate.toLocaleString("en")} msg/s | ${e2eP99}; ${o.replies.toLocaleString("en")} replies | ${verdict(r.targets.e2e)} |`,
    "",
    `## Closed loop: ${app.connections} connections, ${cfg.warmupS} s warm-up, ${app.durationS} s measured`,
    "",
    "Signed text webhooks from many shoppers of the 50 tenants, ≈5% exact re-deliveries. Ack latency = request sent → response received.",
    "",
    `| server | req/s | ack p50 | ack p99 | ack max | non-200 | errors | server CPU ms / request | CPU cores: ${CPU_COLUMNS} |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    row("app (built, workers on)", app),
    ...(appIntakeOnly ? [row("app (HALA_WORKERS=false)", appIntakeOnly)] : []),
    row("baseline (node:http + HMAC + JSON.parse)", baseline),
    "",
    `app / baseline throughput: **${ratio}** (${(ratio * 100).toFixed(1)}%); CPU per request: app ${app.serverCpuMsPerRequest} ms vs baseline ${baseline.serverCpuMsPerRequest} ms.`,
    "",
    `Database right after the app's closed loop: ${Object.entries(r.closedLoopBacklog)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
    `Then the webhooks stopped and the workers had ${w.seconds} s alone: **${w.inboundProcessedPerSec} inbound events/s** processed, ${w.repliesSentPerSec} replies/s sent (CPU cores: ${CPU_COLUMNS}: ${cpuCell(w.cpu)}). App's peak resident memory so far: ${w.appPeakRssMiB ?? "—"} MiB. Backlog then: ${Object.entries(
      w.backlogAfter,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
    `## Open loop: ${o.rate.toLocaleString("en")} msg/s for ${o.durationS} s, inbound → first outbound`,
    "",
    'Each message comes from a new shopper and says "hi"; the bot answers with its menu. Latency is measured from the message\'s *scheduled* send time to the fake Graph API receiving the reply; a message that got no ack or no reply counts as infinitely late (∞).',
    "",
    "| measure | p50 | p95 | p99 | max | count |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    `| ack (webhook answered) | ${ms(o.ackMs.p50)} | ${ms(o.ackMs.p95)} | ${ms(o.ackMs.p99)} | ${ms(o.ackMs.max)} | ${o.acked200.toLocaleString("en")} × 200 |`,
    `| end-to-end (all scheduled messages) | ${ms(o.e2eMs.p50)} | ${ms(o.e2eMs.p95)} | ${ms(o.e2eMs.p99)} | ${ms(o.e2eMs.max)} | ${(o.sent + o.clientSkipped).toLocaleString("en")} |`,
    `| end-to-end (replies that arrived) | ${ms(o.e2eArrivedMs.p50)} | ${ms(o.e2eArrivedMs.p95)} | ${ms(o.e2eArrivedMs.p99)} | ${ms(o.e2eArrivedMs.max)} | ${o.replies.toLocaleString("en")} |`,
    `| end-to-end, messages of the first ${OPEN_COLD_S} s (the app's cold start) | ${ms(o.e2eColdMs.p50)} | ${ms(o.e2eColdMs.p95)} | ${ms(o.e2eColdMs.p99)} | ${ms(o.e2eColdMs.max)} | ${o.e2eColdMs.count.toLocaleString("en")} |`,
    `| end-to-end, messages after the first ${OPEN_COLD_S} s | ${ms(o.e2eWarmMs.p50)} | ${ms(o.e2eWarmMs.p95)} | ${ms(o.e2eWarmMs.p99)} | ${ms(o.e2eWarmMs.max)} | ${o.e2eWarmMs.count.toLocaleString("en")} |`,
    `| *reference run before it: ${ref.rate} msg/s for ${ref.durationS} s* — ack | ${ms(ref.ackMs.p50)} | ${ms(ref.ackMs.p95)} | ${ms(ref.ackMs.p99)} | ${ms(ref.ackMs.max)} | ${ref.acked200} × 200 |`,
    `| *reference* — end-to-end (all) | ${ms(ref.e2eMs.p50)} | ${ms(ref.e2eMs.p95)} | ${ms(ref.e2eMs.p99)} | ${ms(ref.e2eMs.max)} | ${ref.replies}/${ref.sent + ref.clientSkipped} replies |`,
    "",
    `Replies received: ${o.replies.toLocaleString("en")} (waited ${o.drainWaitedS} s after the load generator finished, until ${cfg.drainS} s after the last scheduled message). Scheduled but not sent because ${(2000).toLocaleString("en")} requests were already waiting: ${o.clientSkipped.toLocaleString("en")}; client errors/timeouts: ${o.clientErrors.toLocaleString("en")}; non-200 acks: ${o.non200}.`,
    "",
    `CPU cores while sending (${CPU_COLUMNS}): ${cpuCell(o.cpu)} of ${nproc}. App's peak resident memory: ${r.openLoopAppPeakRssMiB ?? "—"} MiB.`,
    "",
    `Database after the open loop: ${Object.entries(r.openLoopBacklog)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  ];
  lines.push(
    "",
    "Where the time went, from the app's own timestamps (messages whose reply was sent): stored (before the 200) → processed by the inbox worker (state saved, replies queued) → first reply sent by the outbox worker.",
    "",
    "| run | messages | stored → processed p50 / p95 / p99 | processed → sent p50 / p95 / p99 |",
    "| --- | ---: | ---: | ---: |",
    ...(["reference", "openLoop"] as const).map((k) => {
      const st = r.stages[k];
      const f = (x: { p50: number; p95: number; p99: number }) =>
        `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)}`;
      return `| ${k === "reference" ? `reference (${ref.rate} msg/s)` : `${o.rate} msg/s`} | ${st.count} | ${st.count ? f(st.storedToProcessedMs) : "—"} | ${st.count ? f(st.processedToSentMs) : "—"} |`;
    }),
  );
  if (r.openSweep?.length) {
    const within = r.openSweep.filter((p) => p.e2eMs.p99 <= TARGETS.e2eP99Ms).map((p) => p.rate);
    lines.push(
      "",
      `Open loop at other rates (\`BENCH_OPEN_SWEEP\`): each rate for ${cfg.openSweepS} s on a fresh app after the same warm-up, new shoppers saying "hi". Highest rate with an end-to-end p99 ≤ ${TARGETS.e2eP99Ms} ms: ${within.length ? `**${Math.max(...within)} msg/s**` : "none of those measured"}.`,
      "",
      `| rate | replies | ack p99 | e2e p50 | e2e p99 | e2e p99 after the first ${OPEN_COLD_S} s | CPU cores: ${CPU_COLUMNS} |`,
      "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      ...r.openSweep.map(
        (p) =>
          `| ${p.rate}/s | ${p.replies.toLocaleString("en")} of ${p.sent.toLocaleString("en")} | ${ms(p.ackMs.p99)} | ${ms(p.e2eMs.p50)} | ${ms(p.e2eMs.p99)} | ${ms(p.e2eWarmMs.p99)} | ${cpuCell(p.cpu)} |`,
      ),
    );
  }
  const errorLines = Object.entries(r.appErrors).filter(([, e]) => e.count > 0);
  if (errorLines.length) {
    lines.push("", "App errors logged (level ≥ error):", "");
    for (const [phase, e] of errorLines) {
      lines.push(
        `- ${phase}: ${e.count} — ${Object.entries(e.messages)
          .map(([m, n]) => `${n} × ${m}`)
          .join("; ")}`,
      );
    }
  }
  lines.push(
    "",
    "Per second of the open loop: messages *scheduled* in that second, the p99 of the time until the load generator wrote them to a socket (how late the client itself was), until they were stored (their INSERT started, by the database's clock), acked and replied to (∞ when more than 1 % got none); replies *arriving* in that second.",
    "",
    "| second | scheduled | replies arriving | written p99 | stored p99 | ack p99 | e2e p99 |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...o.timeline.map(
      (t) =>
        `| ${t.second} | ${t.sent} | ${t.replies} | ${t.sent && t.writtenP99 !== undefined ? ms(t.writtenP99 ?? Infinity) : "—"} | ${t.sent && t.storedP99 !== undefined ? ms(t.storedP99 ?? Infinity) : "—"} | ${t.sent ? ms(t.ackP99 ?? Infinity) : "—"} | ${t.sent ? ms(t.e2eP99 ?? Infinity) : "—"} |`,
    ),
  );
  if (r.profile) {
    lines.push(
      "",
      `## Where the app's CPU went (${cfg.profileWorkersOnly ? "workers alone, after the closed loop" : cfg.profileOpen ? `the web thread during the measured open loop${cfg.openWorkers ? "" : ", an app without workers"}` : "measured closed loop"}, V8 CPU profile of ${r.profile.totalMs} ms; "(idle)" = event loop waiting)`,
      "",
      "| self time | package |",
      "| ---: | --- |",
      ...r.profile.byPackage.slice(0, 15).map((p) => `| ${p.share}% | ${p.name} |`),
      "",
      "| self time | function | where |",
      "| ---: | --- | --- |",
      ...r.profile.byFunction.slice(0, 20).map((f) => `| ${f.share}% | \`${f.name}\` | ${f.where} |`),
    );
  }
  if (r.pgStats?.length) {
    lines.push(
      "",
      "## Where PostgreSQL's time went (BENCH_PG_STATS: pg_stat_statements on a private cluster with the shared server's settings)",
      "",
      "Exec and plan times are wall time inside the server (on a busy machine they include waiting for a core); calls, rows, WAL and buffers are counts. *Per event* divides by the phase's events.",
    );
    for (const phase of r.pgStats) lines.push("", ...phaseMarkdown(phase));
  }
  lines.push(
    "",
    `Raw numbers: \`bench/results/${cfg.resultsName}.json\`. How to read them: \`bench/README.md\`.`,
    "",
  );
  return lines.join("\n");
}

// --- main ---------------------------------------------------------------------------------------

/** BENCH_PG_STATS: the private cluster, stopped at the end (or by the exit handler on a failure). */
let pgStatsServer: StatsServer | undefined;

async function main() {
  mkdirSync(WORK, { recursive: true });
  for (const f of readdirSync(WORK))
    if (f.endsWith(".log") || f.endsWith(".cpuprofile")) rmSync(path.join(WORK, f));
  const loadAverageAtStart = os.loadavg().map((v) => Math.round(v * 100) / 100);
  if (!process.version.startsWith("v22."))
    log(`warning: running on Node ${process.version}; use npm run / npx for Node 22`);
  const tool: "wrk" | "node" = cfg.loadgen === "auto" ? (has("wrk") ? "wrk" : "node") : cfg.loadgen;
  log(
    `load generator: ${tool}${tool === "node" && !has("wrk") ? " (apt-get install -y wrk for a lighter one)" : ""}`,
  );

  // Build
  const built = path.join(ROOT, "build/server/index.js");
  if (!existsSync(built) || flag("BENCH_REBUILD")) {
    log("building the app (npx remix vite:build)…");
    await runAsync("npx", ["remix", "vite:build"], { cwd: ROOT, timeoutMs: 300_000 });
  } else if (newestMtime(path.join(ROOT, "app")) > statSync(built).mtimeMs) {
    log(
      "warning: app/ has changes newer than build/ — the benchmark measures the build (BENCH_REBUILD=1 rebuilds)",
    );
  }
  rmSync(SNAPSHOT, { recursive: true, force: true });
  cpSync(path.join(ROOT, "build"), path.join(SNAPSHOT, "build"), { recursive: true });
  if (!existsSync(path.join(SNAPSHOT, "build/server/index.js")))
    throw new Error("build/ was incomplete while copying it");

  // Database, cache, tenants
  if (cfg.pgStats) {
    pgStatsServer = await startStatsServer(cfg.pgUrl, cfg.database);
    cfg.pgUrl = pgStatsServer.url;
    log(`BENCH_PG_STATS: a private PostgreSQL with pg_stat_statements at ${cfg.pgUrl}`);
  }
  const pgStats: PhaseStats[] = [];
  log(`fresh database ${cfg.database}, flushing ${cfg.redisUrl}`);
  await freshDatabase();
  await flushRedis();
  const tenants: Tenant[] = makeTenants(cfg.tenants);
  const tenantsFile = path.join(WORK, "tenants.json");
  writeFileSync(tenantsFile, JSON.stringify(tenants));
  const graph = await startFakeGraph();
  const seedEnv = { ...appEnv(3000, graph, false), BENCH_TENANTS: tenantsFile };
  const seeder = startNode("bench/seed.ts", {
    cwd: ROOT,
    env: seedEnv,
    logFile: path.join(WORK, "seed.log"),
  });
  const seedCode = await new Promise<number | null>((resolve) => seeder.once("exit", resolve));
  if (seedCode !== 0)
    throw new Error(`seeding failed (exit ${seedCode}); see ${path.join(WORK, "seed.log")}`);
  log(`seeded ${tenants.length} tenants`);

  // Payloads
  const closed = closedLoopRequests(tenants, cfg.closedRequests, {
    seed: 42,
    prefix: randomBytes(3).toString("hex").toUpperCase(),
    shoppersPerTenant: cfg.shoppersPerTenant,
    duplicateShare: cfg.duplicateShare,
  });
  const closedFile = path.join(WORK, "closed.tsv");
  writeRequestFile(closedFile, closed.requests);
  const openWarm = Math.round(cfg.referenceRate * cfg.referenceS);
  const openCount = Math.round(cfg.openRate * cfg.openDurationS);
  const open = openLoopRequests(tenants, openWarm + openCount, String(Date.now() % 1000).padStart(3, "0"));
  const openFile = path.join(WORK, "open.tsv");
  writeRequestFile(openFile, open);
  log(
    `payloads: ${closed.requests.length} closed-loop (${closed.duplicates} re-deliveries), ${open.length} open-loop`,
  );

  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}/webhooks/whatsapp`;

  // Closed loop: the app with its workers
  const profileFile = cfg.profile ? path.join(WORK, "app-closed.cpuprofile") : undefined;
  if (profileFile) rmSync(profileFile, { force: true });
  let app = await startApp(appPort, graph, true, "closed", profileFile);
  log(`app up on :${appPort}; closed loop ${cfg.connections} connections, ${cfg.warmupS}+${cfg.durationS} s`);
  await pgStatsServer?.reset();
  const appClosed = await closedLoop(appUrl, closedFile, app, tool, cfg.profile && !cfg.profileWorkersOnly);
  const closedStatements = await pgStatsServer?.snapshot();
  await pgStatsServer?.reset();
  const closedLoopBacklog = await dbCounts();
  if (closedStatements)
    pgStats.push(
      summarizeStatements("Closed loop with the workers (warm-up included)", closedStatements, {
        count: closedLoopBacklog.inbound_done ?? 0,
        label: "inbound events processed (and more webhooks stored)",
      }),
    );
  log(
    `app: ${appClosed.reqPerSec} req/s, ack p50 ${ms(appClosed.ackMs.p50)} p99 ${ms(appClosed.ackMs.p99)}, non-200 ${appClosed.non200}`,
  );
  // How fast the workers get through the backlog once the webhooks stop (no intake competing).
  const drainWindow = cpuWindow({ server: app.pid, bench: process.pid }, { postgresDb: cfg.database });
  const repliesBefore = graph.stats.messages;
  if (cfg.profileWorkersOnly) app.kill("SIGUSR2");
  const drainStart = performance.now();
  await sleep(cfg.workerDrainS * 1000);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const drainStatements = await pgStatsServer?.snapshot();
  const afterDrain = await dbCounts();
  const workerDrain = {
    seconds: Math.round(drainSeconds * 10) / 10,
    inboundProcessedPerSec:
      Math.round(
        (((afterDrain.inbound_done ?? 0) - (closedLoopBacklog.inbound_done ?? 0)) / drainSeconds) * 10,
      ) / 10,
    repliesSentPerSec: Math.round(((graph.stats.messages - repliesBefore) / drainSeconds) * 10) / 10,
    backlogAfter: afterDrain,
    cpu: drainWindow.end(),
    appPeakRssMiB: peakRssMiB(app.pid),
  };
  log(
    `workers alone: ${workerDrain.inboundProcessedPerSec} inbound events/s, ${workerDrain.repliesSentPerSec} replies/s`,
  );
  if (drainStatements)
    pgStats.push(
      summarizeStatements("Workers alone", drainStatements, {
        count: (afterDrain.inbound_done ?? 0) - (closedLoopBacklog.inbound_done ?? 0),
        label: "inbound events processed",
      }),
    );
  await stopChild(app, 10_000);
  const profile: ProfileSummary | undefined =
    profileFile && existsSync(profileFile) ? summarizeProfile(profileFile) : undefined;

  let appIntakeOnly: ClosedLoopResult | undefined;
  if (cfg.intakeOnly) {
    await resetTraffic();
    app = await startApp(appPort, graph, false, "intake-only");
    await pgStatsServer?.reset();
    appIntakeOnly = await closedLoop(appUrl, closedFile, app, tool);
    const intakeStatements = await pgStatsServer?.snapshot();
    if (intakeStatements) {
      const stored = await dbCounts();
      pgStats.push(
        summarizeStatements("Intake alone (warm-up included)", intakeStatements, {
          count: stored.inbound_pending ?? 0,
          label: "webhook events stored",
        }),
      );
    }
    log(`app (workers off): ${appIntakeOnly.reqPerSec} req/s, ack p99 ${ms(appIntakeOnly.ackMs.p99)}`);
    await stopChild(app, 10_000);
  }

  // Closed loop: the baseline
  const basePort = await freePort();
  const baselineServer = startNode("bench/baseline-server.ts", {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(basePort),
      BENCH_TENANTS: tenantsFile,
    },
    logFile: path.join(WORK, "baseline.log"),
  });
  await waitForHttp(`http://127.0.0.1:${basePort}/healthz`, 20_000, baselineServer);
  const baseClosed = await closedLoop(
    `http://127.0.0.1:${basePort}/webhooks/whatsapp`,
    closedFile,
    baselineServer,
    tool,
  );
  log(
    `baseline: ${baseClosed.reqPerSec} req/s, ack p50 ${ms(baseClosed.ackMs.p50)} p99 ${ms(baseClosed.ackMs.p99)}`,
  );
  await stopChild(baselineServer);

  // Open loop: a fresh app, a short warm-up (its own shoppers), then the measured run
  await resetTraffic();
  graph.reset();
  const openProfileFile = cfg.profileOpen ? path.join(WORK, "app-open.cpuprofile") : undefined;
  if (openProfileFile) rmSync(openProfileFile, { force: true });
  app = await startApp(appPort, graph, cfg.openWorkers, "open", openProfileFile);
  // A low-rate reference first (it also warms the app up), then the measured rate.
  log(`open loop reference: ${openWarm} messages at ${cfg.referenceRate}/s`);
  const openTarget = (server: ChildProcess): OpenLoopTarget => ({
    url: appUrl,
    file: openFile,
    requests: open,
    graph,
    server,
  });
  const referenceRun: OpenLoopRun = { offset: 0, count: openWarm, rate: cfg.referenceRate, drainS: 10 };
  const reference = await openLoop(openTarget(app), referenceRun);
  log(
    `reference: ${reference.replies}/${reference.sent} replies, e2e p50 ${ms(reference.e2eMs.p50)} p99 ${ms(reference.e2eMs.p99)}`,
  );
  const referenceStages = await stageLatencies(0);
  const referenceLastSeq = await maxSeq();
  log(`open loop: ${openCount} messages at ${cfg.openRate}/s, then up to ${cfg.drainS} s for the replies`);
  if (openProfileFile) app.kill("SIGUSR2");
  await pgStatsServer?.reset();
  const openResult = await openLoop(openTarget(app), {
    offset: openWarm,
    count: openCount,
    rate: cfg.openRate,
    drainS: cfg.drainS,
    storedAfterSeq: referenceLastSeq,
  });
  const openStatements = await pgStatsServer?.snapshot();
  const openLoopBacklog = await dbCounts();
  if (openStatements)
    pgStats.push(
      summarizeStatements(`Open loop at ${cfg.openRate} msg/s`, openStatements, {
        count: openResult.replies,
        label: "messages answered",
      }),
    );
  const openStages = await stageLatencies(referenceLastSeq);
  log(
    `open loop: ${openResult.replies}/${openResult.sent} replies, e2e p50 ${ms(openResult.e2eMs.p50)} p95 ${ms(openResult.e2eMs.p95)} p99 ${ms(openResult.e2eMs.p99)} (first ${OPEN_COLD_S} s p99 ${ms(openResult.e2eColdMs.p99)}, after p99 ${ms(openResult.e2eWarmMs.p99)})`,
  );
  const openLoopAppPeakRssMiB = peakRssMiB(app.pid);
  const stopping = performance.now();
  await stopChild(app, 10_000);
  log(`app stopped in ${Math.round(performance.now() - stopping)} ms`);
  // The sweep: each rate on a fresh app (tables emptied, so the same shoppers are new again), the same warm-up.
  const openSweep: SweepPoint[] = [];
  for (const rate of cfg.openSweep) {
    await resetTraffic();
    graph.reset();
    app = await startApp(appPort, graph, cfg.openWorkers, `sweep-${rate}`);
    await openLoop(openTarget(app), referenceRun);
    const count = Math.min(rate * cfg.openSweepS, openCount);
    const point = await openLoop(openTarget(app), { offset: openWarm, count, rate, drainS: cfg.drainS });
    await stopChild(app, 10_000);
    openSweep.push(Object.fromEntries(SWEEP_FIELDS.map((key) => [key, point[key]])) as SweepPoint);
    log(
      `sweep ${rate}/s: ${point.replies}/${point.sent} replies, ack p99 ${ms(point.ackMs.p99)}, e2e p50 ${ms(point.e2eMs.p50)} p99 ${ms(point.e2eMs.p99)}`,
    );
  }
  await graph.close();
  const openProfile =
    openProfileFile && existsSync(openProfileFile) ? summarizeProfile(openProfileFile) : undefined;

  const targets = {
    intake:
      appClosed.reqPerSec >= TARGETS.webhooksPerSec &&
      appClosed.ackMs.p99 <= TARGETS.ackP99Ms &&
      appClosed.non200 === 0,
    e2e: openResult.e2eMs.p99 <= TARGETS.e2eP99Ms && cfg.openRate >= TARGETS.e2eRate,
    ...(appIntakeOnly
      ? {
          intakeAlone:
            appIntakeOnly.reqPerSec >= TARGETS.webhooksPerSec &&
            appIntakeOnly.ackMs.p99 <= TARGETS.ackP99Ms &&
            appIntakeOnly.non200 === 0,
        }
      : {}),
  };
  const results = {
    machine: { ...(await machineInfo(tool)), loadAverageAtStart },
    config: { ...cfg, duplicatesInClosedLoopFile: closed.duplicates },
    targets,
    targetValues: TARGETS,
    closedLoop: {
      app: appClosed,
      ...(appIntakeOnly ? { appIntakeOnly } : {}),
      baseline: baseClosed,
      ratio: Math.round((appClosed.reqPerSec / baseClosed.reqPerSec) * 1000) / 1000,
    },
    closedLoopBacklog,
    workerDrain,
    openLoopReference: reference,
    stages: { reference: referenceStages, openLoop: openStages },
    openLoop: openResult,
    openLoopAppPeakRssMiB,
    openLoopBacklog,
    ...(openSweep.length ? { openSweep } : {}),
    appErrors: {
      closedLoop: appErrors("closed"),
      intakeOnly: appErrors("intake-only"),
      openLoop: appErrors("open"),
      ...Object.fromEntries(cfg.openSweep.map((rate) => [`sweep${rate}`, appErrors(`sweep-${rate}`)])),
    },
    ...((profile ?? openProfile) ? { profile: profile ?? openProfile } : {}),
    ...(pgStats.length ? { pgStats } : {}),
  };
  if (!cfg.keepDb)
    await psql(`DROP DATABASE IF EXISTS ${cfg.database} WITH (FORCE)`, "postgres").catch(() => undefined);
  if (pgStatsServer && !cfg.keepDb) {
    await pgStatsServer.destroy();
    pgStatsServer = undefined;
  } else if (pgStatsServer) log(`BENCH_KEEP_DB: the private PostgreSQL stays up at ${pgStatsServer.url}`);
  // The large scratch files (payloads, the build copy, the tenants' secrets) go; the child logs stay.
  for (const f of [closedFile, openFile, tenantsFile]) rmSync(f, { force: true });
  rmSync(SNAPSHOT, { recursive: true, force: true });
  writeFileSync(path.join(RESULTS, `${cfg.resultsName}.json`), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(RESULTS, `${cfg.resultsName}.md`), markdown(results));
  log(
    `wrote bench/results/${cfg.resultsName}.json and .md — intake target ${targets.intake ? "met" : "NOT met"}, e2e target ${targets.e2e ? "met" : "NOT met"}`,
  );
}

const watchdog = setTimeout(() => {
  console.error(`[bench] watchdog: still running after ${cfg.watchdogS} s — killing everything`);
  killAllChildren();
  process.exit(2);
}, cfg.watchdogS * 1000);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}
process.on("exit", () => {
  killAllChildren();
  if (!cfg.keepDb) pgStatsServer?.killSync();
});

try {
  await main();
  clearTimeout(watchdog);
  killAllChildren();
  process.exit(0);
} catch (error) {
  console.error("[bench] failed:", error);
  killAllChildren();
  process.exit(1);
}
