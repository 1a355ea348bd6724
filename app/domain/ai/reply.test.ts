import { describe, expect, it } from "vitest";
import { arabicShare, checkReply, isInLanguage, linksIn } from "./reply";

const opts = {
  language: "en" as const,
  maxChars: 600,
  sources: [JSON.stringify({ price: "SAR 349.00", url: "https://shop.example/p/1" })],
};

describe("checkReply", () => {
  it("passes a grounded reply in the right language, trimmed", () => {
    expect(checkReply("  The abaya is SAR 349.00.\n\n\n\nWant it?  ", opts)).toEqual({
      ok: true,
      text: "The abaya is SAR 349.00.\n\nWant it?",
    });
  });

  it("rejects empty replies, made-up prices, the wrong language and foreign links", () => {
    expect(checkReply(null, opts)).toEqual({ ok: false, reason: "empty" });
    expect(checkReply("   ", opts)).toEqual({ ok: false, reason: "empty" });
    expect(checkReply("Only SAR 99!", opts)).toMatchObject({ ok: false, reason: "price" });
    expect(checkReply("هذه العباية رائعة", opts)).toEqual({ ok: false, reason: "language" });
    expect(checkReply("Pay here: https://evil.example/pay", opts)).toEqual({ ok: false, reason: "link" });
    expect(checkReply("See https://shop.example/p/1 for photos", opts)).toMatchObject({ ok: true });
  });

  it("Arabic replies may name products in Latin letters", () => {
    const ar = { ...opts, language: "ar" as const };
    expect(checkReply("وجدت لك Classic Black Abaya، هل تريدين مقاسًا معينًا؟", ar)).toMatchObject({ ok: true });
    expect(checkReply("I found the Classic Black Abaya for you", ar)).toEqual({
      ok: false,
      reason: "language",
    });
    expect(checkReply("👍", ar)).toMatchObject({ ok: true });
  });

  it("shortens to the shop's maximum at a word boundary", () => {
    const check = checkReply("word ".repeat(100), { ...opts, maxChars: 100 });
    expect(check.ok && check.text.length).toBeLessThanOrEqual(100);
    expect(check.ok && check.text.endsWith("…")).toBe(true);
  });

  it("helpers", () => {
    expect(arabicShare("abc")).toBe(0);
    expect(arabicShare("123")).toBeNull();
    expect(isInLanguage("مرحبا Sara", "ar")).toBe(true);
    expect(linksIn("go to www.x.com/a, or https://y.org.")).toEqual(["www.x.com/a", "https://y.org"]);
  });
});

describe("checkReply checks the text as it will be sent", () => {
  it("a price cut in half by the length limit is not sent", () => {
    const sources = [JSON.stringify({ total: "SAR 1,349.00" })];
    // No space to cut at: the limit falls inside the amount.
    const text = `Total:${"-".repeat(85)}SAR1,349.00`;
    expect(checkReply(text, { language: "en", maxChars: 500, sources })).toMatchObject({ ok: true });
    expect(checkReply(text, { language: "en", maxChars: 97, sources })).toMatchObject({
      ok: false,
      reason: "price",
    });
  });
});
