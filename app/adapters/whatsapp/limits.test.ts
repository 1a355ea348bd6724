import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ListRow } from "~/domain/types";
import { ELLIPSIS, LIMITS, WhatsAppLimitError, charLength, chunkText, splitList, truncate } from "./limits";

/** True when the string holds no lone surrogate (i.e. no surrogate pair was split). */
const wellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe("charLength", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(charLength("")).toBe(0);
    expect(charLength("abc")).toBe(3);
    expect(charLength("👍")).toBe(1);
    expect("👍".length).toBe(2);
    expect(charLength("مرحبا")).toBe(5);
    expect(charLength("👍🏽")).toBe(2);
  });
});

describe("truncate", () => {
  it("leaves text that fits alone, up to exactly the limit", () => {
    expect(truncate("Checkout", 20)).toBe("Checkout");
    expect(truncate("x".repeat(20), 20)).toBe("x".repeat(20));
    expect(truncate("", 20)).toBe("");
  });

  it("cuts with an ellipsis, within the limit", () => {
    const out = truncate("Browse all collections", 20);
    expect(out).toBe("Browse all collecti…");
    expect(charLength(out)).toBe(20);
  });

  it("drops trailing spaces before the ellipsis", () => {
    expect(truncate("Hello wonderful world", 7)).toBe("Hello…");
  });

  it("counts Arabic letters one by one", () => {
    const title = "تصفح جميع المجموعات المتاحة الآن"; // 32 characters
    const out = truncate(title, LIMITS.listRowTitle);
    expect(charLength(out)).toBeLessThanOrEqual(LIMITS.listRowTitle);
    expect(out.endsWith(ELLIPSIS)).toBe(true);
    expect(title.startsWith(out.slice(0, -1))).toBe(true);
    expect(truncate("عرض السلة", 20)).toBe("عرض السلة");
  });

  it("never separates an Arabic letter from its diacritics", () => {
    const vocalised = "مَرْحَبًا بِكُمْ"; // letters carrying harakat (combining marks)
    // From 3 on, the first letter and its mark (2 code points) fit beside the ellipsis.
    for (let max = 3; max < charLength(vocalised); max++) {
      const kept = truncate(vocalised, max).slice(0, -1);
      expect(charLength(kept) + 1).toBeLessThanOrEqual(max);
      // The kept part ends on a whole grapheme: the next character is not a combining mark.
      const next = vocalised.slice(kept.length, kept.length + 1);
      expect(/\p{M}/u.test(next)).toBe(false);
    }
  });

  it("counts an emoji as one character and never splits a surrogate pair", () => {
    expect(truncate("👍".repeat(20), 20)).toBe("👍".repeat(20));
    const out = truncate("👍".repeat(25), 20);
    expect(out).toBe("👍".repeat(19) + ELLIPSIS);
    expect(wellFormed(out)).toBe(true);
  });

  it("keeps ZWJ sequences, skin tones and flags whole", () => {
    const family = "👨‍👩‍👧‍👦"; // 7 code points
    expect(truncate(`ab${family}cd`, 9)).toBe(`ab…`);
    expect(truncate(`ab${family}cd`, 10)).toBe(`ab${family}…`);
    expect(truncate("🇦🇪🇸🇦🇪🇬", 4)).toBe("🇦🇪…");
    expect(truncate("👍🏽👍🏽👍🏽", 5)).toBe("👍🏽👍🏽…");
  });

  it("cuts inside an oversized grapheme only by whole code points", () => {
    const family = "👨‍👩‍👧‍👦";
    const out = truncate(family, 4);
    expect(charLength(out)).toBe(4);
    expect(wellFormed(out)).toBe(true);
  });

  it("always fits the limit and stays well-formed (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 80 }),
        fc.integer({ min: 1, max: 80 }),
        (text, max) => {
          const out = truncate(text, max);
          return charLength(out) <= max && wellFormed(out) && (charLength(text) <= max ? out === text : true);
        },
      ),
    );
  });
});

