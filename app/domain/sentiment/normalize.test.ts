import { describe, expect, it } from "vitest";
import { detectLanguage, normalizeText, spellingVariants, tokenize } from "./normalize";

describe("normalizeText (Arabic)", () => {
  it.each([
    ["أحمد إبراهيم آمال", "احمد ابراهيم امال"], // alef/hamza forms
    ["سيارة", "سياره"], // taa marbuta → haa
    ["على مستوى", "علي مستوي"], // alef maqsura → yaa
    ["جمـــيل", "جميل"], // tatweel
    ["جَمِيلٌ جدًّا", "جميل جدا"], // diacritics, shadda, tanween
    ["سيئة مسؤول", "سيءه مسءول"], // hamza seats
    ["٣ ۴ ١٠", "3 4 10"], // Arabic-Indic and extended digits
    ["حلووووو", "حلوو"], // runs of 3+ shortened to 2
    ["ﻻ", "لا"], // presentation form (NFKC)
  ])("%s → %s", (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it("lower-cases Latin and straightens apostrophes", () => {
    expect(normalizeText("DIDN’T Love IT")).toBe("didn't love it");
  });

  it("is idempotent", () => {
    for (const s of ["أحلى هديـــة 😍", "Sooooo GOOD!!!", "ماعجبنيش خالص"]) {
      expect(normalizeText(normalizeText(s))).toBe(normalizeText(s));
    }
  });
});

describe("spellingVariants", () => {
  it("recovers the base spelling of elongated words", () => {
    expect(spellingVariants("حلوو", "حلووووو")).toContain("حلو");
    expect(spellingVariants("ممتااز", "ممتااااز")).toContain("ممتاز");
    expect(spellingVariants("good", "goooood")[0]).toBe("good"); // the tokenizer already shortened to 2
    expect(spellingVariants("amaazing", "amaaaazing")).toContain("amazing");
    expect(spellingVariants("soo", "sooooo")).toContain("so");
  });
});

describe("tokenize", () => {
  it("splits Arabic and Latin runs even without a space", () => {
    expect(tokenize("الdelivery كان late").map((t) => t.text)).toEqual(["ال", "delivery", "كان", "late"]);
  });

  it("turns English negative contractions into 'not'", () => {
    const words = tokenize("I didn't like it, it doesnt fit and I cannot wear it").map((t) => t.text);
    expect(words.join(" ")).toBe("i not like it , it not fit and i not wear it");
  });

  it("keeps emoji as tokens with their base code point", () => {
    const toks = tokenize("👍🏽 ❤️🔥 🤦‍♀️");
    expect(toks.map((t) => [t.kind, t.text])).toEqual([
      ["emoji", "👍"],
      ["emoji", "❤"],
      ["emoji", "🔥"],
      ["emoji", "🤦"],
    ]);
  });

  it("marks elongated and shouted words", () => {
    const [a, b, c] = tokenize("soooo BAD حلووووو");
    expect(a.elongated).toBe(true);
    expect(b.shouted).toBe(true);
    expect(c.elongated).toBe(true);
    // An all-caps message is not "shouting" word by word.
    expect(tokenize("VERY BAD").every((t) => !t.shouted)).toBe(true);
  });
});

describe("detectLanguage", () => {
  it.each([
    ["Great quality", "en"],
    ["ممتاز جداً", "ar"],
    ["The quality ممتاز", "mixed"],
    ["الdelivery كان late", "mixed"],
    ["😍😍", "unknown"],
    ["5", "unknown"],
    ["", "unknown"],
  ] as const)("%s → %s", (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
