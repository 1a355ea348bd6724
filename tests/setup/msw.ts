// Must run before any app module is imported: Shopify's client captures `fetch` when it loads.
import { afterAll, afterEach } from "vitest";
import { server } from "../mocks/server";

// Outside services must be faked (an unhandled request fails the test); servers the test started on
// loopback are reached for real.
server.listen({
  onUnhandledFrame({ frame, defaults }) {
    const data = frame.data as { request?: Request } | undefined;
    const url = data?.request?.url ? new URL(data.request.url) : null;
    if (url && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return;
    defaults.error();
  },
});

afterEach(() => server.resetHandlers());
afterAll(() => server.close());
