/**
 * The shopping conversation engine: `transition(state, event, ctx)` returns the next state and the effects to
 * carry out, without running any of them (XState-style). Data comes in as events: the engine emits a data
 * request effect (`loadProducts`, `validateCart`, …) and the service answers with a result event
 * (`productsLoaded`, `cartValidated`, …) in a later call.
 *
 * Rules kept everywhere: every shopper input gets an answer in bot mode (never a dead end); typed numbers pick
 * rows of the last list shown; keywords in English and Arabic jump; nothing is sent in human mode.
 */
import type {
  CartLine,
  CatalogCollection,
  CatalogProduct,
  InboundEvent,
  Language,
  OrderSummary,
  OutboundMessage,
} from "../types";
import { detectLanguage, foldForMatch, normalizeDigits, t, type PlainKey } from "../i18n";
import type {
  CartChange,
  CatalogOrderItem,
  DataRequest,
  DataResultEvent,
  Effect,
  EngineContext,
  EngineEvent,
  HandoffReason,
} from "./contract";
import { parseAction, type Action } from "./ids";
import { parseCommand, type Command } from "./keywords";
import { fit, textMessage } from "./limits";
import {
  CartLineSchema,
  initialState,
  LIMITS,
  parseState,
  type ConversationState,
  type Pending,
  type Prompt,
  type Step,
} from "./state";
import { cleanInline } from "./text";
import * as views from "./views";

export interface TransitionResult {
  state: ConversationState;
  effects: Effect[];
  /**
   * Set when the input was free text no rule matched (not a keyword, number, choice title or quantity). The
   * effects still hold the engine's own answer (the hint and the current choices); the service may replace it
   * with a better one (the shop's AI assistant). Absent otherwise.
   */
  unmatched?: { text: string };
}

