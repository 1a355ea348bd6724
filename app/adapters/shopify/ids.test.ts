import { describe, expect, it } from "vitest";
import { legacyId, parseGid, toGid, tryGid } from "./ids";

describe("GIDs", () => {
  it("converts numeric ids and checks the resource", () => {
    expect(toGid("ProductVariant", 42)).toBe("gid://shopify/ProductVariant/42");
    expect(toGid("ProductVariant", " gid://shopify/ProductVariant/42 ")).toBe(
      "gid://shopify/ProductVariant/42",
    );
    expect(() => toGid("ProductVariant", "gid://shopify/Product/42")).toThrow(TypeError);
    expect(() => toGid("Order", "#1001")).toThrow(TypeError);
    expect(tryGid("Order", "gid://shopify/Order/7?foo=bar")).toBe("gid://shopify/Order/7");
    expect(tryGid("Order", "x")).toBeNull();
  });

  it("parses GIDs and legacy ids", () => {
    expect(parseGid("gid://shopify/Collection/9")).toEqual({ resource: "Collection", id: "9" });
    expect(parseGid("9")).toBeNull();
    expect(legacyId("gid://shopify/Order/123")).toBe("123");
    expect(() => legacyId("123")).toThrow(TypeError);
  });
});
