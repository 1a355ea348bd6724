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

  it.each([
    "can I talk to a human please",
    "I want to speak with someone",
    "Please connect me to customer service",
    "need a real person!",
    "chat with an agent",
    "أريد التحدث مع موظف",
    "ممكن اكلم خدمة العملاء؟",
    "أبغى أتكلم مع شخص",
    "بدي احكي مع انسان",
  ])("a sentence asking for a person → human: %j", (text) => {
    expect(parseCommand(text)?.kind).toBe("human");
  });

  it("a person word inside a product query is not a handoff", () => {
    expect(parseCommand("do you have the secret agent costume")).toBeNull();
    expect(parseCommand("two person tent")).toBeNull();
    // While typing a search, only exact keywords count.
    expect(parseCommand("talk to a human", { strict: true })).toBeNull();
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
