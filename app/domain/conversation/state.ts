/**
 * The conversation state: a versioned zod schema, bounded in size (capped arrays, length-limited strings), so it
 * can be stored as JSON next to the conversation. `parseState` reads whatever was stored (old versions, corrupt
 * JSON, hand-edited rows) and always returns a valid state, keeping what it can (the cart above all).
 */
import { z } from "zod";
import type { Language } from "../types";

export const STATE_VERSION = 1;

export const LIMITS = {
  cartLines: 50,
  quantity: 99,
  /** Pages of one collection we keep cursors for (9 products each). */
  cursorPages: 30,
  cursorChars: 400,
  storedVariants: 50,
  queryChars: 100,
  productTitleChars: 150,
  variantTitleChars: 100,
  idChars: 200,
  urlChars: 2000,
} as const;

export const STEPS = [
  "menu",
  "collections",
  "products",
  "searching",
  "search_results",
  "product",
  "variant",
  "quantity",
  "cart",
  "cart_line",
  "cart_quantity",
  "cart_clear",
  "review",
  "awaiting_checkout",
  "orders",
  "handoff",
] as const;

export const StepSchema = z.enum(STEPS);
export type Step = z.infer<typeof StepSchema>;

const Id = z.string().min(1).max(LIMITS.idChars);
const LanguageSchema = z.enum(["en", "ar"]);

export const MoneySchema = z.object({
  amount: z.string().regex(/^-?\d{1,15}(\.\d{1,20})?$/),
  currencyCode: z.string().max(8),
});

export const CartLineSchema = z.object({
  variantId: Id,
  productId: Id,
  productTitle: z.string().max(LIMITS.productTitleChars),
  variantTitle: z.string().max(LIMITS.variantTitleChars),
  quantity: z.number().int().min(1).max(LIMITS.quantity),
  unitPrice: MoneySchema,
});

const RowSchema = z.object({
  id: Id,
  title: z.string().min(1).max(24),
  description: z.string().max(72).optional(),
});

/** The last interactive message shown: re-sent with hints, and typed numbers pick its rows/buttons. */
export const PromptSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("list"),
    body: z.string().min(1).max(1024),
    header: z.string().max(60).optional(),
    footer: z.string().max(60).optional(),
    buttonText: z.string().min(1).max(20),
    sections: z
      .array(z.object({ title: z.string().max(24).optional(), rows: z.array(RowSchema).max(10) }))
      .min(1)
      .max(10),
  }),
  z.object({
    kind: z.literal("buttons"),
    body: z.string().min(1).max(1024),
    header: z.string().max(60).optional(),
    footer: z.string().max(60).optional(),
    buttons: z
      .array(z.object({ id: Id, title: z.string().min(1).max(20) }))
      .min(1)
      .max(3),
  }),
]);
export type Prompt = z.infer<typeof PromptSchema>;

export const PendingSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("collections") }),
  z.object({ kind: z.literal("products"), collectionId: Id, pageIndex: z.number().int().min(0) }),
  z.object({ kind: z.literal("search"), query: z.string().min(1).max(LIMITS.queryChars) }),
  z.object({ kind: z.literal("product"), productId: Id }),
  z.object({ kind: z.literal("orders") }),
  z.object({ kind: z.literal("validate"), purpose: z.enum(["show", "checkout"]) }),
  /** `fingerprint` identifies the cart the checkout is being created for. */
  z.object({ kind: z.literal("checkout"), fingerprint: z.string().max(32) }),
  z.object({ kind: z.literal("match") }),
]);
export type Pending = z.infer<typeof PendingSchema>;

export const PagingSchema = z.object({
  collectionId: Id,
  collectionTitle: z.string().max(60).nullable(),
  pageIndex: z
    .number()
    .int()
    .min(0)
    .max(LIMITS.cursorPages - 1),
  /** cursors[i] loads page i (cursors[0] is null); cursors[pageIndex + 1] exists when there is a next page. */
  cursors: z.array(z.string().min(1).max(LIMITS.cursorChars).nullable()).min(1).max(LIMITS.cursorPages),
});
export type Paging = z.infer<typeof PagingSchema>;

export const SelectedProductSchema = z.object({
  id: Id,
  title: z.string().max(LIMITS.productTitleChars),
  /** Available variants only. */
  variants: z
    .array(z.object({ id: Id, title: z.string().max(LIMITS.variantTitleChars), price: MoneySchema }))
    .max(LIMITS.storedVariants),
});
export type SelectedProduct = z.infer<typeof SelectedProductSchema>;

