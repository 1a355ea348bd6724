/**
 * What the browser tests share: one demo (`npm run demo` on a free port, fresh PGlite folder), one Chromium
 * (playwright-core, the Debian package), the screenshot folder and the offline rule for pages. Importing this
 * module registers the set-up and tear-down once, whichever test files are loaded.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startDemo, ROOT, type RunningDemo } from "./demo-process";
import { afterAll, assert, beforeAll } from "./harness";

export const SHOTS = path.join(ROOT, "test-results/e2e");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// A desktop browser's user agent: the Shopify library answers bots (HeadlessChrome included) with 410 Gone.
export const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
export const ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Set by the shared set-up; read them inside tests. */
export const e2e = {} as { demo: RunningDemo; browser: Browser };

beforeAll(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  e2e.demo = await startDemo({ timeoutMs: 180_000, log: process.env.E2E_DEMO_LOG === "1" });
  console.log(`  demo ready on ${e2e.demo.url} in ${(e2e.demo.startMs / 1000).toFixed(1)} s`);
  e2e.browser = await launchChromium();
});

afterAll(async () => {
  await e2e.browser?.close().catch(() => undefined);
  await e2e.demo?.stop();
});

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** Requests to any host but the demo's. */
export const EXTERNAL = /^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/;

/**
 * The demo is offline: a request that would leave the machine (fonts, a CDN) is answered at once with an
 * empty 204 and recorded in `external`, so no page waits for an outside host.
 */
export async function offline(target: Page | BrowserContext, external: string[] = []): Promise<string[]> {
  await target.route(EXTERNAL, (route) => {
    external.push(route.request().url());
    return route.fulfill({ status: 204, body: "" });
  });
  return external;
}

export async function newPage(width = 1360, height = 900): Promise<Page> {
  const page = await e2e.browser.newPage({ viewport: { width, height }, userAgent: USER_AGENT });
  await offline(page);
  page.on("pageerror", (error) => console.log(`  [page error] ${error.message}`));
  return page;
}

let shot = 0;
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${String(++shot).padStart(2, "0")}-${name}.png`) });
}

/**
 * Opens an embedded admin page the way the demo does outside Shopify (/simulator/admin/open signs a fresh
 * session token and sets the demo cookie) and waits until it has loaded and hydrated.
 */
export async function openAdmin(page: Page, adminPath: string): Promise<void> {
  const response = await page.goto(
    `${e2e.demo.url}/simulator/admin/open?path=${encodeURIComponent(adminPath)}`,
  );
  assert(response?.status() === 200, `${adminPath} answered ${response?.status()}`);
  await page.waitForLoadState("load");
  await waitForHydration(page);
}

/** Remix sets `window.__remixRouter` once the client has hydrated; event handlers work from then on. */
export async function waitForHydration(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __remixRouter?: { state?: { initialized?: boolean } } };
      return w.__remixRouter?.state?.initialized === true;
    },
    null,
    { timeout },
  );
}

/** Polls `check` until it returns a truthy value (returned) or the time is up (fails with `message`). */
export async function eventually<T>(
  check: () => Promise<T>,
  message: () => string | Promise<string>,
  timeoutMs = 15_000,
  everyMs = 250,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms: ${await message()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
