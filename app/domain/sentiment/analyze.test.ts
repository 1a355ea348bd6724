import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeSentiment, explainSentiment, POLARITY_THRESHOLD } from "./analyze";

const label = (t: string) => analyzeSentiment(t).label;
const score = (t: string) => analyzeSentiment(t).score;

describe("analyzeSentiment: dialect forms named in the brief", () => {
  it.each([
    ["مش حلو", "negative"], // Egyptian/Levantine negation
    ["ما عجبني", "negative"], // Gulf/Levantine negation
    ["وايد زين", "positive"], // Gulf intensifier
    ["حلو أوي", "positive"], // Egyptian post-intensifier
    ["تحفة", "positive"], // Egyptian
    ["زفت", "negative"], // Egyptian
    ["خايس", "negative"], // Gulf
    ["مو زين", "negative"], // Gulf negation
    ["ممتاز", "positive"],
    ["سيء", "negative"],
    ["سيئة", "negative"],
    ["سيئ", "negative"],
  ] as const)("%s → %s", (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe("Arabic normalisation and clitics reach the lexicon", () => {
  it.each([
    ["حلووووو", "positive"], // repeated letters
    ["ممتااااز", "positive"],
    ["جمـــيل", "positive"], // tatweel
    ["جَمِيلٌ", "positive"], // diacritics
    ["الخدمة ممتازة", "positive"], // taa marbuta + article
    ["والجودة حلوة", "positive"], // و + ال
    ["بالتأكيد رائعة", "positive"],
    ["مشكورين", "positive"], // plural suffix
    ["ريحته مو حلوة", "negative"],
  ] as const)("%s → %s", (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe("negation", () => {
  it.each([
    ["good", "not good"],
    ["I liked it", "I didn't like it"],
    ["happy", "never happy"],
    ["worth the money", "hardly worth the money"],
    ["حلو", "مش حلو"],
    ["زين", "مو زين"],
    ["زين", "مب زين"],
    ["عجبني", "ما عجبني"],
    ["يعجبني", "لم يعجبني"],
    ["جيد", "ليس جيدا"],
    ["مريح", "غير مريح"],
    ["وصلني", "ما وصلني"], // negated fulfilment fact → complaint
  ])("'%s' is more positive than '%s', which is negative", (pos, neg) => {
    expect(score(pos)).toBeGreaterThan(score(neg));
    expect(label(neg)).toBe("negative");
  });

  it("handles the Egyptian ما…ش circumfix and attached ما", () => {
    expect(label("ماعجبنيش")).toBe("negative");
    expect(label("معجبنيش")).toBe("negative");
    expect(label("ما عجبنيش")).toBe("negative");
    expect(label("ماعجبني")).toBe("negative");
    expect(label("مبيشتغلش")).toBe("negative"); // "doesn't work"
  });

  it("negates a few tokens only, and stops at punctuation and 'but'", () => {
    expect(label("not what I expected, but honestly it's great")).toBe("positive");
    expect(label("No, it is great")).toBe("positive");
    expect(explainSentiment("never thought it would be this good").contributions).toEqual([
      { text: "good", valence: 2, negated: false },
    ]);
  });

  it("'مافي' and 'بدون' negate too", () => {
    expect(label("مافي جودة أبداً")).toBe("negative");
    expect(score("بدون مشاكل")).toBeGreaterThan(0);
  });

  it("negated negatives are only mildly positive ('not bad' is not 'good')", () => {
    expect(score("not bad")).toBeGreaterThan(0);
    expect(score("not bad")).toBeLessThan(score("good"));
    expect(label("ليس سيئاً")).toBe("neutral");
  });

  it("'ما' after قبل/بعد/زي is not a negation", () => {
    expect(label("المندوب اتصل قبل ما يوصل")).toBe("neutral");
  });

  it("idioms that contain a negation keep their meaning", () => {
    expect(label("Couldn't be happier")).toBe("positive");
    expect(label("بصراحة ما قصرتوا")).toBe("positive");
    expect(label("مافي أحلى من هيك")).toBe("positive");
  });

  it("repurchase intent and its negation", () => {
    expect(label("will definitely order again")).toBe("positive");
    expect(label("Never ordering again")).toBe("negative");
    expect(label("وسأطلب مرة أخرى")).toBe("positive");
    expect(label("مش هطلب تاني")).toBe("negative");
    expect(label("لن أتعامل معكم مرة أخرى")).toBe("negative");
  });
});

describe("intensifiers and diminishers", () => {
  it.each([
    ["good", "very good"],
    ["good", "really really good"],
    ["bad", "extremely bad"],
    ["زين", "وايد زين"],
    ["حلو", "حلو أوي"],
    ["حلو", "كتير حلو"],
    ["حلو", "مرة حلو"],
    ["جميل", "جميل جداً"],
    ["جميل", "جميل جدا"],
    ["وحش", "وحش خالص"],
  ])("'%s' < '%s' in strength", (plain, intense) => {
    expect(Math.abs(score(intense))).toBeGreaterThan(Math.abs(score(plain)));
    expect(Math.sign(score(intense))).toBe(Math.sign(score(plain)));
  });

  it.each([
    ["late", "a bit late"],
    ["tight", "slightly tight"],
    ["صغير", "صغير شوي"],
  ])("'%s' is stronger than '%s'", (plain, weak) => {
    expect(Math.abs(score(weak))).toBeLessThanOrEqual(Math.abs(score(plain)));
  });

  it("'too' + a plain adjective is an excess complaint", () => {
    expect(label("too small")).toBe("negative");
    expect(label("way too long")).toBe("negative");
  });

  it("emphasis by elongation, caps and exclamation marks", () => {
    expect(score("goooood")).toBeGreaterThan(score("good"));
    expect(score("it was BAD")).toBeLessThan(score("it was bad"));
    expect(score("Amazing!!!")).toBeGreaterThan(score("Amazing"));
    expect(score("Awful!!!")).toBeLessThan(score("Awful"));
  });
});

describe("emoji, ratings, contrast, mixed text", () => {
  it.each([
    ["😍", "positive"],
    ["👍", "positive"],
    ["🙏", "positive"],
    ["❤️", "positive"],
    ["🔥🔥", "positive"],
    ["😡", "negative"],
    ["👎", "negative"],
    ["😞", "negative"],
    ["💔", "negative"],
    ["🤮", "negative"],
    ["🤷‍♂️", "neutral"],
  ] as const)("%s → %s", (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it("emoji are not flipped by a negator", () => {
    expect(label("no 😍")).toBe("positive");
  });

  it("reads ratings written in the text", () => {
    expect(label("5 stars")).toBe("positive");
    expect(label("1 star")).toBe("negative");
    expect(label("10/10")).toBe("positive");
    expect(label("⭐⭐⭐⭐⭐")).toBe("positive");
    expect(label("⭐")).toBe("negative");
    expect(label("خمس نجوم")).toBe("positive");
    expect(label("٥ نجوم")).toBe("positive");
  });

  it("what follows 'but' / 'بس' weighs more", () => {
    expect(label("Nice packaging but the watch stopped working")).toBe("negative");
    expect(label("التغليف ممتاز بس المنتج خربان")).toBe("negative");
    expect(label("delivery was slow but the dress is gorgeous")).toBe("positive");
  });

  it("mixed Arabic/English text", () => {
    expect(analyzeSentiment("the dress كتير حلو ❤️")).toMatchObject({ label: "positive", language: "mixed" });
    expect(analyzeSentiment("مش good خالص")).toMatchObject({ label: "negative", language: "mixed" });
    expect(analyzeSentiment("Very bad خدمة")).toMatchObject({ label: "negative", language: "mixed" });
  });

  it("factual and short lukewarm replies are neutral", () => {
    for (const t of ["ok", "تمام", "عادي", "Arrived on Tuesday", "وصل الطلب", "Received the package", ""]) {
      expect(label(t), t).toBe("neutral");
    }
  });
});

describe("properties", () => {
  it("never throws; score in [-1, 1]; label agrees with score; deterministic", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (text) => {
        const a = analyzeSentiment(text);
        expect(a.score).toBeGreaterThanOrEqual(-1);
        expect(a.score).toBeLessThanOrEqual(1);
        if (a.label === "positive") expect(a.score).toBeGreaterThanOrEqual(POLARITY_THRESHOLD);
        if (a.label === "negative") expect(a.score).toBeLessThanOrEqual(-POLARITY_THRESHOLD);
        if (a.label === "neutral") expect(Math.abs(a.score)).toBeLessThan(POLARITY_THRESHOLD);
        expect(analyzeSentiment(text)).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it("handles Arabic-heavy random input", () => {
    const arabic = fc.string({
      unit: fc.constantFrom(..."ابتثجحخدذرزسشصضطظعغفقكلمنهويةىأإآؤئءًٌٍَُِّْـ !؟،😍👎 "),
      maxLength: 60,
    });
    fc.assert(
      fc.property(arabic, (text) => {
        const a = analyzeSentiment(text);
        expect(Number.isFinite(a.score)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
