/**
 * The Shopify Admin GraphQL API version the whole app speaks. This is the ONE place it is defined:
 * the admin client, `shopifyApp({ apiVersion })`, the msw mocks and the schema test all import it.
 *
 * Upgrading: bump this, point `tests/shopify-operations.test.ts` at the new version's schema, and let
 * the test tell you which operations broke.
 */
export const ADMIN_API_VERSION = "2026-10" as const;

export type AdminApiVersion = typeof ADMIN_API_VERSION;
