import { describe, expect, it } from "vitest";
import { parseToolCall, parseToolCalls, toGid, TOOL_NAMES, TOOLS, toolArgSchemas } from "./tools";

const call = (name: string, args: unknown) => ({
  id: "call_1",
  type: "function",
  function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args) },
});

describe("tool schemas", () => {
  it("offers the eight tools, JSON Schema and zod in step", () => {
    expect(TOOLS.map((t) => t.function.name)).toEqual(TOOL_NAMES);
    expect(TOOL_NAMES).toEqual([
      "search_products",
      "get_product",
      "add_to_cart",
      "view_cart",
      "start_checkout",
      "order_status",
      "handoff_to_human",
      "set_language",
    ]);
    for (const tool of TOOLS) {
      const params = tool.function.parameters as {
        properties: Record<string, unknown>;
        required: string[];
        additionalProperties: boolean;
      };
      const shape = toolArgSchemas[tool.function.name as keyof typeof toolArgSchemas].shape as Record<
        string,
        { isOptional(): boolean }
      >;
      expect(Object.keys(params.properties).sort()).toEqual(Object.keys(shape).sort());
      const required = Object.keys(shape).filter((k) => !shape[k].isOptional());
      expect(params.required.sort()).toEqual(required.sort());
      expect(params.additionalProperties).toBe(false);
    }
  });
});

describe("parseToolCall", () => {
  it("accepts valid calls and normalises ids to GIDs", () => {
    expect(parseToolCall(call("search_products", { query: "  black abaya " }))).toEqual({
      ok: true,
      call: { id: "call_1", name: "search_products", args: { query: "black abaya" } },
    });
    const add = parseToolCall(
      call("add_to_cart", {
        product_id: "9100000001000",
        variant_id: "gid://shopify/ProductVariant/4",
        quantity: 2,
      }),
    );
    expect(add).toEqual({
      ok: true,
      call: {
        id: "call_1",
        name: "add_to_cart",
        args: {
          product_id: "gid://shopify/Product/9100000001000",
          variant_id: "gid://shopify/ProductVariant/4",
          quantity: 2,
        },
      },
    });
    expect(parseToolCall({ id: "x", function: { name: "view_cart", arguments: "" } })).toMatchObject({
      ok: true,
    });
    expect(
      parseToolCall({ id: "x", function: { name: "view_cart", arguments: { extra: 1 } } }),
    ).toMatchObject({ ok: true });
  });

  it.each([
    [call("search_products", '{"query": "abaya"'), /not valid JSON/],
    [call("search_products", {}), /query/],
    [call("search_products", { query: "" }), /query/],
    [call("fly", {}), /unknown tool/],
    [call("add_to_cart", { product_id: "gid://shopify/Collection/1" }), /not a product id/],
    [call("add_to_cart", { product_id: "1", quantity: 0 }), /quantity/],
    [call("add_to_cart", { product_id: "1", quantity: 1.5 }), /quantity/],
    [call("add_to_cart", { product_id: "1", quantity: "2" }), /quantity/],
    [call("set_language", { language: "fr" }), /language/],
    [call("search_products", "[1,2]"), /search_products/],
    [{ function: { name: "view_cart", arguments: 42 } }, /not an object/],
    [{}, /unknown tool/],
  ])("rejects %j", (raw, error) => {
    const parsed = parseToolCall(raw as never);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it("gives every call an id and splits valid from malformed ones", () => {
    const { calls, malformed } = parseToolCalls([
      { function: { name: "view_cart", arguments: "{}" } },
      call("nope", {}),
    ]);
    expect(calls).toEqual([{ id: "call_0", name: "view_cart", args: {} }]);
    expect(malformed).toEqual(['unknown tool "nope"']);
  });

  it("toGid only accepts its own type", () => {
    expect(toGid("Product", "12")).toBe("gid://shopify/Product/12");
    expect(toGid("Product", "gid://shopify/ProductVariant/12")).toBeNull();
    expect(toGid("ProductVariant", "abc")).toBeNull();
  });
});
