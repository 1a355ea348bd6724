import { afterEach, beforeEach } from "vitest";
import { createGraphApiFake } from "../mocks/graph-api";
import { DemoShopifyStore } from "../mocks/demo-catalog";
import { server } from "../mocks/server";
import { createShopifyAdminHandlers } from "../mocks/shopify-admin";
import { seedStore, type TestStore } from "./whatsapp";

/**
 * The WhatsApp channel's test bench: the fake Graph API and the demo shop's Admin API installed, and a store
 * with its connected number seeded, before each test (call at the top of a file, after setupTestDatabase).
 * `store` is the current test's.
 */
export function channelBenchForEachTest(options: { afterEach?: () => Promise<void> } = {}) {
  const graph = createGraphApiFake();
  const bench = { graph, store: undefined as unknown as TestStore };
  beforeEach(async () => {
    graph.reset();
    server.use(
      ...graph.handlers,
      ...createShopifyAdminHandlers(new DemoShopifyStore({ shopDomain: "test-shop.myshopify.com" }), {
        catchAll: true,
      }),
    );
    bench.store = await seedStore();
  });
  afterEach(async () => {
    await options.afterEach?.();
    graph.reset();
  });
  return bench;
}
