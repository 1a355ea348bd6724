/**
 * Message builders: every shopper-facing message the engine sends is built here, through the limit-enforcing
 * builders of `limits.ts`. Pure functions of (language, context, data).
 */
import type {
  CartLine,
  CatalogCollection,
  CatalogProduct,
  Language,
  OrderSummary,
  OutboundMessage,
} from "../types";
import { localeOf, t, type PlainKey } from "../i18n";
import type { CartChange, EngineContext } from "./contract";
import { encodeAction, encodable, type Action } from "./ids";
import {
  buttonsMessage,
  ctaUrlMessage,
  fit,
  fitWords,
  imageMessage,
  listMessage,
  textMessage,
  WA_LIMITS,
} from "./limits";
import { formatCartTotal, formatLineTotal, formatMoney, sameMoney } from "./money";
import type { Prompt, SelectedProduct } from "./state";
import { cleanInline, htmlToPlainText } from "./text";

export const PAGE_SIZE = 9;
export const CART_ROWS_PER_PAGE = 6;
export const DESCRIPTION_CHARS = 300;

export interface View {
  lang: Language;
  ctx: EngineContext;
}

type Row = { id: string; title: string; description?: string };
type Button = { id: string; title: string };

const btn = (v: View, action: Action, key: PlainKey): Button => ({
  id: encodeAction(action),
  title: t(v.lang, key),
});

/** Prefixes row titles with their number, the number a shopper can type to pick the row. */
function numbered(rows: Row[]): Row[] {
  return rows.map((r, i) => ({ ...r, title: `${i + 1}. ${cleanInline(r.title) || "…"}` }));
}

/** A row title without the number prefix we add. */
export function rowLabel(title: string): string {
  return title.replace(/^\d{1,2}\.\s*/, "");
}

function asPrompt(message: OutboundMessage): Prompt {
  return message as Prompt;
}

/** Puts `note` above a prompt's body, keeping the note whole and shortening the original body if needed. */
export function withNote(prompt: Prompt, note: string | undefined): Prompt {
  if (!note) return prompt;
  const room = WA_LIMITS.interactiveBody - note.length - 2;
  if (room < 20) return { ...prompt, body: fit(note, WA_LIMITS.interactiveBody) };
  return { ...prompt, body: `${note}\n\n${fit(prompt.body, room)}` };
}

/** The ids of a prompt's choices, in the order they are numbered. */
export function promptChoices(prompt: Prompt | null): { id: string; title: string }[] {
  if (!prompt) return [];
  return prompt.kind === "list" ? prompt.sections.flatMap((s) => s.rows) : prompt.buttons;
}

// -------------------------------------------------------------------------------------------------
// Labels
// -------------------------------------------------------------------------------------------------

const DEFAULT_VARIANT = /^default title$/i;

export function variantLabel(productTitle: string, variantTitle: string): string {
  const v = cleanInline(variantTitle);
  return v && !DEFAULT_VARIANT.test(v) ? `${cleanInline(productTitle)} (${v})` : cleanInline(productTitle);
}

export function lineLabel(line: CartLine): string {
  return variantLabel(line.productTitle, line.variantTitle);
}

function priceOf(v: View, product: CatalogProduct): string {
  const { min, max } = product.priceRange;
  const low = formatMoney(min, v.lang, v.ctx.currencyCode);
  return sameMoney(min, max) ? low : t(v.lang, "prod.from", { price: low });
}

function isAvailable(product: CatalogProduct): boolean {
  return product.availableForSale && product.variants.some((x) => x.availableForSale);
}

function availability(v: View, product: CatalogProduct): string {
  if (!isAvailable(product)) return t(v.lang, "prod.soldOut");
  const available = product.variants.filter((x) => x.availableForSale);
  const counts = available.map((x) => x.inventoryQuantity);
  if (counts.every((c): c is number => typeof c === "number" && c > 0)) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total <= 5) return t(v.lang, "prod.onlyLeft", { count: total });
  }
  return t(v.lang, "prod.inStock");
}

export function productDescription(product: CatalogProduct): string {
  const plain = product.description?.trim()
    ? cleanInline(htmlToPlainText(product.description))
    : htmlToPlainText(product.descriptionHtml ?? "");
  return fitWords(plain, DESCRIPTION_CHARS);
}

// -------------------------------------------------------------------------------------------------
// Menu
// -------------------------------------------------------------------------------------------------

