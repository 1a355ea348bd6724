// Must run before any app module is imported: Shopify's client captures `fetch` when it loads.
import { afterAll, afterEach } from "vitest";
import { server } from "../mocks/server";

server.listen({ onUnhandledRequest: "error" });

afterEach(() => server.resetHandlers());
afterAll(() => server.close());
