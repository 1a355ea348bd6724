import { setupServer } from "msw/node";

/**
 * The msw server of the integration tests. Default handlers for the outside services (Shopify Admin,
 * the WhatsApp Graph API, the LLM) live in tests/mocks/<service>.ts and are added per test with
 * `server.use(...)`, so that each test states which fakes it relies on.
 */
export const server = setupServer();
