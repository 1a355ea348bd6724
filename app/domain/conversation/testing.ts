/**
 * Test support for the conversation engine: a fake shop that answers the engine's data requests the way the
 * service would, and a driver that runs a conversation through `transition`, checking every message against the
 * WhatsApp limits and every state against the schema. Used by the tests beside this file (and usable by the
 * service's tests); it has no I/O either.
 */
import type {
  CartLine,
  CatalogCollection,
  CatalogProduct,
  CatalogVariant,
  InboundEvent,
  OrderSummary,
  OutboundMessage,
  ProductPage,
} from "../types";
import type {
  CartChange,
  DataRequest,
  DataResultEvent,
  Effect,
  EngineContext,
  EngineEvent,
} from "./contract";
import { t } from "../i18n";
import { checkOutboundMessage } from "./limits";
import { transition } from "./machine";
import { ConversationStateSchema, initialState, type ConversationState } from "./state";

export const T0 = new Date("2025-06-01T10:00:00.000Z");

export function makeCtx(overrides: Partial<EngineContext> = {}): EngineContext {
  return {
    now: T0,
    shopName: "Hala Demo Store",
    currencyCode: "SAR",
    idleTimeoutMs: 30 * 60 * 1000,
    defaultLanguage: "en",
    ...overrides,
  };
}

const money = (amount: string) => ({ amount, currencyCode: "SAR" });

function variant(
  productNo: number,
  title: string,
  amount: string,
  available = true,
  inventory: number | null = 10,
): CatalogVariant {
  const index = ["S", "Small", "M", "Medium", "Large", "42", "43", "One size", "Default Title"].indexOf(
    title,
  );
  return {
    id: `gid://shopify/ProductVariant/${productNo}0${index >= 0 ? index : title.length}`,
    title,
    price: money(amount),
    availableForSale: available,
    inventoryQuantity: inventory,
  };
}

function product(
  no: number,
  title: string,
  variants: CatalogVariant[],
  extra: Partial<CatalogProduct> = {},
): CatalogProduct {
  const amounts = variants.map((v) => Number(v.price.amount));
  const min = variants[amounts.indexOf(Math.min(...amounts))]?.price ?? money("0");
  const max = variants[amounts.indexOf(Math.max(...amounts))]?.price ?? money("0");
  return {
    id: `gid://shopify/Product/${no}`,
    title,
    handle: title.toLowerCase().replace(/\s+/g, "-"),
    descriptionHtml: `<p>The <strong>${title}</strong> &amp; more.</p><ul><li>100% cotton</li><li>Made with care</li></ul>`,
    imageUrl: `https://cdn.shopify.com/s/files/${no}.jpg`,
    priceRange: { min, max },
    availableForSale: variants.some((v) => v.availableForSale),
    variants,
    ...extra,
  };
}

/** 20 shirts (S/M/L; #2 has one variant, #3 is sold out), 3 shoes (one with an Arabic title), 12 collections. */
export function demoCatalog() {
  const shirts: CatalogProduct[] = [];
  for (let i = 1; i <= 20; i++) {
    if (i === 2) shirts.push(product(100 + i, `Shirt ${i}`, [variant(100 + i, "Default Title", "59.00")]));
    else if (i === 3)
      shirts.push(
        product(100 + i, `Shirt ${i}`, [
          variant(100 + i, "S", "49.90", false),
          variant(100 + i, "M", "49.90", false),
        ]),
      );
    else
      shirts.push(
        product(100 + i, `Shirt ${i}`, [
          variant(100 + i, "Small", "49.90"),
          variant(100 + i, "Medium", "49.90"),
          variant(100 + i, "Large", "54.90", i % 2 === 0),
        ]),
      );
  }
  const shoes: CatalogProduct[] = [
    product(201, "Running Shoe", [variant(201, "42", "199.00"), variant(201, "43", "199.00")]),
    product(202, "حذاء رياضي", [variant(202, "Default Title", "149.50")], { imageUrl: null }),
    product(203, "Sandal", [variant(203, "One size", "79.99")]),
  ];
  const collections: CatalogCollection[] = [
    { id: "gid://shopify/Collection/1", title: "Shirts", productsCount: shirts.length },
    { id: "gid://shopify/Collection/2", title: "Shoes", productsCount: shoes.length },
  ];
  for (let i = 3; i <= 11; i++)
    collections.push({ id: `gid://shopify/Collection/${i}`, title: `Collection ${i}`, productsCount: 0 });
  collections.push({ id: "gid://shopify/Collection/12", title: "Empty", productsCount: 0 });
  const byCollection = new Map<string, CatalogProduct[]>([
    ["gid://shopify/Collection/1", shirts],
    ["gid://shopify/Collection/2", shoes],
  ]);
  return { collections, byCollection, products: [...shirts, ...shoes] };
}

