/**
 * The simulator in a real browser: `npm run demo` on a free port with a fresh PGlite folder, Chromium
 * (playwright-core, the Debian package at /usr/bin/chromium), a shopper going from "hi" to a checkout link by
 * taps — in English and in Arabic — then the order placed and fulfilled, and the merchant admin opened.
 * Screenshots of every step go to test-results/e2e/.
 */
import type { Locator, Page } from "playwright-core";
import { e2e, newPage, screenshot } from "./context";
import { assert, test } from "./harness";

async function openSimulator(): Promise<Page> {
  const page = await newPage();
  await page.goto(`${e2e.demo.url}/simulator`);
  await page.locator('[data-ready="true"]').waitFor({ timeout: 15_000 });
  return page;
}

const botBubbles = (page: Page) => page.locator('[data-testid="bubble-out"]');

/** Waits for the bot to answer (more bubbles than `before`), then for it to finish (no new bubble for 800 ms). */
async function waitForBot(page: Page, before: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await botBubbles(page).count();
  while (count <= before) {
    assert(
      Date.now() < deadline,
      `the bot did not answer within ${timeoutMs} ms (still ${count} bot messages)`,
    );
    await page.waitForTimeout(150);
    count = await botBubbles(page).count();
  }
  let stableSince = Date.now();
  while (Date.now() - stableSince < 800) {
    await page.waitForTimeout(150);
    const now = await botBubbles(page).count();
    if (now !== count) {
      count = now;
      stableSince = Date.now();
    }
  }
  return count;
}

async function createShopper(page: Page, name: string, waId: string, language: "en" | "ar") {
  await page.getByTestId("new-shopper").click();
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="waId"]').fill(waId);
  await page.locator('select[name="language"]').selectOption(language);
  await page.getByRole("button", { name: "Add shopper" }).click();
  await page.waitForFunction(
    (id) => (document.querySelector('[data-testid="shopper-select"]') as HTMLSelectElement)?.value === id,
    waId,
  );
}

/**
 * Taps, in the bot's latest message, the reply button or list row whose id starts with one of `prefixes`
 * (the first prefix that matches wins). Returns the id tapped.
 */
async function tap(page: Page, prefixes: string[], shotName: string): Promise<string> {
  const before = await botBubbles(page).count();
  const last = botBubbles(page).last();
  const buttons = last.locator('[data-testid="reply-button"]');
  const ids = await buttons.evaluateAll((els) => els.map((e) => e.getAttribute("data-id") ?? ""));
  for (const prefix of prefixes) {
    const i = ids.findIndex((id) => id.startsWith(prefix));
    if (i >= 0) {
      await screenshot(page, shotName);
      await buttons.nth(i).click();
      await waitForBot(page, before);
      return ids[i];
    }
  }
  const opener = last.locator('[data-testid="list-open"]');
  assert(
    (await opener.count()) > 0,
    `the bot's last message has no ${prefixes.join("/")} choice (buttons: ${ids.join(", ") || "none"})`,
  );
  await opener.click();
  const sheet = page.getByTestId("list-sheet");
  await sheet.waitFor();
  const rows = sheet.locator('[data-testid="list-row"]');
  const rowIds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-id") ?? ""));
  await screenshot(page, shotName);
  for (const prefix of prefixes) {
    const i = rowIds.findIndex((id) => id.startsWith(prefix));
    if (i >= 0) {
      await rows.nth(i).click();
      await waitForBot(page, before);
      return rowIds[i];
    }
  }
  throw new Error(`no ${prefixes.join("/")} row in the list (rows: ${rowIds.join(", ")})`);
}

async function lastBotText(page: Page): Promise<string> {
  return (await botBubbles(page).last().innerText()).trim();
}

/** From the menu to a checkout link, by taps only. Returns the checkout link. */
async function shopToCheckout(page: Page, label: string): Promise<Locator> {
  await tap(page, ["menu:browse"], `${label}-menu`);
  await tap(page, ["col:"], `${label}-collections`);
  await tap(page, ["prod:"], `${label}-products`);
  // A product with variants asks for one; a single-variant product goes straight to the quantity.
  let id = await tap(page, ["var:", "qty:1"], `${label}-product`);
  if (id.startsWith("var:")) id = await tap(page, ["qty:1"], `${label}-quantity`);
  await tap(page, ["cart:checkout", "checkout:"], `${label}-added`);
  for (let i = 0; i < 3 && (await page.getByTestId("cta-link").count()) === 0; i++) {
    await tap(page, ["checkout:confirm", "cart:checkout"], `${label}-confirm`);
  }
  const link = page.getByTestId("cta-link").last();
  assert((await link.count()) > 0, `no checkout link; the bot's last message: ${await lastBotText(page)}`);
  return link;
}