export function menuPrompt(v: View, cart: readonly CartLine[]): Prompt {
  const custom = v.ctx.welcomeMessage?.[v.lang]?.trim();
  const shop = cleanInline(v.ctx.shopName) || "…";
  const name = v.ctx.contactName ? fitWords(cleanInline(v.ctx.contactName), 40) : "";
  const welcome =
    custom || (name ? t(v.lang, "menu.welcomeNamed", { name, shop }) : t(v.lang, "menu.welcome", { shop }));
  const items = cart.reduce((n, l) => n + l.quantity, 0);
  const body =
    items > 0 ? `${fit(welcome, 900)}\n\n${t(v.lang, "menu.cartNote", { count: items })}` : welcome;
  const other: Language = v.lang === "en" ? "ar" : "en";
  const rows: Row[] = [
    {
      id: encodeAction({ kind: "menu", item: "browse" }),
      title: t(v.lang, "menu.browse"),
      description: t(v.lang, "menu.browseDesc"),
    },
    {
      id: encodeAction({ kind: "menu", item: "search" }),
      title: t(v.lang, "menu.search"),
      description: t(v.lang, "menu.searchDesc"),
    },
    {
      id: encodeAction({ kind: "menu", item: "cart" }),
      title: t(v.lang, "menu.cart"),
      description: t(v.lang, "menu.cartDesc"),
    },
    {
      id: encodeAction({ kind: "menu", item: "orders" }),
      title: t(v.lang, "menu.orders"),
      description: t(v.lang, "menu.ordersDesc"),
    },
    {
      id: encodeAction({ kind: "menu", item: "human" }),
      title: t(v.lang, "menu.human"),
      description: t(v.lang, "menu.humanDesc"),
    },
    {
      id: encodeAction({ kind: "lang", language: other }),
      title: t(v.lang, "menu.switchLanguage"),
      description: t(v.lang, "menu.switchLanguageDesc"),
    },
  ];
  return asPrompt(
    listMessage({
      header: shop,
      body,
      footer: t(v.lang, "footer.tapOrType"),
      buttonText: t(v.lang, "menu.button"),
      rows: numbered(rows),
    }),
  );
}

/** A short fallback prompt: Browse / Search / Menu. */
export function shopButtons(v: View, body: string): Prompt {
  return asPrompt(
    buttonsMessage({
      body,
      buttons: [
        btn(v, { kind: "menu", item: "browse" }, "btn.browse"),
        btn(v, { kind: "menu", item: "search" }, "btn.search"),
        btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
      ],
    }),
  );
}

// -------------------------------------------------------------------------------------------------
// Browsing
// -------------------------------------------------------------------------------------------------

export function collectionsPrompt(v: View, collections: CatalogCollection[], page: number): Prompt {
  const usable = collections.filter((c) => encodable({ kind: "collection", id: c.id }));
  const slice = usable.slice(page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE);
  const rows: Row[] = slice.map((c) => ({
    id: encodeAction({ kind: "collection", id: c.id }),
    title: c.title,
    ...(typeof c.productsCount === "number"
      ? { description: t(v.lang, "col.count", { count: c.productsCount }) }
      : {}),
  }));
  if (usable.length > (page + 1) * PAGE_SIZE)
    rows.push({
      id: encodeAction({ kind: "more", list: "col", page: page + 1 }),
      title: t(v.lang, "col.more"),
      description: t(v.lang, "more.desc"),
    });
  return asPrompt(
    listMessage({
      header: t(v.lang, "col.header"),
      body: t(v.lang, "col.body"),
      footer: t(v.lang, "footer.nav"),
      buttonText: t(v.lang, "btn.choose"),
      rows: numbered(rows),
    }),
  );
}

function productRows(v: View, products: CatalogProduct[]): Row[] {
  const seen = new Set<string>();
  return products
    .filter((p) => encodable({ kind: "product", id: p.id }) && !seen.has(p.id) && seen.add(p.id))
    .slice(0, PAGE_SIZE)
    .map((p) => ({
      id: encodeAction({ kind: "product", id: p.id }),
      title: p.title,
      description: isAvailable(p) ? priceOf(v, p) : `${priceOf(v, p)} · ${t(v.lang, "prod.soldOut")}`,
    }));
}

