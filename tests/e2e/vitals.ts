/**
 * Largest Contentful Paint and Cumulative Layout Shift of the merchant admin's pages in Chromium, as the
 * web-vitals library defines them: a PerformanceObserver (`largest-contentful-paint`, `layout-shift`,
 * buffered) is injected before the page's own scripts; LCP is the last candidate's start time (from the
 * start of the navigation), CLS the largest session window (shifts ≤ 1 s apart, ≤ 5 s long) of the shifts
 * not caused by recent input. Each measurement uses a fresh browser context (cold browser cache) and reads the
 * figures after `load` plus a settle time. Used by the browser tests (admin.e2e.ts) and `npm run bench:vitals`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { ROOT } from "./demo-process";
import { offline, USER_AGENT } from "./context";

export const LCP_BUDGET_MS = 2_500;
export const CLS_BUDGET = 0.1;
export const RESULTS_DIR = path.join(ROOT, "bench/results");

export interface AdminPage {
  name: string;
  path: string;
  /** A selector that is on the page once its main content has rendered (checked before the figures are read). */
  ready: string;
}

/** Every `app/routes/app.*.tsx` route that renders a page (not the layout, events stream or media proxy). */
export function adminPages(conversationId: string): AdminPage[] {
  return [
    { name: "Overview / analytics (app._index)", path: "/app", ready: "figure svg" },
    { name: "Inbox (app.inbox._index)", path: "/app/inbox", ready: "a[href*='/app/inbox/']" },
    {
      name: "Conversation (app.inbox.$id)",
      path: `/app/inbox/${conversationId}`,
      ready: "textarea, input[type='text']",
    },
    { name: "Feedback (app.feedback)", path: "/app/feedback", ready: ".Polaris-Page" },
    { name: "AI assistant (app.assistant)", path: "/app/assistant", ready: ".Polaris-Page" },
    { name: "Settings (app.settings)", path: "/app/settings", ready: "input" },
  ];
}

export interface Vitals {
  lcpMs: number | null;
  cls: number;
  /** What the LCP element was (tag#id.class), to see what to optimise. */
  lcpElement: string | null;
  /** The shifts counted in CLS (value and the shifted elements), for debugging a failure. */
  shifts: { value: number; at: number; sources: string[] }[];
  loadMs: number;
  /** Requests to other hosts than the demo's (answered 204 at once, never waited for). */
  external: string[];
  /** The page's console errors (a hydration mismatch shows here). */
  consoleErrors: string[];
}

/**
 * Runs in the page before any of its scripts (a string: the test runner's compiled functions may refer to
 * helpers that do not exist in the page).
 */
const OBSERVE = `(() => {
  const describe = (node) => {
    if (!node || !(node instanceof Element)) return node ? node.nodeName : "(no longer in the page)";
    const id = node.id ? "#" + node.id : "";
    const cls = typeof node.className === "string" && node.className ? "." + node.className.split(/\\s+/)[0] : "";
    return node.tagName.toLowerCase() + id + cls;
  };
  const state = { lcp: null, lcpElement: null, cls: 0, session: 0, sessionStart: 0, sessionLast: 0, shifts: [] };
  window.__vitals = state;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.lcp = entry.startTime;
      state.lcpElement = describe(entry.element);
    }
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      if (state.session > 0 && entry.startTime - state.sessionLast < 1000 && entry.startTime - state.sessionStart < 5000) {
        state.session += entry.value;
      } else {
        state.session = entry.value;
        state.sessionStart = entry.startTime;
      }
      state.sessionLast = entry.startTime;
      state.cls = Math.max(state.cls, state.session);
      state.shifts.push({
        value: entry.value,
        at: Math.round(entry.startTime),
        sources: (entry.sources || []).map((s) => describe(s.node)),
      });
    }
  }).observe({ type: "layout-shift", buffered: true });
})();`;

/**
 * Measures one page: `url` is the page as the Shopify admin would open it (with its session token); the
 * demo cookie `cookie` lets its later requests through, as App Bridge's tokens would.
 */
export async function measure(
  browser: Browser,
  origin: string,
  page: AdminPage,
  options: { settleMs?: number; viewport?: { width: number; height: number } } = {},
): Promise<Vitals> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    userAgent: USER_AGENT,
  });
  try {
    const external = await offline(context);
    // The link the demo's /simulator/admin/open redirects to (a fresh session token); its cookie is kept.
    const opened = await context.request.get(
      `${origin}/simulator/admin/open?path=${encodeURIComponent(page.path)}`,
      { maxRedirects: 0 },
    );
    const location = opened.headers()["location"];
    if (opened.status() !== 302 || !location)
      throw new Error(`${page.path}: open answered ${opened.status()}`);
    await context.addInitScript({ content: OBSERVE });
    const tab = await context.newPage();
    const consoleErrors: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text().slice(0, 300));
    });
    tab.on("pageerror", (error) => console.log(`  [vitals page error] ${page.path}: ${error.message}`));
    const response = await tab.goto(new URL(location, origin).href, { waitUntil: "load", timeout: 30_000 });
    if (response?.status() !== 200) throw new Error(`${page.path} answered ${response?.status()}`);
    await tab.locator(page.ready).first().waitFor({ state: "attached", timeout: 15_000 });
    await tab.waitForTimeout(options.settleMs ?? 2_500);
    const figures = (await tab.evaluate(
      `({ ...window.__vitals, loadMs: performance.getEntriesByType("navigation")[0]?.loadEventEnd ?? -1 })`,
    )) as {
      lcp: number | null;
      lcpElement: string | null;
      cls: number;
      shifts: { value: number; at: number; sources: string[] }[];
      loadMs: number;
    };
    return {
      lcpMs: figures.lcp === null ? null : Math.round(figures.lcp),
      cls: Math.round(figures.cls * 10_000) / 10_000,
      lcpElement: figures.lcpElement,
      shifts: figures.shifts,
      loadMs: Math.round(figures.loadMs),
      external: [...new Set(external)],
      consoleErrors,
    };
  } finally {
    await context.close();
  }
}

