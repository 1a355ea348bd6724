/**
 * `npm run bench:engine` — one conversation step without any network: read the stored state (parseState),
 * run the pure `transition` on a realistic state and event, and persist the new state with the app's own
 * function (`saveConversationState` of app/adapters/db/conversations.server.ts — one plain UPDATE through the
 * driver adapter, the statement the inbox worker runs). Target: p99 of the whole step < 5 ms.
 *
 * Databases: PGlite in memory always; PostgreSQL too when DATABASE_URL is set (a throw-away shop is created
 * in it and deleted afterwards). Baselines measured in the same run, interleaved with the scenarios: the same
 * persistence of an unchanged state, the former Prisma `conversation.updateMany` of the same write (what the
 * ORM would cost), and `SELECT 1` through Prisma and through the raw driver.
 * Writes bench/results/engine.json and engine.md.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Prisma } from "@prisma/client";
import { ensureContactAndConversation, saveConversationState } from "~/adapters/db/conversations.server";
import { migrate } from "~/adapters/db/migrate.server";
import { deleteShopData, ensureShop } from "~/adapters/db/shops.server";
import { createDatabase, db, setDatabase, type Database } from "~/db.server";
import {
  parseState,
  STATE_VERSION,
  transition,
  type ConversationState,
  type EngineContext,
  type EngineEvent,
} from "~/domain/conversation";
import { choicesOf, Driver } from "~/domain/conversation/testing";
import { cpuWindow } from "./lib/proc";
import { ms, rounded, summarize, type Percentiles } from "./lib/stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "bench/results");
const N = Number(process.env.BENCH_ENGINE_ITERATIONS ?? 2_000);
const WARMUP = Number(process.env.BENCH_ENGINE_WARMUP ?? 300);
const TARGET_P99_MS = 5;

interface Scenario {
  name: string;
  /** The state as stored (JSON), as the service reads it. */
  stored: Prisma.InputJsonValue;
  event: EngineEvent;
  ctx: EngineContext;
}

/** Realistic states, reached by driving the engine through the demo catalog (as the engine's own tests do). */
function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  const json = (s: ConversationState) => JSON.parse(JSON.stringify(s)) as Prisma.InputJsonValue;

  // 1. At the menu (after "hi"); the shopper says hi again → the menu (the webhook benchmark's hot path).
  const menu = new Driver();
  menu.say("hi");
  out.push({
    name: "menu · text “hi” → menu list",
    stored: json(menu.state),
    event: { type: "text", text: "hi" },
    ctx: menu.ctx,
  });

  // 2. Browsing a collection (products list with paging); the shopper types "3" → product request.
  const browsing = new Driver();
  browsing.say("hi");
  browsing.tap("menu:browse");
  browsing.tap("Shirts");
  out.push({
    name: "browsing · text “3” → load product",
    stored: json(browsing.state),
    event: { type: "text", text: "3" },
    ctx: browsing.ctx,
  });

  // 3. The same list arriving: productsLoaded (9 products) → a 10-row list (the heaviest view built).
  const loading = new Driver();
  loading.say("hi");
  loading.tap("menu:browse");
  loading.autoAnswer = false;
  const request = loading.tap("Shirts").effects.find((e) => e.type === "loadProducts");
  if (!request || request.type !== "loadProducts") throw new Error("expected a loadProducts request");
  out.push({
    name: "browsing · productsLoaded (9) → product list",
    stored: json(loading.state),
    event: loading.shop.answer(request),
    ctx: loading.ctx,
  });

  // 4. A cart with three lines, shown; the shopper taps a line's quantity change → cart view recomputed.
  const cart = new Driver();
  cart.say("hi");
  for (const [collection, product, variant, qty] of [
    ["Shirts", "Shirt 1", "Medium", "qty:2"],
    ["Shirts", "Shirt 4", "Large", "qty:1"],
    ["Shoes", "Running Shoe", "43", "qty:1"],
  ]) {
    cart.say("browse");
    cart.tap(collection);
    cart.tap(product);
    cart.tap(variant);
    cart.tap(qty);
  }
  cart.say("cart");
  if (cart.state.cart.length !== 3) throw new Error(`expected 3 cart lines, got ${cart.state.cart.length}`);
  const line = cart.state.cart[0];
  const setRow = choicesOf(cart.lastInteractive()).find((c) => c.id.startsWith("cart:"));
  if (!setRow) throw new Error("expected cart choices");
  out.push({
    name: "cart (3 lines) · tap “quantity 3” → cart view",
    stored: json(cart.state),
    event: { type: "reply", id: `cart:set:3:${line.variantId}`, title: "3" },
    ctx: cart.ctx,
  });
  return out;
}

