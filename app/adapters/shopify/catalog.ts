/**
 * Catalog reads for the bot. Every function takes the Admin client first (QR-code sample app style) and
 * returns the domain's catalog types (`~/domain/types`); HTML is passed through as `descriptionHtml` for
 * the domain to strip.
 */
import type {
  CartLine,
  CatalogCollection,
  CatalogProduct,
  CatalogVariant,
  Money,
  ProductPage,
} from "~/domain/types";
import type { AdminClient } from "./admin-client";
import { tryGid } from "./ids";
import {
  COLLECTION_PRODUCTS,
  LIST_COLLECTIONS,
  PRODUCT_BY_ID,
  SEARCH_PRODUCTS,
  SHOP_INFO,
  VARIANTS_BY_IDS,
  VARIANTS_BY_SKU,
} from "./operations";
import { buildProductSearchQuery, buildSkuQuery } from "./search-query";

/** Shopify's own cap is 250; ours is 50 (query cost, and WhatsApp lists show 10 rows at most). */
export const MAX_PAGE_SIZE = 50;

export function clampFirst(n: number | undefined, fallback: number, max = MAX_PAGE_SIZE): number {
  const value = n === undefined || !Number.isFinite(n) ? fallback : Math.floor(n);
  return Math.min(Math.max(value, 1), max);
}

// ---------------------------------------------------------------------------------------------
// Response shapes (exactly what operations.ts selects)
// ---------------------------------------------------------------------------------------------

type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";

interface MoneyJson {
  amount: string;
  currencyCode: string;
}

interface ImageJson {
  featuredMedia: { preview: { image: { url: string } | null } | null } | null;
}

export interface VariantJson {
  id: string;
  title: string;
  sku: string | null;
  price: string;
  availableForSale: boolean;
  inventoryQuantity: number | null;
}

export interface ProductSummaryJson extends ImageJson {
  id: string;
  title: string;
  handle: string;
  status: ProductStatus;
  priceRangeV2: { minVariantPrice: MoneyJson; maxVariantPrice: MoneyJson };
  variants: { nodes: VariantJson[] };
}

export interface ProductDetailJson extends ProductSummaryJson {
  description: string;
  descriptionHtml: string;
}

export interface VariantWithProductJson extends VariantJson {
  product: ImageJson & { id: string; title: string; handle: string; status: ProductStatus };
}