/** Why a measurement is over budget (empty when within it). */
export function overBudget(v: Vitals): string[] {
  const problems: string[] = [];
  if (v.lcpMs === null) problems.push("no LCP entry");
  else if (v.lcpMs > LCP_BUDGET_MS)
    problems.push(`LCP ${v.lcpMs} ms > ${LCP_BUDGET_MS} ms (${v.lcpElement})`);
  if (v.cls > CLS_BUDGET)
    problems.push(
      `CLS ${v.cls} > ${CLS_BUDGET} (${v.shifts.map((s) => `${s.value.toFixed(3)}@${s.at}ms ${s.sources.join("+")}`).join(", ")})`,
    );
  return problems;
}

export interface PageResult {
  name: string;
  path: string;
  runs: Vitals[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export function summarise(result: PageResult) {
  const lcps = result.runs.map((r) => r.lcpMs ?? Number.POSITIVE_INFINITY);
  const clss = result.runs.map((r) => r.cls);
  return {
    page: result.name,
    path: result.path.replace(/\/app\/inbox\/[^/?]+$/, "/app/inbox/:id"),
    runs: result.runs.length,
    lcpMedianMs: Math.round(median(lcps)),
    lcpWorstMs: Math.max(...lcps),
    clsMedian: Math.round(median(clss) * 10_000) / 10_000,
    clsWorst: Math.max(...clss),
    lcpElement: result.runs.at(-1)?.lcpElement ?? null,
    /** What moved in the run with the largest CLS (the biggest shifts first). */
    clsShifts: [...(result.runs.reduce((a, b) => (b.cls > a.cls ? b : a)).shifts ?? [])]
      .sort((a, b) => b.value - a.value)
      .slice(0, 3)
      .map((s) => `${s.value.toFixed(4)} at ${s.at} ms: ${s.sources.join(", ") || "?"}`),
    loadMedianMs: Math.round(median(result.runs.map((r) => r.loadMs))),
  };
}

/**
 * Writes web-vitals.json and .md (a table page × LCP × CLS, with the machine's load) into `dir`: bench/results for
 * `npm run bench:vitals`, test-results/e2e for the browser tests (so a test run never rewrites committed figures).
 */
export function writeResults(
  results: PageResult[],
  source: string,
  data: string,
  loadBefore: number[],
  dir = RESULTS_DIR,
): void {
  const rows = results.map(summarise);
  const external = [...new Set(results.flatMap((r) => r.runs.flatMap((v) => v.external)))];
  const consoleErrors = [
    ...new Set(results.flatMap((r) => r.runs.flatMap((v) => v.consoleErrors.map((e) => `${r.path}: ${e}`)))),
  ];
  const machine = {
    cpus: cpus().length,
    loadAverageBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  const when = new Date().toISOString();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "web-vitals.json"),
    `${JSON.stringify({ when, source, data, budget: { lcpMs: LCP_BUDGET_MS, cls: CLS_BUDGET }, machine, externalRequests: external, consoleErrors, pages: rows }, null, 2)}\n`,
  );
  const lines = [
    "# Web vitals of the merchant admin",
    "",
    `Measured ${when} by ${source} in Debian's Chromium (headless, 1280×900, a fresh browser context per`,
    `load) against the production build in demo mode (seeded demo shop; ${data}).`,
    `Budget: LCP ≤ ${LCP_BUDGET_MS} ms, CLS ≤ ${CLS_BUDGET}. Machine: ${machine.cpus} CPUs, load average`,
    `(1/5/15 min) ${machine.loadAverageBefore.join(" / ")} before and ${machine.loadAverageAfter.join(" / ")} after.`,
    `Requests to other hosts: ${external.length ? external.join(", ") : "none"} (answered 204 at once by the test).`,
    "",
    "| Page | Path | Runs | LCP median (ms) | LCP worst (ms) | CLS median | CLS worst | LCP element |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map(
      (r) =>
        `| ${r.page} | \`${r.path}\` | ${r.runs} | ${r.lcpMedianMs} | ${r.lcpWorstMs} | ${r.clsMedian} | ${r.clsWorst} | \`${r.lcpElement ?? "—"}\` |`,
    ),
    "",
    "Layout shifts behind the worst CLS of each page (value, time from navigation start, what moved):",
    "",
    ...rows.map((r) => `- ${r.page}: ${r.clsShifts.length ? r.clsShifts.join("; ") : "none"}`),
    "",
    `Console errors during the loads: ${consoleErrors.length ? "" : "none."}`,
    ...consoleErrors.map((e) => `- ${e.replace(/\s+/g, " ")}`),
    "",
  ];
  writeFileSync(path.join(dir, "web-vitals.md"), lines.join("\n"));
}