interface Measured {
  parse: number[];
  transition: number[];
  persist: number[];
  total: number[];
}

interface DbResult {
  database: string;
  iterations: number;
  scenarios: {
    name: string;
    stateBytes: number;
    effects: string[];
    parseMs: Percentiles;
    transitionMs: Percentiles;
    persistMs: Percentiles;
    totalMs: Percentiles;
  }[];
  baselines: { name: string; ms: Percentiles }[];
  worst: { scenario: string; p99: number };
  cpu: Record<string, number>;
}

async function runOn(
  label: string,
  database: Database,
  list: Scenario[],
  pgDatabase?: string,
): Promise<DbResult> {
  setDatabase(database);
  await migrate(database.raw);
  const shop = `bench-engine-${randomBytes(4).toString("hex")}.myshopify.com`;
  await ensureShop(shop, { name: "Bench Engine", currencyCode: "SAR" });
  const conversations: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const { conversation } = await ensureContactAndConversation(shop, {
      waId: `96650000000${i}`,
      name: "Bench",
      initialState: list[i].stored,
    });
    conversations.push(conversation.id);
  }
  const baselineConversation = conversations[0];
  const measured: Measured[] = list.map(() => ({ parse: [], transition: [], persist: [], total: [] }));
  const baselines: Record<string, number[]> = {
    "persist an unchanged state (saveConversationState, no engine)": [],
    "the same write through Prisma (conversation.updateMany, before ADR 010)": [],
    "SELECT 1 through Prisma ($queryRaw)": [],
    "SELECT 1 through the driver (no Prisma)": [],
  };
  const effects: string[][] = list.map(() => []);

  const window = cpuWindow({ bench: process.pid }, { postgresDb: pgDatabase ?? "-" });
  for (let i = 0; i < WARMUP + N; i++) {
    const record = i >= WARMUP;
    for (let s = 0; s < list.length; s++) {
      const scenario = list[s];
      const ctx = { ...scenario.ctx, now: new Date(scenario.ctx.now.getTime() + i * 1000) };
      const t0 = performance.now();
      const state = parseState(scenario.stored);
      const t1 = performance.now();
      const next = transition(state, scenario.event, ctx);
      const t2 = performance.now();
      await saveConversationState(shop, conversations[s], {
        state: next.state as unknown as Prisma.InputJsonValue,
        stateVersion: STATE_VERSION,
      });
      const t3 = performance.now();
      if (record) {
        const m = measured[s];
        m.parse.push(t1 - t0);
        m.transition.push(t2 - t1);
        m.persist.push(t3 - t2);
        m.total.push(t3 - t0);
      } else if (i === 0) {
        effects[s] = next.effects.map((e) => (e.type === "send" ? `send:${e.message.kind}` : e.type));
      }
    }
    let t = performance.now();
    await saveConversationState(shop, baselineConversation, {
      state: list[0].stored,
      stateVersion: STATE_VERSION,
    });
    if (record)
      baselines["persist an unchanged state (saveConversationState, no engine)"].push(performance.now() - t);
    t = performance.now();
    await db().conversation.updateMany({
      where: { shop, id: baselineConversation },
      data: { state: list[0].stored, stateVersion: STATE_VERSION, lastMessageAt: new Date() },
    });
    if (record)
      baselines["the same write through Prisma (conversation.updateMany, before ADR 010)"].push(
        performance.now() - t,
      );
    t = performance.now();
    await db().$queryRaw`SELECT 1`;
    if (record) baselines["SELECT 1 through Prisma ($queryRaw)"].push(performance.now() - t);
    t = performance.now();
    await database.raw.query("SELECT 1");
    if (record) baselines["SELECT 1 through the driver (no Prisma)"].push(performance.now() - t);
  }
  const cpu = window.end();
  await deleteShopData(shop);

  const scenariosOut = list.map((scenario, s) => ({
    name: scenario.name,
    stateBytes: JSON.stringify(scenario.stored).length,
    effects: effects[s],
    parseMs: rounded(summarize(measured[s].parse), 4),
    transitionMs: rounded(summarize(measured[s].transition), 4),
    persistMs: rounded(summarize(measured[s].persist), 4),
    totalMs: rounded(summarize(measured[s].total), 4),
  }));
  const worst = scenariosOut.reduce((a, b) => (b.totalMs.p99 > a.totalMs.p99 ? b : a));
  return {
    database: label,
    iterations: N,
    scenarios: scenariosOut,
    baselines: Object.entries(baselines).map(([name, values]) => ({
      name,
      ms: rounded(summarize(values), 4),
    })),
    worst: { scenario: worst.name, p99: worst.totalMs.p99 },
    cpu,
  };
}