export type Handler<E extends DataRequest["type"]> = (
  request: Extract<DataRequest, { type: E }>,
) => DataResultEvent;

/** Answers data requests from an in-memory catalog; override any answer per test. */
export class FakeShop {
  catalog = demoCatalog();
  orders: OrderSummary[] = [];
  /** Aliases so that Arabic queries find English-titled products. */
  aliases: Record<string, string[]> = { قميص: ["Shirt"], حذاء: ["Shoe", "حذاء"] };
  validate: (
    lines: CartLine[],
    purpose: "show" | "checkout",
  ) => { lines: CartLine[]; changes: CartChange[] } = (lines) => ({
    lines,
    changes: [],
  });
  checkout: (lines: CartLine[]) => DataResultEvent = () => ({
    type: "checkoutCreated",
    invoiceUrl: `https://hala-demo.myshopify.com/1234/invoices/inv${++this.checkouts}`,
    draftOrderId: `gid://shopify/DraftOrder/${this.checkouts}`,
  });
  checkouts = 0;
  /** Requests to fail with `dataFailed`. */
  failing = new Set<DataRequest["type"]>();
  requests: DataRequest[] = [];

  answer(request: DataRequest): DataResultEvent {
    this.requests.push(request);
    if (this.failing.has(request.type)) return { type: "dataFailed", request };
    switch (request.type) {
      case "loadCollections":
        return { type: "collectionsLoaded", collections: this.catalog.collections };
      case "loadProducts": {
        const all = this.catalog.byCollection.get(request.collectionId) ?? [];
        const start = request.cursor ? Number(request.cursor.replace("cursor-", "")) : 0;
        const products = all.slice(start, start + 9);
        const page: ProductPage = {
          products,
          nextCursor: start + 9 < all.length ? `cursor-${start + 9}` : null,
        };
        return {
          type: "productsLoaded",
          collectionId: request.collectionId,
          page,
          pageIndex: request.pageIndex,
        };
      }
      case "search": {
        const q = request.query.toLowerCase();
        const words = Object.hasOwn(this.aliases, request.query) ? this.aliases[request.query] : [];
        const products = this.catalog.products.filter(
          (p) => p.title.toLowerCase().includes(q) || words.some((w) => p.title.includes(w)),
        );
        return { type: "searchResults", query: request.query, products };
      }
      case "loadProduct":
        return {
          type: "productLoaded",
          product: this.catalog.products.find((p) => p.id === request.productId) ?? null,
        };
      case "loadOrders":
        return { type: "ordersLoaded", orders: this.orders };
      case "validateCart": {
        const { lines, changes } = this.validate(request.lines, request.purpose);
        return { type: "cartValidated", lines, changes };
      }
      case "createCheckout":
        return this.checkout(request.lines);
      case "matchCatalogOrder": {
        const lines: CartLine[] = [];
        const unmatched: { productRetailerId: string }[] = [];
        for (const item of request.items) {
          const p = this.catalog.products.find((x) =>
            x.variants.some((v) => v.id === item.productRetailerId),
          );
          const v = p?.variants.find((x) => x.id === item.productRetailerId);
          if (p && v)
            lines.push({
              variantId: v.id,
              productId: p.id,
              productTitle: p.title,
              variantTitle: v.title,
              quantity: item.quantity,
              unitPrice: v.price,
            });
          else unmatched.push({ productRetailerId: item.productRetailerId });
        }
        return { type: "orderMatched", lines, unmatched };
      }
    }
  }
}

export interface StepResult {
  /** Every effect of this step, data requests and their answers' effects included, in order. */
  effects: Effect[];
  /** The messages sent, in order. */
  sends: OutboundMessage[];
  /** The last message sent. */
  last: OutboundMessage | undefined;
}

/**
 * Runs a conversation: each `say`/`tap`/`event` call transitions the engine, answers its data requests through
 * the fake shop (as the service would) until none are left, and records everything. Throws on any WhatsApp limit
 * violation or invalid state, so every script doubles as a limits test.
 */
export class Driver {
  state: ConversationState;
  ctx: EngineContext;
  shop = new FakeShop();
  log: StepResult[] = [];
  /** When false, data requests are left unanswered (to test late or failed answers by hand). */
  autoAnswer = true;

