/**
 * Ratings written inside a feedback text ("5 stars", "10/10", "٣ نجوم", "خمس نجوم", "⭐⭐⭐⭐") — an explicit
 * signal that is added to the wording. Returns the ratings found (1–5 scale) and the text with them blanked out
 * (case, spelling and letters otherwise untouched, so the tokenizer still sees emphasis).
 */
import { toAsciiDigits } from "./normalize";

const STAR_WORDS = String.raw`(?:stars?|نجوم|نجمات|نجم[ةه]|نجمتين)`;
const AR_NUMBER_WORDS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:واحد[ةه]?|وحد[ةه])$/, 1],
  [/^[اأإ]ثنين$/, 2],
  [/^(?:ثلاث|تلات)[ةه]?$/, 3],
  [/^[اأ]ربع[ةه]?$/, 4],
  [/^خمس[ةه]?$/, 5],
];
const AR_NUMBER = String.raw`(?:واحد[ةه]?|وحد[ةه]|[اأإ]ثنين|ثلاث[ةه]?|تلات[ةه]?|[اأ]ربع[ةه]?|خمس[ةه]?)`;

export interface RatingMention {
  /** 1..5 (fractional for "7/10") */
  rating: number;
  match: string;
}

export function findRatingMentions(text: string): { mentions: RatingMention[]; rest: string } {
  let rest = toAsciiDigits(text);
  const mentions: RatingMention[] = [];
  const take = (re: RegExp, toRating: (groups: string[]) => number | null) => {
    rest = rest.replace(re, (whole: string, ...groups: unknown[]) => {
      const r = toRating(groups.filter((g): g is string => typeof g === "string"));
      if (r === null) return whole;
      mentions.push({ rating: r, match: whole });
      return " ";
    });
  };
  // "10/10", "4/5", "4.5/5"
  take(/(?<![\d.])(\d{1,2}(?:[.,]\d)?)\s*\/\s*(5|10)(?!\d)/g, ([n, d]) => {
    const num = Number(n.replace(",", "."));
    const den = Number(d);
    if (!(num >= 0 && num <= den)) return null;
    return Math.max(1, Math.min(5, (num / den) * 5));
  });
  // "5 stars", "1 star", "٣ نجوم"
  take(new RegExp(String.raw`(?<![\d.])([1-5])\s*${STAR_WORDS}`, "giu"), ([n]) => Number(n));
  // "خمس نجوم"
  take(new RegExp(String.raw`(${AR_NUMBER})\s*${STAR_WORDS}`, "gu"), ([w]) => {
    for (const [re, n] of AR_NUMBER_WORDS) if (re.test(w)) return n;
    return null;
  });
  // "نجمة وحدة", "نجمتين"
  take(/نجم[ةه]\s*(?:واحد[ةه]|وحد[ةه])/gu, () => 1);
  take(/نجمتين/gu, () => 2);
  // a run of star emoji
  rest = rest.replace(/(?:[⭐🌟]\uFE0F?)+/gu, (run) => {
    const n = [...run.replace(/\uFE0F/g, "")].length;
    if (n <= 5) mentions.push({ rating: n, match: run });
    return " ";
  });
  return { mentions, rest };
}

/** Valence of a rating on the lexicon scale: 5 → +3, 4 → +1.5, 3 → 0, 2 → -1.5, 1 → -3. */
export function ratingValence(rating: number): number {
  return (rating - 3) * 1.5;
}
