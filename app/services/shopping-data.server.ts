import { createDraftOrderCheckout } from "~/adapters/shopify/checkout";
import {
  findVariantsForRetailerIds,
  getProduct,
  getVariants,
  listCollectionProducts,
  listCollections,
  searchProducts,
  toCartLine,
  type CatalogVariantWithProduct,
} from "~/adapters/shopify/catalog";
import { isShopifyAdminError, type AdminClient } from "~/adapters/shopify/admin-client";
import { recentOrdersByPhone } from "~/adapters/shopify/orders";
import type { CartChange, DataRequest, DataResultEvent } from "~/domain/conversation";
import type { CartLine } from "~/domain/types";
import { cachedCatalog } from "./catalog-cache.server";

export const PRODUCTS_PER_PAGE = 9;

/** Compares the cart with the store's current variants (pure). */
export function reconcileCart(
  lines: CartLine[],
  variants: Map<string, CatalogVariantWithProduct>,
): { lines: CartLine[]; changes: CartChange[] } {
  const result: CartLine[] = [];
  const changes: CartChange[] = [];
  for (const line of lines) {
    const variant = variants.get(line.variantId);
    const title = `${line.productTitle}${line.variantTitle && line.variantTitle !== "Default Title" ? ` (${line.variantTitle})` : ""}`;
    if (!variant) {
      changes.push({ variantId: line.variantId, kind: "removed", title });
      continue;
    }
    if (!variant.availableForSale) {
      changes.push({ variantId: line.variantId, kind: "out_of_stock", title });
      continue;
    }
    let quantity = line.quantity;
    const stock = variant.inventoryQuantity;
    if (typeof stock === "number" && stock > 0 && stock < quantity) {
      changes.push({
        variantId: line.variantId,
        kind: "quantity_reduced",
        title,
        previousQuantity: quantity,
        newQuantity: stock,
      });
      quantity = stock;
    }
    if (
      variant.price.amount !== line.unitPrice.amount ||
      variant.price.currencyCode !== line.unitPrice.currencyCode
    ) {
      changes.push({
        variantId: line.variantId,
        kind: "price_changed",
        title,
        previousPrice: line.unitPrice,
        newPrice: variant.price,
      });
    }
    result.push({ ...line, quantity, unitPrice: variant.price });
  }
  return { lines: result, changes };
}

/**
 * Answers the engine's data requests from the Admin API. Every failure becomes a result event the engine
 * words for the shopper (a throttled checkout says "try again"; the cart survives).
 */
export async function answerDataRequest(
  client: AdminClient,
  request: DataRequest,
  /** `sandbox`: the conversation is a "Test your bot" one (ADR 009); its checkouts are tagged as tests. */
  context: { phone: string; conversationId: string; sandbox?: boolean },
): Promise<DataResultEvent> {
  const shop = client.shop;
  try {
    switch (request.type) {
      case "loadCollections": {
        const page = await cachedCatalog(shop, "collections", () =>
          listCollections(client, { pageSize: 50 }),
        );
        return { type: "collectionsLoaded", collections: page.collections };
      }
      case "loadProducts": {
        const page = await cachedCatalog(
          shop,
          `products:${request.collectionId}:${request.cursor ?? ""}`,
          () =>
            listCollectionProducts(client, request.collectionId, {
              after: request.cursor,
              pageSize: PRODUCTS_PER_PAGE,
            }),
        );
        return {
          type: "productsLoaded",
          collectionId: request.collectionId,
          page,
          pageIndex: request.pageIndex,
        };
      }
      case "search": {
        const query = request.query.trim().toLowerCase().slice(0, 200);
        const page = await cachedCatalog(shop, `search:${query}`, () =>
          searchProducts(client, request.query, { first: PRODUCTS_PER_PAGE }),
        );
        return { type: "searchResults", query: request.query, products: page.products };
      }
      case "loadProduct": {
        const product = await cachedCatalog(shop, `product:${request.productId}`, () =>
          getProduct(client, request.productId),
        );
        return { type: "productLoaded", product, productId: request.productId };
      }
      case "loadOrders":
        return { type: "ordersLoaded", orders: await recentOrdersByPhone(client, context.phone) };
      case "validateCart": {
        const variants = await getVariants(
          client,
          request.lines.map((l) => l.variantId),
        );
        const byId = new Map(variants.map((v) => [v.id, v]));
        return { type: "cartValidated", ...reconcileCart(request.lines, byId) };
      }
      case "createCheckout": {
        const checkout = await createDraftOrderCheckout(client, {
          lines: request.lines,
          phone: context.phone,
          conversationId: context.conversationId,
          test: context.sandbox,
        });
        return {
          type: "checkoutCreated",
          invoiceUrl: checkout.invoiceUrl,
          draftOrderId: checkout.draftOrderId,
        };
      }
      case "matchCatalogOrder": {
        const matches = await findVariantsForRetailerIds(
          client,
          request.items.map((i) => i.productRetailerId),
        );
        const byRetailerId = new Map(matches.map((m) => [m.retailerId, m.variant]));
        const lines: CartLine[] = [];
        const unmatched: { productRetailerId: string; quantity?: number }[] = [];
        for (const item of request.items) {
          const variant = byRetailerId.get(item.productRetailerId.trim());
          if (variant && variant.availableForSale)
            lines.push(toCartLine(variant, Math.max(1, Math.min(99, item.quantity))));
          else unmatched.push({ productRetailerId: item.productRetailerId, quantity: item.quantity });
        }
        return { type: "orderMatched", lines, unmatched };
      }
    }
  } catch (error) {
    if (request.type === "createCheckout") {
      const throttled =
        isShopifyAdminError(error) && (error.kind === "throttled" || error.kind === "unavailable");
      return { type: "checkoutFailed", reason: throttled ? "throttled" : "error" };
    }
    return { type: "dataFailed", request };
  }
}
