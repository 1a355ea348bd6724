/**
 * Reading a 1–5 rating from what a shopper typed, plus the small keyword sets of the feedback conversation
 * (skip, escape to the main menu). Pure.
 *
 * `parseRating` accepts a message that IS a rating — nothing else of substance in it:
 *   - digits 1–5, also Arabic-Indic (٠-٩), optionally "/5", "من 5", "out of 5", "stars", "نجوم": "4", "٤", "4/5";
 *     "N/10" is halved ("10/10" → 5); keycap digits "4️⃣";
 *   - a run of stars: "⭐⭐⭐⭐", "★★★☆☆" (filled stars are counted);
 *   - emoji: 😍/❤️/🔥 → 5, 👍/👌/🙂 → 4, 😐/🤷 → 3, 😕/😞 → 2, 👎/😡/🤮 → 1 (several agreeing emoji average);
 *   - words in English and Arabic (MSA + dialects), with an optional negator and intensifiers:
 *     "great" 5, "good" 4, "ok" 3, "poor" 2, "bad" 1 (the button titles map exactly like the buttons),
 *     "very good" 5, "not bad" 3, "not good" 2; "ممتاز" 5, "حلو"/"زين"/"كويس" 4, "تمام"/"عادي" 3,
 *     "مو زين"/"ما عجبني" 2, "سيء"/"زفت"/"خايس" 1. "جيد جداً" stays 4 (as in Arab grading: ممتاز > جيد جداً).
 * Anything longer ("4/5 but the colour is off") returns null; the machine then treats it as a comment and reads
 * an explicit rating inside it with `findRatingMentions`.
 */
import { normalizeText } from "../sentiment/normalize";

export type Rating = 1 | 2 | 3 | 4 | 5;

const norm = (s: string) => normalizeText(s).replace(/\s+/g, " ").trim();

function toRating(n: number): Rating | null {
  return Number.isInteger(n) && n >= 1 && n <= 5 ? (n as Rating) : null;
}

/** Whole-message phrases, checked before the word-by-word reading. */
const PHRASES: Record<string, Rating> = {
  "love it": 5,
  "loved it": 5,
  "love them": 5,
  "five stars": 5,
  "thumbs up": 4,
  "like it": 4,
  "liked it": 4,
  "four stars": 4,
  "so so": 3,
  "three stars": 3,
  "could be better": 2,
  "two stars": 2,
  "thumbs down": 1,
  "hate it": 1,
  "hated it": 1,
  "one star": 1,
  "جيد جدا": 4,
  "فوق الممتاز": 5,
  "ماشي الحال": 3,
  "نص نص": 3,
  "لا باس": 3,
  "ما عجبني": 2,
  ماعجبني: 2,
  "ما عجبنيش": 2,
  ماعجبنيش: 2,
  معجبنيش: 2,
  "لم يعجبني": 2,
};

/** Single rating words. */
const WORDS: Record<string, Rating> = {
  // English
  excellent: 5,
  great: 5,
  amazing: 5,
  awesome: 5,
  perfect: 5,
  fantastic: 5,
  wonderful: 5,
  brilliant: 5,
  outstanding: 5,
  superb: 5,
  best: 5,
  lovely: 5,
  love: 5,
  good: 4,
  nice: 4,
  happy: 4,
  satisfied: 4,
  pleased: 4,
  cool: 4,
  ok: 3,
  okay: 3,
  okey: 3,
  k: 3,
  fine: 3,
  average: 3,
  alright: 3,
  decent: 3,
  acceptable: 3,
  meh: 3,
  poor: 2,
  disappointing: 2,
  disappointed: 2,
  unhappy: 2,
  bad: 1,
  terrible: 1,
  awful: 1,
  horrible: 1,
  worst: 1,
  useless: 1,
  rubbish: 1,
  disgusting: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  // Arabic
  ممتاز: 5,
  رائع: 5,
  روعة: 5,
  تحفة: 5,
  خرافي: 5,
  يجنن: 5,
  بيجنن: 5,
  مذهل: 5,
  جيد: 4,
  حلو: 4,
  زين: 4,
  كويس: 4,
  منيح: 4,
  مليح: 4,
  جميل: 4,
  جامد: 4,
  عجبني: 4,
  أعجبني: 4,
  حبيته: 5,
  مبسوط: 4,
  راضي: 4,
  تمام: 3,
  عادي: 3,
  مقبول: 3,
  ماشي: 3,
  أوكي: 3,
  اوك: 3,
  متوسط: 3,
  ضعيف: 2,
  بطال: 2,
  وحش: 2,
  خايب: 2,
  تعبان: 2,
  سيئ: 1,
  زفت: 1,
  خايس: 1,
  أسوأ: 1,
  مقرف: 1,
  فاشل: 1,
  واحد: 1,
  اثنين: 2,
  اتنين: 2,
  ثلاثة: 3,
  تلاتة: 3,
  أربعة: 4,
  خمسة: 5,
};

