/**
 * The engine's inputs and outputs besides its state: events (shopper input from `types.ts` plus the results of
 * the data requests the engine asked for), effects (plain data the service carries out) and the context.
 */
import type {
  CartLine,
  CatalogCollection,
  CatalogProduct,
  InboundEvent,
  Language,
  Money,
  OrderSummary,
  OutboundMessage,
  ProductPage,
} from "../types";

/** One item of a WhatsApp catalog order, as in `InboundEvent` "order". */
export type CatalogOrderItem = Extract<InboundEvent, { type: "order" }>["items"][number];

export type CartChangeKind = "removed" | "out_of_stock" | "price_changed" | "quantity_reduced";

/** What cart validation changed about one line (the engine words it for the shopper). */
export interface CartChange {
  variantId: string;
  kind: CartChangeKind;
  /** Shown when the line is no longer in the engine's cart; otherwise the cart's own title is used. */
  title?: string;
  previousPrice?: Money;
  newPrice?: Money;
  previousQuantity?: number;
  /** For "quantity_reduced": the quantity now in the cart. */
  newQuantity?: number;
}

export type HandoffReason = "requested" | "unhappy_feedback" | "error";

/** Effects that ask the service for data; each is answered by a result event (or `dataFailed`). */
export type DataRequest =
  | { type: "loadCollections" }
  | { type: "loadProducts"; collectionId: string; cursor: string | null; pageIndex: number }
  | { type: "search"; query: string }
  | { type: "loadProduct"; productId: string }
  | { type: "loadOrders" }
  | { type: "validateCart"; lines: CartLine[]; purpose: "show" | "checkout" }
  | { type: "createCheckout"; lines: CartLine[] }
  | { type: "matchCatalogOrder"; items: CatalogOrderItem[] };

export type Effect =
  | { type: "send"; message: OutboundMessage }
  | DataRequest
  | { type: "handoff"; reason: HandoffReason }
  /** Persist the contact's language (detected from script or chosen by the shopper). */
  | { type: "setLanguage"; language: Language };

/** Answers to the engine's data requests. Echo the request's keys (collectionId, pageIndex, query). */
export type DataResultEvent =
  | { type: "collectionsLoaded"; collections: CatalogCollection[] }
  | { type: "productsLoaded"; collectionId: string; page: ProductPage; pageIndex: number }
  | { type: "searchResults"; query: string; products: CatalogProduct[] }
  | { type: "productLoaded"; product: CatalogProduct | null; productId?: string }
  | { type: "ordersLoaded"; orders: OrderSummary[] }
  | { type: "cartValidated"; lines: CartLine[]; changes: CartChange[] }
  | { type: "checkoutCreated"; invoiceUrl: string; draftOrderId: string }
  | { type: "checkoutFailed"; reason: "throttled" | "error" }
  | {
      type: "orderMatched";
      lines: CartLine[];
      /** Catalog items that match no variant in the store (retailer id, and a title when one is known). */
      unmatched: { productRetailerId: string; title?: string; quantity?: number }[];
    }
  | { type: "dataFailed"; request: DataRequest };

/** Sent by the service when the merchant hands the conversation back to the bot. */
export type HandoffReleasedEvent = { type: "handoffReleased" };

export type EngineEvent = InboundEvent | DataResultEvent | HandoffReleasedEvent;

export interface EngineContext {
  /** The current time; the engine never reads a clock. */
  now: Date;
  shopName: string;
  /** The shop's currency (used when a price arrives without one). */
  currencyCode: string;
  /** The merchant's welcome text per language; opens the menu. */
  welcomeMessage?: { en?: string; ar?: string };
  /** Idle time after which the next shopper message starts fresh at the menu (the cart is kept). */
  idleTimeoutMs: number;
  /** The shopper's WhatsApp profile name. */
  contactName?: string;
  /** Language used until the shopper's own is detected or chosen. */
  defaultLanguage: Language;
}