export function productsPrompt(
  v: View,
  products: CatalogProduct[],
  opts: { collectionTitle: string | null; pageIndex: number; hasMore: boolean },
): Prompt {
  const rows = productRows(v, products);
  if (opts.hasMore)
    rows.push({
      id: encodeAction({ kind: "more", list: "prod", page: opts.pageIndex + 1 }),
      title: t(v.lang, "prod.more"),
      description: t(v.lang, "more.desc"),
    });
  return asPrompt(
    listMessage({
      ...(opts.collectionTitle ? { header: opts.collectionTitle } : {}),
      body: opts.collectionTitle
        ? t(v.lang, "prod.body", { collection: opts.collectionTitle })
        : t(v.lang, "prod.bodyPlain"),
      footer:
        opts.pageIndex > 0
          ? t(v.lang, "prod.pageFooter", { page: opts.pageIndex + 1 })
          : t(v.lang, "footer.nav"),
      buttonText: t(v.lang, "btn.choose"),
      rows: numbered(rows),
    }),
  );
}

/** The product detail: an image with a caption (or a text when there is no usable image). */
export function productDetail(v: View, product: CatalogProduct): OutboundMessage {
  const parts = [`*${cleanInline(product.title)}*`, priceOf(v, product), availability(v, product)];
  const description = productDescription(product);
  const caption = description ? `${parts.join("\n")}\n\n${description}` : parts.join("\n");
  const image = product.imageUrl?.trim();
  return image && /^https:\/\//i.test(image) && image.length <= 2000
    ? imageMessage(image, caption)
    : textMessage(caption);
}

export function toSelectedProduct(product: CatalogProduct): SelectedProduct {
  return {
    id: product.id,
    title: fit(cleanInline(product.title), 150),
    variants: product.variants
      .filter((x) => x.availableForSale && encodable({ kind: "variant", id: x.id }))
      .slice(0, 50)
      .map((x) => ({ id: x.id, title: fit(cleanInline(x.title), 100), price: x.price })),
  };
}

export function variantsPrompt(v: View, product: SelectedProduct, page: number): Prompt {
  const slice = product.variants.slice(page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE);
  const rows: Row[] = slice.map((x) => ({
    id: encodeAction({ kind: "variant", id: x.id }),
    title: DEFAULT_VARIANT.test(x.title) || !x.title ? product.title : x.title,
    description: formatMoney(x.price, v.lang, v.ctx.currencyCode),
  }));
  if (product.variants.length > (page + 1) * PAGE_SIZE)
    rows.push({
      id: encodeAction({ kind: "more", list: "var", page: page + 1 }),
      title: t(v.lang, "var.more"),
      description: t(v.lang, "more.desc"),
    });
  return asPrompt(
    listMessage({
      body: t(v.lang, "var.body", { title: fit(product.title, 200) }),
      footer: t(v.lang, "footer.nav"),
      buttonText: t(v.lang, "btn.choose"),
      rows: numbered(rows),
    }),
  );
}

export function quantityPrompt(
  v: View,
  product: SelectedProduct,
  variant: SelectedProduct["variants"][number],
): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "qty.body", {
        title: fit(variantLabel(product.title, variant.title), 200),
        price: formatMoney(variant.price, v.lang, v.ctx.currencyCode),
      }),
      footer: t(v.lang, "footer.qty"),
      buttons: [1, 2, 3].map((q) => ({ id: encodeAction({ kind: "qty", quantity: q }), title: String(q) })),
    }),
  );
}

/** "Sorry, X is sold out" (or, without a title, "no longer available") with ways to carry on. */
export function soldOutPrompt(v: View, title: string | null): Prompt {
  return asPrompt(
    buttonsMessage({
      body: title ? t(v.lang, "prod.soldOutBody", { title: fit(title, 200) }) : t(v.lang, "prod.unavailable"),
      buttons: [
        btn(v, { kind: "nav", to: "shop" }, "btn.keepShopping"),
        btn(v, { kind: "menu", item: "search" }, "btn.search"),
        btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
      ],
    }),
  );
}

// -------------------------------------------------------------------------------------------------
// Search
// -------------------------------------------------------------------------------------------------

export function searchPrompt(v: View): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "search.prompt"),
      buttons: [
        btn(v, { kind: "menu", item: "browse" }, "btn.browse"),
        btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
      ],
    }),
  );
}

export function searchResultsPrompt(v: View, query: string, products: CatalogProduct[]): Prompt {
  const rows = productRows(v, products);
  rows.push({
    id: encodeAction({ kind: "searchNew" }),
    title: t(v.lang, "search.rowNew"),
    description: t(v.lang, "search.rowNewDesc"),
  });
  return asPrompt(
    listMessage({
      body: t(v.lang, "search.results", { query: fit(query, 100) }),
      footer: t(v.lang, "footer.nav"),
      buttonText: t(v.lang, "btn.choose"),
      rows: numbered(rows),
    }),
  );
}