function markdown(results: { machine: Record<string, unknown>; runs: DbResult[] }): string {
  const m = results.machine;
  const lines = [
    "# Engine benchmark: one transition + persistence",
    "",
    `${m.date} · ${m.nproc} CPUs (${m.cpuModel}) · Node ${m.node} · ${N} iterations per scenario after ${WARMUP} warm-up, scenarios and baselines interleaved`,
    "",
    "One step as the inbox worker does it, without network: `parseState` of the stored JSON → pure `transition` → the app's `saveConversationState` (one plain parameterised UPDATE through the driver adapter, ADR 010).",
    "",
    "| database | worst scenario p99 (parse + transition + persist) | target | verdict |",
    "| --- | ---: | ---: | --- |",
    ...results.runs.map(
      (r) =>
        `| ${r.database} | ${ms(r.worst.p99)} (${r.worst.scenario}) | < ${TARGET_P99_MS} ms | ${r.worst.p99 < TARGET_P99_MS ? "**met**" : "**not met**"} |`,
    ),
  ];
  for (const r of results.runs) {
    lines.push(
      "",
      `## ${r.database}`,
      "",
      "| scenario | state | parse p50 / p99 | transition p50 / p99 | persist p50 / p99 | **total p50 / p99** | max |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...r.scenarios.map(
        (s) =>
          `| ${s.name} | ${(s.stateBytes / 1024).toFixed(1)} KiB | ${ms(s.parseMs.p50)} / ${ms(s.parseMs.p99)} | ${ms(s.transitionMs.p50)} / ${ms(s.transitionMs.p99)} | ${ms(s.persistMs.p50)} / ${ms(s.persistMs.p99)} | **${ms(s.totalMs.p50)} / ${ms(s.totalMs.p99)}** | ${ms(s.totalMs.max)} |`,
      ),
      "",
      "| baseline (same run) | p50 | p99 | max |",
      "| --- | ---: | ---: | ---: |",
      ...r.baselines.map((b) => `| ${b.name} | ${ms(b.ms.p50)} | ${ms(b.ms.p99)} | ${ms(b.ms.max)} |`),
      "",
      `CPU cores used during the run: this process ${r.cpu.bench}, PostgreSQL ${r.cpu.postgres}, other work on the machine ${r.cpu.other} (of ${m.nproc}).`,
    );
  }
  lines.push("", "Raw numbers: `bench/results/engine.json`. How to read them: `bench/README.md`.", "");
  return lines.join("\n");
}

async function main() {
  const list = scenarios();
  const runs: DbResult[] = [];
  console.log(`[engine] ${list.length} scenarios, ${N} iterations each after ${WARMUP} warm-up`);

  const pglite = createDatabase({ pgliteDataDir: "memory://" });
  runs.push(await runOn("PGlite (in memory, in process)", pglite, list));
  await pglite.close();
  console.log(`[engine] PGlite: worst p99 ${ms(runs[0].worst.p99)} (${runs[0].worst.scenario})`);

  if (process.env.DATABASE_URL) {
    const postgres = createDatabase({ databaseUrl: process.env.DATABASE_URL, pgliteDataDir: "memory://" });
    const host = new URL(process.env.DATABASE_URL).host;
    const dbName = new URL(process.env.DATABASE_URL).pathname.replace(/^\//, "");
    const result = await runOn(`PostgreSQL (${host}/${dbName}, adapter-pg)`, postgres, list, dbName);
    runs.push(result);
    await postgres.close();
    console.log(`[engine] PostgreSQL: worst p99 ${ms(result.worst.p99)} (${result.worst.scenario})`);
  } else {
    console.log("[engine] DATABASE_URL not set: PostgreSQL skipped");
  }

  const machine = {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? null,
    node: process.version,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
  const results = { machine, targetP99Ms: TARGET_P99_MS, iterations: N, warmup: WARMUP, runs };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, "engine.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(RESULTS, "engine.md"), markdown(results));
  console.log("[engine] wrote bench/results/engine.json and engine.md");
}

const watchdog = setTimeout(() => {
  console.error("[engine] watchdog: still running after 240 s — giving up");
  process.exit(2);
}, 240_000);
try {
  await main();
  clearTimeout(watchdog);
  process.exit(0);
} catch (error) {
  console.error("[engine] failed:", error);
  process.exit(1);
}