describe("chunkText", () => {
  it("returns a short text as one chunk, and nothing for blank text", () => {
    expect(chunkText("Hello")).toEqual(["Hello"]);
    expect(chunkText("")).toEqual([]);
    expect(chunkText("  \n ")).toEqual([]);
  });

  it("prefers paragraph breaks, then line breaks, then spaces", () => {
    expect(chunkText("First paragraph.\n\nSecond one here.", 24)).toEqual([
      "First paragraph.",
      "Second one here.",
    ]);
    expect(chunkText("line one\nline two is here", 16)).toEqual(["line one", "line two is here"]);
    expect(chunkText("alpha beta gamma delta", 12)).toEqual(["alpha beta", "gamma delta"]);
  });

  it("cuts between graphemes when there is no space", () => {
    expect(chunkText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(chunkText("👍".repeat(5), 2)).toEqual(["👍👍", "👍👍", "👍"]);
  });

  it("splits long Arabic text at spaces", () => {
    const text = "مرحبا بكم في متجرنا ".repeat(300).trim();
    const chunks = chunkText(text, LIMITS.textBody);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(charLength(chunk)).toBeLessThanOrEqual(LIMITS.textBody);
    expect(chunks.join(" ")).toBe(text);
  });

  it("defaults to the text message limit", () => {
    const chunks = chunkText("a".repeat(LIMITS.textBody + 1));
    expect(chunks.map((c) => c.length)).toEqual([LIMITS.textBody, 1]);
  });

  it("rejects a non-positive maximum", () => {
    expect(() => chunkText("abc", 0)).toThrow(WhatsAppLimitError);
  });

  it("keeps all non-space content in order, in chunks within the limit (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "ب", " ", "\n", "👍", "👍🏽", "é"), maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (text, max) => {
          const chunks = chunkText(text, max);
          const squash = (s: string) => s.replace(/\s+/g, "");
          return (
            chunks.every((c) => charLength(c) <= max && c.trim() !== "" && wellFormed(c)) &&
            squash(chunks.join("")) === squash(text)
          );
        },
      ),
    );
  });
});

describe("splitList", () => {
  const rows = (n: number): ListRow[] =>
    Array.from({ length: n }, (_, i) => ({ id: `p${i}`, title: `Product ${i}` }));
  const options = { moreRowId: (page: number) => `more:${page}`, moreTitle: "More…" };

  it("keeps a list that fits in one message as one page", () => {
    expect(splitList(rows(3), options)).toEqual([rows(3)]);
    expect(splitList(rows(10), options)).toEqual([rows(10)]);
  });

  it("gives no pages for no rows", () => {
    expect(splitList([], options)).toEqual([]);
  });

  it("pages 9 rows plus a More row", () => {
    const pages = splitList(rows(11), options);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toEqual([...rows(9), { id: "more:1", title: "More…" }]);
    expect(pages[1]).toEqual(rows(11).slice(9));
  });

  it("lets the last page use the More row's slot", () => {
    const pages = splitList(rows(19), options);
    expect(pages.map((p) => p.length)).toEqual([10, 10]);
    expect(pages[1]).toEqual(rows(19).slice(9));
    expect(splitList(rows(20), options).map((p) => p.length)).toEqual([10, 10, 2]);
  });

  it("accepts a fixed More id, a description and a smaller page size", () => {
    const pages = splitList(rows(7), {
      pageSize: 3,
      moreRowId: "more",
      moreTitle: "المزيد",
      moreDescription: "عرض المزيد من المنتجات",
    });
    expect(pages.map((p) => p.map((r) => r.id))).toEqual([
      ["p0", "p1", "p2", "more"],
      ["p3", "p4", "p5", "p6"],
    ]);
    expect(pages[0][3]).toEqual({ id: "more", title: "المزيد", description: "عرض المزيد من المنتجات" });
  });

  it.each([0, 10, 2.5, -1])("rejects page size %s", (pageSize) => {
    expect(() => splitList(rows(30), { ...options, pageSize })).toThrow(WhatsAppLimitError);
  });

  it("keeps every page within 10 rows and every row in order (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 9 }), (n, pageSize) => {
        const pages = splitList(rows(n), { ...options, pageSize });
        const content = pages.flat().filter((r) => !r.id.startsWith("more:"));
        return (
          pages.every((p) => p.length >= 1 && p.length <= LIMITS.listRows) &&
          JSON.stringify(content) === JSON.stringify(rows(n)) &&
          pages.slice(0, -1).every((p, i) => p[p.length - 1].id === `more:${i + 1}`)
        );
      }),
    );
  });
});

describe("WhatsAppLimitError", () => {
  it("names the field, the problem and the numbers", () => {
    const error = new WhatsAppLimitError("buttons", "too_many", "at most 3", 3, 4);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("WhatsAppLimitError");
    expect(error.message).toBe("buttons: at most 3");
    expect(error).toMatchObject({ field: "buttons", problem: "too_many", limit: 3, actual: 4 });
  });
});