export function noResultsPrompt(v: View, query: string): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "search.none", { query: fit(query, 100) }),
      buttons: [
        btn(v, { kind: "searchNew" }, "btn.searchAgain"),
        btn(v, { kind: "menu", item: "browse" }, "btn.browse"),
        btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
      ],
    }),
  );
}

// -------------------------------------------------------------------------------------------------
// Cart
// -------------------------------------------------------------------------------------------------

/** "🛒 Your cart / • lines / Total", shortened to fit `budget` characters with "…and N more". */
export function cartSummary(v: View, cart: readonly CartLine[], budget: number, withTitle = true): string {
  const total = t(v.lang, "cart.total", { total: formatCartTotal(cart, v.lang, v.ctx.currencyCode) });
  const head = withTitle ? t(v.lang, "cart.title") : "";
  const lines = cart.map((l) =>
    t(v.lang, "cart.line", {
      title: fit(lineLabel(l), 80),
      qty: l.quantity,
      amount: formatLineTotal(l, v.lang, v.ctx.currencyCode),
    }),
  );
  const reserve = head.length + total.length + 40;
  const shown: string[] = [];
  let used = reserve;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    shown.push(line);
    used += line.length + 1;
  }
  if (shown.length < lines.length)
    shown.push(t(v.lang, "cart.moreLines", { count: lines.length - shown.length }));
  return [head, shown.join("\n"), total].filter(Boolean).join("\n\n");
}

/** "Your cart is empty" (or `body`, which should say so) with Browse / Search / Menu. */
export function emptyCartPrompt(v: View, body?: string): Prompt {
  return shopButtons(v, body || t(v.lang, "cart.empty"));
}

export function cartPages(cart: readonly CartLine[]): number {
  return cart.length <= CART_ROWS_PER_PAGE + 1 ? 1 : Math.ceil(cart.length / CART_ROWS_PER_PAGE);
}

/** The cart with its actions: Checkout, one row per line (to change or remove it), More, Empty cart, Keep shopping. */
export function cartPrompt(v: View, cart: readonly CartLine[], page: number, notes: string[] = []): Prompt {
  if (cart.length === 0) return emptyCartPrompt(v, [...notes, t(v.lang, "cart.empty")].join("\n\n"));
  const noteText = fit(notes.join("\n"), 500);
  const budget = WA_LIMITS.interactiveBody - (noteText ? noteText.length + 2 : 0);
  const summary = cartSummary(v, cart, budget);
  const body = noteText ? `${noteText}\n\n${summary}` : summary;

  // Up to 7 lines fit beside the three fixed rows; more than that pages 6 at a time with a "More items" row.
  const paged = cart.length > CART_ROWS_PER_PAGE + 1;
  const pages = cartPages(cart);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const lines = paged
    ? cart.slice(p * CART_ROWS_PER_PAGE, p * CART_ROWS_PER_PAGE + CART_ROWS_PER_PAGE)
    : cart;
  const rows: Row[] = [
    {
      id: encodeAction({ kind: "checkout" }),
      title: t(v.lang, "cart.rowCheckout"),
      description: t(v.lang, "cart.rowCheckoutDesc"),
    },
    ...lines.map((l) => ({
      id: encodeAction({ kind: "cartLine", variantId: l.variantId }),
      title: lineLabel(l),
      description: t(v.lang, "cart.rowEditDesc", {
        qty: l.quantity,
        amount: formatLineTotal(l, v.lang, v.ctx.currencyCode),
      }),
    })),
  ];
  if (paged)
    rows.push({
      id: encodeAction({ kind: "more", list: "cart", page: (p + 1) % pages }),
      title: t(v.lang, "cart.rowMore"),
      description: t(v.lang, "more.desc"),
    });
  rows.push(
    {
      id: encodeAction({ kind: "cartClear" }),
      title: t(v.lang, "cart.rowClear"),
      description: t(v.lang, "cart.rowClearDesc"),
    },
    {
      id: encodeAction({ kind: "nav", to: "shop" }),
      title: t(v.lang, "cart.rowShop"),
      description: t(v.lang, "cart.rowShopDesc"),
    },
  );
  return asPrompt(
    listMessage({
      body,
      footer: t(v.lang, "footer.tapOrType"),
      buttonText: t(v.lang, "cart.button"),
      rows: numbered(rows),
    }),
  );
}