export const ConversationStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  step: StepSchema,
  mode: z.enum(["bot", "human"]),
  /** null until detected from the shopper's script or chosen; `ctx.defaultLanguage` applies meanwhile. */
  language: LanguageSchema.nullable(),
  cart: z.array(CartLineSchema).max(LIMITS.cartLines),
  cartPage: z.number().int().min(0).max(10),
  collectionsPage: z.number().int().min(0).max(100),
  paging: PagingSchema.nullable(),
  /** Where the product being looked at came from, for "back" and "keep shopping". */
  origin: z.enum(["collection", "search"]).nullable(),
  /** The pending or last search query. */
  searchQuery: z.string().min(1).max(LIMITS.queryChars).nullable(),
  lastPrompt: PromptSchema.nullable(),
  product: SelectedProductSchema.nullable(),
  variantPage: z.number().int().min(0).max(10),
  variantId: Id.nullable(),
  /** The cart line being edited (cart_line / cart_quantity steps). */
  editingVariantId: Id.nullable(),
  pending: PendingSchema.nullable(),
  lastCheckout: z
    .object({
      draftOrderId: z.string().max(LIMITS.idChars),
      invoiceUrl: z.string().min(1).max(LIMITS.urlChars),
      fingerprint: z.string().max(32),
    })
    .nullable(),
  /** Consecutive inputs we did not understand (after two, hints mention a person). */
  misses: z.number().int().min(0).max(100),
  lastActivityAt: z.iso.datetime().nullable(),
});

export type ConversationState = z.infer<typeof ConversationStateSchema>;

export function initialState(options: { language?: Language | null } = {}): ConversationState {
  return {
    version: STATE_VERSION,
    step: "menu",
    mode: "bot",
    language: options.language ?? null,
    cart: [],
    cartPage: 0,
    collectionsPage: 0,
    paging: null,
    origin: null,
    searchQuery: null,
    lastPrompt: null,
    product: null,
    variantPage: 0,
    variantId: null,
    editingVariantId: null,
    pending: null,
    lastCheckout: null,
    misses: 0,
    lastActivityAt: null,
  };
}

/**
 * Upgrades from older versions, keyed by the version they read. Each returns the next version's shape (any parts
 * it cannot map are left to `parseState`'s field-by-field repair). Version 1 is the first stored version.
 */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keeps the cart lines that are valid, merging duplicates, at most `LIMITS.cartLines`. */
function salvageCart(value: unknown): ConversationState["cart"] {
  if (!Array.isArray(value)) return [];
  const lines: ConversationState["cart"] = [];
  for (const item of value.slice(0, 500)) {
    const parsed = CartLineSchema.safeParse(item);
    if (!parsed.success || lines.some((l) => l.variantId === parsed.data.variantId)) continue;
    lines.push(parsed.data);
    if (lines.length >= LIMITS.cartLines) break;
  }
  return lines;
}

/** Field by field: what parses is kept, the rest starts fresh. */
function salvage(raw: Record<string, unknown>): ConversationState {
  const fresh = initialState();
  const shape = ConversationStateSchema.shape;
  const out: Record<string, unknown> = { ...fresh };
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    if (key === "version") continue;
    if (key === "cart") {
      out.cart = salvageCart(raw.cart);
      continue;
    }
    const parsed = shape[key].safeParse(raw[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as ConversationState;
}

/** Makes the fields agree with each other (a step that needs a product has one, and so on). */
function repair(state: ConversationState): ConversationState {
  const s = { ...state };
  if (s.mode === "human") s.step = "handoff";
  if (s.mode === "bot" && s.step === "handoff") s.step = "menu";
  if (["variant", "quantity", "product"].includes(s.step) && !s.product) s.step = "menu";
  if (s.step === "quantity" && !s.variantId) s.step = "menu";
  if (
    ["cart_line", "cart_quantity"].includes(s.step) &&
    !s.cart.some((l) => l.variantId === s.editingVariantId)
  )
    s.step = "cart";
  if (s.step === "products" && !s.paging) s.step = "menu";
  return s;
}

/**
 * Reads a stored state of any age or shape. Never throws: garbage gives a fresh state, a state from an older
 * version is migrated, a partly corrupt one keeps its valid fields.
 */
export function parseState(input: unknown): ConversationState {
  try {
    let raw: unknown = input;
    if (typeof raw === "string") {
      try {
        raw = JSON.parse(raw);
      } catch {
        return initialState();
      }
    }
    if (!isRecord(raw)) return initialState();

    let version = typeof raw.version === "number" && Number.isInteger(raw.version) ? raw.version : 0;
    let current: Record<string, unknown> = raw;
    while (version < STATE_VERSION && MIGRATIONS[version]) {
      current = MIGRATIONS[version](current);
      version++;
    }

    const strict = ConversationStateSchema.safeParse({ ...current, version: STATE_VERSION });
    return repair(strict.success ? strict.data : salvage(current));
  } catch {
    return initialState();
  }
}
