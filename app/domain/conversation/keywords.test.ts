import { describe, expect, it } from "vitest";
import { parseCommand } from "./keywords";

describe("parseCommand", () => {
  it.each([
    ["menu", "menu"],
    ["Menu!", "menu"],
    ["القائمة", "menu"],
    ["start", "menu"],
    ["hi", "menu"],
    ["Hello", "menu"],
    ["hi there", "menu"],
    ["مرحبا", "menu"],
    ["مرحباً", "menu"],
    ["السلام عليكم", "menu"],
    ["السلام عليكم ورحمة الله وبركاته", "menu"],
    ["cart", "cart"],
    ["السلة", "cart"],
    ["سلتي", "cart"],
    ["checkout", "checkout"],
    ["الدفع", "checkout"],
    ["ادفع", "checkout"],
    ["help", "help"],
    ["?", "help"],
    ["مساعدة", "help"],
    ["human", "human"],
    ["agent", "human"],
    ["موظف", "human"],
    ["orders", "orders"],
    ["طلباتي", "orders"],
    ["search", "search"],
    ["بحث", "search"],
    ["browse", "browse"],
    ["تصفح", "browse"],
    ["back", "back"],
    ["رجوع", "back"],
  ])("%j → %s", (text, kind) => {
    expect(parseCommand(text)?.kind).toBe(kind);
  });

  it("switches language with English / عربي / العربية", () => {
    expect(parseCommand("English")).toEqual({ kind: "lang", language: "en" });
    expect(parseCommand("عربي")).toEqual({ kind: "lang", language: "ar" });
    expect(parseCommand("العربية")).toEqual({ kind: "lang", language: "ar" });
  });

  it("reads a query after a search word, keeping the shopper's spelling", () => {
    expect(parseCommand("search Red Shoes")).toEqual({ kind: "search", query: "Red Shoes" });
    expect(parseCommand("ابحث عن قميص أبيض")).toEqual({ kind: "search", query: "قميص أبيض" });
    expect(parseCommand("بحث حذاء")).toEqual({ kind: "search", query: "حذاء" });
  });

  it("ignores ordinary text", () => {
    expect(parseCommand("I want a blue shirt for my brother please")).toBeNull();
    expect(parseCommand("hello, do you have shirts in size M for kids?")).toBeNull();
    expect(parseCommand("3")).toBeNull();
    expect(parseCommand("   ")).toBeNull();
  });

  it("in strict mode (typing a search) only exact, unambiguous keywords count", () => {
    expect(parseCommand("hello kitty", { strict: true })).toBeNull();
    expect(parseCommand("hi there", { strict: true })).toBeNull();
    expect(parseCommand("bag", { strict: true })).toBeNull();
    expect(parseCommand("home", { strict: true })).toBeNull();
    expect(parseCommand("menu", { strict: true })?.kind).toBe("menu");
    expect(parseCommand("cart", { strict: true })?.kind).toBe("cart");
  });
});
