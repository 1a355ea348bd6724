/**
 * What the model is told about the catalog, the cart and orders: compact JSON built by the app from the same
 * data the shopper is shown, with prices formatted by the app (`formatMoney`). These texts are also the grounding
 * sources: a price the model writes must appear here. Pure.
 */
import type { CartLine, CatalogProduct, Language, OrderSummary } from "../types";
import type { CartChange } from "../conversation/contract";
import { formatCartTotal, formatLineTotal, formatMoney } from "../conversation/money";
import { parseAction } from "../conversation/ids";
import type { ConversationState } from "../conversation/state";
import { htmlToPlainText } from "../conversation/text";
import { fitWords } from "../conversation/limits";
import type { TurnContext } from "./prompt";

const MAX_VARIANTS = 12;

export function productFacts(product: CatalogProduct, lang: Language, currency: string, detail = false) {
  const variants = product.variants.slice(0, MAX_VARIANTS).map((v) => ({
    variant_id: v.id,
    title: v.title,
    price: formatMoney(v.price, lang, currency),
    available: v.availableForSale,
  }));
  const description = detail
    ? fitWords(
        product.description?.trim() ? product.description : htmlToPlainText(product.descriptionHtml ?? ""),
        400,
      )
    : undefined;
  return {
    product_id: product.id,
    title: product.title,
    price_from: formatMoney(product.priceRange.min, lang, currency),
    available: product.availableForSale && product.variants.some((v) => v.availableForSale),
    ...(description ? { description } : {}),
    options: variants,
    ...(product.variants.length > MAX_VARIANTS
      ? { more_options: product.variants.length - MAX_VARIANTS }
      : {}),
  };
}

export function cartFacts(cart: readonly CartLine[], lang: Language, currency: string) {
  return {
    lines: cart.slice(0, 20).map((l) => ({
      product_id: l.productId,
      variant_id: l.variantId,
      title: l.productTitle,
      option: l.variantTitle,
      quantity: l.quantity,
      line_total: formatLineTotal(l, lang, currency),
    })),
    ...(cart.length > 20 ? { more_lines: cart.length - 20 } : {}),
    total: formatCartTotal(cart, lang, currency),
    items: cart.reduce((n, l) => n + l.quantity, 0),
  };
}

export function changeFacts(changes: readonly CartChange[], lang: Language, currency: string) {
  return changes.slice(0, 10).map((c) => ({
    variant_id: c.variantId,
    change: c.kind,
    ...(c.title ? { title: c.title } : {}),
    ...(c.newPrice ? { new_price: formatMoney(c.newPrice, lang, currency) } : {}),
    ...(c.newQuantity !== undefined ? { new_quantity: c.newQuantity } : {}),
  }));
}

export function orderFacts(orders: readonly OrderSummary[], lang: Language, currency: string) {
  return [...orders]
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
    .slice(0, 5)
    .map((o) => ({
      order: o.name,
      placed: o.createdAt.slice(0, 10),
      payment: o.financialStatus,
      delivery: o.fulfillmentStatus ?? "unfulfilled",
      total: formatMoney(o.total, lang, currency),
      tracking: o.trackingUrls.length > 0,
    }));
}

/** Where the shopper is: cart (no prices), the product open, the products of the last list. */
export function turnContext(state: ConversationState): TurnContext {
  const listed: TurnContext["listed"] = [];
  const prompt = state.lastPrompt;
  const rows = prompt
    ? prompt.kind === "list"
      ? prompt.sections.flatMap((s) => s.rows)
      : prompt.buttons
    : [];
  rows.forEach((row, i) => {
    const action = parseAction(row.id);
    if (action?.kind === "product")
      listed.push({ number: i + 1, product_id: action.id, title: row.title.replace(/^\d{1,2}\.\s*/, "") });
  });
  return {
    cart: state.cart.slice(0, 20).map((l) => ({
      title:
        l.variantTitle && !/^default title$/i.test(l.variantTitle)
          ? `${l.productTitle} (${l.variantTitle})`
          : l.productTitle,
      quantity: l.quantity,
    })),
    product: state.product
      ? {
          product_id: state.product.id,
          title: state.product.title,
          options: state.product.variants
            .slice(0, MAX_VARIANTS)
            .map((v) => ({ variant_id: v.id, title: v.title })),
        }
      : null,
    listed,
  };
}

/** JSON for a tool message, bounded in size. */
export function toolContent(value: unknown, maxChars = 6000): string {
  const json = JSON.stringify(value);
  return json.length <= maxChars ? json : JSON.stringify({ truncated: true, data: json.slice(0, maxChars) });
}