/** Hash of the cart's variants, quantities and prices: a checkout link is reused only for the same cart. */
export function cartFingerprint(cart: readonly CartLine[]): string {
  const text = cart
    .map((l) => `${l.variantId}*${l.quantity}@${l.unitPrice.amount}${l.unitPrice.currencyCode}`)
    .join("|");
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${cart.length}-${hash.toString(16).padStart(8, "0")}`;
}

/** Cart lines from outside (validation, catalog orders) made to fit the state: valid, merged, bounded. */
export function sanitizeLines(lines: readonly unknown[]): CartLine[] {
  const out: CartLine[] = [];
  for (const raw of lines.slice(0, 500)) {
    if (typeof raw !== "object" || raw === null) continue;
    const l = raw as Partial<CartLine>;
    const candidate = {
      variantId: l.variantId,
      productId: l.productId,
      productTitle: fit(cleanInline(String(l.productTitle ?? "")), LIMITS.productTitleChars),
      variantTitle: fit(cleanInline(String(l.variantTitle ?? "")), LIMITS.variantTitleChars),
      quantity:
        typeof l.quantity === "number" ? Math.min(Math.trunc(l.quantity), LIMITS.quantity) : l.quantity,
      unitPrice: l.unitPrice,
    };
    const parsed = CartLineSchema.safeParse(candidate);
    if (!parsed.success) continue;
    const existing = out.find((x) => x.variantId === parsed.data.variantId);
    if (existing) existing.quantity = Math.min(existing.quantity + parsed.data.quantity, LIMITS.quantity);
    else if (out.length < LIMITS.cartLines) out.push(parsed.data);
  }
  return out;
}

/** Adds lines to a cart: same variant → quantities add up (capped at 99); new variants while there is room. */
export function mergeIntoCart(
  cart: readonly CartLine[],
  added: readonly CartLine[],
): { cart: CartLine[]; capped: boolean; overflow: boolean } {
  const next = cart.map((l) => ({ ...l }));
  let capped = false;
  let overflow = false;
  for (const line of added) {
    const existing = next.find((l) => l.variantId === line.variantId);
    if (existing) {
      const sum = existing.quantity + line.quantity;
      capped ||= sum > LIMITS.quantity;
      existing.quantity = Math.min(sum, LIMITS.quantity);
      existing.unitPrice = line.unitPrice;
    } else if (next.length < LIMITS.cartLines) {
      next.push({ ...line, quantity: Math.min(line.quantity, LIMITS.quantity) });
    } else {
      overflow = true;
    }
  }
  return { cart: next, capped, overflow };
}

const PENDING_OF: Record<DataRequest["type"], Pending["kind"]> = {
  loadCollections: "collections",
  loadProducts: "products",
  search: "search",
  loadProduct: "product",
  loadOrders: "orders",
  validateCart: "validate",
  createCheckout: "checkout",
  matchCatalogOrder: "match",
};

const INBOUND_TYPES = new Set<string>([
  "text",
  "reply",
  "order",
  "media",
  "location",
  "contacts",
  "reaction",
  "unsupported",
]);

class Turn {
  s: ConversationState;
  readonly effects: Effect[] = [];
  unmatchedText: string | null = null;

  constructor(
    state: ConversationState,
    readonly ctx: EngineContext,
  ) {
    this.s = { ...state };
  }

  get lang(): Language {
    return this.s.language ?? this.ctx.defaultLanguage;
  }

  get v(): views.View {
    return { lang: this.lang, ctx: this.ctx };
  }

  // --- output helpers ----------------------------------------------------------------------------

  private send(message: OutboundMessage | string) {
    const m = typeof message === "string" ? textMessage(message) : message;
    this.effects.push({ type: "send", message: m });
  }

  private prompt(p: Prompt, step?: Step) {
    this.s.lastPrompt = p;
    if (step) this.s.step = step;
    this.effects.push({ type: "send", message: p });
  }

  private request(effect: DataRequest, pending: Pending) {
    this.s.pending = pending;
    this.effects.push(effect);
  }

  private emitLanguage(language: Language) {
    if (!this.effects.some((e) => e.type === "setLanguage" && e.language === language))
      this.effects.push({ type: "setLanguage", language });
  }

  /** Replaces the cart; a validation or checkout still in flight was for the old cart, so it is dropped. */
  private setCart(cart: CartLine[]) {
    this.s.cart = cart;
    if (this.s.pending?.kind === "validate" || this.s.pending?.kind === "checkout") this.s.pending = null;
  }

  private clearSelection() {
    this.s.product = null;
    this.s.variantId = null;
    this.s.editingVariantId = null;
    this.s.variantPage = 0;
  }

  /** Fresh start at the menu: navigation is forgotten, the cart, language and mode stay. */
  private softReset() {
    this.clearSelection();
    this.s.step = "menu";
    this.s.paging = null;
    this.s.origin = null;
    this.s.searchQuery = null;
    this.s.lastPrompt = null;
    this.s.pending = null;
    this.s.misses = 0;
    this.s.cartPage = 0;
    this.s.collectionsPage = 0;
  }

  /** Re-sends the current choices (or the menu when there are none) with a note above them. */
  private resend(note?: string) {
    if (!this.s.lastPrompt) {
      this.s.step = "menu";
      this.s.lastPrompt = views.menuPrompt(this.v, this.s.cart);
    }
    this.effects.push({ type: "send", message: views.withNote(this.s.lastPrompt, note) });
  }

  /** "I didn't get that" (or another note) plus the current choices; after two misses, mention a person. */
  private hint(note: string = t(this.lang, "hint.didntGet")) {
    this.s.misses = Math.min(this.s.misses + 1, 100);
    const extra = this.s.misses >= 2 ? `\n${t(this.lang, "hint.human")}` : "";
    this.resend(note + extra);
  }

  /** Free text no rule matched: the hint (the engine's answer), and `unmatched` on the result for the service. */
  private unmatched(text: string, note?: string) {
    this.unmatchedText = text;
    this.hint(note);
  }

  private stale() {
    this.hint(t(this.lang, "hint.stale"));
  }

  // --- dispatch ----------------------------------------------------------------------------------

  handle(event: EngineEvent) {
    if (!event || typeof event !== "object") return;
    if (event.type === "timeout") return this.onTimeout();
    if (event.type === "handoffReleased") return this.onReleased();
    if (INBOUND_TYPES.has(event.type)) return this.onInbound(event as InboundEvent);
    return this.onResult(event as DataResultEvent);
  }

  private onTimeout() {
    // A person is handling the conversation: leave it to them (and to handoffReleased).
    if (this.s.mode === "human") return;
    this.softReset();
  }

  private onReleased() {
    if (this.s.mode !== "human") return;
    this.s.mode = "bot";
    this.s.misses = 0;
    this.softReset();
    this.showMenu(t(this.lang, "handoff.back"));
  }

  private isIdle(): boolean {
    const { idleTimeoutMs, now } = this.ctx;
    if (!this.s.lastActivityAt || !(idleTimeoutMs > 0)) return false;
    const last = Date.parse(this.s.lastActivityAt);
    return Number.isFinite(last) && now.getTime() - last > idleTimeoutMs;
  }

  private onInbound(event: InboundEvent) {
    const idle = this.isIdle();
    if (Number.isFinite(this.ctx.now.getTime())) this.s.lastActivityAt = this.ctx.now.toISOString();

    if (event.type === "text" && this.s.language === null) {
      const detected = detectLanguage(event.text ?? "");
      if (detected) {
        this.s.language = detected;
        this.emitLanguage(detected);
      }
    }
    // While a person handles the conversation the bot keeps quiet.
    if (this.s.mode === "human") return;

    if (idle) {
      this.softReset();
      // Coming back after a long pause with something we can't place: just greet with the menu.
      if (event.type === "text" && !parseCommand(event.text ?? "")) {
        const text = cleanInline(String(event.text ?? "")).slice(0, 1000);
        if (/\p{L}/u.test(text)) this.unmatchedText = text;
        return this.showMenu();
      }
    }

    switch (event.type) {
      case "text":
        return this.onText(event.text ?? "");
      case "reply": {
        const action = parseAction(event.id);
        if (action) return this.act(action, event.title);
        return this.onText(event.title ?? "");
      }
      case "order":
        return this.onCatalogOrder(Array.isArray(event.items) ? event.items : []);
      case "media":
        return this.resend(t(this.lang, "input.media"));
      case "location":
        return this.resend(t(this.lang, "input.location"));
      case "contacts":
        return this.resend(t(this.lang, "input.contacts"));
      case "reaction":
        return this.resend(t(this.lang, "input.reaction"));
      default:
        return this.resend(t(this.lang, "input.unsupported"));
    }
  }

  // --- free text ---------------------------------------------------------------------------------

  private onText(input: string) {
    const text = cleanInline(String(input)).slice(0, 1000);
    if (!text) return this.hint();
    const step = this.s.step;

    const command = parseCommand(text, { strict: step === "searching" });
    if (command) return this.command(command);
    if (step === "searching") return this.runSearch(text);

    const digits = normalizeDigits(text).replace(/[.)\s]+$/, "");
    // Words where a quantity is expected ("is it cotton?") are free text the rules do not understand.
    const words = /\p{L}/u.test(text);
    const editing =
      step === "cart_quantity" && this.s.cart.some((l) => l.variantId === this.s.editingVariantId);
    if (words && (step === "quantity" || editing)) return this.unmatched(text, t(this.lang, "qty.invalid"));
    if (step === "quantity") return this.typedQuantity(digits);
    if (step === "cart_quantity") return this.typedCartQuantity(digits);
    if (/^\d{1,4}$/.test(digits)) return this.pickNumber(Number(digits));

    // A typed choice title ("Shirts", "Large") picks that choice.
    const folded = foldForMatch(text);
    const match = views
      .promptChoices(this.s.lastPrompt)
      .find((c) => foldForMatch(views.rowLabel(c.title)) === folded);
    const action = match ? parseAction(match.id) : null;
    if (match && action) return this.act(action, views.rowLabel(match.title));

    return this.unmatched(text);
  }

  private pickNumber(n: number) {
    const choices = views.promptChoices(this.s.lastPrompt);
    if (choices.length === 0) return this.hint();
    const choice = n >= 1 && n <= choices.length ? choices[n - 1] : null;
    const action = choice ? parseAction(choice.id) : null;
    if (!choice || !action) return this.hint(t(this.lang, "hint.pickNumber", { max: choices.length }));
    return this.act(action, views.rowLabel(choice.title));
  }

  /** 1–99, with a clear message for 0, too many, or not a number. */
  private parseQuantity(digits: string, allowZero: boolean): number | PlainKey {
    if (!/^\d{1,6}$/.test(digits)) return "qty.invalid";
    const n = Number(digits);
    if (n === 0) return allowZero ? 0 : "qty.zero";
    if (n > LIMITS.quantity) return "qty.tooMany";
    return n;
  }

  private typedQuantity(digits: string) {
    const q = this.parseQuantity(digits, false);
    if (typeof q === "string") return this.hint(t(this.lang, q));
    return this.addToCart(q);
  }

  private typedCartQuantity(digits: string) {
    const line = this.s.cart.find((l) => l.variantId === this.s.editingVariantId);
    if (!line) return this.showCartLocal([t(this.lang, "cart.lineGone")]);
    const q = this.parseQuantity(digits, true);
    if (typeof q === "string") return this.hint(t(this.lang, q));
    if (q === 0) return this.act({ kind: "cartRemove", variantId: line.variantId });
    return this.act({ kind: "cartSet", variantId: line.variantId, quantity: q });
  }

  private command(cmd: Command) {
    this.s.misses = 0;
    switch (cmd.kind) {
      case "menu":
        return this.showMenu();
      case "browse":
        return this.startBrowse();
      case "search":
        return cmd.query ? this.runSearch(cmd.query) : this.askSearch();
      case "cart":
        return this.showCart();
      case "checkout":
        return this.startCheckout();
      case "orders":
        return this.loadOrders();
      case "human":
        return this.handoff("requested");
      case "help":
        return this.resend(t(this.lang, "help.text"));
      case "back":
        return this.back();
      case "lang":
        return this.switchLanguage(cmd.language);
    }
  }

  // --- actions (taps, picked numbers, typed titles) ------------------------------------------------

  private act(action: Action, title?: string) {
    this.s.misses = 0;
    switch (action.kind) {
      case "menu":
        switch (action.item) {
          case "browse":
            return this.startBrowse();
          case "search":
            return this.askSearch();
          case "cart":
            return this.showCart();
          case "orders":
            return this.loadOrders();
          case "human":
            return this.handoff("requested");
        }
        return;
      case "nav":
        if (action.to === "menu") return this.showMenu();
        if (action.to === "back") return this.back();
        return this.keepShopping();
      case "lang":
        return this.switchLanguage(action.language);
      case "collection":
        return this.openCollection(action.id, title ? views.rowLabel(cleanInline(title)) : null);
      case "product":
        return this.request(
          { type: "loadProduct", productId: action.id },
          { kind: "product", productId: action.id },
        );
      case "variant":
        return this.chooseVariant(action.id);
      case "qty":
        if (action.quantity < 1) return this.hint(t(this.lang, "qty.zero"));
        return this.addToCart(action.quantity);
      case "more":
        return this.more(action.list, action.page);
      case "checkout":
        return this.startCheckout();
      case "checkoutConfirm":
        return this.s.cart.length === 0
          ? this.emptyCart(t(this.lang, "checkout.emptyCart"))
          : this.proceedToCheckout();
      case "cartLine":
      case "cartQty": {
        const line = this.s.cart.find((l) => l.variantId === action.variantId);
        if (!line) return this.showCartLocal([t(this.lang, "cart.lineGone")]);
        this.s.editingVariantId = line.variantId;
        return action.kind === "cartLine"
          ? this.prompt(views.cartLinePrompt(this.v, line), "cart_line")
          : this.prompt(views.cartQuantityPrompt(this.v, line), "cart_quantity");
      }
      case "cartSet": {
        const line = this.s.cart.find((l) => l.variantId === action.variantId);
        if (!line) return this.showCartLocal([t(this.lang, "cart.lineGone")]);
        const quantity = Math.min(Math.max(action.quantity, 1), LIMITS.quantity);
        this.setCart(this.s.cart.map((l) => (l.variantId === line.variantId ? { ...l, quantity } : l)));
        return this.showCartLocal([
          t(this.lang, "cart.updated", { title: fit(views.lineLabel(line), 80), qty: quantity }),
        ]);
      }
      case "cartRemove": {
        const line = this.s.cart.find((l) => l.variantId === action.variantId);
        if (!line) return this.showCartLocal([t(this.lang, "cart.lineGone")]);
        this.setCart(this.s.cart.filter((l) => l.variantId !== line.variantId));
        return this.showCartLocal([t(this.lang, "cart.removed", { title: fit(views.lineLabel(line), 80) })]);
      }
      case "cartClear":
        if (this.s.cart.length === 0) return this.emptyCart();
        return this.prompt(views.clearConfirmPrompt(this.v), "cart_clear");
      case "cartClearYes":
        this.setCart([]);
        this.s.lastCheckout = null;
        return this.emptyCart(t(this.lang, "cart.cleared"));
      case "searchNew":
        return this.askSearch();
      case "searchRetry":
        return this.s.searchQuery ? this.runSearch(this.s.searchQuery) : this.askSearch();
    }
  }

  // --- menu, language, handoff --------------------------------------------------------------------

  private showMenu(note?: string) {
    this.clearSelection();
    const menu = views.menuPrompt(this.v, this.s.cart);
    this.s.step = "menu";
    this.s.lastPrompt = menu;
    this.effects.push({ type: "send", message: views.withNote(menu, note) });
  }

  private switchLanguage(language: Language) {
    this.s.language = language;
    this.emitLanguage(language);
    this.showMenu(t(language, "lang.switched"));
  }

  private handoff(reason: HandoffReason) {
    this.effects.push({ type: "handoff", reason });
    this.clearSelection();
    this.s.mode = "human";
    this.s.step = "handoff";
    this.s.pending = null;
    this.s.lastPrompt = null;
    this.send(t(this.lang, "handoff.started"));
  }

  private back() {
    switch (this.s.step) {
      case "products":
        return this.startBrowse(this.s.collectionsPage);
      case "search_results":
        return this.askSearch();
      case "quantity":
        if (this.s.product && this.s.product.variants.length > 1)
          return this.prompt(views.variantsPrompt(this.v, this.s.product, this.s.variantPage), "variant");
        return this.keepShopping();
      case "product":
      case "variant":
        return this.keepShopping();
      case "cart_line":
      case "cart_quantity":
      case "cart_clear":
        return this.showCartLocal();
      default:
        return this.showMenu();
    }
  }

  // --- browsing ----------------------------------------------------------------------------------

  private startBrowse(page = 0) {
    this.s.collectionsPage = Math.min(Math.max(page, 0), 100);
    this.request({ type: "loadCollections" }, { kind: "collections" });
  }

  private openCollection(collectionId: string, title: string | null) {
    this.s.paging = {
      collectionId,
      collectionTitle: title ? fit(title, 60) : null,
      pageIndex: 0,
      cursors: [null],
    };
    this.request(
      { type: "loadProducts", collectionId, cursor: null, pageIndex: 0 },
      { kind: "products", collectionId, pageIndex: 0 },
    );
  }

  private loadProductPage(pageIndex: number) {
    const paging = this.s.paging;
    if (!paging || pageIndex >= paging.cursors.length) return this.stale();
    const cursor = paging.cursors[pageIndex] ?? null;
    this.request(
      { type: "loadProducts", collectionId: paging.collectionId, cursor, pageIndex },
      { kind: "products", collectionId: paging.collectionId, pageIndex },
    );
  }

  private more(list: "col" | "prod" | "var" | "cart", page: number) {
    switch (list) {
      case "col":
        return this.startBrowse(page);
      case "prod":
        return this.loadProductPage(page);
      case "var": {
        const product = this.s.product;
        if (!product || page * views.PAGE_SIZE >= product.variants.length) return this.stale();
        this.s.variantPage = page;
        return this.prompt(views.variantsPrompt(this.v, product, page), "variant");
      }
      case "cart":
        this.s.cartPage = Math.min(page, 10);
        return this.showCartLocal();
    }
  }

  private keepShopping() {
    const { origin, paging, searchQuery } = this.s;
    if (origin === "search" && searchQuery) return this.runSearch(searchQuery);
    if (paging) return this.loadProductPage(paging.pageIndex);
    return this.startBrowse(this.s.collectionsPage);
  }

  private chooseVariant(variantId: string) {
    const product = this.s.product;
    const variant = product?.variants.find((x) => x.id === variantId);
    if (!product || !variant) return this.stale();
    this.s.variantId = variant.id;
    this.prompt(views.quantityPrompt(this.v, product, variant), "quantity");
  }

  private addToCart(quantity: number) {
    const product = this.s.product;
    const variant = product?.variants.find((x) => x.id === this.s.variantId);
    if (!product || !variant) return this.stale();
    const line: CartLine = {
      variantId: variant.id,
      productId: product.id,
      productTitle: product.title,
      variantTitle: variant.title,
      quantity,
      unitPrice: variant.price,
    };
    const merged = mergeIntoCart(this.s.cart, [line]);
    if (merged.overflow) {
      return this.prompt(
        views.withNote(
          views.cartPrompt(this.v, this.s.cart, 0),
          t(this.lang, "cart.full", { max: LIMITS.cartLines }),
        ),
        "cart",
      );
    }
    this.setCart(merged.cart);
    const notes = merged.capped ? [t(this.lang, "cart.capped")] : [];
    this.prompt(views.addedPrompt(this.v, line, quantity, this.s.cart, notes), "cart");
  }

  // --- search --------------------------------------------------------------------------------------

  private askSearch() {
    this.prompt(views.searchPrompt(this.v), "searching");
  }

  private runSearch(input: string) {
    const query = fit(cleanInline(input), LIMITS.queryChars);
    if (!query) return this.hint(t(this.lang, "search.empty"));
    this.s.searchQuery = query;
    this.s.step = "searching";
    this.request({ type: "search", query }, { kind: "search", query });
  }

  // --- cart and checkout ---------------------------------------------------------------------------

  private emptyCart(note?: string) {
    this.s.cartPage = 0;
    this.prompt(views.emptyCartPrompt(this.v, note), "cart");
  }

  private showCart() {
    if (this.s.cart.length === 0) return this.emptyCart();
    this.request(
      { type: "validateCart", lines: this.s.cart, purpose: "show" },
      { kind: "validate", purpose: "show" },
    );
  }

  private showCartLocal(notes: string[] = []) {
    this.s.editingVariantId = null;
    const pages = views.cartPages(this.s.cart);
    this.s.cartPage = Math.min(this.s.cartPage, pages - 1);
    this.prompt(views.cartPrompt(this.v, this.s.cart, this.s.cartPage, notes), "cart");
  }

  private startCheckout() {
    if (this.s.cart.length === 0) return this.emptyCart(t(this.lang, "checkout.emptyCart"));
    this.request(
      { type: "validateCart", lines: this.s.cart, purpose: "checkout" },
      { kind: "validate", purpose: "checkout" },
    );
  }

  private proceedToCheckout() {
    const fingerprint = cartFingerprint(this.s.cart);
    this.s.step = "awaiting_checkout";
    this.s.lastPrompt = null;
    if (this.s.lastCheckout?.fingerprint === fingerprint) {
      this.send(views.checkoutLinkMessage(this.v, this.s.cart, this.s.lastCheckout.invoiceUrl));
      return;
    }
    this.request({ type: "createCheckout", lines: this.s.cart }, { kind: "checkout", fingerprint });
  }

  private onCatalogOrder(items: CatalogOrderItem[]) {
    const valid = items
      .filter(
        (i) =>
          i &&
          typeof i.productRetailerId === "string" &&
          i.productRetailerId.length > 0 &&
          i.productRetailerId.length <= LIMITS.idChars &&
          Number.isFinite(i.quantity) &&
          i.quantity >= 1,
      )
      .slice(0, LIMITS.cartLines)
      .map((i) => ({ ...i, quantity: Math.min(Math.trunc(i.quantity), LIMITS.quantity) }));
    if (valid.length === 0) return this.resend(t(this.lang, "catalogOrder.empty"));
    this.request({ type: "matchCatalogOrder", items: valid }, { kind: "match" });
  }

  private loadOrders() {
    this.request({ type: "loadOrders" }, { kind: "orders" });
  }

  // --- data results ---------------------------------------------------------------------------------

  private onResult(event: DataResultEvent) {
    const pending = this.s.pending;
    if (this.s.mode === "human") {
      this.s.pending = null;
      return;
    }
    // A result nobody is waiting for (superseded, or for an older cart) is dropped.
    if (!pending) return;
    switch (event.type) {
      case "collectionsLoaded":
        if (pending.kind !== "collections") return;
        this.s.pending = null;
        return this.onCollections(Array.isArray(event.collections) ? event.collections : []);
      case "productsLoaded":
        if (
          pending.kind !== "products" ||
          pending.collectionId !== event.collectionId ||
          pending.pageIndex !== event.pageIndex
        )
          return;
        this.s.pending = null;
        return this.onProducts(event.collectionId, event.pageIndex, event.page);
      case "searchResults":
        if (pending.kind !== "search" || pending.query !== event.query) return;
        this.s.pending = null;
        return this.onSearchResults(pending.query, Array.isArray(event.products) ? event.products : []);
      case "productLoaded":
        if (pending.kind !== "product") return;
        if (event.product && event.product.id !== pending.productId && event.productId !== pending.productId)
          return;
        this.s.pending = null;
        return this.onProduct(event.product);
      case "ordersLoaded":
        if (pending.kind !== "orders") return;
        this.s.pending = null;
        return this.onOrders(Array.isArray(event.orders) ? event.orders : []);
      case "cartValidated":
        if (pending.kind !== "validate") return;
        this.s.pending = null;
        return this.onCartValidated(
          pending.purpose,
          event.lines,
          Array.isArray(event.changes) ? event.changes : [],
        );
      case "checkoutCreated": {
        if (pending.kind !== "checkout") return;
        this.s.pending = null;
        const url = typeof event.invoiceUrl === "string" ? event.invoiceUrl.trim() : "";
        if (!/^https?:\/\/\S+$/i.test(url) || url.length > LIMITS.urlChars)
          return this.onCheckoutFailed("error");
        this.s.lastCheckout = {
          draftOrderId: String(event.draftOrderId ?? "").slice(0, LIMITS.idChars),
          invoiceUrl: url,
          fingerprint: pending.fingerprint,
        };
        this.s.step = "awaiting_checkout";
        this.s.lastPrompt = null;
        return this.send(views.checkoutLinkMessage(this.v, this.s.cart, url));
      }
      case "checkoutFailed":
        if (pending.kind !== "checkout") return;
        this.s.pending = null;
        return this.onCheckoutFailed(event.reason === "throttled" ? "throttled" : "error");
      case "orderMatched":
        if (pending.kind !== "match") return;
        this.s.pending = null;
        return this.onOrderMatched(
          Array.isArray(event.lines) ? event.lines : [],
          Array.isArray(event.unmatched) ? event.unmatched : [],
        );
      case "dataFailed":
        if (!event.request || PENDING_OF[event.request.type] !== pending.kind) return;
        this.s.pending = null;
        return this.onDataFailed(pending);
      default:
        return;
    }
  }

  private onCollections(collections: CatalogCollection[]) {
    const usable = collections.filter(
      (c) => c && typeof c.id === "string" && c.id && typeof c.title === "string",
    );
    if (usable.length === 0) {
      this.s.step = "collections";
      return this.prompt(views.shopButtons(this.v, t(this.lang, "col.empty")));
    }
    const lastPage = Math.max(0, Math.ceil(usable.length / views.PAGE_SIZE) - 1);
    this.s.collectionsPage = Math.min(this.s.collectionsPage, lastPage);
    this.clearSelection();
    this.prompt(views.collectionsPrompt(this.v, usable, this.s.collectionsPage), "collections");
  }

  private onProducts(
    collectionId: string,
    pageIndex: number,
    page: { products?: CatalogProduct[]; nextCursor?: string | null },
  ) {
    const products = Array.isArray(page?.products)
      ? page.products.filter((p) => p && typeof p.id === "string" && p.id)
      : [];
    const paging =
      this.s.paging?.collectionId === collectionId
        ? { ...this.s.paging }
        : { collectionId, collectionTitle: null, pageIndex: 0, cursors: [null] as (string | null)[] };
    if (products.length === 0) {
      return this.prompt(views.shopButtons(this.v, t(this.lang, "prod.empty")), "collections");
    }
    const cursors = paging.cursors.slice(0, pageIndex + 1);
    while (cursors.length < pageIndex + 1) cursors.push(null);
    const next = typeof page.nextCursor === "string" ? page.nextCursor : null;
    if (next && next.length <= LIMITS.cursorChars && pageIndex + 1 < LIMITS.cursorPages) cursors.push(next);
    this.s.paging = { ...paging, pageIndex: Math.min(pageIndex, LIMITS.cursorPages - 1), cursors };
    this.s.origin = "collection";
    this.clearSelection();
    this.prompt(
      views.productsPrompt(this.v, products, {
        collectionTitle: paging.collectionTitle,
        pageIndex,
        hasMore: cursors.length > pageIndex + 1,
      }),
      "products",
    );
  }

  private onSearchResults(query: string, products: CatalogProduct[]) {
    const usable = products.filter((p) => p && typeof p.id === "string" && p.id);
    if (usable.length === 0) {
      // Typing another word searches again.
      return this.prompt(views.noResultsPrompt(this.v, query), "searching");
    }
    this.s.origin = "search";
    this.clearSelection();
    this.prompt(views.searchResultsPrompt(this.v, query, usable), "search_results");
  }

  private onProduct(product: CatalogProduct | null) {
    this.clearSelection();
    if (!product || typeof product.id !== "string") {
      return this.prompt(views.soldOutPrompt(this.v, null), "product");
    }
    const safe: CatalogProduct = {
      ...product,
      variants: Array.isArray(product.variants) ? product.variants : [],
    };
    this.send(views.productDetail(this.v, safe));
    const selected = views.toSelectedProduct(safe);
    if (!safe.availableForSale || selected.variants.length === 0) {
      return this.prompt(views.soldOutPrompt(this.v, selected.title), "product");
    }
    this.s.product = selected;
    if (selected.variants.length === 1) {
      this.s.variantId = selected.variants[0].id;
      return this.prompt(views.quantityPrompt(this.v, selected, selected.variants[0]), "quantity");
    }
    this.prompt(views.variantsPrompt(this.v, selected, 0), "variant");
  }

  private onOrders(orders: OrderSummary[]) {
    const usable = orders.filter((o) => o && typeof o.name === "string" && o.total);
    if (usable.length === 0) return this.prompt(views.noOrdersPrompt(this.v), "orders");
    this.send(views.ordersMessage(this.v, usable));
    this.prompt(views.afterOrdersPrompt(this.v), "orders");
  }

  private onCartValidated(purpose: "show" | "checkout", lines: unknown, changes: CartChange[]) {
    const before = this.s.cart;
    this.setCart(sanitizeLines(Array.isArray(lines) ? lines : []));
    const described = views.describeChanges(this.v, changes, before);
    const note = views.changesNote(this.v, described);
    this.s.cartPage = 0;
    if (this.s.cart.length === 0) {
      const empty = t(this.lang, purpose === "checkout" ? "checkout.emptyCart" : "cart.empty");
      return this.emptyCart([note, empty].filter(Boolean).join("\n\n"));
    }
    if (purpose === "show") return this.showCartLocal(note ? [note] : []);
    if (described.length > 0) return this.prompt(views.reviewPrompt(this.v, this.s.cart, note), "review");
    return this.proceedToCheckout();
  }

  private onCheckoutFailed(reason: "throttled" | "error") {
    this.prompt(views.checkoutFailedPrompt(this.v, reason), "cart");
  }

  private onOrderMatched(lines: unknown[], unmatched: { productRetailerId: string; title?: string }[]) {
    const matched = sanitizeLines(lines);
    const merged = mergeIntoCart(this.s.cart, matched);
    this.setCart(merged.cart);
    const notes: string[] = [];
    if (matched.length > 0) notes.push(t(this.lang, "catalogOrder.added"));
    else notes.push(t(this.lang, "catalogOrder.noneMatched"));
    const names = unmatched
      .slice(0, 10)
      .map((u) => cleanInline(String(u?.title || u?.productRetailerId || "")))
      .filter(Boolean);
    if (names.length > 0 && matched.length > 0)
      notes.push(
        t(this.lang, "catalogOrder.unmatched", {
          items: fit(names.join(this.lang === "ar" ? "، " : ", "), 300),
        }),
      );
    if (merged.capped) notes.push(t(this.lang, "cart.capped"));
    if (merged.overflow) notes.push(t(this.lang, "cart.full", { max: LIMITS.cartLines }));
    this.s.cartPage = 0;
    this.showCartLocal(notes);
  }

  private onDataFailed(pending: Pending) {
    let retry: Action | null = null;
    switch (pending.kind) {
      case "collections":
        retry = { kind: "menu", item: "browse" };
        break;
      case "products":
        retry =
          pending.pageIndex === 0
            ? { kind: "collection", id: pending.collectionId }
            : { kind: "more", list: "prod", page: pending.pageIndex };
        break;
      case "search":
        retry = { kind: "searchRetry" };
        break;
      case "product":
        retry = { kind: "product", id: pending.productId };
        break;
      case "orders":
        retry = { kind: "menu", item: "orders" };
        break;
      case "validate":
        retry = pending.purpose === "show" ? { kind: "menu", item: "cart" } : { kind: "checkout" };
        break;
      case "checkout":
        return this.onCheckoutFailed("error");
      case "match":
        return this.prompt(views.errorPrompt(this.v, null, "catalogOrder.failed"));
    }
    this.prompt(views.errorPrompt(this.v, retry));
  }

  result(): TransitionResult {
    const result: TransitionResult = { state: this.s, effects: this.effects };
    if (this.unmatchedText && this.s.mode === "bot") result.unmatched = { text: this.unmatchedText };
    return result;
  }
}

/**
 * The engine. Pure: no clock (time is `ctx.now`), no I/O, input state never mutated, never throws (an internal
 * error answers with an apology and the menu).
 */
export function transition(
  state: ConversationState,
  event: EngineEvent,
  ctx: EngineContext,
): TransitionResult {
  try {
    const turn = new Turn(state, ctx);
    turn.handle(event);
    return turn.result();
  } catch {
    const safe = parseState(state);
    if (safe.mode === "human") return { state: safe, effects: [] };
    const isInbound =
      !!event &&
      typeof event === "object" &&
      (INBOUND_TYPES.has(event.type) || event.type === "handoffReleased");
    const fresh: ConversationState = {
      ...initialState({ language: safe.language }),
      cart: safe.cart,
      lastCheckout: safe.lastCheckout,
    };
    if (!isInbound) return { state: { ...safe, pending: null }, effects: [] };
    try {
      const lang = safe.language ?? ctx.defaultLanguage;
      const menu = views.menuPrompt({ lang, ctx }, fresh.cart);
      return {
        state: { ...fresh, lastPrompt: menu, lastActivityAt: safe.lastActivityAt },
        effects: [{ type: "send", message: views.withNote(menu, t(lang, "error.generic")) }],
      };
    } catch {
      return {
        state: fresh,
        effects: [
          {
            type: "send",
            message: textMessage(t(ctx.defaultLanguage === "ar" ? "ar" : "en", "error.generic")),
          },
        ],
      };
    }
  }
}