const NEGATORS = new Set(
  ["not", "no", "never", "مش", "مو", "مب", "موب", "ما", "ليس", "غير", "مهو", "لا"].map(norm),
);
const INTENSIFIERS = new Set(
  [
    "very",
    "so",
    "really",
    "super",
    "extremely",
    "absolutely",
    "totally",
    "جدا",
    "وايد",
    "كتير",
    "كثير",
    "مرة",
    "أوي",
    "قوي",
    "خالص",
    "حيل",
    "بزاف",
  ].map(norm),
);
/** Words that may surround a rating without changing it: "it was great, thanks", "بصراحة ممتاز". */
const FILLERS = new Set(
  [
    "it",
    "its",
    "it's",
    "was",
    "is",
    "that",
    "this",
    "i",
    "overall",
    "honestly",
    "the",
    "order",
    "service",
    "experience",
    "all",
    "everything",
    "thanks",
    "thank",
    "you",
    "thx",
    "stars",
    "star",
    "out",
    "of",
    "كان",
    "كانت",
    "الطلب",
    "الخدمة",
    "التجربة",
    "يعني",
    "والله",
    "بصراحة",
    "الصراحة",
    "الحمدلله",
    "شكرا",
    "كل",
    "شي",
    "كلشي",
    "المنتج",
    "نجوم",
    "نجمات",
    "من",
  ].map(norm),
);

const phraseMap = new Map(Object.entries(PHRASES).map(([k, v]) => [norm(k), v]));
const wordMap = new Map(Object.entries(WORDS).map(([k, v]) => [norm(k), v]));
/** Every run of a letter collapsed to one: "ممتااااز", "goooood", "حلووو" still match. */
const squash = (s: string) => s.replace(/(\p{L})\1+/gu, "$1");
const squashedWordMap = new Map([...wordMap].map(([k, v]) => [squash(k), v]));

const EMOJI_RATING: Record<string, Rating> = Object.fromEntries([
  ...[..."😍🤩🥰❤♥💖💕💗💓💞😘😻💯🔥👏🙌🏆"].map((e) => [e, 5]),
  ...[..."👍👌🙂😊😀😃😄😁☺✅🙏💪"].map((e) => [e, 4]),
  ...[..."😐🤷😶😑🆗"].map((e) => [e, 3]),
  ...[..."😕🙁☹😒🙄😞😔😟"].map((e) => [e, 2]),
  ...[..."👎😡🤬😠🤮🤢💩💔😤"].map((e) => [e, 1]),
]) as Record<string, Rating>;

