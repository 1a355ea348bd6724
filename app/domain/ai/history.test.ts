import { describe, expect, it } from "vitest";
import { historyMessages, trimHistory, type HistoryItem } from "./history";

const u = (text: string): HistoryItem => ({ role: "user", text });
const a = (text: string): HistoryItem => ({ role: "assistant", text });

describe("trimHistory", () => {
  it("keeps the last N turns (a turn starts at a shopper message)", () => {
    const items = [u("1"), a("r1"), u("2"), a("r2"), u("3"), a("r3"), a("r3b")];
    expect(trimHistory(items, { maxTurns: 2 })).toEqual([u("2"), a("r2"), u("3"), a("r3\nr3b")]);
  });

  it("joins consecutive messages of one side and skips empty ones", () => {
    expect(trimHistory([u("a"), u(" "), u("b"), a("x")])).toEqual([u("a\nb"), a("x")]);
  });

  it("cuts long messages and drops the oldest until the total fits", () => {
    const long = "word ".repeat(400);
    const trimmed = trimHistory([u(long), a(long), u("recent"), a("ok")], {
      maxMessageChars: 100,
      maxChars: 150,
    });
    expect(trimmed).toEqual([u("recent"), a("ok")]);
    const one = trimHistory([u(long)], { maxMessageChars: 50 });
    expect(one[0].text.length).toBeLessThanOrEqual(50);
    expect(one[0].text.endsWith("…")).toBe(true);
  });

  it("never starts with a bot message", () => {
    expect(trimHistory([a("welcome"), u("hi"), a("menu")])).toEqual([u("hi"), a("menu")]);
    expect(trimHistory([a("only the bot")])).toEqual([]);
  });

  it("bounds the total size whatever the input", () => {
    const items = Array.from({ length: 200 }, (_, i) => (i % 2 ? a("b".repeat(900)) : u("u".repeat(900))));
    const trimmed = trimHistory(items);
    expect(trimmed.reduce((n, m) => n + m.text.length, 0)).toBeLessThanOrEqual(3000);
  });

  it("becomes chat messages with the shopper's words delimited", () => {
    expect(historyMessages([u("hi"), a("hello")])).toEqual([
      { role: "user", content: "<shopper>hi</shopper>" },
      { role: "assistant", content: "hello" },
    ]);
  });
});
