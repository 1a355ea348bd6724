/**
 * Reply ids: every button and list row the engine creates carries one of these payloads. They are stable (safe to
 * tap hours later), self-describing (a stale tap still means something) and at most 200 characters.
 */
import type { Language } from "../types";
import { WA_LIMITS } from "./limits";

export type MenuItem = "browse" | "search" | "cart" | "orders" | "human";
export type PagedList = "col" | "prod" | "var" | "cart";

export type Action =
  | { kind: "menu"; item: MenuItem }
  | { kind: "nav"; to: "menu" | "back" | "shop" }
  | { kind: "lang"; language: Language }
  | { kind: "collection"; id: string }
  | { kind: "product"; id: string }
  | { kind: "variant"; id: string }
  | { kind: "qty"; quantity: number }
  | { kind: "more"; list: PagedList; page: number }
  | { kind: "checkout" }
  | { kind: "checkoutConfirm" }
  | { kind: "cartLine"; variantId: string }
  | { kind: "cartQty"; variantId: string }
  | { kind: "cartSet"; variantId: string; quantity: number }
  | { kind: "cartRemove"; variantId: string }
  | { kind: "cartClear" }
  | { kind: "cartClearYes" }
  | { kind: "searchNew" }
  | { kind: "searchRetry" };

const MENU_ITEMS: readonly MenuItem[] = ["browse", "search", "cart", "orders", "human"];
const LISTS: readonly PagedList[] = ["col", "prod", "var", "cart"];

export function encodeAction(action: Action): string {
  switch (action.kind) {
    case "menu":
      return `menu:${action.item}`;
    case "nav":
      return `nav:${action.to}`;
    case "lang":
      return `lang:${action.language}`;
    case "collection":
      return `col:${action.id}`;
    case "product":
      return `prod:${action.id}`;
    case "variant":
      return `var:${action.id}`;
    case "qty":
      return `qty:${action.quantity}`;
    case "more":
      return `more:${action.list}:${action.page}`;
    case "checkout":
      return "cart:checkout";
    case "checkoutConfirm":
      return "checkout:confirm";
    case "cartLine":
      return `cart:line:${action.variantId}`;
    case "cartQty":
      return `cart:qty:${action.variantId}`;
    case "cartSet":
      return `cart:set:${action.quantity}:${action.variantId}`;
    case "cartRemove":
      return `cart:remove:${action.variantId}`;
    case "cartClear":
      return "cart:clear";
    case "cartClearYes":
      return "cart:clear:yes";
    case "searchNew":
      return "search:new";
    case "searchRetry":
      return "search:retry";
  }
}

/** True when the id of `action` fits WhatsApp's id limit (Shopify GIDs always do). */
export function encodable(action: Action): boolean {
  return encodeAction(action).length <= WA_LIMITS.id;
}

function quantity(s: string): number | null {
  return /^\d{1,2}$/.test(s) ? Number(s) : null;
}

/** Parses a reply id we created; null for anything else (other flows' payloads, garbage, over-long ids). */
export function parseAction(id: string): Action | null {
  if (typeof id !== "string" || id.length === 0 || id.length > WA_LIMITS.id) return null;
  const i = id.indexOf(":");
  if (i < 0) return null;
  const head = id.slice(0, i);
  const rest = id.slice(i + 1);
  switch (head) {
    case "menu":
      return (MENU_ITEMS as readonly string[]).includes(rest)
        ? { kind: "menu", item: rest as MenuItem }
        : null;
    case "nav":
      return rest === "menu" || rest === "back" || rest === "shop" ? { kind: "nav", to: rest } : null;
    case "lang":
      return rest === "en" || rest === "ar" ? { kind: "lang", language: rest } : null;
    case "col":
      return rest ? { kind: "collection", id: rest } : null;
    case "prod":
      return rest ? { kind: "product", id: rest } : null;
    case "var":
      return rest ? { kind: "variant", id: rest } : null;
    case "qty": {
      const q = quantity(rest);
      return q !== null ? { kind: "qty", quantity: q } : null;
    }
    case "more": {
      const m = /^(col|prod|var|cart):(\d{1,4})$/.exec(rest);
      return m && (LISTS as readonly string[]).includes(m[1])
        ? { kind: "more", list: m[1] as PagedList, page: Number(m[2]) }
        : null;
    }
    case "checkout":
      return rest === "confirm" ? { kind: "checkoutConfirm" } : null;
    case "search":
      return rest === "new" ? { kind: "searchNew" } : rest === "retry" ? { kind: "searchRetry" } : null;
    case "cart": {
      if (rest === "checkout") return { kind: "checkout" };
      if (rest === "clear") return { kind: "cartClear" };
      if (rest === "clear:yes") return { kind: "cartClearYes" };
      const m = /^(line|qty|remove):(.+)$/.exec(rest);
      if (m) {
        const variantId = m[2];
        if (m[1] === "line") return { kind: "cartLine", variantId };
        if (m[1] === "qty") return { kind: "cartQty", variantId };
        return { kind: "cartRemove", variantId };
      }
      const s = /^set:(\d{1,2}):(.+)$/.exec(rest);
      if (s) return { kind: "cartSet", quantity: Number(s[1]), variantId: s[2] };
      return null;
    }
    default:
      return null;
  }
}
