import { createAdminClient, type AdminClient } from "~/adapters/shopify/admin-client";
import { unauthenticated } from "~/shopify.server";

/**
 * An Admin API client for background work (webhook-driven conversations): the shop's offline session,
 * refreshed by the library when its token expires, then graphql-request with throttling-aware retries.
 */
export async function adminClientForShop(shop: string): Promise<AdminClient> {
  const { session } = await unauthenticated.admin(shop);
  return createAdminClient({ shop, accessToken: session.accessToken ?? "" });
}
