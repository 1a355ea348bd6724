import { describe, expect, it } from "vitest";
import { buildProductSearchQuery, buildSkuQuery, quoteSearchValue, searchTerms } from "./search-query";

describe("searchTerms", () => {
  it("keeps plain words of any script, lower-cased, without syntax", () => {
    expect(searchTerms('Black ABAYA (size:54) OR "oud*"')).toEqual(["black", "abaya", "size", "54", "oud"]);
    expect(searchTerms("عبايـة سَوداء")).toEqual(["عباية", "سوداء"]);
    expect(searchTerms("tag:sale -status:draft")).toEqual(["tag", "sale", "status", "draft"]);
  });

  it("drops stop words (unless nothing else is left), duplicates and plural s", () => {
    expect(searchTerms("do you have any abayas please")).toEqual(["abaya"]);
    expect(searchTerms("عندكم عطور؟")).toEqual(["عطور"]);
    expect(searchTerms("the")).toEqual(["the"]);
    expect(searchTerms("dates dates date")).toEqual(["date"]);
    expect(searchTerms("dress status")).toEqual(["dress", "status"]);
  });

  it("bounds the number and the length of terms", () => {
    expect(searchTerms("one two three four five six seven")).toHaveLength(5);
    expect(searchTerms("x".repeat(100))[0]).toHaveLength(40);
    expect(searchTerms("a b c")).toEqual([]);
    expect(searchTerms("size 5")).toEqual(["size", "5"]);
  });
});

describe("query builders", () => {
  it("builds an ACTIVE-only title/tag prefix query, or null", () => {
    expect(buildProductSearchQuery("black abayas")).toBe(
      "status:active AND (title:black* OR tag:black) AND (title:abaya* OR tag:abaya)",
    );
    expect(buildProductSearchQuery("  ?!* ")).toBeNull();
  });

  it("quotes exact values", () => {
    expect(quoteSearchValue('A"B\\C')).toBe('"A\\"B\\\\C"');
    expect(buildSkuQuery([" ABY-52 ", 'X"Y'])).toBe('sku:"ABY-52" OR sku:"X\\"Y"');
  });
});
