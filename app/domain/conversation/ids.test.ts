import { describe, expect, it } from "vitest";
import { encodeAction, parseAction, type Action } from "./ids";

const gid = "gid://shopify/ProductVariant/44556677889900";

describe("reply ids", () => {
  const actions: Action[] = [
    { kind: "menu", item: "browse" },
    { kind: "menu", item: "human" },
    { kind: "nav", to: "back" },
    { kind: "lang", language: "ar" },
    { kind: "collection", id: "gid://shopify/Collection/1" },
    { kind: "product", id: "gid://shopify/Product/9" },
    { kind: "variant", id: gid },
    { kind: "qty", quantity: 2 },
    { kind: "more", list: "prod", page: 3 },
    { kind: "more", list: "cart", page: 1 },
    { kind: "checkout" },
    { kind: "checkoutConfirm" },
    { kind: "cartLine", variantId: gid },
    { kind: "cartQty", variantId: gid },
    { kind: "cartSet", variantId: gid, quantity: 12 },
    { kind: "cartRemove", variantId: gid },
    { kind: "cartClear" },
    { kind: "cartClearYes" },
    { kind: "searchNew" },
    { kind: "searchRetry" },
  ];

  it.each(actions.map((a) => [encodeAction(a), a] as const))("%s round-trips", (id, action) => {
    expect(id.length).toBeLessThanOrEqual(200);
    expect(parseAction(id)).toEqual(action);
  });

  it("uses the documented shapes", () => {
    expect(encodeAction({ kind: "menu", item: "browse" })).toBe("menu:browse");
    expect(encodeAction({ kind: "qty", quantity: 2 })).toBe("qty:2");
    expect(encodeAction({ kind: "cartRemove", variantId: gid })).toBe(`cart:remove:${gid}`);
    expect(encodeAction({ kind: "more", list: "prod", page: 1 })).toBe("more:prod:1");
  });

  it.each([
    "",
    "menu",
    "menu:",
    "menu:nope",
    "qty:abc",
    "qty:100",
    "more:x:1",
    "cart:set:2:",
    "fb:5",
    "col:",
    `col:${"x".repeat(300)}`,
  ])("rejects %j", (id) => {
    expect(parseAction(id)).toBeNull();
  });
});
