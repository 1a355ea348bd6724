import { describe, expect, it } from "vitest";
import { estimateMessagesTokens, estimateTokens } from "./tokens";
import { TOOLS } from "./tools";

describe("token estimates", () => {
  it("counts about 4 Latin characters per token and 2 for Arabic", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd".repeat(25))).toBe(25);
    expect(estimateTokens("مرحبا".repeat(4))).toBe(10);
  });

  it("adds messages, tool calls and the tools' schemas", () => {
    const base = estimateMessagesTokens([{ role: "user", content: "hello there" }]);
    const withTools = estimateMessagesTokens([{ role: "user", content: "hello there" }], TOOLS);
    expect(withTools).toBeGreaterThan(base + 200);
    const withCall = estimateMessagesTokens([
      { role: "user", content: "hello there" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "1", type: "function", function: { name: "view_cart", arguments: "{}" } }],
      },
    ]);
    expect(withCall).toBeGreaterThan(base);
  });
});
