/**
 * Times the analytics loader's work minus authentication — `analyticsPage()` of the service: zod, the shop's
 * time zone (from the cache, as on every request but the first of the day), the range, the seven SQL
 * aggregations, zero-filling — N times for the 30-day preset, next to baselines measured in the same run on
 * the same connection: a `SELECT 1` round trip and the shop lookup (`SELECT 1 FROM "Shop" WHERE shop = $1`).
 * Also times each aggregation alone (to see which one to optimise) and the 90-day preset (for information).
 *
 *   tsx bench/analytics/measure.ts   (the database of this environment, seeded by seed.ts)
 *   env: BENCH_SHOP, BENCH_ITERATIONS (200), BENCH_WARMUP (20)
 */
import "./env";
import { pathToFileURL } from "node:url";
import * as adapter from "~/adapters/db/analytics.server";
import { database } from "~/db.server";
import { analyticsPage, resolveRange } from "~/services/analytics.server";

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in milliseconds (3 decimals). */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))];
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: sorted.length,
    p50: r(at(50)),
    p95: r(at(95)),
    p99: r(at(99)),
    min: r(sorted[0]),
    max: r(sorted[sorted.length - 1]),
    mean: r(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

async function time(fn: () => Promise<unknown>, iterations: number, warmup: number): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

export const TIME_ZONE = "Asia/Riyadh";
/** The Admin API answer for the shop's time zone (asked once, then cached like in production). */
const graphql = async () => Response.json({ data: { shop: { ianaTimezone: TIME_ZONE } } });

export interface Measurement {
  iterations: number;
  warmup: number;
  loader30d: Summary;
  loader90d: Summary;
  baselineSelect1: Summary;
  baselineShopLookup: Summary;
  queries30d: Record<string, Summary>;
  /** What the 30-day report found (sanity: the work is real). */
  sample: {
    conversations: number;
    messagesIn: number;
    messagesOut: number;
    orders: number;
    botMedianSeconds: number | null;
  };
}

export interface LoaderSamples {
  loader: number[];
  select1: number[];
  lookup: number[];
}

/**
 * The loader (30-day preset) and the two baselines, interleaved call by call so that all three see the same
 * machine (other processes, GC, caches) over the same seconds. Raw samples, to merge blocks.
 */
export async function sampleLoader(shop: string, iterations: number, warmup: number): Promise<LoaderSamples> {
  const raw = database().raw;
  const loader = () => analyticsPage(shop, { range: "30d" }, { graphql });
  const select1 = () => raw.query("SELECT 1");
  const lookup = () => adapter.shopExists(shop);
  for (let i = 0; i < warmup; i++) {
    await loader();
    await select1();
    await lookup();
  }
  const samples: LoaderSamples = { loader: [], select1: [], lookup: [] };
  for (let i = 0; i < iterations; i++) {
    for (const [name, fn] of [
      ["loader", loader],
      ["select1", select1],
      ["lookup", lookup],
    ] as const) {
      const started = performance.now();
      await fn();
      samples[name].push(performance.now() - started);
    }
  }
  return samples;
}

/** Each aggregation alone (30 days), the 90-day preset, and what the 30-day report found. */
export async function measureDetails(shop: string, iterations: number) {
  const first = await analyticsPage(shop, { range: "30d" }, { graphql });
  const loader90d = await time(() => analyticsPage(shop, { range: "90d" }, { graphql }), iterations, 3);
  const range = resolveRange({ range: "30d" }, TIME_ZONE);
  const w = { shop, from: range.from, to: range.to, timeZone: TIME_ZONE };
  const queries30d: Record<string, Summary> = {};
  const each = {
    activityStats: adapter.activityStats,
    revenueStats: adapter.revenueStats,
    feedbackDaily: adapter.feedbackDaily,
    feedbackTotals: adapter.feedbackTotals,
    responseTimes: adapter.responseTimes,
    llmUsage: adapter.llmUsage,
  };
  for (const [name, fn] of Object.entries(each)) {
    queries30d[name] = await time(() => fn(w), iterations, 3);
  }
  return {
    loader90d,
    queries30d,
    sample: {
      conversations: first.report.totals.conversations,
      messagesIn: first.report.totals.messagesIn,
      messagesOut: first.report.totals.messagesOut,
      orders: first.report.shopping.ordersAttributed,
      botMedianSeconds: first.report.responseTimes.bot.medianSeconds,
    },
  };
}

export async function measureAnalytics(shop: string, iterations = 200, warmup = 20): Promise<Measurement> {
  const samples = await sampleLoader(shop, iterations, warmup);
  return {
    iterations,
    warmup,
    loader30d: summarize(samples.loader),
    baselineSelect1: summarize(samples.select1),
    baselineShopLookup: summarize(samples.lookup),
    ...(await measureDetails(shop, Math.ceil(iterations / 4))),
  };
}

/** EXPLAIN (ANALYZE, BUFFERS) of every aggregation for the 30-day window, for the write-up. */
export async function explainAll(shop: string): Promise<Record<string, string>> {
  const raw = database().raw;
  const range = resolveRange({ range: "30d" }, TIME_ZONE);
  const w = { shop, from: range.from, to: range.to, timeZone: TIME_ZONE };
  const plans: Record<string, string> = {};
  const original = raw.query.bind(raw);
  for (const name of [
    "activityStats",
    "revenueStats",
    "feedbackDaily",
    "feedbackTotals",
    "responseTimes",
    "llmUsage",
  ] as const) {
    let captured = "";
    // Run the adapter with a query function that prefixes EXPLAIN and keeps the plan text.
    raw.query = (async (sql: string, params?: unknown[]) => {
      const rows = await original<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      captured = rows.map((r) => r["QUERY PLAN"]).join("\n");
      return [{}];
    }) as typeof raw.query;
    try {
      await adapter[name](w);
    } catch {
      // shape errors of the fake row are irrelevant: the plan is captured
    } finally {
      raw.query = original;
    }
    plans[name] = captured;
  }
  return plans;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { closeDatabase } = await import("~/db.server");
  const result = await measureAnalytics(
    process.env.BENCH_SHOP ?? "bench-analytics.myshopify.com",
    Number(process.env.BENCH_ITERATIONS ?? 200),
    Number(process.env.BENCH_WARMUP ?? 20),
  );
  await closeDatabase();
  console.log(JSON.stringify(result, null, 2));
}
