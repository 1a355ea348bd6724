import { describe, expect, it } from "vitest";
import { isEscapeKeyword, isSkip, parseRating } from "./parse-rating";

describe("parseRating", () => {
  it.each([
    // digits, also Arabic-Indic and with a scale
    ["5", 5],
    ["1", 1],
    [" 3 ", 3],
    ["4!", 4],
    ["٥", 5],
    ["٣", 3],
    ["۴", 4],
    ["4/5", 4],
    ["٤/٥", 4],
    ["4 out of 5", 4],
    ["4 من 5", 4],
    ["5 stars", 5],
    ["3 نجوم", 3],
    ["10/10", 5],
    ["6/10", 3],
    ["4️⃣", 4],
    // stars
    ["⭐⭐⭐⭐", 4],
    ["⭐️⭐️⭐️⭐️⭐️", 5],
    ["⭐", 1],
    ["★★★☆☆", 3],
    ["🌟🌟", 2],
    // emoji
    ["😍", 5],
    ["❤️", 5],
    ["🔥🔥", 5],
    ["👍", 4],
    ["👍🏽", 4],
    ["👌", 4],
    ["😐", 3],
    ["🤷‍♂️", 3],
    ["😞", 2],
    ["👎", 1],
    ["😡", 1],
    ["😡😡😡", 1],
    ["😍👍", 5],
    ["🤮", 1],
    // English words
    ["great", 5],
    ["Great!", 5],
    ["excellent", 5],
    ["love it", 5],
    ["good", 4],
    ["very good", 5],
    ["nice", 4],
    ["ok", 3],
    ["OK", 3],
    ["okay", 3],
    ["fine", 3],
    ["not bad", 3],
    ["so so", 3],
    ["poor", 2],
    ["not good", 2],
    ["not great", 2],
    ["bad", 1],
    ["terrible", 1],
    ["very bad", 1],
    ["it was great, thanks", 5],
    ["five", 5],
    ["goooood", 4],
    // the button titles, typed
    ["😍 Great", 5],
    ["🙂 OK", 3],
    ["😞 Bad", 1],
    ["😍 ممتاز", 5],
    ["🙂 عادي", 3],
    ["😞 سيء", 1],
    // Arabic words (MSA, Gulf, Egyptian, Levantine)
    ["ممتاز", 5],
    ["ممتااااز", 5],
    ["ممتاز جداً", 5],
    ["رائع", 5],
    ["روعة", 5],
    ["تحفة", 5],
    ["حلو", 4],
    ["حلوة", 4],
    ["حلو أوي", 5],
    ["زين", 4],
    ["وايد زين", 5],
    ["كويس", 4],
    ["منيح", 4],
    ["جيد", 4],
    ["جيد جداً", 4],
    ["تمام", 3],
    ["عادي", 3],
    ["مقبول", 3],
    ["نص نص", 3],
    ["ماشي الحال", 3],
    ["مش بطال", 3],
    ["لا بأس", 3],
    ["مو زين", 2],
    ["مش حلو", 2],
    ["ما عجبني", 2],
    ["ماعجبنيش", 2],
    ["ضعيف", 2],
    ["سيء", 1],
    ["سيئ", 1],
    ["زفت", 1],
    ["خايس", 1],
    ["سيء جداً", 1],
    ["بصراحة ممتاز", 5],
    ["خمسة", 5],
  ] as const)("%s → %s", (text, rating) => {
    expect(parseRating(text)).toBe(rating);
  });

  it.each([
    "",
    "   ",
    "0",
    "6",
    "7 stars",
    "11/10",
    "hello",
    "?",
    "asdf",
    "مرحبا",
    "the colour is a bit off",
    "great but the size is wrong",
    "4/5 but the colour is off",
    "😍😡",
    "🎁",
    "no",
    "لا",
  ])("%j → null", (text) => {
    expect(parseRating(text)).toBeNull();
  });
});

describe("isSkip / isEscapeKeyword", () => {
  it.each([
    "skip",
    "Skip",
    "no",
    "No thanks",
    "nothing",
    "تخطي",
    "لا",
    "لا شكراً",
    "لا شي",
    "مافي",
    "بدون تعليق",
  ])("%s is a skip", (text) => expect(isSkip(text)).toBe(true));
  it.each(["no, the box was damaged", "nothing arrived", "great"])("%s is not a skip", (text) =>
    expect(isSkip(text)).toBe(false),
  );

  it.each(["menu", "Help", "human", "القائمة", "موظف", "مساعدة"])("%s escapes", (text) =>
    expect(isEscapeKeyword(text)).toBe(true),
  );
  it("a sentence with 'help' is not an escape", () =>
    expect(isEscapeKeyword("need help, the item is broken")).toBe(false));
});
