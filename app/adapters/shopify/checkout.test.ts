import { describe, expect, it } from "vitest";
import {
  buildDraftOrderInput,
  HALA_CONVERSATION_ATTRIBUTE,
  HALA_ORDER_TAG,
  HALA_TEST_ORDER_TAG,
} from "./checkout";

describe("buildDraftOrderInput", () => {
  it("merges lines of the same variant and carries phone, tag, conversation and note", () => {
    expect(
      buildDraftOrderInput({
        lines: [
          { variantId: "gid://shopify/ProductVariant/1", quantity: 1 },
          { variantId: "2", quantity: 3 },
          { variantId: "1", quantity: 2 },
        ],
        phone: "966501234567",
        conversationId: "c1",
      }),
    ).toEqual({
      lineItems: [
        { variantId: "gid://shopify/ProductVariant/1", quantity: 3 },
        { variantId: "gid://shopify/ProductVariant/2", quantity: 3 },
      ],
      phone: "+966501234567",
      tags: [HALA_ORDER_TAG],
      customAttributes: [{ key: HALA_CONVERSATION_ATTRIBUTE, value: "c1" }],
      note: "Created by Hala from WhatsApp conversation c1",
    });
  });

  it("leaves out an invalid phone and honours tag and note", () => {
    const input = buildDraftOrderInput({
      lines: [{ variantId: "1", quantity: 1 }],
      phone: "n/a",
      conversationId: "c",
      tag: "vip",
      note: "hi",
    });
    expect(input).not.toHaveProperty("phone");
    expect(input.tags).toEqual(["vip"]);
    expect(input.note).toBe("hi");
  });

  it("a test checkout (Test your bot) carries the test tag too, and a note that says it is a test", () => {
    const input = buildDraftOrderInput({
      lines: [{ variantId: "1", quantity: 1 }],
      conversationId: "c9",
      test: true,
    });
    expect(input.tags).toEqual([HALA_ORDER_TAG, HALA_TEST_ORDER_TAG]);
    expect(input.note).toMatch(/Test your bot.*c9.*not from a shopper/);
  });

  it("refuses empty carts, bad quantities and non-variant ids", () => {
    expect(() => buildDraftOrderInput({ lines: [], conversationId: "c" })).toThrow(/empty/);
    expect(() =>
      buildDraftOrderInput({ lines: [{ variantId: "1", quantity: 0 }], conversationId: "c" }),
    ).toThrow(RangeError);
    expect(() =>
      buildDraftOrderInput({ lines: [{ variantId: "1", quantity: 1.5 }], conversationId: "c" }),
    ).toThrow(RangeError);
    expect(() =>
      buildDraftOrderInput({
        lines: [
          { variantId: "1", quantity: 600 },
          { variantId: "1", quantity: 600 },
        ],
        conversationId: "c",
      }),
    ).toThrow(/too large/);
    expect(() =>
      buildDraftOrderInput({
        lines: [{ variantId: "gid://shopify/Product/1", quantity: 1 }],
        conversationId: "c",
      }),
    ).toThrow(TypeError);
  });
});
