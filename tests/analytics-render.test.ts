import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import Analytics from "~/routes/app._index";
import { analyticsReport, type AnalyticsPage } from "~/services/analytics.server";
import { setupTestDatabase } from "./helpers/db";

/**
 * The analytics page renders on the server (as Remix does on a document request) without touching
 * polaris-viz — charts load in the browser after hydration — with a data-table fallback for every chart,
 * an empty state, the range warning and right-to-left Arabic.
 */
setupTestDatabase();

// React warns that the router's and Polaris's layout effects do nothing on the server: expected here.
const consoleError = console.error;
beforeAll(() => {
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    if (String(args[0]).includes("useLayoutEffect does nothing on the server")) return;
    consoleError(...args);
  });
});
afterAll(() => vi.restoreAllMocks());

function render(data: AnalyticsPage & { locale: string }): string {
  const router = createMemoryRouter(
    [{ id: "routes/app._index", path: "/app", element: createElement(Analytics), loader: () => data }],
    { initialEntries: ["/app"], hydrationData: { loaderData: { "routes/app._index": data } } },
  );
  return renderToString(
    createElement(AppProvider, { i18n: polarisEn }, createElement(RouterProvider, { router })),
  );
}

const range = {
  preset: "7d" as const,
  from: "2026-03-01",
  to: "2026-03-07",
  days: 7,
  timeZone: "Asia/Riyadh",
  timeZoneSource: "shop" as const,
};

async function emptyReport() {
  return analyticsReport({
    shop: "nobody.myshopify.com",
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
  });
}

describe("the analytics page, rendered on the server", () => {
  it("shows every section with placeholders for the charts and data tables behind a disclosure", async () => {
    const body = await emptyReport();
    // Some activity, so that the page is not the empty state.
    body.empty = false;
    body.totals = { conversations: 3, messagesIn: 5, messagesOut: 4 };
    body.daily[0] = { date: "2026-03-01", conversations: 3, messagesIn: 5, messagesOut: 4 };
    body.shopping.revenue = [{ currencyCode: "SAR", orders: 2, amount: "249.50" }];
    body.ai.calls = 2;
    const html = render({ locale: "en", rangeError: false, report: { range, ...body } });
    for (const text of [
      "Analytics",
      "Conversations and messages",
      "Delivery",
      "Shopping funnel",
      "Feedback",
      "First response time",
      "AI assistant usage",
      "Show data table",
      "Loading chart",
      "Days in the store&#x27;s time zone (Asia/Riyadh).",
      "SAR",
    ]) {
      expect(html).toContain(text);
    }
    expect(html).toContain('aria-busy="true"');
    expect(html).toMatch(/<figure[^>]*aria-label="Conversations and messages"/);
    expect(html).not.toContain("polaris-viz"); // no chart markup on the server
  });

  it("shows the empty state, the rejected-range warning, and hides AI usage without calls", async () => {
    const body = await emptyReport();
    const html = render({
      locale: "en",
      rangeError: true,
      report: { range: { ...range, timeZone: "UTC", timeZoneSource: "utc" }, ...body },
    });
    expect(html).toContain("Nothing in this period yet");
    expect(html).toContain("That date range could not be used");
    expect(html).toContain("Days in UTC");
    expect(html).not.toContain("AI assistant usage");
  });

  it("is right-to-left in Arabic", async () => {
    const body = await emptyReport();
    const html = render({ locale: "ar", rangeError: false, report: { range, ...body } });
    expect(html).toContain('dir="rtl"');
    expect(html).toContain("التحليلات");
  });
});
