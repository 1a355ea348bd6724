import { cache } from "~/cache.server";
import { log } from "~/logger.server";

/**
 * The shop's catalog answers (collections, product pages, product detail, search results) are cached for a
 * few minutes in the cache (shared by every instance when it is Redis). Cart validation and checkout always
 * ask Shopify. products/update, products/delete and collections/update drop the shop's entries.
 */
export const CATALOG_TTL_MS = 5 * 60_000;

const prefix = (shop: string) => `catalog:${shop}:`;

export async function cachedCatalog<T>(
  shop: string,
  key: string,
  load: () => Promise<T>,
  ttlMs = CATALOG_TTL_MS,
): Promise<T> {
  const c = cache();
  const fullKey = prefix(shop) + key;
  const hit = await c.get(fullKey).catch(() => null);
  if (hit !== null) {
    try {
      return JSON.parse(hit) as T;
    } catch {
      // A corrupt entry is ignored and replaced.
    }
  }
  const value = await load();
  await c.set(fullKey, JSON.stringify(value), ttlMs).catch(() => undefined);
  return value;
}

export async function invalidateCatalog(shop: string): Promise<void> {
  await cache().delPrefix(prefix(shop));
  log({ shop }).info("catalog cache invalidated");
}
