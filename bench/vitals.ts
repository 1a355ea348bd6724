/**
 * `npm run bench:vitals`: LCP and CLS of every merchant admin page in Debian's Chromium, several runs per page
 * (median and worst), without the rest of the browser tests. Starts the demo (the production build, `npm run
 * build` first) on a free port with a fresh PGlite folder, gives it data through the simulator's API the way a
 * shopper would (an English shopper from "hi" to an order, fulfilled and rated; an Arabic one greeting; one
 * asking for a person), then measures each page `BENCH_VITALS_RUNS` times (default 5) with tests/e2e/vitals.ts.
 * Writes bench/results/web-vitals.json and .md; exits 1 when a page's median is over budget.
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import type { Browser } from "playwright-core";
import { CHROMIUM, launchChromium, offline, USER_AGENT } from "../tests/e2e/context";
import { startDemo, type RunningDemo } from "../tests/e2e/demo-process";
import {
  adminPages,
  CLS_BUDGET,
  LCP_BUDGET_MS,
  measure,
  summarise,
  writeResults,
  type PageResult,
} from "../tests/e2e/vitals";

const RUNS = Math.max(1, Math.min(20, Number(process.env.BENCH_VITALS_RUNS ?? 5)));
const WATCHDOG_MS = 10 * 60_000;

interface GraphBody {
  to: string;
  type: string;
  interactive?: {
    type: string;
    action?: {
      buttons?: { reply: { id: string; title: string } }[];
      sections?: { rows: { id: string; title: string }[] }[];
    };
  };
}

class Shopper {
  constructor(
    private demo: RunningDemo,
    readonly waId: string,
    readonly name: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.demo.url}${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  sent = () => this.call<GraphBody[]>("GET", `/simulator/api/messages?wa_id=${this.waId}`);

  /** Sends and waits until the bot has answered and gone quiet (no new message for 600 ms). */
  async send(message: Record<string, unknown>, timeoutMs = 20_000): Promise<GraphBody[]> {
    const before = (await this.sent()).length;
    await this.call("POST", "/simulator/api/send", { waId: this.waId, name: this.name, message });
    return this.settle(before, timeoutMs);
  }

  async settle(before: number, timeoutMs = 20_000): Promise<GraphBody[]> {
    const deadline = Date.now() + timeoutMs;
    let bodies = await this.sent();
    while (bodies.length <= before) {
      if (Date.now() > deadline) throw new Error(`${this.name}: no answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
      bodies = await this.sent();
    }
    for (let stable = 0; stable < 3;) {
      await new Promise((r) => setTimeout(r, 200));
      const now = await this.sent();
      stable = now.length === bodies.length ? stable + 1 : 0;
      bodies = now;
    }
    return bodies;
  }

  text = (body: string) => this.send({ type: "text", text: { body } });

  /** Taps the first button or list row, in the bot's latest interactive message, whose id starts with a prefix. */
  async tap(prefixes: string[]): Promise<string> {
    const last = (await this.sent()).filter((b) => b.type === "interactive").at(-1);
    const buttons = (last?.interactive?.action?.buttons ?? []).map((b) => ({ ...b.reply, kind: "button" }));
    const rows = (last?.interactive?.action?.sections ?? []).flatMap((s) =>
      s.rows.map((r) => ({ ...r, kind: "list" })),
    );
    for (const prefix of prefixes) {
      const choice = [...buttons, ...rows].find((c) => c.id.startsWith(prefix));
      if (!choice) continue;
      await this.send(
        choice.kind === "button"
          ? {
              type: "interactive",
              interactive: { type: "button_reply", button_reply: { id: choice.id, title: choice.title } },
            }
          : {
              type: "interactive",
              interactive: { type: "list_reply", list_reply: { id: choice.id, title: choice.title } },
            },
      );
      return choice.id;
    }
    throw new Error(`${this.name}: no ${prefixes.join("/")} choice in ${JSON.stringify(last?.interactive)}`);
  }

  order = (action: "place" | "fulfill") =>
    this.call("POST", "/simulator/api/orders", { waId: this.waId, action });
}

async function giveData(demo: RunningDemo): Promise<void> {
  const sara = new Shopper(demo, "966551239001", "Bench Sara");
  await sara.text("hi");
  await sara.tap(["menu:browse"]);
  await sara.tap(["col:"]);
  await sara.tap(["prod:"]);
  let id = await sara.tap(["var:", "qty:1"]);
  if (id.startsWith("var:")) id = await sara.tap(["qty:1"]);
  await sara.tap(["cart:checkout", "checkout:"]);
  for (let i = 0; i < 3 && !(await sara.sent()).some((b) => JSON.stringify(b).includes("/invoices/")); i++)
    await sara.tap(["checkout:confirm", "cart:checkout"]);
  await sara.order("place");
  const before = (await sara.sent()).length;
  await sara.order("fulfill");
  // The feedback request comes DEMO_FEEDBACK_DELAY_SECONDS (5 s) after the fulfilment.
  await sara.settle(before, 30_000);
  await sara.tap(["fb:rate:5"]);

  const noura = new Shopper(demo, "966551239002", "نورة");
  await noura.text("مرحبا");
  const omar = new Shopper(demo, "966551239003", "Bench Omar");
  await omar.text("hi");
  await omar.text("I want to talk to a person");
}

async function main(): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
    return 1;
  }
  const demo = await startDemo({ timeoutMs: 180_000 });
  running = demo;
  const browser = await launchChromium().catch(async (error) => {
    await demo.stop();
    throw error;
  });
  try {
    console.log(`demo ready on ${demo.url} in ${(demo.startMs / 1000).toFixed(1)} s; giving it data…`);
    await giveData(demo);
    const conversation = await openConversationId(browser, demo);
    const load = loadavg();
    const results: PageResult[] = [];
    for (const page of adminPages(conversation)) {
      // One warm-up load per page (server-side caches, the first compile of the route's code), not counted.
      await measure(browser, demo.url, page);
      const result: PageResult = { name: page.name, path: page.path, runs: [] };
      for (let i = 0; i < RUNS; i++) result.runs.push(await measure(browser, demo.url, page));
      results.push(result);
      const s = summarise(result);
      console.log(
        `${page.name.padEnd(38)} LCP median ${s.lcpMedianMs} ms, worst ${s.lcpWorstMs} ms; CLS median ${s.clsMedian}, worst ${s.clsWorst}`,
      );
    }
    writeResults(
      results,
      `\`npm run bench:vitals\` (${RUNS} loads per page after one warm-up)`,
      "data given by bench/vitals.ts through the simulator API: an order from chat, fulfilled and rated, an Arabic greeting, a handoff",
      load,
    );
    console.log("wrote bench/results/web-vitals.json and web-vitals.md");
    const over = results
      .map(summarise)
      .filter((s) => s.lcpMedianMs > LCP_BUDGET_MS || s.clsMedian > CLS_BUDGET);
    for (const s of over)
      console.error(`over budget: ${s.page} (LCP ${s.lcpMedianMs} ms, CLS ${s.clsMedian})`);
    return over.length ? 1 : 0;
  } finally {
    await browser.close().catch(() => undefined);
    await demo.stop();
  }
}

/** The id of one conversation, from the inbox's list (the first row). */
async function openConversationId(browser: Browser, demo: RunningDemo): Promise<string> {
  const context = await browser.newContext({ userAgent: USER_AGENT });
  try {
    await offline(context);
    const page = await context.newPage();
    await page.goto(`${demo.url}/simulator/admin/open?path=${encodeURIComponent("/app/inbox")}`);
    const href = await page
      .locator("a[href*='/app/inbox/']")
      .first()
      .getAttribute("href", { timeout: 15_000 });
    if (!href) throw new Error("the inbox lists no conversation");
    return new URL(href, demo.url).pathname.split("/").pop()!;
  } finally {
    await context.close();
  }
}

let running: RunningDemo | undefined;
const watchdog = setTimeout(() => {
  console.error(`bench:vitals did not finish within ${WATCHDOG_MS / 60_000} min`);
  void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error("bench:vitals failed:", error);
    process.exit(1);
  },
);