test("English shopper: hi → menu → collection → product → variant → quantity → checkout link (taps)", async () => {
  const page = await openSimulator();
  await createShopper(page, "E2E Sara", "966551230001", "en");
  await screenshot(page, "en-start");
  const before = await botBubbles(page).count();
  await page.getByTestId("composer-input").fill("hi");
  await page.getByTestId("send-button").click();
  await waitForBot(page, before);
  const menu = await lastBotText(page);
  assert(/welcome/i.test(menu), `the menu greets in English: ${menu}`);
  const link = await shopToCheckout(page, "en");
  const href = await link.getAttribute("href");
  assert(href && /^https:\/\/demo-hala\.myshopify\.com\/invoices\//.test(href), `checkout link: ${href}`);
  assert((await link.getAttribute("target")) === "_blank", "the checkout link opens in a new tab");
  await screenshot(page, "en-checkout-link");

  // The shopper's messages were read (✓✓) and the developer view shows the signed webhooks and Graph bodies.
  const webhooks = await page.getByTestId("dev-webhooks").locator("details").count();
  assert(webhooks >= 6, `developer view lists the webhooks sent (${webhooks})`);

  // Shopify side: pay the checkout, then ship it.
  await page.getByTestId("place-order").click();
  await page.locator(".sim-notice, .sim-error").first().waitFor({ timeout: 15_000 });
  const placed = await page.locator(".sim-notice, .sim-error").first().innerText();
  await screenshot(page, "en-order-placed");
  assert(/orders\/create webhook → 200/.test(placed), `orders/create accepted: ${placed}`);
  await page.getByTestId("fulfill-order").click();
  await page.waitForFunction(
    () => /orders\/fulfilled/.test(document.querySelector(".sim-notice, .sim-error")?.textContent ?? ""),
    null,
    { timeout: 15_000 },
  );
  const fulfilled = await page.locator(".sim-notice, .sim-error").first().innerText();
  await screenshot(page, "en-order-fulfilled");
  assert(/orders\/fulfilled webhook → 200/.test(fulfilled), `orders/fulfilled accepted: ${fulfilled}`);

  // DEMO_FEEDBACK_DELAY_SECONDS (5 s) after the fulfilment, the bot asks how it went; the shopper rates it.
  const beforeFeedback = await botBubbles(page).count();
  await waitForBot(page, beforeFeedback, 30_000);
  const request = await lastBotText(page);
  assert(/#1001/.test(request), `the feedback request names the order: ${request}`);
  await tap(page, ["fb:rate:5"], "en-feedback-request");
  await screenshot(page, "en-feedback-thanks");
  await page.close();
});

test("Arabic shopper: مرحبا → القائمة → … → checkout link (taps), right-to-left", async () => {
  const page = await openSimulator();
  await createShopper(page, "نورة الاختبار", "966551230002", "ar");
  const before = await botBubbles(page).count();
  await page.locator('[data-testid="quick"]', { hasText: "مرحبا" }).click();
  await waitForBot(page, before);
  const menu = await lastBotText(page);
  assert(/\p{Script=Arabic}/u.test(menu), `the menu is in Arabic: ${menu}`);
  const direction = await botBubbles(page)
    .last()
    .locator(".sim-b-body")
    .first()
    .evaluate((el) => getComputedStyle(el).direction);
  assert(direction === "rtl", `Arabic bubbles are right-to-left (got ${direction})`);
  const link = await shopToCheckout(page, "ar");
  const href = await link.getAttribute("href");
  assert(href && /\/invoices\//.test(href), `checkout link: ${href}`);
  const text = await link.innerText();
  assert(/\p{Script=Arabic}/u.test(text), `the checkout button is in Arabic: ${text}`);
  await screenshot(page, "ar-checkout-link");
  await page.close();
});

test("contract endpoint lists the Graph bodies the bot sent to the shopper", async () => {
  const res = await fetch(`${e2e.demo.url}/simulator/api/messages?wa_id=966551230001`);
  assert(res.status === 200, `status ${res.status}`);
  const bodies = (await res.json()) as { to: string; type: string }[];
  assert(bodies.length >= 6 && bodies.every((b) => b.to === "966551230001"), `bodies: ${bodies.length}`);
  assert(
    bodies.some((b) => b.type === "interactive"),
    "interactive messages were sent",
  );
});

test("merchant admin opens outside Shopify with a demo session token, and its menu works", async () => {
  const page = await newPage(1280, 900);
  await page.goto(`${e2e.demo.url}/simulator/admin`);
  await screenshot(page, "admin-explainer");
  const response = page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/app" && r.request().resourceType() === "document",
  );
  await page.getByTestId("admin-link-analytics").click();
  const res = await response;
  await page.waitForLoadState("load");
  await page.waitForTimeout(1000);
  await screenshot(page, "admin-analytics");
  assert(res.status() === 200, `/app answered ${res.status()}`);
  assert(new URL(page.url()).pathname === "/app", `stayed on /app (now ${page.url()})`);
  const standIn = await page.evaluate(
    () =>
      (window as unknown as { shopify?: { environment?: { embedded?: boolean } } }).shopify?.environment
        ?.embedded,
  );
  assert(standIn === false, "the demo's App Bridge stand-in is loaded instead of Shopify's");

  // The navigation menu: a full page load of /app/inbox without a token in the URL (the demo adds one).
  await page.locator("ui-nav-menu a", { hasText: "Inbox" }).click();
  await page.waitForURL(/\/app\/inbox/);
  await page.waitForLoadState("load");
  await page.waitForTimeout(1000);
  await screenshot(page, "admin-inbox");
  const body = await page.locator("body").innerText();
  assert(
    !/Handling response|Unexpected Server Error|log in/i.test(body),
    `the inbox rendered: ${body.slice(0, 300)}`,
  );
  assert(/E2E Sara|نورة/.test(body), `the inbox lists the simulator's shoppers: ${body.slice(0, 500)}`);
  await page.close();
});
