/**
 * The shared contract of the pure domain. Adapters convert WhatsApp payloads into `InboundEvent`s and
 * `OutboundMessage`s into Graph API requests; the engines (`transition`) only ever see these shapes.
 * Nothing here imports I/O.
 */

export type Language = "en" | "ar";

/** Money as a decimal string (as Shopify returns it) plus an ISO 4217 currency code. */
export interface Money {
  amount: string;
  currencyCode: string;
}

// ---------------------------------------------------------------------------------------------
// Inbound: what a shopper did, independent of the WhatsApp payload shape
// ---------------------------------------------------------------------------------------------

export type MediaKind = "image" | "video" | "audio" | "document" | "sticker";

export type InboundEvent =
  | { type: "text"; text: string }
  /** A tap on a reply button, a list row or a template quick-reply button. `id` is the payload we set. */
  | { type: "reply"; id: string; title: string }
  /** A WhatsApp catalog cart ("order" message). */
  | {
      type: "order";
      catalogId?: string;
      text?: string;
      items: { productRetailerId: string; quantity: number; itemPrice?: number; currency?: string }[];
    }
  | { type: "media"; kind: MediaKind; mediaId: string; caption?: string; mimeType?: string }
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { type: "contacts" }
  | { type: "reaction"; emoji?: string; messageId?: string }
  | { type: "unsupported"; reason?: string }
  /** Synthesised by the service when the conversation has been idle past the configured timeout. */
  | { type: "timeout" };

// ---------------------------------------------------------------------------------------------
// Outbound: what the bot wants to say; the WhatsApp adapter enforces the platform limits
// ---------------------------------------------------------------------------------------------

export interface ReplyButton {
  id: string;
  title: string;
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export interface ListSection {
  title?: string;
  rows: ListRow[];
}

export type TemplateParameter =
  | { type: "text"; text: string; parameterName?: string }
  | { type: "currency"; fallbackValue: string; code: string; amount1000: number }
  | { type: "date_time"; fallbackValue: string }
  | { type: "image"; link: string }
  | { type: "payload"; payload: string };

export interface TemplateComponent {
  type: "header" | "body" | "button";
  subType?: "quick_reply" | "url";
  index?: number;
  parameters: TemplateParameter[];
}

export type OutboundMessage =
  | { kind: "text"; body: string; previewUrl?: boolean }
  | { kind: "buttons"; body: string; header?: string; footer?: string; buttons: ReplyButton[] }
  | {
      kind: "list";
      body: string;
      header?: string;
      footer?: string;
      /** The label of the button that opens the list (≤ 20 chars). */
      buttonText: string;
      sections: ListSection[];
    }
  | { kind: "image"; link?: string; mediaId?: string; caption?: string }
  | { kind: "cta_url"; body: string; header?: string; footer?: string; displayText: string; url: string }
  | { kind: "template"; name: string; language: string; components: TemplateComponent[] }
  | { kind: "product"; catalogId: string; productRetailerId: string; body?: string; footer?: string }
  | {
      kind: "product_list";
      catalogId: string;
      header: string;
      body: string;
      footer?: string;
      sections: { title: string; productRetailerIds: string[] }[];
    };

// ---------------------------------------------------------------------------------------------
// Catalog data, as the Shopify adapter returns it and the engine renders it
// ---------------------------------------------------------------------------------------------

export interface CatalogCollection {
  id: string; // Shopify GID
  title: string;
  productsCount?: number;
}

export interface CatalogVariant {
  id: string; // gid://shopify/ProductVariant/…
  title: string;
  sku?: string | null;
  price: Money;
  availableForSale: boolean;
  inventoryQuantity?: number | null;
}

export interface CatalogProduct {
  id: string; // gid://shopify/Product/…
  title: string;
  handle?: string;
  descriptionHtml?: string;
  description?: string;
  imageUrl?: string | null;
  priceRange: { min: Money; max: Money };
  availableForSale: boolean;
  variants: CatalogVariant[];
}

export interface ProductPage {
  products: CatalogProduct[];
  /** Cursor for the next page, null when there is none. */
  nextCursor: string | null;
}

export interface OrderSummary {
  id: string;
  name: string; // "#1001"
  createdAt: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  total: Money;
  trackingUrls: string[];
  statusUrl?: string | null;
}

export interface CartLine {
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string;
  quantity: number;
  unitPrice: Money;
}