const EMOJI_RE = /\p{Extended_Pictographic}(?:\uFE0F|[\u{1F3FB}-\u{1F3FF}]|\u200D.\uFE0F?)*/gu;
const EDGE_PUNCT = /^[\s.!?,،؛؟:;"'()\-–—*~]+|[\s.!?,،؛؟:;"'()\-–—*~]+$/g;

function fromStars(s: string): Rating | null {
  if (!/^(?:[\s⭐🌟★☆]|\uFE0F)+$/u.test(s)) return null;
  return toRating([...s].filter((c) => c === "⭐" || c === "🌟" || c === "★").length);
}

function fromNumber(s: string): Rating | null {
  const keycap = /^([1-5])\uFE0F?\u20E3$/u.exec(s);
  if (keycap) return toRating(Number(keycap[1]));
  const outOf10 = /^(\d{1,2})\s*\/\s*10$/.exec(s);
  if (outOf10) return toRating(Math.max(1, Math.round(Number(outOf10[1]) / 2)));
  const m = /^(\d)(?:\s*(?:\/|من|out of)\s*5)?(?:\s*(?:stars?|نجوم|نجمات|نجمه|نجمتين))?$/.exec(s);
  return m ? toRating(Number(m[1])) : null;
}

function fromEmoji(s: string): Rating | null {
  const emoji = s.match(EMOJI_RE);
  if (!emoji || s.replace(EMOJI_RE, "").trim() !== "") return null;
  const ratings: number[] = [];
  for (const e of emoji) {
    const r = EMOJI_RATING[String.fromCodePoint(e.codePointAt(0)!)];
    if (r === undefined) return null;
    ratings.push(r);
  }
  const allHigh = ratings.every((r) => r >= 4);
  const allLow = ratings.every((r) => r <= 2);
  if (!allHigh && !allLow && new Set(ratings).size > 1) return null;
  return toRating(Math.round(ratings.reduce((a, b) => a + b, 0) / ratings.length));
}

function fromWords(s: string): Rating | null {
  const words = s
    .replace(EMOJI_RE, " ")
    .replace(/[.!?,،؛؟:;"'()\-–—*~]+/g, " ")
    .split(" ")
    .filter((w) => w && !FILLERS.has(w));
  if (words.length === 0) return null;
  const whole = phraseMap.get(words.join(" ")) ?? null;
  if (whole) return whole;

  let negated = false;
  let intensified = false;
  const rest: string[] = [];
  words.forEach((w, i) => {
    if (i === 0 && NEGATORS.has(w)) negated = true;
    else if (INTENSIFIERS.has(w)) intensified = true;
    else rest.push(w);
  });
  const key = rest.join(" ");
  // Look the word up as typed, then without "و"/"ال" and the feminine ending ("حلوه" → "حلو").
  const candidates = [
    key,
    key.replace(/^(?:و|ال|وال)/, ""),
    key.replace(/ه$/, ""),
    key.replace(/^(?:و|ال|وال)/, "").replace(/ه$/, ""),
  ];
  let base: Rating | null = /^[1-5]$/.test(key) ? toRating(Number(key)) : null;
  for (const c of candidates) {
    base ??= phraseMap.get(c) ?? wordMap.get(c) ?? squashedWordMap.get(squash(c)) ?? null;
  }
  if (!base) return null;
  if (negated) return base >= 3 ? 2 : 3;
  if (intensified && base === 4) return 5;
  if (intensified && base === 2) return 1;
  return base;
}

/** The rating a message stands for, or null when it is not (only) a rating. */
export function parseRating(text: string): Rating | null {
  const s = norm(text).replace(EDGE_PUNCT, "");
  if (!s) return null;
  return fromStars(s) ?? fromNumber(s) ?? fromEmoji(s) ?? fromWords(s);
}

const SKIP = new Set(
  [
    "skip",
    "no",
    "nope",
    "nah",
    "no thanks",
    "no thank you",
    "nothing",
    "none",
    "n/a",
    "na",
    "no comment",
    "nothing to add",
    "all good",
    "تخطي",
    "تخطى",
    "لا",
    "لا شكرا",
    "لاشكرا",
    "لا شي",
    "لاشي",
    "ولا شي",
    "مافي",
    "ما في",
    "مافي شي",
    "لا يوجد",
    "خلاص",
    "بدون تعليق",
    "لا تعليق",
    "مافي تعليق",
    "مفيش",
  ].map(norm),
);

/** "skip", "no thanks", "لا", "تخطي"…: the shopper declines to comment. */
export function isSkip(text: string): boolean {
  return SKIP.has(norm(text).replace(EDGE_PUNCT, ""));
}

const ESCAPE = new Set(
  [
    "menu",
    "main menu",
    "help",
    "human",
    "agent",
    "cancel",
    "stop",
    "القائمة",
    "قائمة",
    "القائمه الرئيسية",
    "مساعدة",
    "موظف",
    "خدمة العملاء",
    "إلغاء",
    "الغاء",
    "توقف",
  ].map(norm),
);

/** A one-word request for something else (menu, help, a human, stop): the feedback conversation steps aside. */
export function isEscapeKeyword(text: string): boolean {
  return ESCAPE.has(norm(text).replace(EDGE_PUNCT, ""));
}
