/**
 * The outside services of the demo, faked in-process with the same msw fakes the integration tests use:
 * the WhatsApp Cloud API (Graph API) and the Shopify Admin GraphQL API over the 38-product demo store.
 * Must start BEFORE the server build is imported: Shopify's client captures `fetch` when it loads.
 */
import { setupServer, type SetupServer } from "msw/node";
import { createGraphApiFake, type GraphApiFake } from "../../tests/mocks/graph-api";
import { DemoShopifyStore } from "../../tests/mocks/demo-catalog";
import {
  createShopifyAdminHandlers,
  loadAdminSchema,
  type ShopifyAdminHandlers,
} from "../../tests/mocks/shopify-admin";
import type { DemoConfig } from "./config";

export interface DemoFakes {
  server: SetupServer;
  graph: GraphApiFake;
  store: DemoShopifyStore;
  admin: ShopifyAdminHandlers;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function startFakes(config: DemoConfig, options: { graphApiUrl?: string } = {}): DemoFakes {
  // Fail now, with the message naming where the schema was looked for, rather than on the first request.
  loadAdminSchema();
  const graph = createGraphApiFake({
    baseUrl: options.graphApiUrl,
    phoneNumbers: {
      [config.phoneNumberId]: {
        displayPhoneNumber: `+${config.displayPhoneNumber}`,
        verifiedName: config.shopName,
        qualityRating: "GREEN",
        accessToken: config.accessToken,
      },
    },
  });
  // Product images get the store's https address (as Shopify's CDN would give them); the simulator shows
  // them from the demo's own copy in public/demo-images.
  const store = new DemoShopifyStore({
    shopDomain: config.shop,
    shopName: config.shopName,
    imageBaseUrl: `https://${config.shop}`,
  });
  const admin = createShopifyAdminHandlers(store, { shopDomain: config.shop, catchAll: true });
  const server = setupServer(...graph.handlers, ...admin);
  server.listen({
    onUnhandledFrame({ frame, defaults }) {
      const data = frame.data as { request?: Request } | undefined;
      const url = data?.request?.url ? new URL(data.request.url) : null;
      // The demo talks to itself over HTTP (webhooks it POSTs to its own routes): let loopback through.
      if (url && LOOPBACK.has(url.hostname)) return;
      // Anything else would leave the machine: the demo is offline by design.
      defaults.error();
    },
  });
  return { server, graph, store, admin };
}
