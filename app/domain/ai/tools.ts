/**
 * The assistant's tools. Each maps onto something the shopping engine already does (a data request or a tap),
 * so that the conversation state stays the engine's: `search_products` is a search, `get_product` opens a
 * product, `add_to_cart` picks a variant and a quantity, and so on. Argument schemas are written twice on
 * purpose: as JSON Schema for the model (`TOOLS`) and as zod for what we accept back (`parseToolCall`); a test
 * keeps them in step.
 */
import { z } from "zod";
import type { Language } from "../types";
import type { RawToolCall, ToolSchema } from "./chat";

const ProductId = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .transform((v, ctx) => {
    const id = toGid("Product", v);
    if (!id) ctx.addIssue({ code: "custom", message: "not a product id" });
    return id ?? "";
  });

const VariantId = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .transform((v, ctx) => {
    const id = toGid("ProductVariant", v);
    if (!id) ctx.addIssue({ code: "custom", message: "not a variant id" });
    return id ?? "";
  });

/** `gid://shopify/<type>/<digits>` from a GID of that type or bare digits; null for anything else. */
export function toGid(type: "Product" | "ProductVariant", value: string): string | null {
  const v = value.trim();
  if (/^\d{1,20}$/.test(v)) return `gid://shopify/${type}/${v}`;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d{1,20})$/.exec(v);
  return m && m[1] === type ? v : null;
}

export const toolArgSchemas = {
  search_products: z.object({ query: z.string().trim().min(1).max(100) }),
  get_product: z.object({ product_id: ProductId }),
  add_to_cart: z.object({
    product_id: ProductId,
    variant_id: VariantId.optional(),
    quantity: z.number().int().min(1).max(99).optional(),
  }),
  view_cart: z.object({}),
  start_checkout: z.object({}),
  order_status: z.object({}),
  handoff_to_human: z.object({ reason: z.string().max(300).optional() }),
  set_language: z.object({ language: z.enum(["en", "ar"]) }),
} as const;

export type ToolName = keyof typeof toolArgSchemas;
export const TOOL_NAMES = Object.keys(toolArgSchemas) as ToolName[];

export type ToolCall = {
  [K in ToolName]: { id: string; name: K; args: z.output<(typeof toolArgSchemas)[K]> };
}[ToolName];

const fn = (
  name: ToolName,
  description: string,
  properties: Record<string, unknown>,
  required: string[] = [],
) =>
  ({
    type: "function",
    function: {
      name,
      description,
      parameters: { type: "object", properties, required, additionalProperties: false },
    },
  }) satisfies ToolSchema;

const productId = { type: "string", description: "A product_id from search_products or the context." };

export const TOOLS: ToolSchema[] = [
  fn(
    "search_products",
    "Search the store's catalog by words (product type, colour, material, name). The shopper is shown the " +
      "results as a numbered list with prices.",
    { query: { type: "string", description: "A few search words, in the catalog's language." } },
    ["query"],
  ),
  fn(
    "get_product",
    "Open one product: the shopper is shown its picture, price, availability and its options to choose from.",
    { product_id: productId },
    ["product_id"],
  ),
  fn(
    "add_to_cart",
    "Add a product to the shopper's cart. Give variant_id when the product has several options (size, colour).",
    {
      product_id: productId,
      variant_id: { type: "string", description: "A variant_id of that product." },
      quantity: { type: "integer", minimum: 1, maximum: 99, description: "Default 1." },
    },
    ["product_id"],
  ),
  fn("view_cart", "Show the shopper their cart (checked against current prices and stock).", {}),
  fn(
    "start_checkout",
    "Check the cart and send the shopper a secure checkout link to pay. Only when they want to pay.",
    {},
  ),
  fn("order_status", "Show the shopper the status and tracking of their recent orders.", {}),
  fn(
    "handoff_to_human",
    "Hand the conversation to the store's team (the bot goes quiet until they hand it back).",
    { reason: { type: "string", description: "A few words for the team." } },
  ),
  fn(
    "set_language",
    "Switch the conversation's language when the shopper asks for English or Arabic.",
    { language: { type: "string", enum: ["en", "ar"] } },
    ["language"],
  ),
];

export type ParsedToolCall = { ok: true; call: ToolCall } | { ok: false; id: string; error: string };

/** Validates one tool call: a known name and JSON arguments that match its schema. */
export function parseToolCall(raw: RawToolCall, index = 0): ParsedToolCall {
  const id =
    typeof raw?.id === "string" && raw.id.length > 0 && raw.id.length <= 200 ? raw.id : `call_${index}`;
  const name = raw?.function?.name;
  if (typeof name !== "string" || !(TOOL_NAMES as string[]).includes(name))
    return { ok: false, id, error: `unknown tool ${JSON.stringify(String(name ?? "")).slice(0, 60)}` };
  const rawArgs = raw.function?.arguments;
  let args: unknown;
  if (rawArgs === undefined || rawArgs === null || rawArgs === "") args = {};
  else if (typeof rawArgs === "string") {
    if (rawArgs.length > 4000) return { ok: false, id, error: `${name}: arguments too long` };
    try {
      args = JSON.parse(rawArgs);
    } catch {
      return { ok: false, id, error: `${name}: arguments are not valid JSON` };
    }
  } else if (typeof rawArgs === "object") args = rawArgs;
  else return { ok: false, id, error: `${name}: arguments are not an object` };
  const parsed = toolArgSchemas[name as ToolName].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      id,
      error: `${name}: ${issue?.path.join(".") || "arguments"} ${issue?.message ?? "invalid"}`,
    };
  }
  return { ok: true, call: { id, name, args: parsed.data } as ToolCall };
}

/** Parses every tool call of a response; `malformed` lists the errors (empty when all are valid). */
export function parseToolCalls(raw: readonly RawToolCall[]): { calls: ToolCall[]; malformed: string[] } {
  const calls: ToolCall[] = [];
  const malformed: string[] = [];
  raw.forEach((r, i) => {
    const parsed = parseToolCall(r, i);
    if (parsed.ok) calls.push(parsed.call);
    else malformed.push(parsed.error);
  });
  return { calls, malformed };
}

/** The note sent with the one retry after a malformed tool call. */
export function malformedRetryNote(errors: string[], language: Language): string {
  return (
    `Your last tool call was invalid (${errors.slice(0, 3).join("; ")}). Call the tools only with their exact ` +
    `names and JSON arguments matching their schemas, or reply to the shopper in ${language === "ar" ? "Arabic" : "English"}.`
  );
}