export function addedPrompt(
  v: View,
  line: CartLine,
  added: number,
  cart: readonly CartLine[],
  notes: string[],
): Prompt {
  const body = [
    t(v.lang, "cart.added", { qty: added, title: fit(lineLabel(line), 200) }),
    ...notes,
    t(v.lang, "cart.total", { total: formatCartTotal(cart, v.lang, v.ctx.currencyCode) }),
  ].join("\n");
  return asPrompt(
    buttonsMessage({
      body,
      buttons: [
        btn(v, { kind: "checkout" }, "btn.checkout"),
        btn(v, { kind: "menu", item: "cart" }, "btn.viewCart"),
        btn(v, { kind: "nav", to: "shop" }, "btn.keepShopping"),
      ],
    }),
  );
}

export function cartLinePrompt(v: View, line: CartLine): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "cart.lineBody", {
        title: fit(lineLabel(line), 200),
        qty: line.quantity,
        amount: formatLineTotal(line, v.lang, v.ctx.currencyCode),
      }),
      buttons: [
        btn(v, { kind: "cartQty", variantId: line.variantId }, "btn.changeQty"),
        btn(v, { kind: "cartRemove", variantId: line.variantId }, "btn.remove"),
        btn(v, { kind: "menu", item: "cart" }, "btn.backToCart"),
      ],
    }),
  );
}

export function cartQuantityPrompt(v: View, line: CartLine): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "cart.setQtyBody", { title: fit(lineLabel(line), 200) }),
      buttons: [
        { id: encodeAction({ kind: "cartSet", variantId: line.variantId, quantity: 1 }), title: "1" },
        { id: encodeAction({ kind: "cartSet", variantId: line.variantId, quantity: 2 }), title: "2" },
        btn(v, { kind: "cartRemove", variantId: line.variantId }, "btn.remove"),
      ],
    }),
  );
}

export function clearConfirmPrompt(v: View): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "cart.clearConfirm"),
      buttons: [
        btn(v, { kind: "cartClearYes" }, "btn.clearYes"),
        btn(v, { kind: "menu", item: "cart" }, "btn.clearNo"),
      ],
    }),
  );
}

/** One sentence per validation change, using the cart's titles where the line is known. */
export function describeChanges(v: View, changes: CartChange[], before: readonly CartLine[]): string[] {
  return changes.slice(0, 10).map((c) => {
    const known = before.find((l) => l.variantId === c.variantId);
    const title = fit(
      known ? lineLabel(known) : cleanInline(c.title ?? "") || t(v.lang, "change.someItem"),
      80,
    );
    switch (c.kind) {
      case "removed":
        return t(v.lang, "change.removed", { title });
      case "out_of_stock":
        return t(v.lang, "change.out_of_stock", { title });
      case "quantity_reduced":
        return t(v.lang, "change.quantity_reduced", { title, qty: c.newQuantity ?? "?" });
      case "price_changed": {
        const to = c.newPrice ? formatMoney(c.newPrice, v.lang, v.ctx.currencyCode) : "?";
        const fromMoney = c.previousPrice ?? known?.unitPrice;
        return fromMoney
          ? t(v.lang, "change.price_changed", {
              title,
              from: formatMoney(fromMoney, v.lang, v.ctx.currencyCode),
              to,
            })
          : t(v.lang, "change.price_changedNow", { title, to });
      }
      default:
        return t(v.lang, "change.someItem");
    }
  });
}

export function changesNote(v: View, lines: string[]): string | undefined {
  return lines.length ? [t(v.lang, "change.header"), ...lines.map((l) => `• ${l}`)].join("\n") : undefined;
}

export function reviewPrompt(v: View, cart: readonly CartLine[], note: string | undefined): Prompt {
  const question = t(v.lang, "review.question");
  const head = [note, t(v.lang, "review.body")].filter(Boolean).join("\n\n");
  const budget = WA_LIMITS.interactiveBody - head.length - question.length - 4;
  const body = `${head}\n${cartSummary(v, cart, Math.max(budget, 200), false)}\n\n${question}`;
  return asPrompt(
    buttonsMessage({
      body,
      buttons: [
        btn(v, { kind: "checkoutConfirm" }, "btn.confirmPay"),
        btn(v, { kind: "menu", item: "cart" }, "btn.editCart"),
        btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
      ],
    }),
  );
}