interface PageInfoJson {
  hasNextPage: boolean;
  endCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Mapping (pure)
// ---------------------------------------------------------------------------------------------

/** ACTIVE products are listed; UNLISTED ones can still be bought by direct reference; the rest cannot. */
export function isSellableStatus(status: string): boolean {
  return status === "ACTIVE" || status === "UNLISTED";
}

export function imageUrlOf(node: ImageJson): string | null {
  return node.featuredMedia?.preview?.image?.url ?? null;
}

export function mapVariant(v: VariantJson, currencyCode: string, productSellable = true): CatalogVariant {
  return {
    id: v.id,
    title: v.title,
    sku: v.sku ?? null,
    price: { amount: v.price, currencyCode },
    availableForSale: productSellable && v.availableForSale,
    inventoryQuantity: v.inventoryQuantity ?? null,
  };
}

export function mapProduct(p: ProductSummaryJson | ProductDetailJson, currencyCode: string): CatalogProduct {
  const sellable = isSellableStatus(p.status);
  const variants = p.variants.nodes.map((v) => mapVariant(v, currencyCode, sellable));
  const product: CatalogProduct = {
    id: p.id,
    title: p.title,
    handle: p.handle,
    imageUrl: imageUrlOf(p),
    priceRange: { min: money(p.priceRangeV2.minVariantPrice), max: money(p.priceRangeV2.maxVariantPrice) },
    availableForSale: variants.some((v) => v.availableForSale),
    variants,
  };
  if ("descriptionHtml" in p) {
    product.descriptionHtml = p.descriptionHtml;
    product.description = p.description;
  }
  return product;
}

export interface CatalogVariantWithProduct extends CatalogVariant {
  productId: string;
  productTitle: string;
  productHandle?: string;
  imageUrl?: string | null;
}

export function mapVariantWithProduct(
  v: VariantWithProductJson,
  currencyCode: string,
): CatalogVariantWithProduct {
  return {
    ...mapVariant(v, currencyCode, isSellableStatus(v.product.status)),
    productId: v.product.id,
    productTitle: v.product.title,
    productHandle: v.product.handle,
    imageUrl: imageUrlOf(v.product),
  };
}

/** A cart line for a checked variant (its current price). */
export function toCartLine(variant: CatalogVariantWithProduct, quantity: number): CartLine {
  return {
    variantId: variant.id,
    productId: variant.productId,
    productTitle: variant.productTitle,
    variantTitle: variant.title,
    quantity,
    unitPrice: variant.price,
  };
}

function money(m: MoneyJson): Money {
  return { amount: m.amount, currencyCode: m.currencyCode };
}

function toPage(products: CatalogProduct[], pageInfo: PageInfoJson): ProductPage {
  return { products, nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null };
}

// ---------------------------------------------------------------------------------------------
// Collections and products
// ---------------------------------------------------------------------------------------------

export interface CollectionPage {
  collections: CatalogCollection[];
  nextCursor: string | null;
}

/**
 * Collections published to the online store, by title. Empty collections are left out (a shopper must never
 * open an empty list), so a page can hold fewer than `pageSize`.
 */
export async function listCollections(
  client: AdminClient,
  options: { after?: string | null; pageSize?: number } = {},
): Promise<CollectionPage> {
  const data = await client.request<{
    collections: {
      nodes: { id: string; title: string; productsCount: { count: number } | null }[];
      pageInfo: PageInfoJson;
    };
  }>(LIST_COLLECTIONS, { first: clampFirst(options.pageSize, 9), after: options.after ?? null });
  return {
    collections: data.collections.nodes
      .filter((c) => c.productsCount === null || c.productsCount.count > 0)
      .map((c) => ({
        id: c.id,
        title: c.title,
        ...(c.productsCount ? { productsCount: c.productsCount.count } : {}),
      })),
    nextCursor: data.collections.pageInfo.hasNextPage ? data.collections.pageInfo.endCursor : null,
  };
}

/**
 * One page of a collection, in the merchant's order. Only ACTIVE products are shown; an unknown (or malformed)
 * collection id gives an empty page.
 */
export async function listCollectionProducts(
  client: AdminClient,
  collectionId: string,
  options: { after?: string | null; pageSize?: number } = {},
): Promise<ProductPage> {
  const id = tryGid("Collection", collectionId);
  if (!id) return { products: [], nextCursor: null };
  const data = await client.request<{
    collection: { id: string; products: { nodes: ProductSummaryJson[]; pageInfo: PageInfoJson } } | null;
    shop: { currencyCode: string };
  }>(COLLECTION_PRODUCTS, {
    id,
    first: clampFirst(options.pageSize, 9),
    after: options.after ?? null,
  });
  if (!data.collection) return { products: [], nextCursor: null };
  const { nodes, pageInfo } = data.collection.products;
  return toPage(
    nodes.filter((p) => p.status === "ACTIVE").map((p) => mapProduct(p, data.shop.currencyCode)),
    pageInfo,
  );
}

/**
 * Free-text product search (titles and tags, prefix match per word, all words required). Shopper text is
 * sanitised by `buildProductSearchQuery`; text without a searchable word returns an empty page without a call.
 */
export async function searchProducts(
  client: AdminClient,
  text: string,
  options: { first?: number; after?: string | null } = {},
): Promise<ProductPage> {
  const query = buildProductSearchQuery(text);
  if (!query) return { products: [], nextCursor: null };
  const data = await client.request<{
    products: { nodes: ProductSummaryJson[]; pageInfo: PageInfoJson };
    shop: { currencyCode: string };
  }>(SEARCH_PRODUCTS, { query, first: clampFirst(options.first, 9), after: options.after ?? null });
  return toPage(
    data.products.nodes
      .filter((p) => p.status === "ACTIVE")
      .map((p) => mapProduct(p, data.shop.currencyCode)),
    data.products.pageInfo,
  );
}

/** One product with up to 50 variants; null when it does not exist (or the id is not a product id). */
export async function getProduct(client: AdminClient, id: string): Promise<CatalogProduct | null> {
  const gid = tryGid("Product", id);
  if (!gid) return null;
  const data = await client.request<{ product: ProductDetailJson | null; shop: { currencyCode: string } }>(
    PRODUCT_BY_ID,
    { id: gid },
  );
  return data.product ? mapProduct(data.product, data.shop.currencyCode) : null;
}

// ---------------------------------------------------------------------------------------------
// Variants
// ---------------------------------------------------------------------------------------------

const IDS_PER_CALL = 50;

/**
 * Current price and availability of variants (cart validation). Returns the variants found, in the order
 * of `ids`, without duplicates; unknown or deleted ones are simply missing. Accepts GIDs or numeric ids.
 */
export async function getVariants(
  client: AdminClient,
  ids: readonly string[],
): Promise<CatalogVariantWithProduct[]> {
  const gids = unique(ids.map((id) => tryGid("ProductVariant", id)).filter((g): g is string => g !== null));
  const found = new Map<string, CatalogVariantWithProduct>();
  for (const batch of chunk(gids, IDS_PER_CALL)) {
    const data = await client.request<{
      nodes: ((VariantWithProductJson & { __typename: string }) | { __typename: string } | null)[];
      shop: { currencyCode: string };
    }>(VARIANTS_BY_IDS, { ids: batch });
    for (const node of data.nodes) {
      if (node && node.__typename === "ProductVariant") {
        const variant = mapVariantWithProduct(node as VariantWithProductJson, data.shop.currencyCode);
        found.set(variant.id, variant);
      }
    }
  }
  return gids.map((g) => found.get(g)).filter((v): v is CatalogVariantWithProduct => v !== undefined);
}

const SKUS_PER_CALL = 20;

/** Variants whose SKU equals one of `skus` (trimmed, case-insensitive). Keyed by the SKU as given. */
export async function getVariantsBySku(
  client: AdminClient,
  skus: readonly string[],
): Promise<Map<string, CatalogVariantWithProduct>> {
  const wanted = unique(skus.map((s) => s.trim()).filter((s) => s.length > 0));
  const result = new Map<string, CatalogVariantWithProduct>();
  for (const batch of chunk(wanted, SKUS_PER_CALL)) {
    const data = await client.request<{
      productVariants: { nodes: VariantWithProductJson[] };
      shop: { currencyCode: string };
    }>(VARIANTS_BY_SKU, { query: buildSkuQuery(batch), first: MAX_PAGE_SIZE });
    for (const sku of batch) {
      const matches = data.productVariants.nodes
        .filter((v) => v.sku !== null && v.sku.trim().toLowerCase() === sku.toLowerCase())
        .map((v) => mapVariantWithProduct(v, data.shop.currencyCode));
      // Duplicate SKUs happen; prefer one that can be sold.
      const best = matches.find((v) => v.availableForSale) ?? matches[0];
      if (best) result.set(sku, best);
    }
  }
  return result;
}

export type RetailerIdKind = "variantId" | "sku";

/**
 * How a WhatsApp catalog `product_retailer_id` refers to a Shopify variant: a numeric variant id, a variant
 * GID, the Facebook & Instagram channel's `shopify_<COUNTRY>_<productId>_<variantId>`, or else a SKU.
 */
export function parseRetailerId(retailerId: string): { kind: RetailerIdKind; value: string } {
  const text = retailerId.trim();
  const channel = /^shopify_[a-z]{2}_\d+_(\d+)$/i.exec(text);
  if (channel) return { kind: "variantId", value: `gid://shopify/ProductVariant/${channel[1]}` };
  const gid = tryGid("ProductVariant", text);
  if (gid) return { kind: "variantId", value: gid };
  return { kind: "sku", value: text };
}

export interface RetailerIdMatch {
  retailerId: string;
  variant: CatalogVariantWithProduct | null;
}

/**
 * Resolves the items of a WhatsApp catalog order. One entry per distinct retailer id, in input order;
 * `variant` is null when nothing matches. A numeric id that is no variant id is tried as a SKU too.
 */
export async function findVariantsForRetailerIds(
  client: AdminClient,
  retailerIds: readonly string[],
): Promise<RetailerIdMatch[]> {
  const distinct = unique(retailerIds.map((r) => r.trim()).filter((r) => r.length > 0));
  const parsed = distinct.map((retailerId) => ({ retailerId, ...parseRetailerId(retailerId) }));

  const byId = new Map(
    (
      await getVariants(
        client,
        parsed.filter((p) => p.kind === "variantId").map((p) => p.value),
      )
    ).map((v) => [v.id, v]),
  );
  const skuCandidates = parsed
    .filter((p) => p.kind === "sku" || (/^\d+$/.test(p.retailerId) && !byId.has(p.value)))
    .map((p) => p.retailerId);
  const bySku = skuCandidates.length ? await getVariantsBySku(client, skuCandidates) : new Map();

  return parsed.map((p) => ({
    retailerId: p.retailerId,
    variant: (p.kind === "variantId" ? byId.get(p.value) : undefined) ?? bySku.get(p.retailerId) ?? null,
  }));
}

// ---------------------------------------------------------------------------------------------
// Shop
// ---------------------------------------------------------------------------------------------

export interface ShopInfo {
  name: string;
  currencyCode: string;
  myshopifyDomain: string;
  primaryDomainUrl: string;
}

export async function getShopInfo(client: AdminClient): Promise<ShopInfo> {
  const { shop } = await client.request<{
    shop: { name: string; currencyCode: string; myshopifyDomain: string; primaryDomain: { url: string } };
  }>(SHOP_INFO);
  return {
    name: shop.name,
    currencyCode: shop.currencyCode,
    myshopifyDomain: shop.myshopifyDomain,
    primaryDomainUrl: shop.primaryDomain.url,
  };
}

// ---------------------------------------------------------------------------------------------

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