  constructor(ctx: Partial<EngineContext> = {}, state: ConversationState = initialState()) {
    this.ctx = makeCtx(ctx);
    this.state = state;
  }

  advance(ms: number) {
    this.ctx = { ...this.ctx, now: new Date(this.ctx.now.getTime() + ms) };
  }

  event(event: EngineEvent): StepResult {
    const effects: Effect[] = [];
    const queue: EngineEvent[] = [event];
    let guard = 0;
    while (queue.length > 0) {
      if (++guard > 20) throw new Error("too many data round trips");
      const next = queue.shift()!;
      // Frozen: the engine must never mutate its input (a mutation throws, and shows up as the error reply below).
      const result = transition(deepFreeze(structuredClone(this.state)), next, this.ctx);
      ConversationStateSchema.parse(result.state);
      if (JSON.stringify(result.state).length > 64_000) throw new Error("state too large");
      this.state = result.state;
      for (const effect of result.effects) {
        effects.push(effect);
        if (effect.type === "send") {
          const visible = textOf(effect.message);
          if (visible.includes(t("en", "error.generic")) || visible.includes(t("ar", "error.generic")))
            throw new Error(`the engine hit its internal-error fallback on ${JSON.stringify(next)}`);
          const problems = checkOutboundMessage(effect.message);
          if (problems.length > 0)
            throw new Error(
              `WhatsApp limits broken: ${problems.join("; ")}\n${JSON.stringify(effect.message, null, 2)}`,
            );
        } else if (this.autoAnswer && isDataRequest(effect)) {
          queue.push(this.shop.answer(effect));
        }
      }
    }
    const sends = effects.flatMap((e) => (e.type === "send" ? [e.message] : []));
    const step = { effects, sends, last: sends[sends.length - 1] };
    this.log.push(step);
    return step;
  }

  say(text: string): StepResult {
    return this.event({ type: "text", text });
  }

  /**
   * Taps a button or row of the last interactive message: by id, by id prefix ("cart:qty:"), by a title fragment,
   * or by position (1-based).
   */
  tap(which: string | number): StepResult {
    const choices = choicesOf(this.lastInteractive());
    const choice =
      typeof which === "number"
        ? choices[which - 1]
        : (choices.find((c) => c.id === which) ??
          choices.find((c) => which.includes(":") && c.id.startsWith(which)) ??
          choices.find((c) => c.title.includes(which)));
    if (!choice) throw new Error(`no choice ${which} in ${JSON.stringify(choices)}`);
    return this.event({ type: "reply", id: choice.id, title: choice.title });
  }

  lastInteractive(): OutboundMessage | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const sends = this.log[i].sends;
      for (let j = sends.length - 1; j >= 0; j--)
        if (sends[j].kind === "list" || sends[j].kind === "buttons") return sends[j];
    }
    return undefined;
  }

  allSends(): OutboundMessage[] {
    return this.log.flatMap((s) => s.sends);
  }
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function isDataRequest(effect: Effect): effect is DataRequest {
  return !["send", "handoff", "setLanguage"].includes(effect.type);
}

export function choicesOf(
  message: OutboundMessage | undefined,
): { id: string; title: string; description?: string }[] {
  if (!message) return [];
  if (message.kind === "list") return message.sections.flatMap((s) => s.rows);
  if (message.kind === "buttons") return message.buttons;
  return [];
}

/** The visible text of a message (body, caption, header, rows), for assertions. */
export function textOf(message: OutboundMessage | undefined): string {
  if (!message) return "";
  switch (message.kind) {
    case "text":
      return message.body;
    case "image":
      return message.caption ?? "";
    case "buttons":
      return [message.header, message.body, message.footer, ...message.buttons.map((b) => b.title)]
        .filter(Boolean)
        .join("\n");
    case "list":
      return [
        message.header,
        message.body,
        message.footer,
        message.buttonText,
        ...message.sections.flatMap((s) => s.rows.flatMap((r) => [r.title, r.description])),
      ]
        .filter(Boolean)
        .join("\n");
    case "cta_url":
      return [message.header, message.body, message.displayText, message.url].filter(Boolean).join("\n");
    default:
      return "";
  }
}

/** The body (or caption) of a message alone. */
export function bodyOf(message: OutboundMessage | undefined): string {
  if (!message) return "";
  if (message.kind === "image") return message.caption ?? "";
  return "body" in message ? (message.body ?? "") : "";
}

export const inbound = {
  text: (text: string): InboundEvent => ({ type: "text", text }),
  reply: (id: string, title = id): InboundEvent => ({ type: "reply", id, title }),
};