export function checkoutLinkMessage(v: View, cart: readonly CartLine[], url: string): OutboundMessage {
  const total = formatCartTotal(cart, v.lang, v.ctx.currencyCode);
  const tail = t(v.lang, "checkout.body", { total });
  const summary = cartSummary(v, cart, WA_LIMITS.interactiveBody - tail.length - 4, false);
  const lines = summary.split("\n\n")[0];
  return ctaUrlMessage({
    header: t(v.lang, "checkout.header"),
    body: `${lines}\n\n${tail}`,
    displayText: t(v.lang, "btn.payNow"),
    url,
  });
}

export function checkoutFailedPrompt(v: View, reason: "throttled" | "error"): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, reason === "throttled" ? "checkout.throttled" : "checkout.failed"),
      buttons: [
        btn(v, { kind: "checkout" }, "btn.tryAgain"),
        btn(v, { kind: "menu", item: "cart" }, "btn.viewCart"),
        btn(v, { kind: "menu", item: "human" }, "btn.human"),
      ],
    }),
  );
}

// -------------------------------------------------------------------------------------------------
// Orders, errors
// -------------------------------------------------------------------------------------------------

const FINANCIAL = [
  "paid",
  "pending",
  "authorized",
  "partially_paid",
  "refunded",
  "partially_refunded",
  "voided",
  "expired",
] as const;
const FULFILMENT = [
  "fulfilled",
  "unfulfilled",
  "partially_fulfilled",
  "in_progress",
  "on_hold",
  "scheduled",
  "restocked",
] as const;

function statusLabel(
  v: View,
  prefix: "fin" | "ful",
  known: readonly string[],
  status: string | null,
): string {
  const key = (status ?? (prefix === "ful" ? "unfulfilled" : "unknown"))
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (known.includes(key) || key === "unknown") return t(v.lang, `${prefix}.${key}` as PlainKey);
  return fit(cleanInline(key.replace(/_/g, " ")), 40);
}

function formatDate(lang: Language, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return fit(iso, 10);
  return new Intl.DateTimeFormat(localeOf(lang), {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(d);
}

export const MAX_ORDERS_SHOWN = 5;

export function ordersMessage(v: View, orders: OrderSummary[]): OutboundMessage {
  const recent = [...orders]
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .slice(0, MAX_ORDERS_SHOWN);
  const blocks = recent.map((o) => {
    const lines = [
      t(v.lang, "orders.line", {
        name: fit(cleanInline(o.name), 30),
        date: formatDate(v.lang, o.createdAt),
        total: formatMoney(o.total, v.lang, v.ctx.currencyCode),
      }),
      `${t(v.lang, "orders.payment", { status: statusLabel(v, "fin", FINANCIAL, o.financialStatus) })} · ${t(v.lang, "orders.delivery", { status: statusLabel(v, "ful", FULFILMENT, o.fulfillmentStatus) })}`,
      ...o.trackingUrls
        .filter((u) => /^https?:\/\//i.test(u))
        .slice(0, 3)
        .map((url) => t(v.lang, "orders.track", { url: fit(url, 500) })),
    ];
    if (o.trackingUrls.length === 0 && o.statusUrl && /^https?:\/\//i.test(o.statusUrl))
      lines.push(t(v.lang, "orders.statusPage", { url: fit(o.statusUrl, 500) }));
    return lines.join("\n");
  });
  return textMessage([t(v.lang, "orders.title"), ...blocks].join("\n\n"));
}

export function afterOrdersPrompt(v: View): Prompt {
  return asPrompt(
    buttonsMessage({
      body: t(v.lang, "orders.next"),
      buttons: [
        btn(v, { kind: "menu", item: "browse" }, "btn.browse"),
        btn(v, { kind: "menu", item: "human" }, "btn.human"),
        btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
      ],
    }),
  );
}

export function noOrdersPrompt(v: View): Prompt {
  return shopButtons(v, t(v.lang, "orders.none"));
}

/** "Couldn't load that" with Try again (the id that repeats the request), Menu and Talk to a person. */
export function errorPrompt(v: View, retry: Action | null, key: PlainKey = "error.load"): Prompt {
  const buttons: Button[] = [];
  if (retry && encodable(retry)) buttons.push(btn(v, retry, "btn.tryAgain"));
  buttons.push(
    btn(v, { kind: "nav", to: "menu" }, "btn.menu"),
    btn(v, { kind: "menu", item: "human" }, "btn.human"),
  );
  return asPrompt(buttonsMessage({ body: t(v.lang, key), buttons }));
}
