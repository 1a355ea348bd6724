/**
 * Shopify global ids (`gid://shopify/ProductVariant/123`). The Admin API takes and returns GIDs; WhatsApp
 * catalogs, REST webhooks and humans use the numeric "legacy" id.
 */
export type ShopifyResource =
  "Product" | "ProductVariant" | "Collection" | "Order" | "DraftOrder" | "Customer";

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

export function parseGid(value: string): { resource: string; id: string } | null {
  const match = GID.exec(value.trim());
  return match ? { resource: match[1], id: match[2] } : null;
}

/** Accepts a GID of `resource` or a numeric id and returns the GID; anything else throws. */
export function toGid(resource: ShopifyResource, value: string | number): string {
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return `gid://shopify/${resource}/${text}`;
  const parsed = parseGid(text);
  if (parsed && parsed.resource === resource) return `gid://shopify/${resource}/${parsed.id}`;
  throw new TypeError(`Not a ${resource} id: ${JSON.stringify(value)}`);
}

/** Like `toGid`, but returns null instead of throwing. */
export function tryGid(resource: ShopifyResource, value: string | number): string | null {
  try {
    return toGid(resource, value);
  } catch {
    return null;
  }
}

export function legacyId(gid: string): string {
  const parsed = parseGid(gid);
  if (!parsed) throw new TypeError(`Not a Shopify GID: ${JSON.stringify(gid)}`);
  return parsed.id;
}
